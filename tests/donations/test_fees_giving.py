"""Covering the fee, given for real: the unticked box, the gift and the fee stored apart, the
charge, and every total counting what the donor gave (gift + fee), refunds and recounts too.

The organisation's rule is the default, 2.2% + $0.30: on a $50 gift the fee is $1.44."""

from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import responses

from donations.fees import FeeRule, fee_to_cover
from donations.models import Donation, GivingSettings, RecurringGift
from donations.recurring import bill_installment, change_amount
from donations.refunds import RefundTooLarge, refund, refundable_cents
from donations.review import accept_held_payment
from donations.services import fulfil_checkout_session
from tests.donations.factories import DonationFactory, donate_form
from tests.donations.refund_kit import drift, totals

pytestmark = pytest.mark.django_db

FEE_ON_50 = 144  # ceil((5000 + 30) / 0.978) - 5000


def give(client, page, **fields):
    """Post the donate form; (the gift, its checkout URL), or (None, URL) for a monthly one."""
    response = client.post(f"/donations/give/{page.pk}/", donate_form(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Donation.objects.order_by("pk").last(), response["Location"]


def test_the_box_is_unticked_and_says_the_fee_on_the_amount_chosen_first(client, campaign):
    html = client.get(campaign.url).content.decode()

    assert 'name="cover_fee"' in html
    assert 'name="cover_fee" id="id_cover_fee" aria-describedby="id_cover_fee_helptext">' in html
    assert "Add <span data-fee-amount>$1.44</span> so that all of my" in html
    assert "<span data-fee-gift>$50</span> reaches the cause" in html
    # Without JavaScript, the sentence shown is true whatever amount is chosen.
    assert (
        "Add the processing fee (2.2% + $0.30 of my gift) so that all of my gift reaches the cause"
        in html
    )
    assert "For a gift of $50, that is $1.44." in html


def test_a_form_shown_again_says_the_fee_on_the_amount_posted(client, campaign):
    response = client.post(
        f"/donations/give/{campaign.pk}/",
        donate_form(amount="100", cover_fee="on", email="not an address"),
    )

    html = response.content.decode()
    assert "Add <span data-fee-amount>$2.56</span>" in html  # ceil(10030 / 0.978) = 10256
    assert (
        'name="cover_fee" id="id_cover_fee" aria-describedby="id_cover_fee_helptext" checked>'
        in html
    )


def test_no_box_is_offered_when_the_rule_is_zero(client, campaign):
    settings = GivingSettings.for_default_site()
    settings.fee_percent, settings.fee_fixed_cents = Decimal("0"), 0
    settings.save()

    assert 'name="cover_fee"' not in client.get(campaign.url).content.decode()


def test_a_gift_without_the_box_ticked_has_no_fee(client, campaign, no_stripe):
    donation, _ = give(client, campaign, amount="50")

    assert (donation.amount_cents, donation.fee_cents) == (5000, 0)


def test_the_fee_covered_is_stored_apart_from_the_gift(client, campaign, no_stripe):
    donation, _ = give(client, campaign, amount="50", cover_fee="on")

    assert donation.amount_cents == 5000
    assert donation.fee_cents == FEE_ON_50
    assert donation.given_cents == 5144


def test_the_fee_follows_a_typed_amount(client, campaign, no_stripe):
    donation, _ = give(client, campaign, amount="other", other_amount="123.45", cover_fee="on")

    assert donation.amount_cents == 12345
    assert donation.fee_cents == fee_to_cover(12345, FeeRule(Decimal("2.2"), 30)) == 309


def test_the_test_checkout_charges_the_gift_and_the_fee_and_the_total_moves_by_both(
    client, campaign, no_stripe
):
    donation, checkout = give(client, campaign, amount="50", cover_fee="on")
    assert "$51.44" in client.get(checkout).content.decode()

    client.post(checkout)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign.totals() == (5000 + FEE_ON_50, 1)
    assert drift() == {}  # `manage.py recount` agrees


def test_refunding_the_whole_of_a_gift_with_its_fee_brings_every_total_back(fundraiser, staff):
    donation = DonationFactory(page=fundraiser, amount_cents=5000, fee_cents=FEE_ON_50)
    fulfil_checkout_session(donation.checkout_session_id, "pi_fee", 5144, "usd")
    campaign = fundraiser.campaign
    assert totals(fundraiser, campaign) == [(5144, 1), (5144, 1)]
    donation.refresh_from_db()
    assert refundable_cents(donation) == 5144

    refund(donation, 5144, by=staff)

    assert totals(fundraiser, campaign) == [(0, 0), (0, 0)]
    assert drift() == {}


def test_a_refund_of_more_than_the_gift_and_fee_is_refused(fundraiser, staff):
    donation = DonationFactory(page=fundraiser, amount_cents=5000, fee_cents=FEE_ON_50)
    fulfil_checkout_session(donation.checkout_session_id, "pi_fee", 5144, "usd")

    with pytest.raises(RefundTooLarge):
        refund(donation, 5145, by=staff)

    assert totals(fundraiser) == [(5144, 1)]


def test_a_part_refund_comes_off_what_was_given_and_the_recount_agrees(fundraiser, staff):
    donation = DonationFactory(page=fundraiser, amount_cents=5000, fee_cents=FEE_ON_50)
    fulfil_checkout_session(donation.checkout_session_id, "pi_fee", 5144, "usd")

    refund(donation, 144, by=staff)

    assert totals(fundraiser) == [(5000, 1)]
    assert drift() == {}


def test_stripe_collecting_only_the_gift_when_the_fee_was_covered_is_held_for_review(campaign):
    donation = DonationFactory(page=campaign, amount_cents=5000, fee_cents=FEE_ON_50)

    counted = fulfil_checkout_session(donation.checkout_session_id, "pi_short", 5000, "usd")

    donation.refresh_from_db()
    assert counted is False
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert donation.review_detail == (
        "Stripe collected $50 for a gift of $51.44 ($50 and a fee of $1.44)."
    )
    assert campaign.totals() == (0, 0)


def test_accepting_a_held_payment_keeps_the_fee_and_counts_what_was_collected(campaign, staff):
    donation = DonationFactory(page=campaign, amount_cents=5000, fee_cents=FEE_ON_50)
    fulfil_checkout_session(donation.checkout_session_id, "pi_more", 6144, "usd")

    accepted = accept_held_payment(donation.pk, by=staff)

    assert (accepted.amount_cents, accepted.fee_cents) == (6000, FEE_ON_50)
    assert campaign.totals() == (6144, 1)


@responses.activate
def test_stripe_checkout_lists_the_fee_as_its_own_line(client, campaign, stripe_keys):
    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        json={"id": "cs_test_fee", "object": "checkout.session", "url": "https://stripe.test/x"},
    )

    give(client, campaign, amount="50", cover_fee="on")

    sent = {key: values[0] for key, values in parse_qs(responses.calls[0].request.body).items()}
    assert sent["line_items[0][price_data][unit_amount]"] == "5000"
    assert sent["line_items[0][price_data][product_data][name]"] == "Gift to Spring into Action"
    assert sent["line_items[1][price_data][unit_amount]"] == "144"
    assert sent["line_items[1][price_data][product_data][name]"] == (
        "Covering the processing fee, so that all of the gift reaches the cause"
    )


@responses.activate
def test_stripe_checkout_has_one_line_when_no_fee_is_covered(client, campaign, stripe_keys):
    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        json={"id": "cs_test_nofee", "object": "checkout.session", "url": "https://stripe.test/x"},
    )

    give(client, campaign, amount="50")

    sent = parse_qs(responses.calls[0].request.body)
    assert "line_items[1][price_data][unit_amount]" not in sent


