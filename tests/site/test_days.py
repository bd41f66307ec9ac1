"""What a day is: the organisation's (TIME_ZONE, America/New_York in the suite), whatever
zone is active, as Wagtail activates a staff member's profile zone in the admin."""

from datetime import UTC, date, datetime

from django.utils import timezone

from northstar.days import (
    every_day,
    last_days,
    organisation_date,
    organisation_time,
    start_of_day,
    within_days,
)

# 00:30 on January 15 in New York; still 21:30 on January 14 in Los Angeles.
HALF_PAST_MIDNIGHT_IN_NEW_YORK = datetime(2025, 1, 15, 5, 30, tzinfo=UTC)


def test_a_day_starts_at_midnight_in_new_york_for_a_viewer_in_los_angeles():
    with timezone.override("America/Los_Angeles"):
        start = start_of_day(date(2025, 1, 15))

    assert start == datetime(2025, 1, 15, 5, 0, tzinfo=UTC)


def test_a_timestamp_falls_on_the_new_york_day_for_a_viewer_in_los_angeles():
    with timezone.override("America/Los_Angeles"):
        day = organisation_date(HALF_PAST_MIDNIGHT_IN_NEW_YORK)

    assert day == date(2025, 1, 15)


def test_a_timestamp_reads_on_the_organisations_clock_for_a_viewer_in_los_angeles():
    with timezone.override("America/Los_Angeles"):
        text = organisation_time(HALF_PAST_MIDNIGHT_IN_NEW_YORK).isoformat()

    assert text == "2025-01-15T00:30:00-05:00"


def test_every_day_of_a_range_includes_both_ends():
    days = list(every_day(date(2025, 2, 27), date(2025, 3, 2)))

    assert days == [date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 2)]


def test_the_last_days_start_no_earlier_than_what_they_count():
    assert last_days(date(2025, 4, 15), 60, not_before=date(2025, 4, 1)) == (
        date(2025, 4, 1),
        date(2025, 4, 15),
    )


def test_the_last_days_without_a_beginning_are_as_many_as_asked():
    assert last_days(date(2025, 4, 15), 60) == (date(2025, 2, 15), date(2025, 4, 15))


def test_the_last_days_of_something_not_begun_yet_are_its_last_day_alone():
    assert last_days(date(2025, 4, 15), 60, not_before=date(2025, 5, 1)) == (
        date(2025, 4, 15),
        date(2025, 4, 15),
    )


def test_a_filter_on_days_runs_from_midnight_to_midnight_in_new_york():
    with timezone.override("America/Los_Angeles"):
        condition = within_days("confirmed_at", date(2025, 1, 15), date(2025, 1, 15))

    assert dict(condition.children) == {
        "confirmed_at__gte": datetime(2025, 1, 15, 5, 0, tzinfo=UTC),
        "confirmed_at__lt": datetime(2025, 1, 16, 5, 0, tzinfo=UTC),
    }
