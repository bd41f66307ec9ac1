"""Giving in honour or in memory of someone: the donate form's optional fields, what it refuses
and what a gift keeps (donations/tributes.py)."""

import html

import pytest

from donations.models import Donation
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db


def give_url(page):
    return f"/donations/give/{page.pk}/"


def in_memory(**overrides):
    """The donate form posted in memory of Rosa Diaz, telling Carlos Diaz."""
    return donate_form(
        tribute="memory",
        tribute_name="Rosa Diaz",
        tribute_notify_name="Carlos Diaz",
        tribute_notify_email="Carlos.Diaz@Example.org",
        tribute_notify_message="Thinking of you.",
        **overrides,
    )


def test_the_donate_form_offers_a_closed_disclosure_that_works_without_javascript(client, campaign):
    page_html = client.get(campaign.url).content.decode()

    assert '<details class="tribute" data-tribute>' in page_html
    assert "<summary>Give in honour or in memory of someone</summary>" in page_html
    assert 'type="radio" name="tribute" value="honour"' in page_html
    assert 'type="radio" name="tribute" value="memory"' in page_html
    assert 'name="tribute_notify_amount"' in page_html
    assert 'name="tribute_notify_amount" id="id_tribute_notify_amount" checked' not in page_html


def test_a_gift_in_memory_keeps_who_it_remembers_and_whom_to_tell(client, campaign, no_stripe):
    client.post(give_url(campaign), in_memory(tribute_notify_amount="on"))

    gift = Donation.objects.get()
    assert (gift.tribute, gift.tribute_name) == (Donation.Tribute.MEMORY, "Rosa Diaz")
    assert gift.tribute_notify_name == "Carlos Diaz"
    assert gift.tribute_notify_email == "carlos.diaz@example.org"
    assert gift.tribute_notify_message == "Thinking of you."
    assert gift.tribute_notify_amount is True
    assert gift.tribute_notified_at is None


def test_a_gift_without_a_tribute_keeps_none(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form())

    gift = Donation.objects.get()
    assert (gift.tribute, gift.tribute_name, gift.tribute_notify_email) == ("", "", "")
    assert gift.tribute_notify_amount is False


def test_a_tribute_with_no_one_to_tell_is_welcome(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form(tribute="honour", tribute_name="  Ms.  Okafor "))

    gift = Donation.objects.get()
    assert (gift.tribute, gift.tribute_name, gift.tribute_notify_email) == (
        "honour",
        "Ms. Okafor",
        "",
    )


def test_a_name_to_tell_without_their_email_is_accepted_and_not_kept(client, campaign, no_stripe):
    client.post(
        give_url(campaign),
        donate_form(
            tribute="memory",
            tribute_name="Rosa Diaz",
            tribute_notify_name="Carlos Diaz",
            tribute_notify_amount="on",
        ),
    )

    gift = Donation.objects.get()
    assert gift.tribute_name == "Rosa Diaz"
    assert (gift.tribute_notify_name, gift.tribute_notify_amount) == ("", False)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"tribute": "memory"},
            "Please enter the name of the person this gift honours or remembers.",
        ),
        ({"tribute_name": "Rosa Diaz"}, "Please choose in honour or in memory."),
        ({"tribute": "birthday", "tribute_name": "Rosa"}, "Please choose in honour or in memory."),
        (
            {"tribute_notify_email": "carlos@example.org"},
            "To tell someone, please enter who this gift honours or remembers.",
        ),
        (
            {"tribute": "honour", "tribute_name": "Rosa", "tribute_notify_email": "carlos@"},
            "Please enter a valid email address for them, like name@example.org.",
        ),
        (
            {"tribute": "honour", "tribute_name": "Rosa", "tribute_notify_message": "Hello"},
            "Please enter their email to send your message, or leave the message empty.",
        ),
        (
            {
                "tribute": "honour",
                "tribute_name": "Rosa",
                "tribute_notify_email": "carlos@example.org",
                "tribute_notify_message": "ü" * 501,
            },
            "Please shorten this to at most 500 characters (it has 501).",
        ),
        (
            {"tribute": "honour", "tribute_name": "R" * 201},
            "Please shorten this to at most 200 characters (it has 201).",
        ),
    ],
)
def test_a_tribute_that_does_not_add_up_is_explained_and_saves_nothing(
    client, campaign, no_stripe, overrides, message
):
    response = client.post(give_url(campaign), donate_form(**overrides))

    assert response.status_code == 200
    page_html = html.unescape(response.content.decode())
    assert message in page_html
    assert '<details class="tribute" data-tribute open>' in page_html  # the problem is seen
    assert Donation.objects.count() == 0


def test_a_form_shown_again_keeps_the_tribute_typed(client, campaign, no_stripe):
    response = client.post(give_url(campaign), in_memory(email="nope"))

    page_html = response.content.decode()
    assert '<details class="tribute" data-tribute open>' in page_html
    assert 'value="memory" id="id_tribute_1" checked' in page_html
    assert 'value="Rosa Diaz"' in page_html
    assert "Thinking of you.</textarea>" in page_html


def test_a_monthly_gift_ignores_the_tribute_even_when_it_does_not_add_up(
    client, fundraiser, no_stripe
):
    from donations.models import RecurringGift

    response = client.post(
        give_url(fundraiser),
        donate_form(frequency="monthly", tribute="memory", tribute_notify_email="carlos@"),
    )

    assert response.status_code == 302
    assert RecurringGift.objects.count() == 1