def test_a_monthly_gift_keeps_the_fee_on_every_installment(client, campaign, no_stripe):
    _, checkout = give(client, campaign, amount="25", frequency="monthly", cover_fee="on")
    client.post(checkout)
    plan = RecurringGift.objects.get()
    fee = fee_to_cover(2500, FeeRule(Decimal("2.2"), 30))  # ceil(2530 / 0.978) - 2500 = 87

    second = bill_installment(plan, plan.next_installment_on)

    assert (plan.amount_cents, plan.fee_cents) == (2500, fee) == (2500, 87)
    assert [(d.amount_cents, d.fee_cents) for d in plan.installments.order_by("pk")] == [
        (2500, 87),
        (2500, 87),
    ]
    assert second.given_cents == 2587
    assert campaign.totals() == (2 * 2587, 2)
    assert drift() == {}


def test_changing_a_covered_monthly_amount_recomputes_the_fee(client, campaign, no_stripe):
    _, checkout = give(client, campaign, amount="25", frequency="monthly", cover_fee="on")
    client.post(checkout)
    plan = RecurringGift.objects.get()

    change_amount(plan, 4000)

    plan.refresh_from_db()
    assert (plan.amount_cents, plan.fee_cents) == (4000, 121)  # ceil(4030 / 0.978) = 4121


def test_changing_a_monthly_amount_adds_no_fee_the_donor_did_not_choose(
    client, campaign, no_stripe
):
    _, checkout = give(client, campaign, amount="25", frequency="monthly")
    client.post(checkout)
    plan = RecurringGift.objects.get()

    change_amount(plan, 4000)

    plan.refresh_from_db()
    assert (plan.amount_cents, plan.fee_cents) == (4000, 0)
