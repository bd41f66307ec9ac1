"""With STRIPE_SECRET_KEY set, a gift goes to Stripe Checkout (Stripe's HTTP stubbed at the
network boundary: the stripe library talks through `requests`)."""

from urllib.parse import parse_qs

import pytest
import responses

from donations.models import Donation
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db

SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions"
SESSION_URL = "https://checkout.stripe.com/c/pay/cs_test_a1B2c3"


@responses.activate
def test_a_gift_creates_a_checkout_session_and_goes_to_it(client, campaign, stripe_keys):
    responses.post(
        SESSIONS_URL,
        json={
            "id": "cs_test_a1B2c3",
            "object": "checkout.session",
            "url": SESSION_URL,
            "amount_total": 5000,
            "currency": "usd",
            "payment_status": "unpaid",
            "status": "open",
        },
    )

    response = client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))

    assert response.status_code == 302
    assert response["Location"] == SESSION_URL
    donation = Donation.objects.get()
    assert donation.checkout_session_id == "cs_test_a1B2c3"
    assert donation.status == Donation.Status.PENDING

    [call] = responses.calls
    assert call.request.headers["Authorization"] == "Bearer sk_test_northstar"
    assert call.request.headers["Idempotency-Key"] == f"donation-{donation.uuid}"
    sent = {key: values[0] for key, values in parse_qs(call.request.body).items()}
    assert sent["mode"] == "payment"
    assert sent["line_items[0][price_data][unit_amount]"] == "5000"
    assert sent["line_items[0][price_data][currency]"] == "usd"
    assert sent["line_items[0][price_data][product_data][name]"] == "Gift to Spring into Action"
    assert sent["line_items[0][quantity]"] == "1"
    assert sent["metadata[donation_id]"] == str(donation.pk)
    assert sent["client_reference_id"] == str(donation.pk)
    assert sent["customer_email"] == "jordan.taylor@example.org"
    assert sent["success_url"] == (
        f"http://testserver/donations/thank-you/{donation.checkout_token}/"
    )
    assert sent["cancel_url"] == f"http://testserver{campaign.url}"


@responses.activate
def test_when_stripe_refuses_the_donor_is_told_and_nothing_is_charged(
    client, campaign, stripe_keys
):
    responses.post(
        SESSIONS_URL,
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "Invalid currency"}},
    )

    response = client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))

    assert response.status_code == 503
    assert "could not reach our payment provider" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED
    assert campaign.totals() == (0, 0)
