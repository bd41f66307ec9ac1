"""Uploaded images keep nothing that tells a place, a device or a time.

A phone photo carries its GPS position, the phone's make and model and the moment it was
taken (EXIF, XMP); a PNG carries text chunks, a WebP its own EXIF and XMP. Every Wagtail
image, whoever uploads it and however (the supporter's start and edit forms, the admin's
single, multiple and chooser uploads, code that saves an image with a new file), goes
through `scrub_new_file`, a `pre_save` receiver on the image model connected in
`northstar.apps`: before the file reaches storage its pixels are decoded, turned upright
(the EXIF orientation applied), converted to sRGB if they carry a colour profile, and
encoded again with nothing else; the stored original gets a random name.

Renditions need nothing of their own: Willow copies only the original's EXIF and colour
profile into them, and a clean original has neither. Wagtail names a rendition after the
first (at most 48) characters of its original's name, so the original's 64 random
characters end in 16 (64 bits) that no page shows: a visitor who sees a rendition's
address cannot work out the original's.

A file that starts like an image but Pillow cannot decode (damaged, cut short) is refused
by the upload form, never by the receiver: every form that uploads an image uses
`ImageFileField`, which turns Pillow's errors into the field's "invalid_image" message
(the supporter's `campaigns.forms.PhotoField` is one; the admin's image forms get one
from `northstar.image_forms.ImageForm`, the WAGTAILIMAGES_IMAGE_FORM_BASE).
"""

import io
import os
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageCms, ImageOps
from wagtail.images.fields import WagtailImageField
from wagtail.utils.file import hash_filelike

# Pillow's format name -> the format the clean file is written in, and its extension.
# Uploads are only ever JPEG, PNG or WebP (WAGTAILIMAGES_EXTENSIONS); an iPhone's JPEG
# opens as MPO (its extra pictures, each with its own EXIF, are left out). Anything else
# stored before this module existed (GIF, AVIF, HEIC) is written as a PNG.
CLEAN_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
FALLBACK_FORMAT = "PNG"
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}

# What a clean file may still say about itself when Pillow opens it: how it is encoded,
# never who, where or when.
HARMLESS_INFO = frozenset(
    {
        "adobe",
        "adobe_transform",
        "background",  # WebP: the canvas colour and loop count Pillow reports of any WebP
        "dpi",
        "jfif",
        "jfif_density",
        "jfif_unit",
        "jfif_version",
        "loop",
        "progression",
        "progressive",
        "transparency",
    }
)
# What Pillow raises for a file it cannot decode: `UnidentifiedImageError` (an OSError),
# "image file is truncated" (OSError), "broken PNG file" or "no marker found"
# (SyntaxError), a bad mode or size (ValueError), too many pixels.
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)
RANDOM_NAME = re.compile(r"original_images/[0-9a-f]{64}\.(jpg|png|webp)")


class UnreadableImage(ValueError):
    """Pillow cannot decode the file, so it cannot be cleaned (and is not stored)."""


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image: `content` (bytes), `name` ("<64 hex>.jpg"), `width` and `height`
    (pixels, upright)."""

    content: bytes
    name: str
    width: int
    height: int


def clean_image(source) -> CleanImage:
    """Decode `source` (a binary file object), apply its EXIF orientation, convert it to sRGB
    and encode it again with no EXIF, XMP, IPTC, comments, text chunks, thumbnails or colour
    profile, under a new random name. Raises UnreadableImage if Pillow cannot decode it."""
    try:
        with Image.open(source) as opened:
            output_format = CLEAN_FORMATS.get(opened.format, FALLBACK_FORMAT)
            pixels = in_srgb(ImageOps.exif_transpose(opened))
    except PILLOW_ERRORS as exc:
        raise UnreadableImage(str(exc)) from exc
    transparency = pixels.info.get("transparency")
    pixels.info = {} if transparency is None else {"transparency": transparency}
    if output_format == "PNG" and pixels.mode == "CMYK":
        pixels = pixels.convert("RGB")
    buffer = io.BytesIO()
    pixels.save(buffer, output_format, **SAVE_OPTIONS[output_format])
    name = f"{secrets.token_hex(32)}.{EXTENSIONS[output_format]}"
    return CleanImage(buffer.getvalue(), name, pixels.width, pixels.height)


class ImageFileField(WagtailImageField):
    """Wagtail's image upload field, which refuses a file Pillow cannot decode with the field's
    "invalid_image" message instead of letting Pillow's error through (a 500).

    Wagtail reads the size through Willow, which loads every pixel with Pillow: a file this
    field accepts is one `clean_image` can decode, so `scrub_new_file` never meets one it
    cannot read."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except PILLOW_ERRORS as exc:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc


