from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from northstar.images import UnreadableImage, scrub_stored_image


class Command(BaseCommand):
    help = (
        "Rewrite every stored image that still carries metadata (EXIF, XMP, text chunks, "
        "a colour profile) or its uploaded name, as new uploads are stored: upright, clean, "
        "under a random name; its renditions are deleted, to be made again from the clean "
        "file. Safe to run again: a clean image is left alone."
    )

    def handle(self, *args, **options):
        rewritten = clean = failed = 0
        for image in get_image_model().objects.order_by("pk").iterator(chunk_size=100):
            name = image.file.name
            try:
                changed = scrub_stored_image(image)
            except (UnreadableImage, OSError) as exc:
                failed += 1
                self.stdout.write(
                    self.style.ERROR(f"Image {image.pk} ({name}) left as it was: {exc}")
                )
                continue
            if changed:
                rewritten += 1
            else:
                clean += 1
        summary = f"{rewritten} image(s) rewritten, {clean} already clean, {failed} unreadable."
        self.stdout.write(self.style.WARNING(summary) if failed else self.style.SUCCESS(summary))
