"""No stored image keeps metadata that tells a place, a device or a time, whoever uploads it
and however (northstar/images.py); each case reads the stored original and its renditions
back with Pillow (tests/support/photos.py)."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models.signals import pre_save
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile
from wagtail.utils.file import hash_filelike

from northstar.images import scrub_new_file
from tests.support.photos import (
    BLUE,
    RED,
    corrupted_jpeg,
    looks_like,
    metadata_in,
    phone_exif,
    phone_jpeg,
    pixel,
    tagged_png,
    tagged_webp,
    truncated_png,
    two_tone,
)

pytestmark = pytest.mark.django_db

Image = get_image_model()
RANDOM_ORIGINAL = re.compile(r"original_images/[0-9a-f]{64}\.(jpg|png|webp)")
# The renditions pages ask for (the fundraiser page, its edit form, heroes, body images,
# the logo), the admin's thumbnails, and other formats.
FILTERS = [
    "fill-720x540-c75",
    "fill-240x180-c75",
    "width-1600",
    "width-1200",
    "height-72",
    "max-165x165",
    "original",
    "format-png",
    "format-webp",
    "format-jpeg",
]
UPLOADS = {"jpeg": phone_jpeg, "png": tagged_png, "webp": tagged_webp}
# Files that start as an image should (extension, signature, header) and Pillow cannot read.
DAMAGED = {"truncated PNG": truncated_png, "corrupted JPEG": corrupted_jpeg}
NOT_AN_IMAGE = (
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(file_field):
    with file_field.storage.open(file_field.name, "rb") as f:
        return f.read()


def files_in(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file())


def image_from(upload, **fields):
    """An image saved straight through the model, as code outside any form would."""
    return Image.objects.create(title="Maria", file=ImageFile(upload, name=upload.name), **fields)


@pytest.fixture
def unscrubbed():
    """Images saved meanwhile are stored as they came, as before northstar/images.py."""
    pre_save.disconnect(scrub_new_file, sender=Image, dispatch_uid="scrub_image")
    yield
    pre_save.connect(scrub_new_file, sender=Image, dispatch_uid="scrub_image")


@pytest.mark.parametrize("kind", UPLOADS)
def test_the_stored_original_keeps_no_metadata(kind):
    image = image_from(UPLOADS[kind]())

    assert metadata_in(stored(image.file)) == {}


@pytest.mark.parametrize("kind", UPLOADS)
def test_the_stored_original_keeps_its_format(kind):
    image = image_from(UPLOADS[kind]())

    with PILImage.open(io.BytesIO(stored(image.file))) as opened:
        assert opened.format == kind.upper()


def test_a_photo_taken_sideways_is_stored_upright():
    image = image_from(phone_jpeg(width=600, height=400))

    content = stored(image.file)
    with PILImage.open(io.BytesIO(content)) as opened:
        assert opened.size == (400, 600)
    # Red was the stored top; turned 90° clockwise it is the right-hand side.
    assert looks_like(pixel(content, 380, 300), RED)
    assert looks_like(pixel(content, 20, 300), BLUE)


def test_a_phone_jpeg_with_a_second_picture_is_stored_as_one_plain_jpeg():
    # Phones write a depth or HDR map as a second picture (MPO), with its own EXIF.
    first, second = two_tone(600, 400), two_tone(300, 200)
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=phone_exif())
    image = image_from(ContentFile(buffer.getvalue(), name="IMG_4032.jpg"))

    content = stored(image.file)
    with PILImage.open(io.BytesIO(content)) as opened:
        assert (opened.format, opened.size, getattr(opened, "n_frames", 1)) == (
            "JPEG",
            (400, 600),
            1,
        )
    assert metadata_in(content) == {}


def test_the_stored_original_has_a_random_name_not_the_uploaded_one():
    first, second = image_from(phone_jpeg()), image_from(phone_jpeg())

    assert RANDOM_ORIGINAL.fullmatch(first.file.name)
    assert "IMG_4032" not in first.file.name
    assert first.file.name != second.file.name
    assert not default_storage.exists("original_images/IMG_4032.jpg")


def test_width_height_size_and_hash_describe_the_stored_file():
    image = image_from(phone_jpeg(width=600, height=400))
    image.refresh_from_db()

    content = stored(image.file)
    with PILImage.open(io.BytesIO(content)) as opened:
        assert (image.width, image.height) == opened.size == (400, 600)
    assert image.file_size == len(content)
    assert image.file_hash == hash_filelike(io.BytesIO(content))


@pytest.mark.parametrize("kind", UPLOADS)
@pytest.mark.parametrize("spec", FILTERS)
def test_every_rendition_keeps_no_metadata(kind, spec):
    rendition = image_from(UPLOADS[kind]()).get_rendition(spec)

    assert metadata_in(stored(rendition.file)) == {}


def test_a_rendition_of_a_photo_taken_sideways_is_upright():
    rendition = image_from(phone_jpeg(width=600, height=400)).get_rendition("width-300")

    content = stored(rendition.file)
    assert (rendition.width, rendition.height) == (300, 450)
    assert looks_like(pixel(content, 280, 225), RED)
    assert looks_like(pixel(content, 20, 225), BLUE)


def test_no_rendition_name_gives_away_the_originals_name():
    image = image_from(phone_jpeg())
    image.set_focal_point(None)
    secret_end = image.file.name[-20:-4]  # the last 16 of the 64 random characters

    names = [image.get_rendition(spec).file.name for spec in [*FILTERS, "width-1", "scale-1"]]

    assert all("IMG_4032" not in name for name in names)
    assert all(secret_end not in name for name in names)


def test_saving_an_image_again_leaves_its_file_as_it_is():
    image = image_from(phone_jpeg())
    name, file_hash = image.file.name, image.file_hash

    image.title = "Maria at the start line"
    image.save()

    image.refresh_from_db()
    assert (image.file.name, image.file_hash) == (name, file_hash)


def test_a_file_already_in_storage_given_to_a_new_image_is_cleaned_and_its_copy_removed(
    django_capture_on_commit_callbacks,
):
    upload = phone_jpeg()
    kept = default_storage.save("original_images/IMG_4032.jpg", ContentFile(upload.read()))
    image = Image(title="Maria")
    image.file.name = kept

    with django_capture_on_commit_callbacks(execute=True):
        image.save()

    assert RANDOM_ORIGINAL.fullmatch(image.file.name)
    assert metadata_in(stored(image.file)) == {}
    assert not default_storage.exists(kept)


def test_a_file_pillow_cannot_decode_is_not_stored():
    upload = ContentFile(b"\xff\xd8\xff\xe0 not really a photo", name="IMG_4032.jpg")

    with pytest.raises(ValueError):
        Image.objects.create(title="Maria", file=upload, width=1, height=1)

    assert not Image.objects.exists()


def test_a_staff_upload_in_the_admin_is_cleaned(staff_client):
    response = staff_client.post(
        reverse("wagtailimages:add"),
        {"title": "Maria", "file": phone_jpeg(), "collection": Collection.get_first_root_node().pk},
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert RANDOM_ORIGINAL.fullmatch(image.file.name)
    assert metadata_in(stored(image.file)) == {}
    assert (image.width, image.height) == (400, 600)
    assert image.file_size == len(stored(image.file))


def test_a_staff_upload_of_several_images_is_cleaned(staff_client):
    response = staff_client.post(reverse("wagtailimages:add_multiple"), {"files[]": tagged_webp()})

    assert response.json()["success"]
    image = Image.objects.get()
    assert RANDOM_ORIGINAL.fullmatch(image.file.name)
    assert metadata_in(stored(image.file)) == {}
    assert image.file_hash == hash_filelike(io.BytesIO(stored(image.file)))


def test_an_upload_from_the_image_chooser_is_cleaned(staff_client):
    response = staff_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Maria",
            "image-chooser-upload-file": tagged_png(),
            "image-chooser-upload-collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 200
    image = Image.objects.get()
    assert RANDOM_ORIGINAL.fullmatch(image.file.name)
    assert metadata_in(stored(image.file)) == {}


def test_a_file_replaced_in_the_admin_is_cleaned_and_its_renditions_made_again(staff_client):
    image = image_from(tagged_png())
    image.get_rendition("width-100")

    staff_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Maria",
            "file": phone_jpeg(),
            "collection": image.collection_id,
        },
    )

    image.refresh_from_db()
    assert image.file.name.endswith(".jpg")
    assert metadata_in(stored(image.file)) == {}
    assert metadata_in(stored(image.get_rendition("width-100").file)) == {}


@pytest.mark.parametrize("extension, fmt", [("gif", "GIF"), ("tiff", "TIFF"), ("bmp", "BMP")])
def test_staff_cannot_upload_a_format_that_is_not_cleaned(staff_client, extension, fmt):
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), "teal").save(buffer, fmt)
    upload = ContentFile(buffer.getvalue(), name=f"maria.{extension}")

    response = staff_client.post(
        reverse("wagtailimages:add"),
        {"title": "Maria", "file": upload, "collection": Collection.get_first_root_node().pk},
    )

    assert "Supported formats: JPG, JPEG, PNG, WEBP." in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED)
def test_a_damaged_file_uploaded_in_the_admin_is_refused_with_a_message(
    staff_client, media_root, damaged
):
    response = staff_client.post(
        reverse("wagtailimages:add"),
        {"title": "Maria", "file": damaged(), "collection": Collection.get_first_root_node().pk},
    )

    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Image.objects.exists()
    assert files_in(media_root) == []


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED)
def test_a_damaged_file_among_several_uploads_is_refused_with_a_message(
    staff_client, media_root, damaged
):
    response = staff_client.post(reverse("wagtailimages:add_multiple"), {"files[]": damaged()})

    assert response.status_code == 200
    assert response.json() == {"success": False, "error_message": NOT_AN_IMAGE}
    assert not Image.objects.exists()
    assert not UploadedFile.objects.exists()
    assert files_in(media_root) == []


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED)
def test_a_damaged_file_uploaded_from_the_image_chooser_is_refused_with_a_message(
    staff_client, media_root, damaged
):
    response = staff_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Maria",
            "image-chooser-upload-file": damaged(),
            "image-chooser-upload-collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 200
    assert response.json()["step"] == "reshow_creation_form"
    assert NOT_AN_IMAGE in response.json()["htmlFragment"]
    assert not Image.objects.exists()
    assert files_in(media_root) == []


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED)
def test_a_damaged_file_replacing_an_image_in_the_admin_is_refused_and_the_image_kept(
    staff_client, media_root, damaged
):
    image = image_from(tagged_png())
    originals = media_root / "original_images"
    kept_name, kept_content, kept_files = image.file.name, stored(image.file), files_in(originals)

    response = staff_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Maria", "file": damaged(), "collection": image.collection_id},
    )

    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    image.refresh_from_db()
    assert image.file.name == kept_name
    assert stored(image.file) == kept_content
    assert Image.objects.count() == 1
    assert files_in(originals) == kept_files  # (the page shows renditions of the kept one)


def test_the_scrub_command_cleans_what_was_stored_before_and_drops_its_renditions(
    unscrubbed, django_capture_on_commit_callbacks
):
    image = image_from(phone_jpeg(width=600, height=400))
    rendition = image.get_rendition("fill-720x540-c75")
    old_name, old_rendition = image.file.name, rendition.file.name
    assert metadata_in(stored(image.file)) != {}  # as it was stored before
    pre_save.connect(scrub_new_file, sender=Image, dispatch_uid="scrub_image")
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("scrub_image_metadata", stdout=out)

    image.refresh_from_db()
    content = stored(image.file)
    assert RANDOM_ORIGINAL.fullmatch(image.file.name)
    assert metadata_in(content) == {}
    assert (image.width, image.height, image.file_size) == (400, 600, len(content))
    assert image.file_hash == hash_filelike(io.BytesIO(content))
    assert not default_storage.exists(old_name)
    assert not default_storage.exists(old_rendition)
    assert not image.renditions.exists()
    assert metadata_in(stored(image.get_rendition("fill-720x540-c75").file)) == {}
    assert "1 image(s) rewritten, 0 already clean, 0 unreadable." in out.getvalue()


def test_the_scrub_command_run_again_changes_nothing(unscrubbed):
    image_from(tagged_png())
    pre_save.connect(scrub_new_file, sender=Image, dispatch_uid="scrub_image")
    clean = image_from(phone_jpeg())
    call_command("scrub_image_metadata", stdout=io.StringIO())
    names = sorted(Image.objects.values_list("file", "file_hash"))
    out = io.StringIO()

    call_command("scrub_image_metadata", stdout=out)

    assert sorted(Image.objects.values_list("file", "file_hash")) == names
    assert clean.file.name in [name for name, _ in names]
    assert "0 image(s) rewritten, 2 already clean, 0 unreadable." in out.getvalue()


def test_the_scrub_command_reports_an_image_it_cannot_read_and_goes_on(unscrubbed, media_root):
    broken = image_from(phone_jpeg(name="broken.jpg"))
    (media_root / broken.file.name).write_bytes(b"not an image")  # damaged in storage
    image_from(tagged_webp())
    pre_save.connect(scrub_new_file, sender=Image, dispatch_uid="scrub_image")
    out = io.StringIO()

    call_command("scrub_image_metadata", stdout=out)

    assert f"Image {broken.pk} (original_images/broken.jpg) left as it was" in out.getvalue()
    assert "1 image(s) rewritten, 0 already clean, 1 unreadable." in out.getvalue()
