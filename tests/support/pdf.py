"""The text of a PDF, read with pypdf (from the dev extra), not with a binary nothing installs."""

import io
import re
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader

# A shaped cluster drawn with several glyphs (a Devanagari vowel sign before its consonant,
# a Thai tone mark) carries its text on one glyph; the others have no text of their own, and
# pypdf returns their raw codes, which are control characters. No packet prints one.
GLYPHS_WITHOUT_TEXT = re.compile(r"[\x00-\x09\x0b-\x0c\x0e-\x1f]")
PAGE_BREAK = "\f"


def pdf_text(pdf):
    """The text of every page of `pdf` (bytes, or a path to the file), pages joined by "\\f".

    Lines come out in reading order, right-to-left runs in logical order (as typed).
    """
    data = Path(pdf).read_bytes() if isinstance(pdf, str | Path) else bytes(pdf)
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        pages.append(GLYPHS_WITHOUT_TEXT.sub("", page.extract_text() or ""))
    return PAGE_BREAK.join(pages)


def pdf_glyph_code_points(pdf):
    """The code points of the glyphs embedded in `pdf`'s fonts (a set of ints), on every page.

    A shaped Arabic word embeds the joined forms (U+FE70-U+FEFF) of its letters, not the
    letters themselves: this tells joined text from unjoined, which reads the same as text.
    """
    data = Path(pdf).read_bytes() if isinstance(pdf, str | Path) else bytes(pdf)
    points = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    embedded = descriptor["/FontFile2"].get_object().get_data()
                    points |= set(TTFont(io.BytesIO(embedded)).getBestCmap())
    return points
