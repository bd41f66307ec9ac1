"""The Donations list and a gift's screen say what happened to a gift: "Partly refunded",
"Refunded", "Disputed" beside its status (and a filter on them); its refunds and disputes
listed on its screen, times in the organisation's zone; a page of gifts in a fixed number of
queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Dispute, Refund
from donations.refunds import refund
from tests.campaigns.factories import paid_gift
from tests.donations.admin_kit import cells
from tests.donations.monthly_support import RecurringGiftFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LIST = "/admin/donation/"


def screen(gift):
    return f"/admin/donation/inspect/{gift.pk}/"


def dispute(gift, status, amount=2500, **fields):
    """A dispute row on `gift` as `disputes.record_dispute` keeps it (display only)."""
    return Dispute.objects.create(
        donation=gift,
        stripe_dispute_id=f"dp_1{status.title().replace('_', '')}{gift.pk}",
        amount_cents=amount,
        status=status,
        **fields,
    )


@pytest.fixture
def gifts(campaign, staff, no_stripe):
    """Five paid gifts: one partly refunded, one refunded whole, one with a dispute open, one
    with a dispute lost, one with a dispute won."""
    made = {
        name: paid_gift(campaign, 5000, first_name=name, last_name="Donor")
        for name in ("Partly", "Whole", "Open", "Lost", "Won")
    }
    refund(made["Partly"], 1000, by=staff, reason="Asked by phone")
    refund(made["Whole"], 5000, by=staff, reason="Given twice")
    dispute(made["Open"], "needs_response")
    dispute(made["Lost"], "lost")
    dispute(made["Won"], "won")
    return made


def status_cell(html, name):
    """The words of the status cell (beside the donor's) in the list row of `name`."""
    start = html.rindex("<tr", 0, html.index(f"{name} Donor"))
    texts = cells(html[start : html.index("</tr>", start)])
    return " ".join(texts[texts.index(f"{name} Donor") + 1].split())


def test_the_list_says_what_happened_beside_each_gifts_status(staff_client, gifts):
    html = staff_client.get(LIST).content.decode()

    assert status_cell(html, "Partly") == "Paid Partly refunded"
    assert status_cell(html, "Whole") == "Paid Refunded"
    assert status_cell(html, "Open") == "Paid Disputed"
    assert status_cell(html, "Lost") == "Paid Disputed"
    assert status_cell(html, "Won") == "Paid"


@pytest.mark.parametrize(
    "outcome, donors",
    [
        ("partly_refunded", {"Partly Donor"}),
        ("refunded", {"Whole Donor"}),
        ("disputed", {"Open Donor", "Lost Donor"}),
    ],
)
def test_the_list_filters_by_what_happened(staff_client, gifts, outcome, donors):
    html = staff_client.get(LIST, {"state": outcome}).content.decode()

    shown = {f"{name} Donor" for name in gifts if f"{name} Donor" in html}
    assert shown == donors


def test_a_page_of_gifts_takes_the_same_queries_however_many_were_refunded_or_disputed(
    staff_client, campaign, staff, no_stripe
):
    def gifts_with_history(count):
        for _ in range(count):
            gift = paid_gift(campaign, 5000)
            refund(gift, 1000, by=staff, reason="x")
            dispute(gift, "needs_response", amount=1000)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(LIST).status_code == 200
        return len(captured)

    gifts_with_history(2)
    few = queries()
    gifts_with_history(40)
    many = queries()

    assert many == few


def test_a_gifts_screen_lists_its_refunds_with_who_when_and_why(staff_client, gifts, stripe_keys):
    gift = gifts["Partly"]
    Refund.objects.filter(donation=gift).update(
        created=datetime.datetime(2026, 4, 15, 3, 30, tzinfo=UTC)
    )
    Refund.objects.create(
        donation=gift,
        amount_cents=500,
        status=Refund.Status.PENDING,
        stripe_refund_id="re_1Dashboard",
        reason="Refunded in Stripe",
        created=datetime.datetime(2026, 4, 16, 15, 0, tzinfo=UTC),
    )

    html = staff_client.get(screen(gift)).content.decode()

    section = html[html.index('id="gift-refunds"') : html.index('id="gift-disputes"')]
    rows = section.split("<tr>")[2:]
    assert [cells(row) for row in rows] == [
        ["$5.00", "Pending", "April 16, 2026, 11 a.m. EDT", "In Stripe", "Refunded in Stripe"],
        ["$10.00", "Succeeded", "April 14, 2026, 11:30 p.m. EDT", "Robin Okafor", "Asked by phone"],
    ]
    assert '<span class="w-status w-status--label">Partly refunded</span>' in html


def test_a_gifts_screen_lists_its_disputes_with_the_deadline_the_fee_and_stripes_link(
    staff_client, gifts, stripe_keys
):
    gift = gifts["Lost"]
    Dispute.objects.filter(donation=gift).update(
        evidence_due_by=datetime.datetime(2026, 5, 1, 3, 59, tzinfo=UTC), fee_cents=1500
    )

    html = staff_client.get(screen(gift)).content.decode()

    section = html[html.index('id="gift-disputes"') :]
    [row] = section.split("<tr>")[2:]
    assert cells(row) == [
        "$25.00",
        "Lost",
        "",
        "April 30, 2026, 11:59 p.m. EDT",
        "$15.00",
        "Open in Stripe's dashboard",
    ]
    assert f'href="https://dashboard.stripe.com/test/disputes/dp_1Lost{gift.pk}"' in row


def test_a_gift_with_no_refund_or_dispute_says_none(staff_client, campaign):
    gift = paid_gift(campaign, 5000)

    html = staff_client.get(screen(gift)).content.decode()

    assert html.count("<p>None.</p>") == 2
    assert "Monthly plan" not in html


def test_an_installments_screen_names_its_monthly_plan(staff_client, campaign, no_stripe):
    from donations.recurring import complete_local_checkout

    plan = RecurringGiftFactory(page=campaign, first_name="Ana", last_name="Ruiz")
    installment = complete_local_checkout(plan)
    plan.refresh_from_db()

    html = staff_client.get(screen(installment)).content.decode()

    assert (
        f'An installment of <a href="/admin/monthly-gifts/inspect/{plan.pk}/">$25 a month from '
        "Ana Ruiz</a> (Active; 1 installment paid, next on "
        f"{plan.next_installment_on:%B} {plan.next_installment_on.day}, "
        f"{plan.next_installment_on.year})." in html
    )
