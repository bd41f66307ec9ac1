"""Starting a gift from the campaign page's donate form: good input opens a checkout, bad input
changes nothing and says why."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page

from donations.forms import DonationForm
from donations.models import Donation
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db


def give_url(campaign):
    return f"/donations/give/{campaign.pk}/"


def test_a_preset_amount_starts_a_pending_gift_and_goes_to_the_test_checkout(
    client, campaign, no_stripe
):
    response = client.post(give_url(campaign), donate_form(amount="50", name_shown="public"))

    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/donations/test-checkout/{donation.checkout_token}/"
    assert donation.amount_cents == 5000
    assert donation.currency == "usd"
    assert donation.status == Donation.Status.PENDING
    assert donation.page_id == campaign.pk
    assert donation.name_shown == Donation.NameShown.PUBLIC
    assert donation.email == "jordan.taylor@example.org"


def test_an_amount_of_your_own_is_taken_to_the_cent(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form(amount="other", other_amount="$1,234.56"))
    assert Donation.objects.get().amount_cents == 123456


def test_typing_an_amount_without_choosing_other_takes_the_typed_amount(
    client, campaign, no_stripe
):
    client.post(give_url(campaign), donate_form(amount=None, other_amount="75"))
    assert Donation.objects.get().amount_cents == 7500


def test_a_typed_amount_wins_over_the_chosen_preset(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form(amount="50", other_amount="1000"))
    assert Donation.objects.get().amount_cents == 100000


def test_the_form_reads_a_typed_amount_with_a_preset_chosen_as_the_typed_amount():
    form = DonationForm(donate_form(amount="50", other_amount="1,000"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == 100000


def test_the_form_reads_an_empty_typed_amount_as_the_chosen_preset():
    form = DonationForm(donate_form(amount="100", other_amount="  "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_cents"] == 10000


def test_the_form_refuses_a_bad_typed_amount_even_with_a_preset_chosen():
    form = DonationForm(donate_form(amount="50", other_amount="1,0000"))
    assert not form.is_valid()
    assert form.errors["other_amount"] == [
        "Please enter an amount in dollars and cents, like 40 or 40.50."
    ]
    assert "amount_cents" not in form.cleaned_data


def test_the_rule_for_a_typed_amount_is_written_on_the_form(client, campaign):
    html = client.get(campaign.url).content.decode()
    assert (
        "If you type an amount here, it is the one you give, whichever amount is chosen above."
        in html
    )
    assert 'aria-describedby="id_other_amount_helptext"' in html


def test_a_donor_who_changes_nothing_is_anonymous_to_everyone(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form())
    assert Donation.objects.get().name_shown == Donation.NameShown.ANONYMOUS


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "other", "other_amount": ""}, "Please enter an amount"),
        ({"amount": "other", "other_amount": "0.49"}, "The smallest gift is $0.50."),
        ({"amount": "other", "other_amount": "-5"}, "Please enter an amount in dollars"),
        ({"amount": "other", "other_amount": "1e9"}, "Please enter an amount in dollars"),
        ({"amount": "other", "other_amount": "25000.01"}, "We can take up to $25,000 online"),
        ({"amount": "other", "other_amount": "99999999999"}, "We can take up to $25,000 online"),
        ({"amount": "other", "other_amount": "9" * 30}, "We can take up to $25,000 online"),
        ({"amount": "other", "other_amount": "99,999,999,999"}, "We can take up to $25,000"),
        ({"amount": "50", "other_amount": "abc"}, "Please enter an amount in dollars"),
        ({"amount": "50", "other_amount": "१०००"}, "with the digits 0 to 9"),
        ({"amount": "50", "other_amount": "１０００"}, "with the digits 0 to 9"),
        ({"amount": "50", "other_amount": "10.005"}, "at most two digits after the point"),
        ({"amount": "75"}, "Please choose one of the amounts."),
        ({"amount": None, "other_amount": None}, "Please choose an amount."),
        ({"first_name": ""}, "Please enter your first name."),
        ({"first_name": "<script>alert(1)</script>"}, "Your first name can contain letters"),
        ({"last_name": "x" * 101}, "Please shorten this to at most 100 characters (it has 101)."),
        ({"email": "not-an-email"}, "Please enter a valid email address, like name@"),
        ({"email": None}, "Please enter your email address."),
        ({"message": "ü" * 501}, "Please shorten this to at most 500 characters (it has 501)."),
        ({"website": "http://spam.example"}, "Something went wrong"),
    ],
)
def test_bad_input_is_explained_and_saves_nothing(client, campaign, no_stripe, overrides, message):
    response = client.post(give_url(campaign), donate_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Donation.objects.count() == 0


def test_names_in_any_alphabet_are_welcome(client, campaign, no_stripe):
    client.post(give_url(campaign), donate_form(first_name="Zoë", last_name="Nguyễn-O’Brien"))
    assert Donation.objects.get().last_name == "Nguyễn-O’Brien"


def test_a_form_with_errors_keeps_what_was_typed(client, campaign, no_stripe):
    response = client.post(
        give_url(campaign), donate_form(email="nope", first_name="Zoë", amount="100")
    )
    html = response.content.decode()
    assert 'value="Zoë"' in html
    assert 'value="100" id="id_amount_2" checked' in html


def test_opening_the_give_address_goes_to_the_campaign_page(client, campaign):
    for method in (client.get, client.put, client.delete):
        response = method(give_url(campaign))
        assert response.status_code == 302
        assert response["Location"] == campaign.url
    assert Donation.objects.count() == 0


def test_a_campaign_past_its_deadline_takes_no_gift(client, campaign, no_stripe):
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    response = client.post(give_url(campaign), donate_form())

    assert response.status_code == 302
    assert Donation.objects.count() == 0


def test_an_unpublished_or_missing_page_is_not_found(client, campaign, no_stripe):
    campaign.unpublish()
    assert client.post(give_url(campaign), donate_form()).status_code == 404
    assert client.post("/donations/give/999999/", donate_form()).status_code == 404
    assert Donation.objects.count() == 0


def test_a_page_that_takes_no_gifts_cannot_be_given_to(client, home_page, no_stripe):
    response = client.post(f"/donations/give/{home_page.pk}/", donate_form())
    assert response.status_code == 302
    assert Donation.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_page_trees_root_which_has_no_address_is_not_found(client, method, no_stripe):
    root = Page.get_first_root_node()

    response = getattr(client, method)(f"/donations/give/{root.pk}/", donate_form())

    assert response.status_code == 404
    assert Donation.objects.count() == 0


def test_too_many_gifts_started_from_one_connection_are_refused_with_a_message(
    client, campaign, no_stripe, settings
):
    settings.DONATION_STARTS_PER_IP_PER_HOUR = 2
    for _ in range(2):
        assert client.post(give_url(campaign), donate_form()).status_code == 302

    response = client.post(give_url(campaign), donate_form())

    assert response.status_code == 429
    assert "Too many attempts from your connection" in response.content.decode()
    assert Donation.objects.count() == 2


def test_a_mistyped_gift_does_not_use_up_the_connections_limit(
    client, campaign, no_stripe, settings
):
    settings.DONATION_STARTS_PER_IP_PER_HOUR = 2
    for amount in ("-5", "0", "abc"):
        response = client.post(give_url(campaign), donate_form(amount=amount))
        assert response.status_code == 200

    assert [client.post(give_url(campaign), donate_form()).status_code for _ in range(3)] == [
        302,
        302,
        429,
    ]
    assert Donation.objects.count() == 2


def test_donors_behind_the_load_balancer_are_each_counted_as_themselves(
    client, campaign, no_stripe, settings
):
    # Past DONATION_STARTS_PER_IP_PER_HOUR (20) donors who all reach the site from the load
    # balancer's address.
    settings.NUM_PROXIES = 1
    statuses = [
        client.post(
            give_url(campaign),
            donate_form(email=f"donor{n}@example.org"),  # each their own (a limit per email)
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(72)
    ]

    assert statuses == [302] * 72
    assert Donation.objects.count() == 72


def test_an_address_the_donor_adds_to_x_forwarded_for_does_not_dodge_the_limit(
    client, campaign, no_stripe, settings
):
    settings.DONATION_STARTS_PER_IP_PER_HOUR = 2
    settings.NUM_PROXIES = 1
    statuses = [
        client.post(
            give_url(campaign),
            donate_form(),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
