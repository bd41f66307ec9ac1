"""Image files as phones and editors make them, full of metadata, and a reader that says what
metadata a stored file still holds (with Pillow, and in its raw bytes).

The phone photo is issue 24's IMG_4032.jpg: GPS N 30°16′2.52″ W 97°44′35.64″, Apple
iPhone 15, taken 2026:11:30 08:15:00, Orientation 6 (turn it 90° clockwise to stand it
up), with an XMP packet, a comment and a colour profile. Its pixels are red in the top
half and blue in the bottom half as stored, so stood up the red is on the right.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

# Strings that must appear nowhere in a stored file: the place, the device, the time.
TELLTALES = (b"Apple", b"iPhone", b"2026:11:30", b"Austin", b"Maria's phone")
# What Pillow may report of a clean file: how it is encoded, nothing else.
ENCODING_ONLY = {
    *("jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"),  # JPEG
    *("progressive", "progression"),  # Wagtail's JPEG renditions
    "transparency",  # PNG
    *("background", "loop"),  # what Pillow reports of any WebP
}
# The parts of a file that hold pixels and how to draw them; any other part is metadata.
PIXEL_PARTS = {
    "JPEG": {"APP0", "DQT", "SOF0", "SOF2", "DHT", "DRI", "SOS"},
    "PNG": {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"},
    "WEBP": {"VP8 ", "VP8L", "VP8X", "ALPH"},
}

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
    b' photoshop:City="Austin" photoshop:DateCreated="2026:11:30"/></rdf:RDF></x:xmpmeta>'
)
RED, BLUE = (220, 20, 20), (20, 20, 220)


def phone_exif(orientation=6):
    """EXIF as an iPhone writes it: make, model, the time taken and the GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:11:30 08:15:00"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:30 08:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 16.0, 2.52)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (97.0, 44.0, 35.64)
    return exif


def two_tone(width, height, mode="RGB"):
    """Red in the top half, blue in the bottom half."""
    image = Image.new(mode, (width, height), BLUE)
    image.paste(RED, (0, 0, width, height // 2))
    return image


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg(name="IMG_4032.jpg", width=600, height=400):
    """Issue 24's phone photo (see the module docstring), `width`×`height` as stored."""
    buffer = io.BytesIO()
    two_tone(width, height).save(
        buffer,
        "JPEG",
        exif=phone_exif(),
        xmp=XMP,
        comment=b"Maria's phone",
        icc_profile=srgb_profile(),
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def tagged_png(name="IMG_4032.png", width=600, height=400):
    """A PNG with tEXt, zTXt and iTXt chunks (XMP among them), a tIME chunk and an eXIf
    chunk holding the phone's EXIF."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Maria's phone")
    info.add_text("Comment", "Austin, 2026:11:30", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add(b"tIME", bytes([0x07, 0xEA, 11, 30, 8, 15, 0]))  # 2026-11-30 08:15:00
    buffer = io.BytesIO()
    two_tone(width, height, "RGBA").save(buffer, "PNG", pnginfo=info, exif=phone_exif(1))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def tagged_webp(name="IMG_4032.webp", width=600, height=400):
    """A WebP with the phone's EXIF and an XMP packet."""
    buffer = io.BytesIO()
    two_tone(width, height).save(buffer, "WEBP", exif=phone_exif(1), xmp=XMP, quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/webp")


def truncated_png(name="maria.png"):
    """A 600×400 PNG cut off halfway: its signature and header (600×400, RGB) are whole, its
    pixels stop short ("image file is truncated")."""
    buffer = io.BytesIO()
    two_tone(600, 400).save(buffer, "PNG")
    content = buffer.getvalue()
    return SimpleUploadedFile(name, content[: len(content) // 2], content_type="image/png")


def corrupted_jpeg(name="maria.jpg"):
    """A 600×400 JPEG whose bytes after its first 20 (the start marker and the JFIF header)
    are scrambled: it starts as a JPEG should, and Pillow cannot read it."""
    buffer = io.BytesIO()
    two_tone(600, 400).save(buffer, "JPEG")
    content = buffer.getvalue()
    scrambled = content[:20] + bytes(byte ^ 0x55 for byte in content[20:])
    return SimpleUploadedFile(name, scrambled, content_type="image/jpeg")


def metadata_in(content: bytes) -> dict:
    """What `content` (an image file's bytes) still holds beyond its pixels, read with Pillow
    and from its raw bytes: EXIF tags, GPS tags, info keys that are not about the encoding
    (XMP, ICC profile, comments, PNG text), and telltale strings. Empty when clean."""
    found = {}
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        if exif:
            found["exif"] = dict(exif)
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            found["gps"] = exif.get_ifd(ExifTags.IFD.GPSInfo)
        extra = set(image.info) - ENCODING_ONLY
        if extra:
            found["info"] = sorted(extra)
        if getattr(image, "text", None):
            found["text"] = image.text
        other_parts = set(parts(content, image.format)) - PIXEL_PARTS[image.format]
    if other_parts:
        found["parts"] = sorted(other_parts)
    telltales = [word for word in TELLTALES if word in content]
    if telltales:
        found["telltales"] = telltales
    return found


def parts(content: bytes, image_format: str) -> list[str]:
    """The names of the parts of a JPEG (markers before the picture data: "APP1", "COM"),
    PNG (chunk types: "tEXt") or WebP (RIFF chunks: "EXIF") file, in order."""
    found = []
    if image_format == "JPEG":
        names = {0xC0: "SOF0", 0xC2: "SOF2", 0xC4: "DHT", 0xDB: "DQT", 0xDD: "DRI", 0xDA: "SOS"}
        names |= {0xE0 + n: f"APP{n}" for n in range(16)} | {0xFE: "COM"}
        at = 2  # after SOI
        while content[at] == 0xFF:
            marker = content[at + 1]
            found.append(names.get(marker, f"{marker:02X}"))
            if marker == 0xDA:  # the picture data follows
                break
            at += 2 + int.from_bytes(content[at + 2 : at + 4], "big")
    elif image_format == "PNG":
        at = 8  # after the signature
        while at < len(content):
            length = int.from_bytes(content[at : at + 4], "big")
            found.append(content[at + 4 : at + 8].decode("latin-1"))
            at += 12 + length
    elif image_format == "WEBP":
        at = 12  # after "RIFF", the size and "WEBP"
        while at < len(content):
            length = int.from_bytes(content[at + 4 : at + 8], "little")
            found.append(content[at : at + 4].decode("latin-1"))
            at += 8 + length + length % 2
    return found


def pixel(content: bytes, x: int, y: int):
    with Image.open(io.BytesIO(content)) as image:
        return image.convert("RGB").getpixel((x, y))


def looks_like(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))
