"""The yearly statement: each donor of the year one email, every counted gift on it, refunds
netted, sent once however often the task runs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation, Refund, YearlyStatement
from donations.statements import send_statement_batch, send_yearly_statements
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def gift(page, email, cents, when, **fields):
    return DonationFactory(
        page=page,
        email=email,
        amount_cents=cents,
        status=Donation.Status.PAID,
        paid_at=when,
        **fields,
    )


def on(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=NEW_YORK)


@pytest.fixture
def year_of_gifts(campaign):
    """Ana gave $50 (then $10 refunded), $30 (refunded whole) and $20 with a $1.75 fee in 2025
    and $99 in 2026; Ben gave $25 late on New Year's Eve (already 2026 in UTC); a pending
    checkout of 2025 was never paid."""
    partly = gift(campaign, "ana@example.org", 5000, on(2025, 3, 1), first_name="Ana")
    Refund.objects.create(donation=partly, amount_cents=1000, status=Refund.Status.SUCCEEDED)
    whole = gift(campaign, "ANA@example.org", 3000, on(2025, 6, 1), first_name="Ana")
    Refund.objects.create(donation=whole, amount_cents=3000, status=Refund.Status.SUCCEEDED)
    gift(campaign, "ana@example.org", 2000, on(2025, 9, 1), first_name="Ana", fee_cents=175)
    gift(campaign, "ana@example.org", 9900, on(2026, 1, 5), first_name="Ana")
    gift(campaign, "ben@example.org", 2500, on(2025, 12, 31, 23), first_name="Ben")
    DonationFactory(page=campaign, email="cy@example.org", paid_at=None)


def statements():
    return {
        message.to: message
        for message in OutboundEmail.objects.filter(template="donations/yearly_statement")
    }


def test_running_the_statements_twice_sends_each_donor_one_email(year_of_gifts):
    assert send_yearly_statements(2025) == 2
    assert send_yearly_statements(2025) == 0

    assert sorted(statements()) == ["ana@example.org", "ben@example.org"]
    assert OutboundEmail.objects.filter(template="donations/yearly_statement").count() == 2
    assert YearlyStatement.objects.filter(year=2025).count() == 2


def test_a_statement_nets_a_partial_refund_and_counts_a_gift_refunded_whole_at_nothing(
    year_of_gifts,
):
    send_yearly_statements(2025)

    context = statements()["ana@example.org"].context
    nets = [
        (line["amount_cents"], line["refunded_cents"], line["net_cents"])
        for line in context["gifts"]
    ]
    assert nets == [(5000, 1000, 4000), (3000, 3000, 0), (2000, 0, 2175)]
    assert context["totals"] == [{"currency": "usd", "net_cents": 6175}]
    row = YearlyStatement.objects.get(email="ana@example.org", year=2025)
    assert (row.total_cents, row.currency) == (6175, "usd")


def test_a_gift_on_new_years_eve_in_the_organisations_zone_is_in_that_years_statement(
    year_of_gifts,
):
    send_yearly_statements(2025)

    [line] = statements()["ben@example.org"].context["gifts"]
    assert (line["paid_on"], line["net_cents"]) == ("December 31, 2025", 2500)


def test_the_statement_email_lists_the_gifts_and_the_deductible_total(year_of_gifts, site_settings):
    send_yearly_statements(2025)

    message = statements()["ana@example.org"]
    subject, text, html = render_email(message.template, message.context)
    assert subject == "Your giving in 2025: your statement"
    assert "Refunded: $30" in text
    assert "Fee you covered: $1.75" in text
    assert "Deductible total for 2025: $61.75" in text
    assert "No goods or services were provided in exchange for this contribution." in text
    assert "$99" not in text


def test_the_command_sends_a_given_years_statements(year_of_gifts, capsys):
    call_command("send_yearly_statements", "--year", "2026")

    assert "1 statement(s) for 2026 sent." in capsys.readouterr().out
    assert list(statements()) == ["ana@example.org"]


def test_a_batch_reads_in_the_same_number_of_queries_for_one_donor_or_ten(campaign, site_settings):
    for n in range(10):
        for month in (2, 5):
            gift(campaign, f"donor{n}@example.org", 1000, on(2025, month, 1))
    with CaptureQueriesContext(connection) as one:
        send_statement_batch(2025, ["donor0@example.org"], site_settings)
    with CaptureQueriesContext(connection) as nine:
        send_statement_batch(2025, [f"donor{n}@example.org" for n in range(1, 10)], site_settings)

    outbox_inserts = 8  # one outbox row per statement more: send_email's own
    assert len(nine) == len(one) + outbox_inserts, [q["sql"][:80] for q in nine]
