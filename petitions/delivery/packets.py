"""What a delivery carries to its decision maker: the CSV and the printable PDF (with the letter).

Every piece is built from the delivery's own signatures (`Signature.delivery`),
so a delivery sent again carries exactly what it carried the first time.
Signatures are read in chunks (`.iterator()`), never all at once.

The PDF is printed in DejaVu Sans (Latin, Greek, Cyrillic, Armenian, Georgian,
Hebrew, Arabic), with Noto Sans for the scripts of South and South-East Asia
and Ethiopia and WenQuanYi Micro Hei for Chinese, Japanese and Korean as
fallbacks (all vendored in `fonts/`; LICENSE-*.txt beside them say where each
comes from), and shaped with HarfBuzz (fpdf2's text shaping, `uharfbuzz`):
right-to-left names read right to left, Arabic letters join, Indic vowel signs
sit where they belong. A character that no font can draw (an emoji, Tibetan)
is printed as MISSING_GLYPH, and the packet says which names it spoiled
(`undrawn_names`); the CSV carries every name as typed. The CSV is written by
the project's one writer (`northstar.exports`): it starts with a UTF-8
byte-order mark, since an office's staff open it in Excel as ours do, and its
formula-like cells are neutralised. A signature's day is the organisation's.

The packet's files are made once, when the delivery is claimed, and kept
(`petitions.delivery.services.store_packet`): what was posted or emailed is what staff
download ever after, whatever the settings or the letter say today.

Emails go to a decision maker only when the petition offers it
(`Delivery.include_emails`) and the signer agreed (`share_email_with_target`).
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from northstar.days import organisation_date
from northstar.exports import csv_bytes

from ..jurisdictions import jurisdiction_name
from .letter import delivery_date, delivery_letter, long_date, organisation_name

CSV_HEADER = ("name", "zip_code", "state", "signed_on", "comment", "email")
ROWS_CHUNK_SIZE = 2000

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
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

# The signature table on a US Letter page: (heading, width in mm); comment takes the rest.
# "No." is the signature's row in the delivery's CSV (after its header).
TABLE_COLUMNS = (
    ("No.", 11),
    ("Name", 40),
    ("ZIP", 21),
    ("State", 26),
    ("Signed", 20),
    ("Comment", None),
)
TABLE_FONT_SIZE = 8
TABLE_LINE = 3.8
TABLE_PADDING = 1.2
MAX_COMMENT_CHARS = 500
# Printed for a character that none of the fonts can draw (emoji, rare scripts): the reader
# sees that something is missing, the packet lists the names it spoiled, and the CSV carries
# them in full.
MISSING_GLYPH = "?"
# Below this code point (Latin, Greek, Cyrillic, Armenian) text needs neither bidi nor shaping
# (no joining, no reordering): text that DejaVu Sans draws alone is drawn without HarfBuzz and
# without looking up fallback fonts, each several times slower.
FIRST_SHAPED_CODE_POINT = 0x0590
# Undrawn names listed one by one in the packet; past this, the packet gives their number.
MAX_UNDRAWN_LISTED = 200


@dataclass(frozen=True)
class Packet:
    """A delivery's files: the PDF and CSV bytes, and the names the PDF could not draw.

    `undrawn_names` is a list of {"row": its No. in the PDF table (its row in the CSV, after
    the header), "name": as typed}.
    """

    pdf: bytes
    csv: bytes
    undrawn_names: list


@functools.cache
def fallback_cmaps():
    """{fallback family: the code points it draws}, in FALLBACK_FONTS order; read once."""
    cmaps = {}
    for family, filename in FALLBACK_FONTS:
        font = TTFont(FONT_DIR / filename, fontNumber=0, lazy=True)
        cmaps[family] = frozenset(font.getBestCmap())
        font.close()
    return cmaps


def delivery_filename(delivery):
    """`signatures-<slug>-<jurisdiction>-<date>-<key>`: ASCII letters, digits and hyphens only."""
    slug = slugify(delivery.petition.slug)[:60].strip("-") or "petition"
    jurisdiction = slugify(delivery.target.jurisdiction) or "target"
    key = str(delivery.key).replace("-", "")[:8]
    return f"signatures-{slug}-{jurisdiction}-{delivery_date(delivery).isoformat()}-{key}"


def delivery_rows(delivery):
    """Yield (name, ZIP, state name, date signed, comment, email) per signature, oldest first.

    The email is "" unless the delivery includes emails and the signer agreed.
    """
    rows = (
        delivery.signatures.order_by("confirmed_at", "pk")
        .values_list(
            "first_name",
            "last_name",
            "zip_code",
            "state",
            "confirmed_at",
            "comment",
            "email",
            "share_email_with_target",
        )
        .iterator(chunk_size=ROWS_CHUNK_SIZE)
    )
    for first, last, zip_code, state, confirmed_at, comment, email, shares in rows:
        signed_on = organisation_date(confirmed_at).isoformat() if confirmed_at else ""
        yield (
            f"{first} {last}".strip(),
            zip_code,
            jurisdiction_name(state),
            signed_on,
            comment,
            email if delivery.include_emails and shares else "",
        )


def delivery_csv(delivery) -> bytes:
    """The delivery's signatures as CSV bytes (`northstar.exports`: UTF-8 with a byte-order
    mark, any formula-like cell made plain text), kept with the delivery and attached to
    its email."""
    return csv_bytes(CSV_HEADER, delivery_rows(delivery))


def one_line(text, limit=None):
    text = re.sub(r"\s+", " ", text).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


class PacketPDF(FPDF):
    """US Letter pages with a running header: the petition title and "Page X of Y".

    The signature table wraps its own lines (`wrap`) and prints them with
    `cell`: fpdf2's `multi_cell` measures text character by character and
    takes about a minute for a 5,000-row table.
    """

    def __init__(self, running_title):
        super().__init__(orientation="portrait", unit="mm", format="Letter")
        self.running_title = running_title
        self.fitted_title = None
        self.in_table = False
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
        self.column_widths = [
            width or self.epw - sum(w for _, w in TABLE_COLUMNS if w) for _, width in TABLE_COLUMNS
        ]

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
        if self.in_table:
            self.table_heading()

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

    def undrawn_names(self, delivery):
        """[{"row": n, "name": name}] for each signer's name that a font lacks a character of."""
        undrawn = []
        for row, (name, *_rest) in enumerate(delivery_rows(delivery), start=1):
            if not all(self.can_draw(char) for char in name):
                undrawn.append({"row": row, "name": name})
        return undrawn

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

    def letter_page(self, delivery, organisation, letter):
        target = delivery.target
        self.add_page()
        self.paragraph(organisation, 7, size=14, style="B")
        self.ln(2)
        self.paragraph(long_date(delivery_date(delivery)), 5)
        self.ln(6)
        address = [
            target.name,
            target.office_title,
            target.office,
            *target.postal_address.replace("\r\n", "\n").split("\n"),
        ]
        for line in filter(None, (line.strip() for line in address)):
            self.paragraph(line, 5)
        self.ln(6)
        self.paragraph(f"Re: {delivery.petition.title}", 5, style="B")
        self.ln(4)
        self.paragraph(letter, 5.2)

    def table_heading(self):
        self.set_font(FONT, "B", TABLE_FONT_SIZE)
        self.set_fill_color(235)
        for (heading, _), width in zip(TABLE_COLUMNS, self.column_widths, strict=True):
            self.cell(width, TABLE_LINE + 2 * TABLE_PADDING, heading, fill=True)
        self.ln(TABLE_LINE + 2 * TABLE_PADDING)
        self.set_font(FONT, "", TABLE_FONT_SIZE)

    def start_table(self, delivery, undrawn):
        self.add_page()
        count = delivery.signature_count
        noun = "signature" if count == 1 else "signatures"
        self.paragraph(f"{count:,} {noun} from {delivery.target.place}", 6, size=12, style="B")
        self.ln(2)
        if undrawn:
            self.paragraph(undrawn_notice(undrawn), 4.5, size=9)
            self.ln(3)
        self.table_heading()
        self.in_table = True

    def table_row(self, cells):
        """One signature; a row that would cross the page foot starts on the next page."""
        self.set_font(FONT, "", TABLE_FONT_SIZE)
        columns = [
            (width, self.wrap(self.printable(text), width - 2 * self.c_margin))
            for width, text in zip(self.column_widths, cells, strict=True)
        ]
        height = max(1, *(len(lines) for _, lines in columns)) * TABLE_LINE + 2 * TABLE_PADDING
        if self.will_page_break(height):
            self.add_page()
        top = self.get_y()
        x = self.l_margin
        for width, lines in columns:
            for number, line in enumerate(lines):
                self.set_xy(x, top + TABLE_PADDING + number * TABLE_LINE)
                self.cell(width, TABLE_LINE, line)
            x += width
        self.set_y(top + height)
        self.set_draw_color(215)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())


