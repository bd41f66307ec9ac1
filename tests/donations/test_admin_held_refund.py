"""Staff refund a payment held for review from its screen ("Refund…" beside "Accept as
collected…"): a confirm screen saying what Stripe collected, the donor, that no total changes
and that the donor is emailed; the one refund service; the gift leaves "Needs review" for
"Refunded", and back if Stripe's refund fails."""

from urllib.parse import parse_qs

import pytest
import responses
from django.contrib.auth.models import Group, Permission

from donations.models import Donation, Refund
from donations.refunds import HeldRefundedWhole, refund
from donations.review import remind_staff_of_payments_to_review
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.donations.refund_kit import API, PAYMENT_INTENT, StripeNow, drift, totals
from tests.site.factories import UserFactory
from tests.support.stripe_events import deliver, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(fundraiser):
    """Grace Hopper's $50 gift to Maria's walk, for which Stripe collected $45: held."""
    donation = DonationFactory(
        page=fundraiser, first_name="Grace", last_name="Hopper", email="grace@example.org"
    )
    donation.hold_for_review(
        Donation.ReviewReason.AMOUNT_DIFFERS,
        "Stripe collected $45 for a gift of $50.",
        amount_cents=4500,
        currency="usd",
        payment_intent_id=PAYMENT_INTENT,
    )
    return donation


def screen(gift):
    return f"/admin/donation/inspect/{gift.pk}/"


def url(gift):
    return f"/admin/donations/refund/{gift.pk}/held/"


def refund_emails():
    return list(OutboundEmail.objects.filter(template="donations/refund"))


def test_a_held_payments_screen_offers_refund_beside_accept(staff_client, held):
    html = staff_client.get(screen(held)).content.decode()

    assert html.index("Accept as collected…") < html.index("Refund…")
    assert f'href="{url(held)}"' in html
    assert f'href="/admin/donations/refund/{held.pk}/"' not in html


def test_the_confirm_screen_says_what_stripe_collected_the_donor_no_total_and_the_email(
    staff_client, held
):
    response = staff_client.get(url(held))

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "This refunds <strong>$45.00</strong>, all that Stripe collected, to "
        "<strong>Grace Hopper</strong>'s card." in html
    )
    assert (
        "No total changes: this payment was never counted toward <strong>Maria&#x27;s walk"
        "</strong> or any page above it." in html
    )
    assert "Grace is emailed at grace@example.org that it was refunded." in html
    assert "Refund $45.00 to Grace Hopper" in html
    assert not Refund.objects.exists()


def test_refunding_in_test_mode_refunds_what_stripe_collected_and_changes_no_total(
    staff_client, staff, held, fundraiser, campaign, no_stripe, mail_kept_queued
):
    response = staff_client.post(url(held), {"reason": "Charged the wrong amount"})

    assert response.status_code == 302
    assert response["Location"] == screen(held)
    made = Refund.objects.get()
    assert (made.amount_cents, made.status, made.by, made.reason) == (
        4500,
        Refund.Status.SUCCEEDED,
        staff,
        "Charged the wrong amount",
    )
    held.refresh_from_db()
    assert held.status == Donation.Status.REFUNDED
    assert held.get_status_display() == "Refunded"
    assert totals(fundraiser, campaign) == [(0, 0)] * 2
    assert drift() == {}
    [email] = refund_emails()
    assert email.to == "grace@example.org"
    assert (email.context["amount_cents"], email.context["gift_cents"]) == (4500, 4500)
    assert email.context["never_counted"] is True


def test_the_donors_email_says_no_receipt_stands_for_a_payment_never_counted(
    staff, held, no_stripe, mail_kept_queued
):
    refund(held, 4500, by=staff, reason="Charged the wrong amount")

    [email] = refund_emails()
    text = render_email(email.template, email.context)[1]
    assert 'We have refunded $45 of your gift to "Maria\'s walk".' in text
    assert "This payment was never counted as a gift, so no receipt stands for it." in text


def test_the_daily_reminder_stops_counting_a_refunded_payment(staff, held, no_stripe):
    refund(held, 4500, by=staff, reason="Charged the wrong amount")

    assert remind_staff_of_payments_to_review() == 0
    assert staff.email  # a reviewer who would have been told


