"""Refunds, disputes, monthly installments and payments at the same moment across the pages of
one team (PostgreSQL): every level ends equal to what its rows say, and no refund is ever
more than what was left of its gift.

Test mode throughout (no Stripe secret key): staff refunds succeed at once, and the handlers
of Stripe's events read the event's own copy, so no HTTP stub is shared between threads. The
events still go through the real webhook, signed, with the endpoint secret set.
"""

from collections import Counter, defaultdict

import pytest
from django.test import Client

from donations.models import Dispute, Donation, DonationTotal, RecurringGift, Refund
from donations.recurring import LOCAL_INVOICE_PREFIX, LOCAL_SUBSCRIPTION_PREFIX
from donations.recurring import record_installment as pay_installment
from donations.refunds import RefundTooLarge, refund
from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.donations.monthly_support import RecurringGiftFactory
from tests.support.services import require_postgresql
from tests.support.stripe_events import SECRET, deliver, event, stripe_object
from tests.support.threads import run_at_once

PAGES = 5
THREADS = 50

# The rules a total follows, written here again rather than read from the code under test:
# a paid gift counts its amount less its pending or succeeded refunds and its disputes open
# or lost, and counts as one gift while any of it is left.
COUNTED_REFUNDS = ("pending", "succeeded")
COUNTED_DISPUTES = ("needs_response", "under_review", "lost")


@pytest.fixture
def webhook_in_test_mode(settings):
    """Stripe's events verified with the endpoint secret, but no secret key: the handlers use
    the event's copy of each object (nothing is re-read over HTTP)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return settings


@pytest.fixture
def team_of_five(campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    pages = [
        FundraiserPageFactory(parent=campaign, title=f"Walker {i}", team=team) for i in range(PAGES)
    ]
    return team, pages


def paid_gift(page, amount_cents, n):
    donation = DonationFactory(page=page, amount_cents=amount_cents)
    assert fulfil_checkout_session(donation.checkout_session_id, f"pi_old_{n}", amount_cents, "usd")
    donation.refresh_from_db()
    return donation


def active_plan(page, n):
    """A $25 monthly gift already billed once (its first installment is returned too)."""
    plan = RecurringGiftFactory(
        page=page,
        status=RecurringGift.Status.ACTIVE,
        checkout_session_id=f"cs_local_plan{n}",
        stripe_subscription_id=f"{LOCAL_SUBSCRIPTION_PREFIX}plan{n}",
    )
    first = pay_installment(plan, f"{LOCAL_INVOICE_PREFIX}plan{n}_1", 2500, "usd")
    return plan, first


def dashboard_refund(gift, refund_id, amount):
    """A refund made in Stripe's dashboard, as its events carry it."""
    return stripe_object(
        "refund",
        id=refund_id,
        amount=amount,
        status="succeeded",
        payment_intent=gift.payment_intent_id,
        metadata={},
    )


def dispute(gift, dispute_id, status):
    return stripe_object(
        "dispute",
        id=dispute_id,
        amount=gift.amount_cents,
        status=status,
        payment_intent=gift.payment_intent_id,
        balance_transactions=[],
    )


def delivered(*events):
    """Work that posts `events` to the webhook, in order, from its own client."""

    def work():
        client = Client()
        for each in events:
            assert deliver(client, each).status_code == 200

    return work


def levels_from_rows(campaign, team, pages):
    """{page id: (cents, gifts)} for each page, the team and the campaign, summed here from the
    Donation, Refund and Dispute rows."""
    off = Counter()
    for donation_id, cents in Refund.objects.filter(status__in=COUNTED_REFUNDS).values_list(
        "donation_id", "amount_cents"
    ):
        off[donation_id] += cents
    for donation_id, cents in Dispute.objects.filter(status__in=COUNTED_DISPUTES).values_list(
        "donation_id", "amount_cents"
    ):
        off[donation_id] += cents
    levels = defaultdict(lambda: [0, 0])
    fundraiser_pages = {page.pk for page in pages}
    for pk, page_id, amount in Donation.objects.filter(status="paid").values_list(
        "pk", "page_id", "amount_cents"
    ):
        left = max(0, amount - off[pk])
        on = [page_id, team.pk, campaign.pk] if page_id in fundraiser_pages else [page_id]
        for level in on:
            levels[level][0] += left
            levels[level][1] += int(left > 0)
    return {pk: tuple(levels[pk]) for pk in [campaign.pk, team.pk, *(p.pk for p in pages)]}


