"""The campaign report marks gifts given offline: how much of "Raised" came offline, how
many owner-reported gifts await confirmation, and each page's offline part in the CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from donations.offline import record_offline_gift, report_offline_gift
from northstar.days import organisation_today

pytestmark = pytest.mark.django_db


def yesterday():
    return organisation_today() - datetime.timedelta(days=1)


@pytest.fixture
def offline_gifts(fundraiser, owner, staff):
    record_offline_gift(
        page=fundraiser,
        amount_cents=4000,
        method="cheque",
        received_on=yesterday(),
        first_name="May",
        last_name="Parker",
        by=staff,
    )
    report_offline_gift(
        page=fundraiser,
        owner=owner,
        amount_cents=2500,
        method="cash",
        received_on=yesterday(),
        donor_name="Uncle Ben",
    )


def test_the_report_says_what_was_given_offline_and_what_awaits_confirmation(
    staff_client, campaign, offline_gifts
):
    html = staff_client.get(reverse("campaign_report:report", args=[campaign.pk])).content.decode()

    assert "Given offline" in html
    assert "$40<small>of the amount raised, from 1 offline gift " in html
    assert "1 more reported by page owners ($25)" in html


def test_the_export_gives_each_pages_offline_part(staff_client, campaign, offline_gifts):
    response = staff_client.get(reverse("campaign_report:export", args=[campaign.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    (row,) = list(csv.DictReader(io.StringIO(body)))

    assert (row["raised_dollars"], row["offline_dollars"], row["gifts"]) == (
        "$40.00",
        "$40.00",
        "1",
    )
