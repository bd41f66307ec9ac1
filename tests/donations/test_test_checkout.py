"""The local test checkout (no Stripe key): completes a gift through the webhook's service."""

import pytest

from donations.models import Donation
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory, donate_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(client, campaign, no_stripe):
    client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))
    return Donation.objects.get()


def checkout_url(donation):
    return f"/donations/test-checkout/{donation.checkout_token}/"


def thank_you_url(donation):
    return f"/donations/thank-you/{donation.checkout_token}/"


def test_the_test_checkout_is_plainly_marked_and_charges_nothing(client, pending):
    html = client.get(checkout_url(pending)).content.decode()
    assert "TEST MODE" in html
    assert "Test checkout — no card is charged" in html
    assert "Complete your gift of $50" in html
    assert "Complete test payment" in html


def test_completing_the_test_payment_marks_the_gift_paid_and_the_total_rises(
    client, campaign, pending
):
    assert campaign.totals().amount_cents == 0

    response = client.post(checkout_url(pending))

    assert response.status_code == 302
    assert response["Location"] == thank_you_url(pending)
    pending.refresh_from_db()
    assert pending.status == Donation.Status.PAID
    assert pending.paid_at is not None
    assert pending.payment_intent_id.startswith("pi_local_")
    assert campaign.totals() == (5000, 1)


@pytest.mark.parametrize("clicks", [2, 6])
def test_completing_the_test_payment_again_answers_as_the_first_time_and_counts_once(
    client, campaign, pending, clicks
):
    responses = [client.post(checkout_url(pending)) for _ in range(clicks)]

    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, thank_you_url(pending))
    ] * clicks
    assert campaign.totals() == (5000, 1)
    assert Donation.objects.get().status == Donation.Status.PAID
    assert OutboundEmail.objects.filter(template="donation_receipt").count() == 1


def test_the_thank_you_page_confirms_a_paid_gift(client, pending):
    client.post(checkout_url(pending))
    response = client.get(thank_you_url(pending))
    assert (
        "Thank you — your gift of $50 to Spring into Action is confirmed"
        in response.content.decode()
    )


def status_url(donation):
    return f"/donations/thank-you/{donation.checkout_token}/status/"


def test_the_thank_you_page_says_a_pending_gift_is_being_confirmed(client, pending):
    html = client.get(thank_you_url(pending)).content.decode()
    assert "We are confirming your payment" in html


def test_the_pending_thank_you_page_never_reloads_itself_and_polls_a_limited_number_of_times(
    client, pending
):
    html = client.get(thank_you_url(pending)).content.decode()

    assert "http-equiv" not in html
    assert f'data-status-url="{status_url(pending)}"' in html
    assert 'data-poll-every-ms="3000" data-poll-times="20"' in html
    assert "donations/js/gift-status.js" in html
    assert "<script>" not in html  # no inline script: a CSP with script-src 'self' is coming


def test_the_pending_thank_you_page_says_what_to_do_if_confirmation_never_comes(client, pending):
    html = client.get(thank_you_url(pending)).content.decode()
    assert (
        "Still waiting for confirmation from the payment provider. If you completed the "
        "payment, your receipt will arrive by email; if you left the checkout, nothing was "
        "charged — you can "
    ) in html
    assert f'<a href="{pending.page.url}">give again here</a>' in html


def test_the_status_endpoint_answers_pending_then_paid(client, pending):
    before = client.get(status_url(pending))
    client.post(checkout_url(pending))
    after = client.get(status_url(pending))

    assert before.status_code == 200
    assert before.json()["status"] == "pending"
    assert "We are confirming your payment" in before.json()["html"]
    assert after.json()["status"] == "paid"
    assert "Thank you — your gift of $50 to Spring into Action is confirmed" in after.json()["html"]


def test_the_status_endpoint_says_no_more_than_the_thank_you_page(client, pending):
    answer = client.get(status_url(pending)).json()
    assert set(answer) == {"status", "html"}
    assert pending.email not in answer["html"]
    assert pending.checkout_session_id not in answer["html"]


def test_the_status_endpoint_of_an_unknown_token_is_not_found(client, pending):
    assert client.get("/donations/thank-you/not-a-token/status/").status_code == 404


def test_a_paid_gifts_thank_you_page_has_nothing_to_poll(client, pending):
    client.post(checkout_url(pending))
    html = client.get(thank_you_url(pending)).content.decode()
    assert "data-status-url" not in html
    assert "gift-status.js" not in html


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "url", [checkout_url, thank_you_url, status_url], ids=["checkout", "thank-you", "status"]
)
def test_pages_behind_a_gifts_token_are_never_kept_by_a_cache(client, pending, url):
    response = client.get(url(pending))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_completing_the_test_payment_answers_with_a_redirect_no_cache_keeps(client, pending):
    response = client.post(checkout_url(pending))
    assert {"private", "no-store"} <= cache_control(response)


def test_the_donate_form_shown_again_with_errors_is_never_kept_by_a_cache(
    client, campaign, no_stripe
):
    response = client.post(f"/donations/give/{campaign.pk}/", donate_form(email="nope"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_the_checkout_and_thank_you_pages_never_show_the_donors_email(client, pending):
    for url in (checkout_url(pending), thank_you_url(pending)):
        assert pending.email not in client.get(url).content.decode()


def test_a_paid_gifts_checkout_goes_to_its_thank_you_page(client, pending):
    client.post(checkout_url(pending))
    response = client.get(checkout_url(pending))
    assert response.status_code == 302
    assert response["Location"] == thank_you_url(pending)


def test_an_unknown_token_is_not_found(client, pending):
    assert client.get("/donations/test-checkout/not-a-token/").status_code == 404
    assert client.post("/donations/test-checkout/not-a-token/").status_code == 404
    assert client.get("/donations/thank-you/not-a-token/").status_code == 404


def test_the_test_checkout_is_not_found_when_stripe_is_set_up(client, campaign, stripe_keys):
    donation = DonationFactory(page=campaign)

    assert client.get(checkout_url(donation)).status_code == 404
    assert client.post(checkout_url(donation)).status_code == 404
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert campaign.totals() == (0, 0)


def test_a_gift_sent_to_stripe_cannot_be_completed_at_the_test_checkout(
    client, campaign, no_stripe
):
    donation = DonationFactory(page=campaign, checkout_session_id="cs_live_a1B2c3")
    assert client.post(checkout_url(donation)).status_code == 404
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_with_debug_off_the_test_checkout_is_not_found_unless_embedded_defaults_are_allowed(
    client, pending, settings
):
    settings.DEBUG = False
    settings.ALLOW_EMBEDDED_DEFAULTS = False

    assert client.get(checkout_url(pending)).status_code == 404
    assert client.post(checkout_url(pending)).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Donation.Status.PENDING
