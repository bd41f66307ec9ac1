"""Staff send a gift's receipt again from its screen: a confirm step saying which number goes
to which address, the same work as the receipt task, a line in the gift's history; a gift
not counted is refused with a message."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import ModelLogEntry

from donations.models import Donation
from donations.receipts import RECEIPT_SENT, send_receipt
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift(campaign):
    """Ana's counted $50 gift, paid in 2026, its receipt numbered 2026-000001 and sent."""
    donation = DonationFactory(
        page=campaign,
        email="ana@example.org",
        first_name="Ana",
        status=Donation.Status.PAID,
        paid_at=datetime(2026, 5, 1, 12, tzinfo=ZoneInfo("America/New_York")),
    )
    return send_receipt(donation.pk)


def url(donation):
    return f"/admin/donation-receipt/{donation.pk}/send/"


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def receipts():
    return OutboundEmail.objects.filter(template="donation_receipt")


def test_the_gifts_screen_offers_to_resend_its_receipt(staff_client, gift):
    response = staff_client.get(f"/admin/donation/inspect/{gift.pk}/")

    assert "Re-send receipt…" in response.content.decode()
    assert url(gift) in response.content.decode()


def test_the_confirm_step_says_which_receipt_goes_to_whom_and_sends_nothing(staff_client, gift):
    response = staff_client.get(url(gift))

    assert "Email receipt 2026-000001 to ana@example.org" in words(response)
    assert receipts().count() == 1


def test_resending_emails_the_same_number_and_logs_it_in_the_gifts_history(
    staff_client, staff, gift
):
    response = staff_client.post(url(gift))

    assert response.status_code == 302
    assert [m.context["receipt"]["number"] for m in receipts()] == ["2026-000001"] * 2
    [entry] = ModelLogEntry.objects.filter(action=RECEIPT_SENT)
    assert (entry.user, entry.object_id) == (staff, str(gift.pk))
    assert entry.data["to"] == "ana@example.org"
    assert entry.message == "Receipt 2026-000001 emailed to ana@example.org"


def test_a_counted_gift_without_a_number_is_numbered_when_staff_send_it(staff_client, campaign):
    gift = DonationFactory(
        page=campaign,
        status=Donation.Status.PAID,
        paid_at=datetime(2026, 2, 1, 12, tzinfo=ZoneInfo("America/New_York")),
        method=Donation.Method.CHEQUE,
        email="may@example.org",
    )

    assert "takes the next number of its year" in words(staff_client.get(url(gift)))
    staff_client.post(url(gift))

    gift.refresh_from_db()
    assert (gift.receipt_year, gift.receipt_number) == (2026, 1)
    assert receipts().get().to == "may@example.org"


@pytest.mark.parametrize(
    "status",
    [Donation.Status.PENDING, Donation.Status.AWAITING_CONFIRMATION, Donation.Status.VOIDED],
)
def test_a_gift_not_counted_is_refused_with_a_message(staff_client, campaign, status):
    gift = DonationFactory(page=campaign, status=status)

    assert "not counted: it has no receipt to send" in words(staff_client.get(url(gift)))
    response = staff_client.post(url(gift), follow=True)

    assert "not counted: it has no receipt to send" in words(response)
    assert not receipts().exists()
    gift.refresh_from_db()
    assert gift.receipt_number is None


def test_someone_who_may_not_see_gifts_may_not_send_receipts(client, gift):
    editors = Group.objects.create(name="Receipt-less editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = UserFactory()
    editor.groups.add(editors)
    client.force_login(editor)

    assert client.post(url(gift)).status_code in (302, 403)
    assert receipts().count() == 1
