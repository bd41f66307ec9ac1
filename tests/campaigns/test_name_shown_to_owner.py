"""A donor who shows their name only to the page's owner: "Anonymous" on every public list,
their name in the owner's email and on the owner's dashboard, counted as one donor."""

import re

import pytest
from django.urls import reverse

from campaigns.dashboard import donors_by_page
from campaigns.notifications import send_gift_notice
from donations.models import Donation
from northstar.emails import outbound_message
from tests.campaigns.factories import paid_gift
from tests.donations.factories import donate_form

PUBLIC, OWNER, ANONYMOUS = Donation.NameShown

pytestmark = pytest.mark.django_db


def only_to_owner(page, amount_cents=2500, **fields):
    fields = {"first_name": "Ana", "last_name": "Ruiz", "message": "Proud of you!", **fields}
    return paid_gift(page, amount_cents, name_shown=OWNER, **fields)


def test_a_gift_shown_only_to_the_owner_is_not_listed_on_the_fundraiser_page(client, fundraiser):
    only_to_owner(fundraiser)

    html = client.get(fundraiser.url).content.decode()

    assert "Ana" not in html
    assert "Proud of you!" not in html


def test_a_gift_shown_only_to_the_owner_is_anonymous_in_the_campaigns_latest_gifts(
    client, campaign, fundraiser
):
    only_to_owner(fundraiser)

    html = client.get(campaign.url).content.decode()

    assert "<strong><bdi>Anonymous</bdi></strong>" in html
    assert "Ana" not in html
    assert "Proud of you!" not in html  # a message is public only with a public name


def test_a_public_gift_is_named_on_both_public_lists(client, campaign, fundraiser):
    paid_gift(fundraiser, 2500, first_name="Ana", last_name="Ruiz", name_shown=PUBLIC)

    assert "<bdi>Ana R.</bdi>" in client.get(fundraiser.url).content.decode()
    assert "<bdi>Ana R.</bdi>" in client.get(campaign.url).content.decode()


def test_the_owners_email_names_a_donor_who_chose_the_owner_and_not_an_anonymous_one(
    fundraiser,
):
    only_to_owner(fundraiser, 2500)
    paid_gift(fundraiser, 1000, first_name="Ben", last_name="Cho", name_shown=ANONYMOUS)

    message = outbound_message(send_gift_notice(fundraiser.pk))

    assert '- Ana R.: $25\n  "Proud of you!"' in message.text
    assert "- Anonymous: $10" in message.text
    assert "Ben" not in message.text
    html = message.html
    assert "Ana R." in html
    assert "Ben" not in html


def test_the_owners_dashboard_names_a_donor_who_chose_the_owner(client, fundraiser, owner):
    only_to_owner(fundraiser)
    paid_gift(fundraiser, 1000, first_name="Ben", last_name="Cho", name_shown=ANONYMOUS)
    client.force_login(owner)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert "<strong><bdi>Ana R.</bdi></strong>" in html
    assert "<strong><bdi>Anonymous</bdi></strong>" in html
    assert "Ben" not in html


def test_gifts_shown_to_the_owner_from_one_address_are_one_donor(fundraiser):
    only_to_owner(fundraiser, 2500, email="ana@example.org")
    paid_gift(fundraiser, 5000, email="ana@example.org", name_shown=PUBLIC)

    assert donors_by_page([fundraiser.pk]) == {fundraiser.pk: 1}


def test_each_anonymous_gift_is_a_donor_of_its_own_even_from_a_named_donors_address(
    fundraiser,
):
    only_to_owner(fundraiser, 2500, email="ana@example.org")
    paid_gift(fundraiser, 5000, email="ana@example.org", name_shown=ANONYMOUS)
    paid_gift(fundraiser, 5000, email="ana@example.org", name_shown=ANONYMOUS)

    assert donors_by_page([fundraiser.pk]) == {fundraiser.pk: 3}


def test_the_fundraiser_pages_form_offers_the_owner_choice_and_keeps_it(
    client, fundraiser, settings
):
    settings.STRIPE_SECRET_KEY = ""
    html = client.get(fundraiser.url).content.decode()
    assert "<legend>Who sees your name?</legend>" in html
    assert 'value="owner"' in html
    assert re.search(r'<input type="radio" name="name_shown" value="anonymous"[^>]* checked>', html)
    assert not re.search(r'value="(public|owner)"[^>]* checked>', html)

    client.post(f"/donations/give/{fundraiser.pk}/", donate_form(name_shown=OWNER))

    assert Donation.objects.get().name_shown == OWNER


def test_the_campaigns_own_form_offers_no_owner_choice(client, campaign):
    html = client.get(campaign.url).content.decode()
    assert 'value="public"' in html
    assert 'value="owner"' not in html


def test_a_bad_choice_shows_the_form_again_with_a_clear_message_and_starts_no_gift(
    client, fundraiser, settings
):
    settings.STRIPE_SECRET_KEY = ""
    response = client.post(
        f"/donations/give/{fundraiser.pk}/", donate_form(name_shown="my-boss-only")
    )

    assert response.status_code == 200
    assert "Please choose one of the options for who sees your name." in response.content.decode()
    assert not Donation.objects.exists()
