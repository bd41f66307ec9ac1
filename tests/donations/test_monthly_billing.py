"""Monthly gifts in test mode: the local checkout and `manage.py bill_monthly_gifts`, through
the same service as Stripe's `invoice.paid`."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from donations.models import Donation, RecurringGift
from donations.recurring import add_month, bill_monthly_gifts
from northstar.days import organisation_today
from northstar.models import OutboundEmail
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db


def start_monthly(client, campaign, amount="25"):
    response = client.post(
        f"/donations/give/{campaign.pk}/", donate_form(amount=amount, frequency="monthly")
    )
    assert response.status_code == 302
    return response["Location"]


def test_the_local_checkout_starts_a_monthly_gift_and_counts_its_first_month(
    client, campaign, no_stripe
):
    checkout = start_monthly(client, campaign)
    assert "Start your monthly gift of $25" in client.get(checkout).content.decode()

    response = client.post(checkout)

    plan = RecurringGift.objects.get()
    assert response["Location"] == f"/donations/monthly/thank-you/{plan.checkout_token}/"
    assert plan.status == RecurringGift.Status.ACTIVE
    assert plan.installments_paid == 1
    assert plan.next_installment_on == add_month(organisation_today())
    assert campaign.totals() == (2500, 1)
    [receipt] = OutboundEmail.objects.filter(template="donation_receipt")
    assert receipt.context["test_payment"] is True
    assert "is set up" in client.get(response["Location"]).content.decode()


def test_completing_the_local_checkout_twice_counts_once(client, campaign, no_stripe):
    checkout = start_monthly(client, campaign)
    client.post(checkout)
    client.post(checkout)
    assert campaign.totals() == (2500, 1)


def test_bill_monthly_gifts_bills_only_the_plans_that_are_due(client, campaign, no_stripe):
    client.post(start_monthly(client, campaign))

    call_command("bill_monthly_gifts")
    assert campaign.totals() == (2500, 1)  # next month is not due yet

    RecurringGift.objects.update(next_installment_on=organisation_today() - timedelta(days=1))
    call_command("bill_monthly_gifts")
    call_command("bill_monthly_gifts")  # run twice the same day: billed once
    assert campaign.totals() == (5000, 2)


def test_bill_monthly_gifts_now_bills_every_active_plans_next_month(client, campaign, no_stripe):
    client.post(start_monthly(client, campaign))

    call_command("bill_monthly_gifts", "--now")
    call_command("bill_monthly_gifts", "--now")

    plan = RecurringGift.objects.get()
    assert plan.installments_paid == 3
    assert campaign.totals() == (7500, 3)
    assert OutboundEmail.objects.filter(template="donation_receipt").count() == 3


def test_bill_monthly_gifts_skips_canceled_plans(client, campaign, no_stripe):
    client.post(start_monthly(client, campaign))
    RecurringGift.objects.update(status=RecurringGift.Status.CANCELED)
    call_command("bill_monthly_gifts", "--now")
    assert campaign.totals() == (2500, 1)


def test_bill_monthly_gifts_refuses_when_stripe_bills(campaign, stripe_keys):
    with pytest.raises(CommandError, match="Stripe bills monthly gifts"):
        call_command("bill_monthly_gifts", "--now")
    assert bill_monthly_gifts() == 0  # beat's daily task does nothing either


def test_the_daily_task_bills_due_plans(client, campaign, no_stripe):
    client.post(start_monthly(client, campaign))
    RecurringGift.objects.update(next_installment_on=organisation_today() - timedelta(days=3))
    assert bill_monthly_gifts() == 1
    assert Donation.objects.filter(status=Donation.Status.PAID).count() == 2


def test_the_next_date_keeps_the_day_of_the_month_the_plan_started_on():
    from datetime import date

    assert add_month(date(2026, 1, 31)) == date(2026, 2, 28)
    assert add_month(date(2026, 2, 28), 31) == date(2026, 3, 31)
    assert add_month(date(2026, 12, 15)) == date(2027, 1, 15)
