"""A payment the code will not count (another amount or currency than the gift's) waits for a
person: its own state with what Stripe collected and why, seen in the admin, told to staff
once a day, accepted from the gift's screen, and a true sentence for the donor."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from donations.models import Donation, DonationTotal
from donations.review import remind_staff_of_payments_to_review
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.donations.review_support import completed, paid_session
from tests.site.factories import UserFactory
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation(fundraiser, stripe_keys):
    """A $50 gift to Maria's page, its checkout open at Stripe."""
    return DonationFactory(
        page=fundraiser, checkout_session_id="cs_test_Discounted", first_name="Grace"
    )


@pytest.fixture
def held(client, donation):
    """The gift after Stripe collected $45 for it (a discount): held for review."""
    deliver(client, completed(paid_session(donation, amount_total=4500)))
    donation.refresh_from_db()
    return donation


def test_a_payment_of_another_amount_is_held_with_what_stripe_collected_and_why(
    held, campaign, fundraiser
):
    assert held.status == Donation.Status.NEEDS_REVIEW
    assert held.get_status_display() == "Needs review"
    assert (held.collected_amount_cents, held.collected_currency) == (4500, "usd")
    assert held.payment_intent_id == "pi_3PaidByStripe"
    assert held.checkout_session_id == "cs_test_Discounted"
    assert held.review_reason == Donation.ReviewReason.AMOUNT_DIFFERS
    assert held.review_detail == "Stripe collected $45 for a gift of $50."
    assert held.amount_cents == 5000
    assert DonationTotal.objects.total(page=fundraiser.pk) == (0, 0)
    assert campaign.totals() == (0, 0)
    assert not OutboundEmail.objects.filter(template="donation_receipt").exists()


def test_a_payment_in_another_currency_is_held_with_its_currency(client, donation):
    deliver(client, completed(paid_session(donation, currency="eur")))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert donation.review_reason == Donation.ReviewReason.CURRENCY_DIFFERS
    assert (donation.collected_amount_cents, donation.collected_currency) == (5000, "eur")


def test_a_held_payment_delivered_again_or_expiring_stays_held(client, held):
    deliver(client, completed(paid_session(held, amount_total=4500)))
    deliver(client, completed(paid_session(held), type="checkout.session.async_payment_succeeded"))
    deliver(client, completed(paid_session(held), type="checkout.session.expired"))

    held.refresh_from_db()
    assert held.status == Donation.Status.NEEDS_REVIEW
    assert held.collected_amount_cents == 4500


def test_the_donor_is_told_the_payment_arrived_and_is_being_checked(client, held):
    response = client.get(f"/donations/thank-you/{held.checkout_token}/")

    html = response.content.decode()
    assert "We received your payment and are checking it" in html
    assert "we will email you" in html
    assert "We are confirming your payment" not in html
    assert "data-status-url" not in html  # nothing left to poll for


def test_the_status_endpoint_says_needs_review(client, held):
    response = client.get(f"/donations/thank-you/{held.checkout_token}/status/")
    assert response.json()["status"] == "needs_review"
    assert "checking it" in response.json()["html"]


def test_staff_filter_the_list_to_payments_needing_review(staff_client, held, campaign):
    DonationFactory(page=campaign, first_name="Pending", last_name="Person")

    html = staff_client.get("/admin/donation/?state=needs_review").content.decode()

    assert "Grace Taylor" in html
    assert "Pending Person" not in html


def test_the_list_and_the_dashboard_count_the_payments_waiting(staff_client, held):
    assert "1 payment needs review" in staff_client.get("/admin/donation/").content.decode()
    assert "1 payment needs review" in staff_client.get("/admin/").content.decode()


def test_nothing_is_said_when_no_payment_waits(staff_client, donation):
    assert "needs review" not in staff_client.get("/admin/").content.decode()
    assert "need review" not in staff_client.get("/admin/donation/").content.decode()


def test_the_gifts_screen_shows_what_was_collected_and_offers_accepting(staff_client, held):
    html = staff_client.get(f"/admin/donation/inspect/{held.pk}/").content.decode()

    assert "$45" in html
    assert "Stripe collected $45 for a gift of $50." in html
    assert f"/admin/donation-review/{held.pk}/accept/" in html


def test_the_confirm_step_says_the_amount_and_which_totals_change(staff_client, held):
    html = staff_client.get(f"/admin/donation-review/{held.pk}/accept/").content.decode()

    assert "This counts <strong>$45</strong>" in html
    assert "gift of $50" in html
    assert "<strong>Maria&#x27;s walk</strong> and <strong>Spring into Action</strong>" in html
    assert "Count $45 and send the receipt" in html
    assert held.email in html


