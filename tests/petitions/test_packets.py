"""What a delivery carries to its decision maker: the letter, the CSV and the printable PDF."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from petitions.delivery.letter import delivery_letter
from petitions.delivery.packets import (
    CSV_HEADER,
    delivery_csv,
    delivery_filename,
    delivery_packet,
    delivery_pdf,
    delivery_rows,
)
from petitions.models import Delivery, Signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory
from tests.support.pdf import pdf_glyph_code_points
from tests.support.pdf import pdf_text as extract_text

pytestmark = pytest.mark.django_db


def local(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def sign(petition, first_name, last_name, *, day=1, **fields):
    """A confirmed signature from Texas, confirmed on `day` of March 2025."""
    fields.setdefault("email", f"{first_name}.{last_name}@example.org".lower())
    return SignatureFactory(
        petition=petition,
        first_name=first_name,
        last_name=last_name,
        confirmed=True,
        confirmed_at=local(2025, 3, day),
        **fields,
    )


def deliver(petition, target, signatures, *, include_emails=False, signature_count=None):
    delivery = Delivery.objects.create(
        petition=petition,
        target=target,
        channel=Delivery.Channel.POST,
        signature_count=len(signatures) if signature_count is None else signature_count,
        include_emails=include_emails,
        created_at=local(2025, 3, 20),
    )
    Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(delivery=delivery)
    return delivery


def csv_rows(delivery):
    return list(csv.reader(io.StringIO(delivery_csv(delivery).decode("utf-8-sig"))))


def pdf_text(delivery, tmp_path):
    return extract_text(delivery_pdf(delivery))


def test_the_letter_greets_the_office_holder_by_title_and_last_name(petition, texas_ag):
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    assert delivery_letter(delivery).startswith("Dear Attorney General Paxton,\n\n")


def test_the_letter_carries_the_petition_letter_text(petition, texas_ag):
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    assert petition.letter in delivery_letter(delivery)


def test_the_letter_states_how_many_residents_signed_in_this_delivery(petition, texas_ag):
    delivery = deliver(
        petition, texas_ag, [sign(petition, "Maria", "Garcia")], signature_count=1234
    )

    assert (
        "1,234 residents of Texas have signed this petition, listed in the attached pages."
        in delivery_letter(delivery)
    )


def test_the_letter_is_signed_with_the_organisation_name(petition, texas_ag, site_settings):
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.save()
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    assert delivery_letter(delivery).rstrip().endswith("Sincerely,\nHarbor Light Coalition")


def test_the_letter_is_signed_north_star_when_there_is_no_default_site(petition, texas_ag):
    from wagtail.models import Site

    Site.objects.update(is_default_site=False)
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    assert delivery_letter(delivery).rstrip().endswith("Sincerely,\nNorth Star")


def test_a_vacant_office_is_greeted_by_its_title_alone(petition):
    vacant = TargetFactory(jurisdiction="NM", name="")
    delivery = deliver(petition, vacant, [sign(petition, "Ana", "Baca", state="NM")])

    assert delivery_letter(delivery).startswith("Dear Attorney General,\n\n")


def test_the_csv_lists_exactly_the_delivery_signatures_under_a_header(petition, texas_ag):
    maria = sign(petition, "Maria", "Garcia", day=2, zip_code="78701")
    james = sign(petition, "James", "Lee", day=1, zip_code="75001", comment="Do it now.")
    sign(petition, "Awaiting", "Delivery", day=3)
    other = deliver(petition, texas_ag, [sign(petition, "Earlier", "Delivery", day=1)])
    delivery = deliver(petition, texas_ag, [maria, james])

    rows = csv_rows(delivery)

    assert rows == [
        list(CSV_HEADER),
        ["James Lee", "75001", "Texas", "2025-03-01", "Do it now.", ""],
        ["Maria Garcia", "78701", "Texas", "2025-03-02", "", ""],
    ]
    assert other.signatures.count() == 1


def test_emails_appear_only_for_signers_who_agreed_when_the_petition_shares_them(
    petition, texas_ag
):
    agreed = sign(petition, "Maria", "Garcia", day=1, share_email_with_target=True)
    declined = sign(petition, "James", "Lee", day=2, share_email_with_target=False)
    delivery = deliver(petition, texas_ag, [agreed, declined], include_emails=True)

    emails = [row[-1] for row in csv_rows(delivery)[1:]]

    assert emails == ["maria.garcia@example.org", ""]


def test_no_emails_appear_when_the_petition_does_not_share_them(petition, texas_ag):
    agreed = sign(petition, "Maria", "Garcia", share_email_with_target=True)
    delivery = deliver(petition, texas_ag, [agreed], include_emails=False)

    assert [row[-1] for row in delivery_rows(delivery)] == [""]
    assert "@" not in delivery_csv(delivery).decode("utf-8")


def test_a_formula_like_comment_is_neutralised_in_the_csv(petition, texas_ag):
    signature = sign(petition, "Maria", "Garcia", comment='=HYPERLINK("http://evil.example")')
    delivery = deliver(petition, texas_ag, [signature])

    assert csv_rows(delivery)[1][4] == '\'=HYPERLINK("http://evil.example")'


def test_the_csv_keeps_unicode_names_in_utf8(petition, texas_ag):
    delivery = deliver(petition, texas_ag, [sign(petition, "Thị Lan", "Nguyễn")])

    assert "Thị Lan Nguyễn".encode() in delivery_csv(delivery)


def test_the_pdf_is_a_pdf_document(petition, texas_ag):
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    packet = delivery_pdf(delivery)

    assert packet.startswith(b"%PDF-")
    assert packet.rstrip().endswith(b"%%EOF")


def test_the_pdf_lists_every_signer_including_unicode_names(petition, texas_ag, tmp_path):
    signatures = [
        sign(petition, "Maria", "Garcia", day=1),
        sign(petition, "José", "Núñez", day=2),
        sign(petition, "Thị Lan", "Nguyễn", day=3, comment="Cảm ơn — please act."),
        sign(petition, "Zoë", "Ångström", day=4),
    ]
    delivery = deliver(petition, texas_ag, signatures)

    text = pdf_text(delivery, tmp_path)

    for name in ("Maria Garcia", "José Núñez", "Thị Lan Nguyễn", "Zoë Ångström"):
        assert name in text
    assert "Cảm ơn — please act." in text


def test_the_pdf_opens_with_the_letter_to_the_office(petition, texas_ag, tmp_path):
    texas_ag.postal_address = "PO Box 12548\nAustin, TX 78711-2548"
    texas_ag.save()
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    first_page = pdf_text(delivery, tmp_path).split("\f")[0]

    assert "Ken Paxton" in first_page
    assert "Austin, TX 78711-2548" in first_page
    assert "Dear Attorney General Paxton," in first_page
    assert "Maria Garcia" not in first_page


def test_every_pdf_page_carries_the_title_and_its_number_of_the_total(
    home_page, texas_ag, tmp_path
):
    petition = PetitionPageFactory(title="Post the hotline")
    signatures = [
        sign(petition, f"Signer{n}", "Smith", email=f"s{n}@example.org") for n in range(150)
    ]
    delivery = deliver(petition, texas_ag, signatures)

    pages = [page for page in pdf_text(delivery, tmp_path).split("\f") if page.strip()]

    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert "Post the hotline" in page
        assert re.search(rf"Page {number} of {len(pages)}\b", page)


def test_a_long_comment_is_wrapped_in_the_pdf_table(petition, texas_ag, tmp_path):
    comment = "Survivors need to see the number where they are. " * 8
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia", comment=comment)])

    text = " ".join(pdf_text(delivery, tmp_path).split())

    assert "Survivors need to see" in text
    assert "Maria Garcia" in text


def test_the_filename_is_ascii_and_names_petition_state_date_and_key(home_page, texas_ag):
    petition = PetitionPageFactory(title="Stop traffickers", slug="stop-traffickers")
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    name = delivery_filename(delivery)

    assert name == f"signatures-stop-traffickers-tx-2025-03-20-{delivery.key.hex[:8]}"
    assert re.fullmatch(r"[a-z0-9-]+", name)


def test_a_unicode_slug_still_gives_a_safe_filename(home_page, texas_ag):
    petition = PetitionPageFactory(title="Pétition", slug="pétition-ñ")
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia")])

    assert re.fullmatch(
        r"signatures-[a-z0-9-]+-tx-2025-03-20-[0-9a-f]{8}", delivery_filename(delivery)
    )


RIGHT_TO_LEFT_AND_SHAPED_NAMES = {
    "Hebrew": ("דוד", "כהן"),
    "Arabic": ("محمد", "عبدالله"),
    "Devanagari": ("अंकिता", "शर्मा"),
    "Thai": ("สมศักดิ์", "ใจดี"),
}
# Tibetan: a script none of the packet's fonts carries.
UNDRAWABLE = ("བཀྲ་ཤིས", "བསོད་ནམས")


@pytest.mark.parametrize("script", RIGHT_TO_LEFT_AND_SHAPED_NAMES)
def test_a_name_in_a_shaped_or_right_to_left_script_reads_as_typed_in_the_pdf(
    petition, texas_ag, tmp_path, script
):
    first, last = RIGHT_TO_LEFT_AND_SHAPED_NAMES[script]
    delivery = deliver(petition, texas_ag, [sign(petition, first, last)])

    assert f"{first} {last}" in pdf_text(delivery, tmp_path)


def test_an_arabic_name_is_printed_with_its_letters_joined(petition, texas_ag):
    delivery = deliver(petition, texas_ag, [sign(petition, "محمد", "Ali")])

    glyphs = pdf_glyph_code_points(delivery_pdf(delivery))

    # meem initial, hah medial, meem medial, dal final: the joined forms of محمد
    assert {0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA} <= glyphs
    assert 0x0645 not in glyphs  # the unjoined (isolated) meem


def test_chinese_japanese_and_korean_names_are_drawn_in_the_pdf(petition, texas_ag, tmp_path):
    signatures = [
        sign(petition, "小龙", "李", day=1),
        sign(petition, "さくら", "山田", day=2),
        sign(petition, "민준", "김", day=3),
    ]
    delivery = deliver(petition, texas_ag, signatures)

    text = pdf_text(delivery, tmp_path)

    assert ["小龙 李" in text, "さくら 山田" in text, "민준 김" in text] == [True, True, True]
    assert delivery_packet(delivery).undrawn_names == []


def test_the_csv_keeps_every_name_as_typed_in_every_script(petition, texas_ag):
    names = [*RIGHT_TO_LEFT_AND_SHAPED_NAMES.values(), UNDRAWABLE]
    signatures = [sign(petition, *name, day=day) for day, name in enumerate(names, start=1)]
    delivery = deliver(petition, texas_ag, signatures)

    assert [row[0] for row in csv_rows(delivery)[1:]] == [
        f"{first} {last}" for first, last in names
    ]


def test_a_name_no_font_can_draw_is_marked_and_the_packet_gives_its_number(
    petition, texas_ag, tmp_path
):
    maria = sign(petition, "Maria", "Garcia", day=1)
    tashi = sign(petition, *UNDRAWABLE, day=2)
    delivery = deliver(petition, texas_ag, [maria, tashi])

    text = " ".join(pdf_text(delivery, tmp_path).split())

    assert f"2 {'?' * len(UNDRAWABLE[0])} {'?' * len(UNDRAWABLE[1])} 78701" in text
    assert "The name No. 2 has characters that this document's fonts cannot draw" in text
    assert "The CSV file of this delivery holds every name exactly as typed." in text


def test_the_packet_lists_the_names_it_could_not_draw_with_their_numbers(petition, texas_ag):
    maria = sign(petition, "Maria", "Garcia", day=1)
    tashi = sign(petition, *UNDRAWABLE, day=2)
    delivery = deliver(petition, texas_ag, [maria, tashi])

    packet = delivery_packet(delivery)

    assert packet.undrawn_names == [{"row": 2, "name": "བཀྲ་ཤིས བསོད་ནམས"}]
    assert "བཀྲ་ཤིས བསོད་ནམས".encode() in packet.csv


def test_the_pdf_table_numbers_signatures_as_the_csv_rows(petition, texas_ag, tmp_path):
    signatures = [sign(petition, "Maria", "Garcia", day=1), sign(petition, "James", "Lee", day=2)]
    delivery = deliver(petition, texas_ag, signatures)

    text = pdf_text(delivery, tmp_path)

    assert "1 Maria Garcia 78701" in text
    assert "2 James Lee 78701" in text


def test_a_comment_without_spaces_is_broken_across_lines_in_the_pdf(petition, texas_ag, tmp_path):
    comment = "x" * 500
    delivery = deliver(petition, texas_ag, [sign(petition, "Maria", "Garcia", comment=comment)])

    text = pdf_text(delivery, tmp_path)

    assert "".join(re.findall(r"x{5,}", text)) == comment


def test_the_csv_sent_to_an_office_starts_with_a_byte_order_mark_for_excel(petition, texas_ag):
    names = [("Zoë", "Nguyễn"), ("דוד", "כהן"), ("محمد", "عبدالله")]
    signatures = [sign(petition, *name, day=day) for day, name in enumerate(names, start=1)]
    delivery = deliver(petition, texas_ag, signatures)

    data = delivery_csv(delivery)

    assert data.startswith(b"\xef\xbb\xbfname,")
    assert [row[0] for row in csv_rows(delivery)[1:]] == ["Zoë Nguyễn", "דוד כהן", "محمد عبدالله"]


def test_the_csv_dates_a_signature_by_the_organisations_day_whatever_zone_is_active(
    petition, texas_ag
):
    # 00:30 on March 2 in New York, 21:30 on March 1 in Los Angeles.
    late = SignatureFactory(
        petition=petition,
        email="maria@example.org",
        confirmed=True,
        confirmed_at=datetime(2025, 3, 2, 5, 30, tzinfo=UTC),
    )
    delivery = deliver(petition, texas_ag, [late])

    with timezone.override("America/Los_Angeles"):
        rows = csv_rows(delivery)

    assert rows[1][3] == "2025-03-02"