@responses.activate
def test_with_stripe_the_refund_asks_stripe_for_what_it_collected(
    staff_client, held, stripe_keys, mail_kept_queued
):
    responses.post(
        f"{API}/refunds",
        json={"id": "re_1Held", "object": "refund", "amount": 4500, "status": "pending"},
    )

    staff_client.post(url(held), {"reason": "Charged the wrong amount"})

    [call] = responses.calls
    sent = {key: values[0] for key, values in parse_qs(call.request.body).items()}
    made = Refund.objects.get()
    assert sent == {
        "payment_intent": PAYMENT_INTENT,
        "amount": "4500",
        "reason": "requested_by_customer",
        "metadata[refund_id]": str(made.pk),
        "metadata[donation_id]": str(held.pk),
    }
    assert (made.stripe_refund_id, made.status) == ("re_1Held", Refund.Status.PENDING)
    held.refresh_from_db()
    assert held.status == Donation.Status.REFUNDED
    assert refund_emails() == []  # told once it succeeds


@responses.activate
def test_stripes_refund_succeeding_later_emails_the_donor_once(
    client, staff, held, stripe_keys, mail_kept_queued
):
    responses.post(
        f"{API}/refunds",
        json={"id": "re_1Held", "object": "refund", "amount": 4500, "status": "pending"},
    )
    refund(held, 4500, by=staff, reason="Charged the wrong amount")
    stripe = StripeNow()
    done = stripe.refund("re_1Held", 4500, status="succeeded")
    stripe.stub()

    for _ in range(2):
        assert deliver(client, event("refund.updated", done)).status_code == 200

    held.refresh_from_db()
    assert held.status == Donation.Status.REFUNDED
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert len(refund_emails()) == 1


@responses.activate
def test_a_refund_that_fails_in_stripe_puts_the_payment_back_for_review(
    client, staff, held, stripe_keys
):
    responses.post(
        f"{API}/refunds",
        json={"id": "re_1Held", "object": "refund", "amount": 4500, "status": "pending"},
    )
    refund(held, 4500, by=staff, reason="Charged the wrong amount")
    stripe = StripeNow()
    failed = stripe.refund("re_1Held", 4500, status="failed")
    stripe.stub()

    deliver(client, event("refund.failed", failed))

    held.refresh_from_db()
    assert held.status == Donation.Status.NEEDS_REVIEW
    assert Refund.objects.get().status == Refund.Status.FAILED


@responses.activate
def test_a_refund_made_in_stripes_dashboard_for_all_it_collected_marks_it_refunded(
    client, held, fundraiser, campaign, stripe_keys
):
    stripe = StripeNow()
    theirs = stripe.refund("re_1Dashboard", 4500)
    stripe.stub()

    deliver(client, event("refund.created", theirs))

    held.refresh_from_db()
    assert held.status == Donation.Status.REFUNDED
    assert Refund.objects.get().reason == "Refunded in Stripe"
    assert totals(fundraiser, campaign) == [(0, 0)] * 2


def test_part_of_a_held_payment_cannot_be_refunded(staff, held, no_stripe):
    with pytest.raises(HeldRefundedWhole, match=r"refunded whole: \$45.00 \(asked: \$10.00\)"):
        refund(held, 1000, by=staff)

    held.refresh_from_db()
    assert held.status == Donation.Status.NEEDS_REVIEW
    assert not Refund.objects.exists()


def test_a_refund_without_a_reason_is_asked_for_one_and_changes_nothing(
    staff_client, held, no_stripe
):
    response = staff_client.post(url(held), {"reason": ""})

    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode()
    assert not Refund.objects.exists()


def test_a_refunded_payment_offers_neither_refund_nor_accept(staff_client, staff, held, no_stripe):
    refund(held, 4500, by=staff, reason="Charged the wrong amount")

    html = staff_client.get(screen(held)).content.decode()
    assert "Refund…" not in html
    assert "Accept as collected…" not in html
    response = staff_client.post(url(held), {"reason": "Again"}, follow=True)
    assert "This gift was not paid, so there is nothing to refund." in response.content.decode()
    assert Refund.objects.count() == 1


def test_staff_who_may_accept_but_not_refund_see_no_refund_and_are_refused(client, held, no_stripe):
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_donation"),
        Permission.objects.get(codename="review_donation"),
    )
    reviewer = UserFactory()
    reviewer.groups.add(reviewers)
    client.force_login(reviewer)

    html = client.get(screen(held)).content.decode()
    response = client.post(url(held), {"reason": "x"})

    assert "Accept as collected…" in html
    assert "Refund…" not in html
    assert response.status_code in (302, 403)
    assert not Refund.objects.exists()
