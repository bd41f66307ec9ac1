"""The card a gift in honour or in memory sends the person the donor asked us to tell: its
wording, once per counted gift, never for a gift not counted (donations/tributes.py)."""

import pytest

from donations.models import Donation
from donations.review import accept_held_payment
from donations.services import fulfil_checkout_session
from donations.tributes import CARD_TEMPLATE
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory, donate_form

pytestmark = pytest.mark.django_db

TELL_CARLOS = {
    "tribute_notify_name": "Carlos Diaz",
    "tribute_notify_email": "carlos@example.org",
    "tribute_notify_message": "Rosa loved this work.",
}


def tribute_gift(page, **fields):
    """A pending $50 gift from Jordan Taylor in memory of Rosa Diaz, telling Carlos Diaz."""
    values = {
        "tribute": Donation.Tribute.MEMORY,
        "tribute_name": "Rosa Diaz",
        "name_shown": Donation.NameShown.PUBLIC,
        **TELL_CARLOS,
        **fields,
    }
    return DonationFactory(page=page, **values)


def pay(donation, amount_cents=None):
    return fulfil_checkout_session(
        donation.checkout_session_id, "pi_1", amount_cents or donation.given_cents, "usd"
    )


def cards():
    return list(OutboundEmail.objects.filter(template=CARD_TEMPLATE))


def the_card():
    """(to, subject, text, html) of the one card in the outbox, as the worker renders it."""
    [card] = cards()
    return (card.to, *render_email(card.template, card.context))


def test_a_paid_gift_in_memory_sends_carlos_a_card_naming_the_donor_and_the_page(campaign):
    pay(tribute_gift(campaign))

    to, subject, text, html = the_card()
    assert to == "carlos@example.org"
    assert subject == "A gift in memory of Rosa Diaz"
    assert text.startswith("Dear Carlos Diaz,")
    assert 'Jordan T. has given a gift to "Spring into Action" in memory of Rosa Diaz.' in text
    assert '"Rosa loved this work."' in text
    assert f"http://testserver{campaign.url}" in text
    assert "Jordan T. has given a gift to <strong>Spring into Action</strong> in memory" in html
    assert Donation.objects.get().tribute_notified_at is not None


def test_a_gift_in_honour_of_someone_else_names_them(campaign):
    pay(tribute_gift(campaign, tribute=Donation.Tribute.HONOUR, tribute_name="Ms. Okafor"))

    _to, subject, text, _html = the_card()
    assert subject == "A gift in honour of Ms. Okafor"
    assert "in honour of Ms. Okafor." in text


def test_a_gift_in_honour_of_the_person_told_says_you(campaign):
    pay(tribute_gift(campaign, tribute=Donation.Tribute.HONOUR, tribute_name="carlos diaz"))

    _to, subject, text, html = the_card()
    assert subject == "A gift in honour of you"
    assert 'Jordan T. has given a gift to "Spring into Action" in honour of you.' in text
    assert "in honour of you." in html


@pytest.mark.parametrize(
    "name_shown", [Donation.NameShown.PUBLIC, Donation.NameShown.OWNER], ids=["public", "owner"]
)
def test_a_donor_who_shows_their_name_is_named_by_first_name_and_initial(campaign, name_shown):
    pay(tribute_gift(campaign, name_shown=name_shown))

    _to, _subject, text, _html = the_card()
    assert "Jordan T. has given a gift" in text
    assert "Taylor" not in text


def test_a_donor_anonymous_to_everyone_is_someone_on_the_card(campaign):
    pay(tribute_gift(campaign, name_shown=Donation.NameShown.ANONYMOUS))

    _to, _subject, text, html = the_card()
    assert 'Someone has given a gift to "Spring into Action" in memory of Rosa Diaz.' in text
    assert "Their message to you:" in text
    assert "Jordan" not in text
    assert "Jordan" not in html
    assert "— the giver" in html


def test_the_card_never_tells_the_amount_unless_the_donor_allowed_it(campaign):
    pay(tribute_gift(campaign, amount_cents=7500))

    _to, _subject, text, html = the_card()
    assert "The gift:" not in text
    assert "75" not in text
    assert "$75" not in html


def test_the_card_tells_the_amount_given_when_the_donor_allowed_it(campaign):
    pay(tribute_gift(campaign, amount_cents=7500, fee_cents=250, tribute_notify_amount=True))

    _to, _subject, text, html = the_card()
    assert "The gift: $77.50" in text
    assert "<strong>$77.50</strong>" in html


def test_a_card_without_the_name_of_the_person_told_says_hello(campaign):
    pay(tribute_gift(campaign, tribute_notify_name="", tribute_notify_message=""))

    _to, _subject, text, _html = the_card()
    assert text.startswith("Hello,\n")
    assert "wrote to you" not in text


def test_the_card_is_sent_once_however_often_the_payment_arrives(campaign):
    gift = tribute_gift(campaign)

    assert [pay(gift) for _ in range(3)] == [True, False, False]
    assert len(cards()) == 1


def test_a_gift_with_no_one_to_tell_sends_no_card(campaign):
    pay(tribute_gift(campaign, tribute_notify_email="", tribute_notify_name=""))

    assert cards() == []
    assert Donation.objects.get().tribute_notified_at is None


def test_a_gift_not_counted_sends_no_card_until_staff_accept_it(campaign, staff):
    gift = tribute_gift(campaign)
    pay(gift, amount_cents=4500)  # Stripe collected another amount: held for review

    assert Donation.objects.get().status == Donation.Status.NEEDS_REVIEW
    assert cards() == []

    accept_held_payment(gift.pk, by=staff)

    assert len(cards()) == 1


def test_a_failed_or_pending_gift_sends_no_card(campaign):
    gift = tribute_gift(campaign)
    gift.mark_failed()

    assert cards() == []


def test_the_local_test_checkout_sends_the_card_of_a_gift_made_on_the_form(
    client, campaign, no_stripe
):
    client.post(
        f"/donations/give/{campaign.pk}/",
        donate_form(name_shown="public", tribute="memory", tribute_name="Rosa Diaz", **TELL_CARLOS),
    )
    gift = Donation.objects.get()
    assert cards() == []  # started, not paid

    client.post(f"/donations/test-checkout/{gift.checkout_token}/")

    to, subject, _text, _html = the_card()
    assert (to, subject) == ("carlos@example.org", "A gift in memory of Rosa Diaz")
