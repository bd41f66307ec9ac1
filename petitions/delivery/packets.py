"""What a delivery carries to its decision maker: the CSV and the printable PDF (with the letter).

Every piece is built from the delivery's own signatures (`Signature.delivery`),
so a delivery sent again carries exactly what it carried the first time.
Signatures are read in chunks (`.iterator()`), never all at once.

The PDF is printed by the site's one printer (`northstar.pdf.PrintedPDF`: DejaVu Sans with
fallback fonts for other scripts, shaped with HarfBuzz). A character that no font can draw
(an emoji, Tibetan) is printed as MISSING_GLYPH, and the packet says which names it spoiled
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

from dataclasses import dataclass

from django.utils.text import slugify

from northstar.days import organisation_date
from northstar.exports import csv_bytes
from northstar.pdf import FONT, MISSING_GLYPH, PrintedPDF, one_line

from ..jurisdictions import jurisdiction_name
from .letter import delivery_date, delivery_letter, long_date, organisation_name

CSV_HEADER = ("name", "zip_code", "state", "signed_on", "comment", "email")
ROWS_CHUNK_SIZE = 2000

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


class PacketPDF(PrintedPDF):
    """A delivery's packet: the letter, then the signature table, which wraps its own lines
    (`wrap`) and prints them with `cell`: fpdf2's `multi_cell` measures text character by
    character and takes about a minute for a 5,000-row table."""

    def __init__(self, running_title):
        super().__init__(running_title)
        self.in_table = False
        self.column_widths = [
            width or self.epw - sum(w for _, w in TABLE_COLUMNS if w) for _, width in TABLE_COLUMNS
        ]

    def header(self):
        super().header()
        if self.in_table:
            self.table_heading()

    def undrawn_names(self, delivery):
        """[{"row": n, "name": name}] for each signer's name that a font lacks a character of."""
        undrawn = []
        for row, (name, *_rest) in enumerate(delivery_rows(delivery), start=1):
            if not all(self.can_draw(char) for char in name):
                undrawn.append({"row": row, "name": name})
        return undrawn

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
