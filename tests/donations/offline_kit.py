"""What the offline-gift tests share: Maria's fundraiser page in a team of the campaign, the
totals at every level, and `recount_agrees` (what `manage.py recount` says of them)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from donations.models import DonationTotal
from donations.offline import record_offline_gift, report_offline_gift
from northstar.days import organisation_today
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church")


@pytest.fixture
def page(campaign, team, owner):
    """Maria's page, "Maria's walk", in the team Grace Church."""
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", team=team, supporter=owner
    )


def yesterday():
    return organisation_today() - datetime.timedelta(days=1)


def totals(*pages):
    """(cents, gifts) at each of `pages`."""
    return [tuple(DonationTotal.objects.total(page=p.pk)) for p in pages]


def recount_agrees():
    """True when `manage.py recount` finds every total equal to its rows (it corrects
    nothing)."""
    out = StringIO()
    call_command("recount", "--counter", "donations.DonationTotal", stdout=out)
    return "every total matches its rows" in out.getvalue()


def record(page, staff, cents=4000, **fields):
    values = {
        "method": "cheque",
        "received_on": yesterday(),
        "first_name": "May",
        "last_name": "Parker",
        "reference": "Cheque 1042",
    }
    values.update(fields)
    return record_offline_gift(page=page, amount_cents=cents, by=staff, **values)


def report(page, owner, cents=4000, **fields):
    values = {"method": "cash", "received_on": yesterday(), "donor_name": "Aunt May"}
    values.update(fields)
    return report_offline_gift(page=page, owner=owner, amount_cents=cents, **values)
