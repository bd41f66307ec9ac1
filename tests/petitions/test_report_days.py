"""The signatures report and its export count the organisation's days (New York in the suite),
whatever time zone a staff member chose for the admin (Wagtail activates it on their pages)."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.petitions.factories import SignatureFactory, make_petition
from tests.site.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

# 00:30 on January 15 in New York; still 21:30 on January 14 in Los Angeles.
HALF_PAST_MIDNIGHT_IN_NEW_YORK = datetime(2025, 1, 15, 5, 30, tzinfo=UTC)
A_WEEK_LATER = datetime(2025, 1, 22, 17, 0, tzinfo=UTC)


@pytest.fixture
def staff_in_los_angeles(client):
    staff = StaffUserFactory()
    profile = UserProfile.get_for_user(staff)
    profile.current_time_zone = "America/Los_Angeles"
    profile.save()
    client.force_login(staff)
    return client


@pytest.fixture
def petition(home_page):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="zoe@example.org",
        confirmed=True,
        confirmed_at=HALF_PAST_MIDNIGHT_IN_NEW_YORK,
    )
    return petition


def per_day_text(response):
    html = response.content.decode()
    html = html[html.index('id="report-per-day"') :]
    html = html[: html.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def exported_emails(client, petition, day):
    url = reverse("petitions_admin:export", args=[petition.pk])
    response = client.get(url, {"date_from": day, "date_to": day})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[2] for row in list(csv.reader(io.StringIO(body)))[1:]]


def test_a_signature_confirmed_at_half_past_midnight_in_new_york_counts_on_that_day(
    staff_in_los_angeles, petition
):
    with time_machine.travel(A_WEEK_LATER, tick=False):
        response = staff_in_los_angeles.get(reverse("petitions_admin:report", args=[petition.pk]))

    text = per_day_text(response)
    assert "Wed Jan 15, 2025 1 " in text
    assert "Tue Jan 14, 2025 0 " in text


def test_the_export_filtered_to_the_new_york_day_holds_the_signature(
    staff_in_los_angeles, petition
):
    assert exported_emails(staff_in_los_angeles, petition, "2025-01-15") == ["zoe@example.org"]


def test_the_export_filtered_to_the_los_angeles_day_does_not(staff_in_los_angeles, petition):
    assert exported_emails(staff_in_los_angeles, petition, "2025-01-14") == []


def test_the_export_writes_the_confirmation_in_new_york_time(staff_in_los_angeles, petition):
    url = reverse("petitions_admin:export", args=[petition.pk])
    body = b"".join(staff_in_los_angeles.get(url).streaming_content).decode("utf-8-sig")

    assert list(csv.reader(io.StringIO(body)))[1][-1] == "2025-01-15T00:30:00-05:00"
