"""PDF documents the site prints (a petition's delivery packet, a donor's receipt), in any
script a supporter's name is typed in.

Printed in DejaVu Sans (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic), with
Noto Sans for the scripts of South and South-East Asia and Ethiopia and WenQuanYi Micro Hei
for Chinese, Japanese and Korean as fallbacks (all vendored in `site/fonts/`; LICENSE-*.txt
beside them say where each comes from), and shaped with HarfBuzz (fpdf2's text shaping,
`uharfbuzz`): right-to-left names read right to left, Arabic letters join, Indic vowel signs
sit where they belong. A character that no font can draw (an emoji, Tibetan) is printed as
MISSING_GLYPH (`PrintedPDF.printable`).
"""

import functools
import re
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
# Tried in this order for a character DejaVu Sans lacks: (family, file in FONT_DIR).
FALLBACK_FONTS = (
    ("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf"),
    ("NotoSansBengali", "NotoSansBengali-Regular.ttf"),
    ("NotoSansGurmukhi", "NotoSansGurmukhi-Regular.ttf"),
    ("NotoSansGujarati", "NotoSansGujarati-Regular.ttf"),
    ("NotoSansOriya", "NotoSansOriya-Regular.ttf"),
    ("NotoSansTamil", "NotoSansTamil-Regular.ttf"),
    ("NotoSansTelugu", "NotoSansTelugu-Regular.ttf"),
    ("NotoSansKannada", "NotoSansKannada-Regular.ttf"),
    ("NotoSansMalayalam", "NotoSansMalayalam-Regular.ttf"),
    ("NotoSansSinhala", "NotoSansSinhala-Regular.ttf"),
    ("NotoSansThai", "NotoSansThai-Regular.ttf"),
    ("NotoSansLao", "NotoSansLao-Regular.ttf"),
    ("NotoSansKhmer", "NotoSansKhmer-Regular.ttf"),
    ("NotoSansMyanmar", "NotoSansMyanmar-Regular.ttf"),
    ("NotoSansEthiopic", "NotoSansEthiopic-Regular.ttf"),
    ("WenQuanYiMicroHei", "WenQuanYiMicroHei.ttc"),
)

# Printed for a character that none of the fonts can draw (emoji, rare scripts): the reader
# sees that something is missing, the packet lists the names it spoiled, and the CSV carries
# them in full.
MISSING_GLYPH = "?"
# Below this code point (Latin, Greek, Cyrillic, Armenian) text needs neither bidi nor shaping
# (no joining, no reordering): text that DejaVu Sans draws alone is drawn without HarfBuzz and
# without looking up fallback fonts, each several times slower.
FIRST_SHAPED_CODE_POINT = 0x0590


@functools.cache
def fallback_cmaps():
    """{fallback family: the code points it draws}, in FALLBACK_FONTS order; read once."""
    cmaps = {}
    for family, filename in FALLBACK_FONTS:
        font = TTFont(FONT_DIR / filename, fontNumber=0, lazy=True)
        cmaps[family] = frozenset(font.getBestCmap())
        font.close()
    return cmaps


def one_line(text, limit=None):
    text = re.sub(r"\s+", " ", text).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


class PrintedPDF(FPDF):
    """US Letter pages with a running header (`running_title` and "Page X of Y"), printing
    any script: DejaVu Sans, the fallback fonts loaded as text needs them, HarfBuzz shaping
    only for text that needs it."""

    def __init__(self, running_title):
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.running_title = running_title
        self.fitted_title = None
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.plain = {
            code for code in self.fonts[FONT.lower()].cmap if code < FIRST_SHAPED_CODE_POINT
        }
        self.drawable = set(self.fonts[FONT.lower()].cmap).union(*fallback_cmaps().values())
        self.fallbacks = []
        self.set_text_shaping(True)
        self.shaping = self.text_shaping
        self.shaped = True
        self.set_margins(left=20, top=14, right=20)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(running_title)

    def header(self):
        self.set_font(FONT, "", 8)
        self.set_text_color(90)
        page_width = 30
        if self.fitted_title is None:
            title = self.printable(self.running_title)
            self.fitted_title = self.fit(title, self.epw - page_width - 2)
        self.cell(self.epw - page_width, 5, self.fitted_title)
        page = f"Page {self.page_no()} of {self.str_alias_nb_pages}"
        self.cell(page_width, 5, page, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(6)
        self.set_text_color(0)

    def fit(self, text, width):
        """`text` on one line, shortened with an ellipsis to fit `width` in the current font."""
        text = one_line(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def shape_if_needed(self, text):
        """Shape `text` with HarfBuzz and the fallback fonts, unless DejaVu Sans draws it plainly.

        A fallback font is loaded (and embedded) only once some text needs it.
        """
        shaped = not all(ord(char) in self.plain for char in text)
        if shaped:
            self.load_fallbacks_for(text)
        if shaped != self.shaped:
            self.shaped = shaped
            self.text_shaping = self.shaping if shaped else None
            # Bold text (headings, the organisation) falls back to the regular face.
            self.set_fallback_fonts(self.fallbacks if shaped else [], exact_match=False)

    def load_fallbacks_for(self, text):
        """Add the first fallback font for each character of `text` that DejaVu Sans lacks."""
        main = self.fonts[FONT.lower()].cmap
        added = False
        for char in set(text):
            code = ord(char)
            if code in main:
                continue
            for family, cmap in fallback_cmaps().items():
                if code in cmap:
                    if family not in self.fallbacks:
                        self.add_font(family, "", FONT_DIR / dict(FALLBACK_FONTS)[family])
                        self.fallbacks.append(family)
                        added = True
                    break
        if added:
            order = [family for family, _ in FALLBACK_FONTS]
            self.fallbacks.sort(key=order.index)
            if self.shaped:
                self.set_fallback_fonts(self.fallbacks, exact_match=False)

    def cell(self, w=None, h=None, text="", *args, **kwargs):
        self.shape_if_needed(text)
        return super().cell(w, h, text, *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        self.shape_if_needed(text)
        return super().multi_cell(w, h, text, *args, **kwargs)

    def get_string_width(self, s, *args, **kwargs):
        self.shape_if_needed(s)
        return super().get_string_width(s, *args, **kwargs)

    def can_draw(self, char):
        """True if one of the fonts has `char`, or it needs no glyph (a space, a joiner)."""
        return (
            ord(char) in self.drawable
            or char.isspace()
            or unicodedata.category(char) in ("Cc", "Cf")
        )

    def printable(self, text):
        """`text` with each character that no font can draw replaced by MISSING_GLYPH."""
        return "".join(char if self.can_draw(char) else MISSING_GLYPH for char in text)

    def wrap(self, text, width):
        """`text` broken into lines of at most `width` at spaces (inside a word if it must)."""
        lines = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if self.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and self.get_string_width(word) > width:
                cut = self.longest_fitting_prefix(word, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
        return lines

    def longest_fitting_prefix(self, word, width):
        """How many leading characters of `word` fit in `width` (at least one)."""
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if self.get_string_width(word[:middle]) <= width:
                low = middle
            else:
                high = middle - 1
        return low

    def paragraph(self, text, height, size=10, style=""):
        self.set_font(FONT, style, size)
        self.multi_cell(0, height, self.printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