def levels_counted(campaign, team, pages):
    return {
        page.pk: tuple(DonationTotal.objects.total(page=page.pk))
        for page in [campaign, team, *pages]
    }


@pytest.mark.django_db(transaction=True)
def test_fifty_payments_refunds_installments_and_disputes_at_once_leave_every_level_equal_to_its_rows(  # noqa: E501
    campaign, team_of_five, staff, webhook_in_test_mode
):
    require_postgresql()
    team, pages = team_of_five
    # Four paid gifts on each page: gifts[i][j], $20.00 + $5 a gift + $1 a page.
    gifts = [
        [paid_gift(page, 2000 + 500 * j + 100 * i, f"{i}_{j}") for j in range(4)]
        for i, page in enumerate(pages)
    ]
    plans = [active_plan(page, i) for i, page in enumerate(pages)]
    pending = [
        DonationFactory(page=pages[i % PAGES], amount_cents=3000 + 10 * i) for i in range(10)
    ]
    to_campaign = [DonationFactory(page=campaign, amount_cents=4000 + i) for i in range(2)]
    before = levels_counted(campaign, team, pages)
    assert before == levels_from_rows(campaign, team, pages)

    contested = gifts[0][2]  # $30.00: four staff refund $12.00 of it at once, two can
    outcomes = []

    def pay(donation, n):
        return lambda: fulfil_checkout_session(
            donation.checkout_session_id, f"pi_new_{n}", donation.amount_cents, "usd"
        )

    def installment(i, number):
        plan = plans[i][0]
        return lambda: pay_installment(plan, f"{LOCAL_INVOICE_PREFIX}plan{i}_{number}", 2500, "usd")

    def staff_refund(gift, cents):
        return lambda: refund(gift, cents, by=staff, reason="Asked by phone")

    def contested_refund():
        try:
            refund(contested, 1200, by=staff, reason="Asked twice")
            outcomes.append("refunded")
        except RefundTooLarge:
            outcomes.append("too large")

    created = {
        i: event("refund.created", dashboard_refund(gifts[i][3], f"re_dash_{i}", 700))
        for i in range(PAGES)
    }
    work = [
        # New payments: ten checkouts, the first fulfilled twice at once; two to the campaign.
        *(pay(donation, n) for n, donation in enumerate(pending)),
        pay(pending[0], 0),
        *(pay(donation, 10 + n) for n, donation in enumerate(to_campaign)),
        # Monthly installments: one each; plan 0's delivered twice, plan 1 two months at once.
        *(installment(i, 2) for i in range(PAGES)),
        installment(0, 2),
        installment(1, 3),
        # Staff refunds in test mode: $10 of one gift a page, all of another; an installment.
        *(staff_refund(gifts[i][0], 1000) for i in range(PAGES)),
        *(staff_refund(gifts[i][1], gifts[i][1].amount_cents) for i in range(PAGES)),
        staff_refund(plans[2][1], 2500),
        staff_refund(plans[3][1], 500),
        # Two refunds of one gift that both fit; four that cannot all fit.
        staff_refund(gifts[1][2], 500),
        staff_refund(gifts[1][2], 500),
        *([contested_refund] * 4),
        # Refunds made in Stripe's dashboard, through the webhook: one a page; page 0's event
        # delivered twice, page 1's refund also updated, page 4's also in charge.refunded.
        *(delivered(created[i]) for i in range(PAGES)),
        delivered(created[0]),
        delivered(event("refund.updated", dashboard_refund(gifts[1][3], "re_dash_1", 700))),
        delivered(
            event(
                "charge.refunded",
                stripe_object(
                    "charge",
                    id="ch_dash_4",
                    amount=gifts[4][3].amount_cents,
                    amount_refunded=700,
                    payment_intent=gifts[4][3].payment_intent_id,
                    refunds={
                        "object": "list",
                        "data": [dashboard_refund(gifts[4][3], "re_dash_4", 700)],
                        "has_more": False,
                    },
                ),
            )
        ),
        # Disputes: opened and won; opened and lost; one opened by two events at once.
        delivered(
            event("charge.dispute.created", dispute(gifts[2][2], "dp_won", "needs_response")),
            event("charge.dispute.closed", dispute(gifts[2][2], "dp_won", "won")),
        ),
        delivered(
            event("charge.dispute.created", dispute(gifts[3][2], "dp_lost", "needs_response")),
            event("charge.dispute.closed", dispute(gifts[3][2], "dp_lost", "lost")),
        ),
        delivered(
            event("charge.dispute.created", dispute(gifts[4][2], "dp_open", "needs_response"))
        ),
        delivered(event("charge.dispute.updated", dispute(gifts[4][2], "dp_open", "under_review"))),
    ]
    assert len(work) == THREADS

    run_at_once(lambda i: work[i](), THREADS)

    # What the rows say happened, as planned.
    assert sorted(outcomes) == ["refunded"] * 2 + ["too large"] * 2
    assert Donation.objects.filter(status="paid").count() == 20 + PAGES + 10 + 2 + PAGES + 1
    assert Refund.objects.filter(stripe_refund_id__startswith="re_dash_").count() == PAGES
    disputes = dict(Dispute.objects.values_list("stripe_dispute_id", "status"))
    assert disputes.pop("dp_open") in ("needs_response", "under_review")  # either event last
    assert disputes == {"dp_won": "won", "dp_lost": "lost"}
    for donation in Donation.objects.filter(status="paid"):
        refunded = sum(
            r.amount_cents for r in donation.refunds.all() if r.status in COUNTED_REFUNDS
        )
        assert refunded <= donation.amount_cents, donation
    # Every level equals its rows, and a recount finds nothing to fix.
    assert levels_counted(campaign, team, pages) == levels_from_rows(campaign, team, pages)
    assert DonationTotal.objects.rebuild() == {}
    # And the campaign moved by what the work planned.
    refunded = (
        PAGES * 1000
        + sum(gifts[i][1].amount_cents for i in range(PAGES))
        + 2500
        + 500
        + 1000
        + 2400
        + PAGES * 700
    )
    disputed_off = gifts[3][2].amount_cents + gifts[4][2].amount_cents
    paid = sum(d.amount_cents for d in pending + to_campaign) + (PAGES + 1) * 2500
    assert DonationTotal.objects.total(page=campaign.pk).amount_cents == (
        before[campaign.pk][0] + paid - refunded - disputed_off
    )


