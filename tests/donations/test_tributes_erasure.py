"""The person told of a gift in honour or in memory is erased 30 days after their card, in the
gift and in the outbox; the tribute itself stays (donations/tributes.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donations.models import Donation
from donations.tributes import CARD_TEMPLATE, erase_tribute_contacts, erase_tribute_contacts_task
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.donations.test_tributes_card import TELL_CARLOS, pay, tribute_gift

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def notified(page, days_ago, **fields):
    """A paid gift in memory of Rosa Diaz whose card to Carlos went `days_ago` days before NOW."""
    return DonationFactory(
        page=page,
        status=Donation.Status.PAID,
        paid_at=NOW - timedelta(days=days_ago),
        tribute=Donation.Tribute.MEMORY,
        tribute_name="Rosa Diaz",
        tribute_notified_at=NOW - timedelta(days=days_ago),
        **TELL_CARLOS,
        **fields,
    )


def contact(gift):
    gift.refresh_from_db()
    return (gift.tribute_notify_name, gift.tribute_notify_email, gift.tribute_notify_message)


@pytest.mark.parametrize(
    ("age", "erased"),
    [
        (timedelta(days=30, seconds=1), True),
        (timedelta(days=31), True),
        (timedelta(days=30), False),
        (timedelta(days=29, hours=23, minutes=59), False),
        (timedelta(days=1), False),
    ],
    ids=["30 days and a second", "31 days", "30 days exactly", "a minute short", "a day"],
)
def test_the_person_told_is_erased_only_past_30_days_after_the_card(campaign, age, erased):
    gift = DonationFactory(
        page=campaign,
        status=Donation.Status.PAID,
        tribute=Donation.Tribute.MEMORY,
        tribute_name="Rosa Diaz",
        tribute_notified_at=NOW - age,
        **TELL_CARLOS,
    )

    assert erase_tribute_contacts(now=NOW) == (1 if erased else 0)
    expected = ("", "", "") if erased else tuple(TELL_CARLOS.values())
    assert contact(gift) == expected


def test_erasing_keeps_the_tribute_and_the_time_the_card_went(campaign):
    gift = notified(campaign, days_ago=40, tribute_notify_amount=True)

    erase_tribute_contacts(now=NOW)

    gift.refresh_from_db()
    assert (gift.tribute, gift.tribute_name) == (Donation.Tribute.MEMORY, "Rosa Diaz")
    assert gift.tribute_notified_at == NOW - timedelta(days=40)


def test_a_gift_whose_card_has_not_gone_keeps_the_person_to_tell(campaign):
    gift = DonationFactory(page=campaign, tribute="memory", tribute_name="Rosa", **TELL_CARLOS)

    assert erase_tribute_contacts(now=NOW + timedelta(days=365)) == 0
    assert contact(gift) == tuple(TELL_CARLOS.values())


def test_every_gift_due_is_erased_in_one_update(campaign):
    for _ in range(5):
        notified(campaign, days_ago=45)
    notified(campaign, days_ago=3)

    with CaptureQueriesContext(connection) as queries:
        erased = erase_tribute_contacts(now=NOW)

    donation_updates = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "donations_donation"')
    ]
    assert erased == 5
    assert len(donation_updates) == 1
    assert len(queries) == 2  # the gifts, and their cards in the outbox


def test_a_second_run_erases_nothing_more(campaign):
    notified(campaign, days_ago=45)

    assert [erase_tribute_contacts(now=NOW) for _ in range(2)] == [1, 0]


def test_the_card_in_the_outbox_loses_its_address_too(campaign):
    pay(tribute_gift(campaign))
    card = OutboundEmail.objects.get(template=CARD_TEMPLATE)

    erase_tribute_contacts(now=timezone.now() + timedelta(days=29))
    card.refresh_from_db()
    assert card.to == "carlos@example.org"

    erase_tribute_contacts(now=timezone.now() + timedelta(days=31))
    card.refresh_from_db()
    assert (card.to, card.context) == ("", {})
    receipt = OutboundEmail.objects.get(template="donation_receipt")
    assert receipt.to.startswith("donor")  # the donor's own mail is not the card's
    assert receipt.context != {}


def test_the_beat_task_erases_what_is_due(campaign):
    gift = notified(campaign, days_ago=45)

    assert erase_tribute_contacts_task.apply().get() == 1
    assert contact(gift) == ("", "", "")
