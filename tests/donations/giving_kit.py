"""What the giving-page tests share: paid gifts of one address, and the page's link."""

from django.utils import timezone

from donations.giving import giving_path, giving_token
from donations.models import Donation, Refund
from tests.donations.factories import DonationFactory

ZOE = "zoe.nguyen@example.org"


def paid_gift(page, email=ZOE, amount_cents=5000, days_ago=0, **fields):
    """A paid gift of `email` to `page`, paid `days_ago` days ago."""
    paid_at = timezone.now() - timezone.timedelta(days=days_ago)
    fields.setdefault("first_name", "Zoë")
    fields.setdefault("last_name", "Nguyễn")
    return DonationFactory(
        page=page,
        email=email,
        amount_cents=amount_cents,
        status=Donation.Status.PAID,
        paid_at=paid_at,
        **fields,
    )


def refund(gift, amount_cents, status=Refund.Status.SUCCEEDED):
    return Refund.objects.create(donation=gift, amount_cents=amount_cents, status=status)


def giving_page_path(email=ZOE):
    return giving_path(giving_token(email))