def undrawn_notice(undrawn):
    """What the packet says of the names it could not draw, by their numbers in the table."""
    count = len(undrawn)
    rows = ", ".join(str(item["row"]) for item in undrawn[:MAX_UNDRAWN_LISTED])
    if count > MAX_UNDRAWN_LISTED:
        rows += f" and {count - MAX_UNDRAWN_LISTED:,} more"
    what = f"The name No. {rows} has" if count == 1 else f"{count:,} names (No. {rows}) have"
    return (
        f"{what} characters that this document's fonts cannot draw: each is printed as "
        f'"{MISSING_GLYPH}". The CSV file of this delivery holds every name exactly as typed.'
    )


def packet_pdf(delivery):
    """(the printable packet's bytes, its undrawn names as in `Packet.undrawn_names`).

    The letter is on page 1, then a table of the signatures, numbered as in the CSV.
    """
    pdf = PacketPDF(delivery.petition.title)
    organisation = organisation_name()
    pdf.set_author(organisation)
    pdf.letter_page(delivery, organisation, delivery_letter(delivery))
    undrawn = pdf.undrawn_names(delivery)
    pdf.start_table(delivery, undrawn)
    rows = delivery_rows(delivery)
    for row, (name, zip_code, state, signed_on, comment, _email) in enumerate(rows, start=1):
        pdf.table_row(
            (
                f"{row:,}",
                one_line(name),
                zip_code,
                state,
                signed_on,
                one_line(comment, MAX_COMMENT_CHARS),
            )
        )
    return bytes(pdf.output()), undrawn


def delivery_pdf(delivery):
    """The printable packet as PDF bytes, rendered now (see `packet_pdf`)."""
    return packet_pdf(delivery)[0]


def delivery_packet(delivery):
    """A `Packet` of the delivery's files, rendered now from its signatures and today's settings."""
    pdf, undrawn = packet_pdf(delivery)
    return Packet(pdf=pdf, csv=delivery_csv(delivery), undrawn_names=undrawn)
