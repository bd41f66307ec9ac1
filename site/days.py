"""What a day is: the organisation's day, in its `TIME_ZONE`.

Deadlines, start dates, reports and date filters count days in the organisation's
time zone, whatever zone is active: Wagtail switches to a staff member's profile
zone in the admin, where a campaign's "days left" and its preview must still
read as its supporters read them.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone


def organisation_zone() -> zoneinfo.ZoneInfo:
    """The organisation's time zone (settings.TIME_ZONE)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def organisation_today():
    """Today's date (a `datetime.date`) in the organisation's time zone."""
    return timezone.localdate(timezone=organisation_zone())