def test_accepting_counts_what_was_collected_everywhere_and_receipts_it(
    staff_client, held, fundraiser, campaign
):
    response = staff_client.post(f"/admin/donation-review/{held.pk}/accept/")

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Donation.Status.PAID
    assert held.amount_cents == 4500
    assert DonationTotal.objects.total(page=fundraiser.pk) == (4500, 1)
    assert campaign.totals() == (4500, 1)
    [receipt] = OutboundEmail.objects.filter(template="donation_receipt")
    assert (receipt.to, receipt.context["amount_cents"]) == (held.email, 4500)


def test_accepting_is_logged_in_the_gifts_history(staff_client, staff, held):
    from wagtail.models import ModelLogEntry

    staff_client.post(f"/admin/donation-review/{held.pk}/accept/")

    actions = ModelLogEntry.objects.filter(object_id=str(held.pk)).order_by("timestamp")
    assert [entry.action for entry in actions] == [
        "donations.held_for_review",
        "donations.review_accepted",
    ]
    assert actions.last().user_id == staff.pk


def test_accepting_twice_counts_once(staff_client, held, campaign):
    staff_client.post(f"/admin/donation-review/{held.pk}/accept/")
    staff_client.post(f"/admin/donation-review/{held.pk}/accept/")

    assert campaign.totals() == (4500, 1)
    assert OutboundEmail.objects.filter(template="donation_receipt").count() == 1


def test_after_accepting_recount_finds_no_drift(staff_client, held, campaign, capsys):
    staff_client.post(f"/admin/donation-review/{held.pk}/accept/")
    call_command("recount")
    assert "All counters match the rows they count." in capsys.readouterr().out


def test_a_payment_in_another_currency_cannot_be_accepted(staff_client, client, donation, campaign):
    deliver(client, completed(paid_session(donation, currency="eur")))

    page = staff_client.get(f"/admin/donation-review/{donation.pk}/accept/").content.decode()
    staff_client.post(f"/admin/donation-review/{donation.pk}/accept/")

    assert "cannot be counted toward its totals" in page
    assert "send the receipt" not in page
    donation.refresh_from_db()
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert campaign.totals() == (0, 0)


def test_staff_without_the_review_permission_may_not_accept(client, held):
    viewer = UserFactory(email="viewer@example.org")
    group = Group.objects.create(name="Gift viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_donation"),
    )
    viewer.groups.add(group)
    client.force_login(viewer)

    inspect = client.get(f"/admin/donation/inspect/{held.pk}/").content.decode()
    response = client.post(f"/admin/donation-review/{held.pk}/accept/")

    assert "/accept/" not in inspect
    assert response.status_code in (302, 403)
    held.refresh_from_db()
    assert held.status == Donation.Status.NEEDS_REVIEW


def test_staff_who_may_accept_are_emailed_once_a_day_while_any_wait(staff, held):
    today = datetime.date(2026, 4, 1)

    assert remind_staff_of_payments_to_review(today) == 1
    assert remind_staff_of_payments_to_review(today) == 0  # the task run again that day
    assert remind_staff_of_payments_to_review(today + datetime.timedelta(days=1)) == 1

    reminder = OutboundEmail.objects.filter(template="donations/payments_to_review").first()
    assert reminder.to == staff.email
    assert reminder.context["count"] == 1
    assert reminder.context["payments"][0]["detail"] == "Stripe collected $45 for a gift of $50."
    assert reminder.context["review_url"].endswith("/admin/donation/?state=needs_review")


def test_no_reminder_while_nothing_waits(staff, donation):
    assert remind_staff_of_payments_to_review(datetime.date(2026, 4, 1)) == 0
    assert not OutboundEmail.objects.filter(template="donations/payments_to_review").exists()


def test_the_reminder_runs_on_beats_daily_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-staff-of-payments-to-review"]
    assert entry == {
        "task": "donations.tasks.remind_staff_of_payments_to_review",
        "schedule": 86400.0,
    }


def test_the_reminder_renders(staff, held):
    from northstar.emails import render_email

    remind_staff_of_payments_to_review(datetime.date(2026, 4, 1))
    message = OutboundEmail.objects.get(template="donations/payments_to_review")
    rendered = render_email(message.template, message.context)

    assert "1 payment waits for your review" in str(rendered)
    assert "Grace Taylor, a gift of $50: Stripe collected $45" in str(rendered)


def test_reminders_go_to_staff_given_the_review_permission_and_not_to_others(staff, held):
    reviewer = UserFactory(email="reviewer@example.org")
    reviewer.groups.add(Group.objects.create(name="Finance"))
    reviewer.groups.get().permissions.add(Permission.objects.get(codename="review_donation"))
    UserFactory(email="editor@example.org")

    remind_staff_of_payments_to_review(datetime.date(2026, 4, 1))

    told = OutboundEmail.objects.filter(template="donations/payments_to_review")
    assert sorted(told.values_list("to", flat=True)) == [staff.email, "reviewer@example.org"]
