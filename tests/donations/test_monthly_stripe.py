"""Monthly gifts with Stripe: a subscription checkout, then every installment counted on
`invoice.paid` (signed events from Stripe's published objects; Stripe's HTTP stubbed)."""

from urllib.parse import parse_qs

import pytest
import responses
from django.core.management import call_command

from donations.models import Donation, RecurringGift
from northstar.models import OutboundEmail
from tests.donations.factories import donate_form
from tests.donations.monthly_support import (
    CUSTOMER,
    SUBSCRIPTION,
    RecurringGiftFactory,
    invoice,
    session_completed,
    subscription,
)
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db

SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions"


def receipts():
    return OutboundEmail.objects.filter(template="donation_receipt")


@responses.activate
def test_monthly_opens_a_subscription_checkout_with_the_plan_in_its_metadata(
    client, campaign, stripe_keys
):
    responses.post(
        SESSIONS_URL,
        json={"id": "cs_test_sub1", "object": "checkout.session", "url": "https://x.test/pay"},
    )

    response = client.post(
        f"/donations/give/{campaign.pk}/", donate_form(amount="25", frequency="monthly")
    )

    assert response.status_code == 302
    assert response["Location"] == "https://x.test/pay"
    plan = RecurringGift.objects.get()
    assert (plan.amount_cents, plan.status) == (2500, RecurringGift.Status.PENDING)
    assert plan.checkout_session_id == "cs_test_sub1"
    assert not Donation.objects.exists()
    [call] = responses.calls
    assert call.request.headers["Idempotency-Key"] == f"recurring-gift-{plan.uuid}"
    sent = {key: values[0] for key, values in parse_qs(call.request.body).items()}
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price_data][unit_amount]"] == "2500"
    assert sent["line_items[0][price_data][recurring][interval]"] == "month"
    assert sent["subscription_data[metadata][recurring_gift_id]"] == str(plan.pk)
    assert sent["subscription_data[metadata][page_id]"] == str(campaign.pk)


def test_the_completed_subscription_checkout_links_the_plan_and_counts_nothing(
    client, campaign, stripe_keys
):
    plan = RecurringGiftFactory(page=campaign)

    assert deliver(client, session_completed(plan)).status_code == 200

    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.ACTIVE
    assert (plan.stripe_subscription_id, plan.stripe_customer_id) == (SUBSCRIPTION, CUSTOMER)
    assert campaign.totals() == (0, 0)
    assert not receipts().exists()


@pytest.mark.parametrize("first_invoice_before_session", [False, True])
def test_three_installments_count_three_gifts_each_once(
    client, campaign, stripe_keys, capsys, first_invoice_before_session
):
    plan = RecurringGiftFactory(page=campaign)
    events = [session_completed(plan), invoice(plan, "in_test_1")]
    if first_invoice_before_session:
        events.reverse()
    events += [invoice(plan, "in_test_2"), invoice(plan, "in_test_3")]

    for event in events + events:  # every event delivered twice
        assert deliver(client, event).status_code == 200

    assert campaign.totals() == (7500, 3)
    plan.refresh_from_db()
    assert plan.installments_paid == 3
    assert plan.stripe_subscription_id == SUBSCRIPTION
    gifts = Donation.objects.filter(recurring_gift=plan, status=Donation.Status.PAID)
    assert sorted(gifts.values_list("stripe_invoice_id", flat=True)) == [
        "in_test_1",
        "in_test_2",
        "in_test_3",
    ]
    assert receipts().count() == 3
    call_command("recount")
    assert "All counters match the rows they count." in capsys.readouterr().out


def test_the_same_invoice_delivered_in_two_events_counts_once(client, campaign, stripe_keys):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, invoice(plan, "in_test_1"))
    deliver(client, invoice(plan, "in_test_1"))  # a new event id, the same invoice
    assert campaign.totals() == (2500, 1)


def test_each_receipt_of_an_installment_carries_the_signed_manage_link(
    client, campaign, stripe_keys
):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, invoice(plan, "in_test_1"))

    [receipt] = receipts()
    assert receipt.context["monthly"] is True
    assert receipt.context["installment_number"] == 1
    assert "/donations/monthly/manage/" in receipt.context["manage_url"]
    path = receipt.context["manage_url"].removeprefix("http://testserver")
    assert f"{plan.amount_display} a month" in client.get(path).content.decode()


def test_an_invoice_of_a_subscription_not_ours_is_ignored(client, campaign, stripe_keys):
    plan = RecurringGiftFactory(page=campaign)
    foreign = invoice(plan, "in_foreign")
    foreign["data"]["object"]["parent"]["subscription_details"] = {
        "metadata": {},
        "subscription": "sub_someone_else",
    }
    assert deliver(client, foreign).status_code == 200
    assert campaign.totals() == (0, 0)


def test_a_failed_installment_makes_the_plan_past_due_and_emails_once_per_invoice(
    client, campaign, stripe_keys
):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, session_completed(plan))
    deliver(client, invoice(plan, "in_test_1"))

    for _retry in range(3):  # Stripe retries the same invoice
        deliver(client, invoice(plan, "in_test_2", type="invoice.payment_failed"))

    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.PAST_DUE
    [failed] = OutboundEmail.objects.filter(template="donations/monthly_payment_failed")
    assert failed.to == plan.email
    assert failed.context["retry_on"]  # "We will try your card again on ..."
    assert "/donations/monthly/manage/" in failed.context["manage_url"]
    assert campaign.totals() == (2500, 1)


def test_a_failed_installment_paid_on_retry_counts_once_and_the_plan_is_active_again(
    client, campaign, stripe_keys
):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, session_completed(plan))
    deliver(client, invoice(plan, "in_test_1"))
    deliver(client, invoice(plan, "in_test_2", type="invoice.payment_failed"))

    deliver(client, invoice(plan, "in_test_2"))
    deliver(client, invoice(plan, "in_test_2", type="invoice.payment_failed"))  # a late copy

    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.ACTIVE
    assert campaign.totals() == (5000, 2)
    assert OutboundEmail.objects.filter(template="donations/monthly_payment_failed").count() == 1


def test_a_deleted_subscription_ends_the_plan_tells_the_donor_once_and_keeps_its_gifts(
    client, campaign, stripe_keys
):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, session_completed(plan))
    deliver(client, invoice(plan, "in_test_1"))

    deliver(client, subscription(plan, "customer.subscription.deleted", status="canceled"))
    deliver(client, subscription(plan, "customer.subscription.deleted", status="canceled"))
    deliver(client, subscription(plan, status="active"))  # an older update, arriving late

    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.CANCELED
    assert OutboundEmail.objects.filter(template="donations/monthly_ended").count() == 1
    assert campaign.totals() == (2500, 1)


def test_a_subscription_update_to_past_due_marks_the_plan_past_due(client, campaign, stripe_keys):
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, session_completed(plan))
    deliver(client, subscription(plan, status="past_due"))
    plan.refresh_from_db()
    assert plan.status == RecurringGift.Status.PAST_DUE