@pytest.mark.django_db(transaction=True)
def test_two_staff_refunding_what_is_left_of_one_gift_at_once_refund_it_once(
    campaign, team_of_five, staff, webhook_in_test_mode
):
    require_postgresql()
    team, pages = team_of_five
    gift = paid_gift(pages[0], 5000, "double")
    refund(gift, 1500, by=staff, reason="First part")
    outcomes = [None, None]

    def refund_the_rest(i):
        try:
            refund(gift, 3500, by=staff, reason=f"Staff member {i}")
            outcomes[i] = "refunded"
        except RefundTooLarge as exc:
            outcomes[i] = str(exc)

    run_at_once(refund_the_rest, 2)

    assert sorted(outcomes) == [
        "At most $0.00 of this gift is left to refund (asked: $35.00).",
        "refunded",
    ]
    assert list(gift.refunds.order_by("amount_cents").values_list("amount_cents", flat=True)) == [
        1500,
        3500,
    ]
    assert levels_counted(campaign, team, pages[:1]) == {
        campaign.pk: (0, 0),
        team.pk: (0, 0),
        pages[0].pk: (0, 0),
    }
    assert DonationTotal.objects.rebuild() == {}


@pytest.mark.django_db(transaction=True)
def test_charge_refunded_events_of_many_gifts_of_one_team_at_once_never_deadlock(
    campaign, team_of_five, webhook_in_test_mode
):
    """Each `charge.refunded` records two refunds made in Stripe's dashboard in one
    transaction: two changes to the totals of the same levels, which must not wait on another
    event's changes in a crossing order."""
    require_postgresql()
    team, pages = team_of_five
    gifts = [paid_gift(pages[n % PAGES], 5000, f"charge_{n}") for n in range(24)]

    def charge_refunded(n):
        gift = gifts[n]
        refunds = [dashboard_refund(gift, f"re_{n}_{k}", 500) for k in range(2)]
        charge = stripe_object(
            "charge",
            id=f"ch_{n}",
            amount=5000,
            amount_refunded=1000,
            payment_intent=gift.payment_intent_id,
            refunds={"object": "list", "data": refunds, "has_more": False},
        )
        delivered(event("charge.refunded", charge))()

    run_at_once(charge_refunded, len(gifts))

    assert Refund.objects.filter(status="succeeded").count() == 2 * len(gifts)
    assert levels_counted(campaign, team, pages) == levels_from_rows(campaign, team, pages)
    assert DonationTotal.objects.total(page=campaign.pk) == (24 * 4000, 24)
    assert DonationTotal.objects.rebuild() == {}
