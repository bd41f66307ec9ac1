"""Managing a monthly gift by its signed link, without logging in."""

from urllib.parse import parse_qs

import pytest
import responses

from donations.models import RecurringGift
from donations.recurring import manage_token
from northstar.models import OutboundEmail
from tests.donations.monthly_support import SUBSCRIPTION, RecurringGiftFactory, invoice
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(campaign):
    return RecurringGiftFactory(
        page=campaign,
        status=RecurringGift.Status.ACTIVE,
        stripe_subscription_id=SUBSCRIPTION,
        stripe_customer_id="cus_test_monthly1",
    )


def manage_path(plan):
    return f"/donations/monthly/manage/{manage_token(plan)}/"


def test_the_manage_page_shows_the_gift_and_changes_nothing_on_get(client, plan):
    response = client.get(manage_path(plan))
    assert response.status_code == 200
    assert "$25 a month to Spring into Action" in response.content.decode()
    assert client.get(manage_path(plan) + "cancel/").status_code == 405
    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.ACTIVE


def test_a_link_we_did_not_sign_is_not_found(client, plan):
    token = manage_token(plan)
    assert client.get(f"/donations/monthly/manage/{token[:-2]}xx/").status_code == 404


@responses.activate
def test_canceling_stops_the_subscription_and_counts_nothing_back(
    client, campaign, plan, stripe_keys
):
    deliver(client, invoice(plan, "in_test_1"))
    cancel = responses.delete(
        f"https://api.stripe.com/v1/subscriptions/{SUBSCRIPTION}",
        json={"id": SUBSCRIPTION, "object": "subscription", "status": "canceled"},
    )

    response = client.post(manage_path(plan) + "cancel/")

    assert response.status_code == 302
    assert cancel.call_count == 1
    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.CANCELED
    assert campaign.totals() == (2500, 1)
    assert OutboundEmail.objects.filter(template="donations/monthly_ended").count() == 1
    assert "has ended" in client.get(manage_path(plan)).content.decode()


def test_canceling_in_test_mode_ends_the_plan_and_billing_skips_it(client, plan, no_stripe):
    client.post(manage_path(plan) + "cancel/")
    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.CANCELED


def test_changing_the_amount_in_test_mode_changes_the_next_installments(client, plan, no_stripe):
    response = client.post(manage_path(plan) + "amount/", {"amount": "40"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.amount_cents == 4000


def test_a_bad_amount_is_refused_with_a_message_and_changes_nothing(client, plan, no_stripe):
    response = client.post(manage_path(plan) + "amount/", {"amount": "0.49"})
    assert response.status_code == 400
    assert "The smallest monthly gift we can take" in response.content.decode()
    plan.refresh_from_db()
    assert plan.amount_cents == 2500


@responses.activate
def test_updating_the_card_opens_stripes_portal_on_the_payment_method_flow(
    client, plan, stripe_keys
):
    portal = responses.post(
        "https://api.stripe.com/v1/billing_portal/sessions",
        json={"id": "bps_1", "object": "billing_portal.session", "url": "https://portal.test/x"},
    )

    response = client.post(manage_path(plan) + "card/")

    assert response["Location"] == "https://portal.test/x"
    sent = {key: values[0] for key, values in parse_qs(portal.calls[0].request.body).items()}
    assert sent["flow_data[type]"] == "payment_method_update"
    assert sent["customer"] == "cus_test_monthly1"


def test_updating_the_card_in_test_mode_shows_a_local_page(client, plan, no_stripe):
    response = client.post(manage_path(plan) + "card/")
    assert response.status_code == 200
    assert "TEST MODE" in response.content.decode()


@pytest.mark.parametrize("typed", ["monthly-known", "nobody@example.org"])
def test_asking_for_the_manage_link_answers_the_same_whatever_address_is_typed(
    client, plan, typed, monkeypatch, django_capture_on_commit_callbacks
):
    """The request queues the same task for any address (so its time tells nothing); the
    worker emails the links only to an address that gives monthly."""
    from donations import recurring

    queued = []
    monkeypatch.setattr(recurring.email_manage_links, "delay", queued.append)
    email = plan.email if typed == "monthly-known" else typed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/donations/monthly/manage/", {"email": email})
    assert queued == [email]
    assert not OutboundEmail.objects.filter(template="donations/monthly_manage_link").exists()
    recurring.email_manage_links.apply([email])
    assert response.status_code == 200
    assert "If this address gives monthly with us" in response.content.decode()
    sent = OutboundEmail.objects.filter(template="donations/monthly_manage_link")
    assert sent.count() == (1 if email == plan.email else 0)
    if sent:
        assert manage_token(plan) in sent.get().context["gifts"][0]["manage_url"]


def test_every_page_links_to_asking_for_the_manage_link(client, campaign):
    """A donor who lost their receipt finds "Manage a monthly gift" in any page's footer."""
    response = client.get(campaign.url)

    assert '<a href="/donations/monthly/manage/">Manage a monthly gift</a>' in response.text
