"""A gift's receipt as a PDF, downloaded from the donor's giving page (donations/giving.py).

It says what every receipt says (`donations.receipts.receipt_details`, never recomputed here):
the organisation's legal name, address and EIN, the receipt's number and reference, the date,
the donor, the page given to, the gift, the fee the donor covered, what was refunded, the net
(deductible) amount, the dedication, an offline gift's method, and that no goods or services
were given in exchange.

Printed by the site's one printer (`northstar.pdf.PrintedPDF`: DejaVu Sans with its
fallbacks, HarfBuzz), so a name in any script ("Zoë Nguyễn", Arabic, Chinese) prints as typed.
"""

from django.utils.translation import gettext
from fpdf.enums import XPos, YPos

from northstar.pdf import FONT, PrintedPDF

from .money import format_money
from .receipts import receipt_details

LABEL_WIDTH = 52  # mm: the left column of the receipt's table
ROW_HEIGHT = 6


class ReceiptPDF(PrintedPDF):
    """One US Letter page (more only for a very long address or dedication), the running
    header saying which receipt it is."""

    def row(self, label, value, *, bold=False):
        """A line of the receipt's table: `label` on the left, `value` wrapped on the right."""
        self.set_font(FONT, "", 10)
        self.set_text_color(80)
        self.cell(LABEL_WIDTH, ROW_HEIGHT, label)
        self.set_text_color(0)
        self.set_font(FONT, "B" if bold else "", 10)
        self.multi_cell(0, ROW_HEIGHT, self.printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def receipt_filename(details) -> str:
    """`receipt-2026-000042.pdf`, or `receipt-3F2A9C1B.pdf` before the receipt is numbered."""
    return f"receipt-{details['number'] or details['reference']}.pdf"


def receipt_title(details) -> str:
    if details["number"]:
        return gettext("Receipt %(number)s") % {"number": details["number"]}
    return gettext("Receipt (reference %(reference)s)") % {"reference": details["reference"]}


def receipt_pdf(donation, details=None) -> bytes:
    """The PDF receipt of `donation` (a gift that counts or counted), as bytes.

    `details`: its `receipt_details` when the caller has them already (read here otherwise).
    """
    details = details or receipt_details(donation)
    money = details["currency"]
    title = receipt_title(details)
    pdf = ReceiptPDF(title)
    pdf.set_author(details["legal_name"])
    pdf.add_page()

    pdf.paragraph(details["legal_name"], 7, size=14, style="B")
    address = (details["postal_address"] or "").replace("\r\n", "\n").split("\n")
    for line in filter(None, (line.strip() for line in address)):
        pdf.paragraph(line, 5)
    if details["ein"]:
        pdf.paragraph(gettext("EIN %(ein)s") % {"ein": details["ein"]}, 5)
    pdf.ln(8)

    pdf.paragraph(gettext("Donation receipt"), 8, size=16, style="B")
    pdf.ln(2)
    if details["test_payment"]:
        pdf.paragraph(
            gettext(
                "THIS IS A TEST RECEIPT: the gift was made through the site's test checkout "
                "and no card was charged."
            ),
            5,
            style="B",
        )
        pdf.ln(2)

    if details["number"]:
        pdf.row(gettext("Receipt number"), details["number"])
    pdf.row(gettext("Reference"), details["reference"])
    pdf.row(gettext("Date"), details["paid_on"])
    pdf.row(gettext("Received from"), donation.donor_name)
    pdf.row(gettext("Given to"), details["page_title"])
    if details["offline"]:
        pdf.row(gettext("Given by"), details["offline"])
    if details["dedication"]:
        pdf.row(gettext("Dedication"), details["dedication"])
    pdf.ln(2)
    pdf.row(gettext("Gift"), format_money(details["amount_cents"], money, exact=True))
    if details["fee_cents"]:
        pdf.row(gettext("Fee you covered"), format_money(details["fee_cents"], money, exact=True))
    if details["refunded_cents"]:
        pdf.row(gettext("Refunded"), format_money(-details["refunded_cents"], money, exact=True))
    pdf.row(
        gettext("Net amount (deductible)"),
        format_money(details["net_cents"], money, exact=True),
        bold=True,
    )
    pdf.ln(6)
    pdf.paragraph(details["no_goods"], 5.2)
    pdf.ln(3)
    pdf.paragraph(
        gettext("Please keep this receipt for your tax records. Thank you for your gift."),
        5.2,
        size=9,
    )
    return bytes(pdf.output())