def media_types(extensions) -> list[str]:
    """The media types of files named with `extensions` ("jpg", "png"), each once, in order:
    ["image/jpeg", "image/png"] (for an `accept` attribute)."""
    by_extension = Image.registered_extensions()
    return list(dict.fromkeys(Image.MIME[by_extension[f".{ext}"]] for ext in extensions))


def in_srgb(pixels: Image.Image) -> Image.Image:
    """`pixels` converted from their embedded colour profile to sRGB (which a browser assumes
    of an image with none), so the profile, which can name a device, can be left out. An
    image with no profile, or one LittleCMS cannot use, is returned as it is."""
    profile = pixels.info.get("icc_profile")
    if not profile:
        return pixels
    source = pixels.convert("RGBA") if pixels.mode in ("P", "PA", "LA") else pixels
    try:
        return ImageCms.profileToProfile(
            source,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if "A" in source.mode else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return pixels


def is_clean(image) -> bool:
    """Whether `image`'s stored original has a random name and, opened with Pillow, shows
    no EXIF, XMP, text or colour profile (what `clean_image` writes)."""
    if not RANDOM_NAME.fullmatch(image.file.name):
        return False
    try:
        with image.open_file() as f, Image.open(f) as opened:
            return not opened.getexif() and set(opened.info) <= HARMLESS_INFO
    except OSError:  # unreadable: `clean_image` says why
        return False


def scrub_new_file(sender, instance, raw=False, update_fields=None, **kwargs):
    """`pre_save` receiver on the image model: a file not yet in storage (or put there by
    the caller for a row being created, or newly assigned to an existing row) is replaced
    by its clean copy (`clean_image`), and width, height, file_size and file_hash are set
    from it. A file the caller already stored is deleted after commit unless another image
    uses it. Raises UnreadableImage (nothing is saved) if Pillow cannot decode the file."""
    file = instance.file
    if raw or not file or (update_fields is not None and "file" not in update_fields):
        return
    stored = file.name if file._committed else None
    already_its_own = (
        stored
        and not instance._state.adding
        and sender.objects.filter(pk=instance.pk, file=stored).exists()
    )
    if already_its_own:
        return
    if stored:
        with file.storage.open(stored, "rb") as f:
            clean = clean_image(f)
    else:
        file.open("rb")  # from its start (Wagtail read it to hash it); left open
        clean = clean_image(file)
    instance.file = ContentFile(clean.content, name=clean.name)
    instance.width, instance.height = clean.width, clean.height
    instance.file_size = len(clean.content)
    instance.file_hash = hash_filelike(io.BytesIO(clean.content))
    if stored:
        storage = instance.file.storage
        transaction.on_commit(lambda: delete_unless_used(sender, storage, stored))


def delete_unless_used(image_model, storage, name: str) -> None:
    """Delete the stored file `name` unless an image row still refers to it."""
    if not image_model.objects.filter(file=name).exists():
        storage.delete(name)


def scrub_stored_image(image) -> bool:
    """Rewrite `image`'s stored original through `scrub_new_file` (clean, renamed) and delete
    its renditions (made again, clean, when next asked for) and its old file. An image
    already clean is left alone. Returns whether it was rewritten. Raises UnreadableImage
    if Pillow cannot decode the file, OSError if storage cannot read it or Willow finds no
    image in it; either way the row and its file stay as they were."""
    if is_clean(image):
        return False
    old_name = image.file.name
    with image.open_file() as f:
        content = f.read()
    image.file = ContentFile(content, name=os.path.basename(old_name))
    image.save()
    image.renditions.all().delete()
    storage = image.file.storage
    transaction.on_commit(lambda: delete_unless_used(type(image), storage, old_name))
    return True
