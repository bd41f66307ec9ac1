"""Staff record, correct and void offline gifts; owners report them and staff confirm them.
Every total follows in the same transaction, and `manage.py recount` agrees at each step."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from donations.models import Donation
from donations.offline import (
    AlreadyVoided,
    BadAmount,
    BadDate,
    NotOffline,
    NotYourPage,
    PageTakesNoGifts,
    ReasonRequired,
    TooManyReports,
    confirm_offline_gifts,
    correct_offline_gift,
    history_words,
    paid_at_for,
    void_offline_gift,
)
from northstar.days import organisation_date, organisation_today
from northstar.models import OutboundEmail
from tests.donations import offline_kit
from tests.donations.factories import DonationFactory
from tests.donations.offline_kit import record, recount_agrees, report, totals, yesterday
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

team = offline_kit.team
page = offline_kit.page


def test_recording_a_cheque_counts_it_on_the_page_the_team_and_the_campaign(
    page, team, campaign, staff
):
    gift = record(page, staff, 4000)

    assert gift.status == Donation.Status.PAID
    assert (gift.method, gift.recorded_by, gift.reference) == ("cheque", staff, "Cheque 1042")
    assert totals(page, team, campaign) == [(4000, 1)] * 3
    assert recount_agrees()


def test_a_recorded_gift_is_paid_at_noon_of_the_day_received_in_the_organisations_zone(page, staff):
    gift = record(page, staff, received_on=yesterday())

    assert organisation_date(gift.paid_at) == yesterday()
    assert gift.paid_at == paid_at_for(yesterday())
    assert paid_at_for(yesterday()).hour == 12


def test_a_recorded_gift_is_anonymous_unless_staff_say_otherwise(page, staff):
    assert record(page, staff).name_shown == Donation.NameShown.ANONYMOUS
    assert record(page, staff, name_shown="public").public_name == "May P."


def test_recording_sends_no_receipt(page, staff):
    record(page, staff, email="may@example.org")

    assert not OutboundEmail.objects.filter(template__startswith="donation_receipt").exists()


@pytest.mark.parametrize("cents", [0, -500, 100_000_001])
def test_recording_an_amount_out_of_bounds_is_refused_and_counts_nothing(
    page, campaign, staff, cents
):
    with pytest.raises(BadAmount):
        record(page, staff, cents)

    assert Donation.objects.count() == 0
    assert totals(page, campaign) == [(0, 0)] * 2


def test_recording_a_gift_received_tomorrow_is_refused(page, staff):
    with pytest.raises(BadDate, match="future"):
        record(page, staff, received_on=organisation_today() + datetime.timedelta(days=1))

    assert Donation.objects.count() == 0


def test_recording_to_a_page_that_takes_no_gifts_is_refused(home_page, staff):
    with pytest.raises(PageTakesNoGifts):
        record(home_page, staff)


def test_correcting_40_dollars_to_45_moves_each_total_by_5_dollars(page, team, campaign, staff):
    gift = record(page, staff, 4000)

    correct_offline_gift(gift, amount_cents=4500, by=staff, reason="Misread the cheque")

    assert totals(page, team, campaign) == [(4500, 1)] * 3
    assert Donation.objects.get().amount_cents == 4500
    assert recount_agrees()


def test_a_correction_needs_a_reason_and_changes_nothing_without_one(page, campaign, staff):
    gift = record(page, staff, 4000)

    with pytest.raises(ReasonRequired):
        correct_offline_gift(gift, amount_cents=4500, by=staff, reason="  ")

    assert totals(page, campaign) == [(4000, 1)] * 2


def test_a_correction_to_zero_is_refused_and_changes_nothing(page, campaign, staff):
    gift = record(page, staff, 4000)

    with pytest.raises(BadAmount):
        correct_offline_gift(gift, amount_cents=0, by=staff, reason="Typo")

    assert totals(page, campaign) == [(4000, 1)] * 2


def test_an_online_gift_cannot_be_corrected_as_offline(page, staff):
    online = DonationFactory(page=page)

    with pytest.raises(NotOffline):
        correct_offline_gift(online, amount_cents=100, by=staff, reason="No")


def test_voiding_takes_the_gift_off_every_total_and_keeps_it(page, team, campaign, staff):
    gift = record(page, staff, 4000)

    void_offline_gift(gift, by=staff, reason="Cheque bounced")

    gift.refresh_from_db()
    assert (gift.status, gift.void_reason) == (Donation.Status.VOIDED, "Cheque bounced")
    assert gift.voided_at is not None
    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert recount_agrees()


def test_voiding_twice_is_refused_with_a_message_and_changes_nothing(page, campaign, staff):
    gift = record(page, staff, 4000)
    record(page, staff, 1000)
    void_offline_gift(gift, by=staff, reason="Cheque bounced")
    voided_at = Donation.objects.get(pk=gift.pk).voided_at

    with pytest.raises(AlreadyVoided, match="voided already.*nothing was changed"):
        void_offline_gift(gift, by=staff, reason="Again")

    gift.refresh_from_db()
    assert (gift.voided_at, gift.void_reason) == (voided_at, "Cheque bounced")
    assert totals(page, campaign) == [(1000, 1)] * 2
    assert recount_agrees()


def test_a_voided_gift_cannot_be_corrected(page, staff):
    gift = record(page, staff, 4000)
    void_offline_gift(gift, by=staff, reason="Duplicate")

    with pytest.raises(AlreadyVoided):
        correct_offline_gift(gift, amount_cents=100, by=staff, reason="Oops")


def test_an_owner_reported_gift_counts_nothing_until_confirmed(page, team, campaign, owner):
    gift = report(page, owner, 4000)

    assert gift.status == Donation.Status.AWAITING_CONFIRMATION
    assert gift.reported_by == owner
    assert totals(page, team, campaign) == [(0, 0)] * 3
    assert recount_agrees()


def test_confirming_an_owner_reported_gift_counts_it_once(page, team, campaign, owner, staff):
    gift = report(page, owner, 4000)

    assert confirm_offline_gifts([gift], by=staff) == 1

    gift.refresh_from_db()
    assert (gift.status, gift.recorded_by) == (Donation.Status.PAID, staff)
    assert totals(page, team, campaign) == [(4000, 1)] * 3
    assert recount_agrees()


def test_confirming_three_in_bulk_counts_three_and_again_counts_nothing_more(
    page, team, campaign, owner, staff
):
    gifts = [report(page, owner, cents) for cents in (4000, 5000, 3000)]

    assert confirm_offline_gifts(gifts, by=staff) == 3
    assert totals(page, team, campaign) == [(12000, 3)] * 3

    assert confirm_offline_gifts(gifts, by=staff) == 0
    assert totals(page, team, campaign) == [(12000, 3)] * 3
    assert recount_agrees()


def test_confirming_skips_a_reported_gift_voided_meanwhile(page, campaign, owner, staff):
    kept, voided = report(page, owner, 4000), report(page, owner, 9000)
    void_offline_gift(voided, by=staff, reason="Owner reported it twice")

    assert confirm_offline_gifts([kept.pk, voided.pk], by=staff) == 1
    assert totals(page, campaign) == [(4000, 1)] * 2


def test_another_owner_cannot_report_to_my_page(page, campaign):
    stranger = UserFactory(email="sam@example.org")

    with pytest.raises(NotYourPage, match="only to your own"):
        report(page, stranger)

    assert Donation.objects.count() == 0


def test_an_owner_cannot_report_to_the_campaign_itself(campaign, owner):
    with pytest.raises(NotYourPage):
        report(campaign, owner)


def test_an_owner_may_report_ten_gifts_a_day_and_the_eleventh_is_refused(page, owner):
    for _ in range(10):
        report(page, owner, 100)

    with pytest.raises(TooManyReports, match="up to 10 gifts a day"):
        report(page, owner, 100)

    assert Donation.objects.count() == 10


def test_an_owner_cannot_report_a_bank_transfer(page, owner):
    with pytest.raises(Exception, match="cash, cheque, other"):
        report(page, owner, method="bank_transfer")


def test_the_gifts_history_lists_each_change(page, owner, staff):
    gift = report(page, owner, 4000)
    confirm_offline_gifts([gift], by=staff)
    correct_offline_gift(gift, amount_cents=4500, by=staff, reason="Counted again")
    void_offline_gift(gift, by=staff, reason="Given back")

    entries = ModelLogEntry.objects.filter(object_id=str(gift.pk)).order_by("timestamp", "pk")
    lines = [history_words(entry.action)(entry.data) for entry in entries]

    assert [entry.action for entry in entries] == [
        "donations.offline_reported",
        "donations.offline_confirmed",
        "donations.offline_corrected",
        "donations.offline_voided",
    ]
    assert [entry.user for entry in entries] == [owner, staff, staff, staff]
    assert "not counted until staff confirm it" in lines[0]
    assert "amount $40.00 → $45.00" in lines[2] and "(Counted again)" in lines[2]
    assert lines[3].startswith("Offline gift voided: $45.00 cash") and "(Given back)" in lines[3]


def test_a_recorded_gift_shows_in_the_campaigns_public_list_as_anonymous(page, campaign, staff):
    record(page, staff, 4000)

    (shown,) = campaign.recent_gifts()

    assert shown.public_name == "Anonymous"
