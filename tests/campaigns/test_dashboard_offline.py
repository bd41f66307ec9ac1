"""A page's owner reports a gift given offline from their dashboard ("Aunt May gave $40 in
cash"): it shows as awaiting confirmation and counts nowhere until staff confirm it, then
shows as confirmed and offline."""

import datetime

import pytest

from donations.models import Donation, DonationTotal
from donations.offline import (
    confirm_offline_gifts,
    record_offline_gift,
    report_offline_gift,
    void_offline_gift,
)
from northstar.days import organisation_today
from tests.campaigns.factories import FundraiserPageFactory
from tests.donations.offline_kit import recount_agrees
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def report_url(page):
    return f"/dashboard/pages/{page.pk}/offline-gift/"


def yesterday():
    return organisation_today() - datetime.timedelta(days=1)


def aunt_may(**overrides):
    data = {
        "amount": "40",
        "method": "cash",
        "received_on": yesterday().isoformat(),
        "donor_name": "Aunt May",
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_dashboard_offers_to_report_a_gift_given_offline(signed_in, fundraiser):
    html = signed_in.get(DASHBOARD).content.decode()

    assert report_url(fundraiser) in html
    assert "Report a gift given offline" in html


def test_reporting_aunt_mays_40_dollars_in_cash_waits_and_counts_nothing(
    signed_in, fundraiser, campaign, owner
):
    response = signed_in.post(report_url(fundraiser), aunt_may(), follow=True)

    gift = Donation.objects.get()
    html = response.content.decode()
    assert (gift.amount_cents, gift.method, gift.status) == (4000, "cash", "awaiting")
    assert (gift.reported_by, gift.first_name) == (owner, "Aunt May")
    assert "the $40 gift from Aunt May is awaiting confirmation" in html
    assert "Awaiting confirmation: not counted yet" in html
    assert tuple(DonationTotal.objects.total(page=fundraiser.pk)) == (0, 0)
    assert tuple(DonationTotal.objects.total(page=campaign.pk)) == (0, 0)
    assert recount_agrees()


def test_once_staff_confirm_it_the_dashboard_shows_it_confirmed_offline_and_counted(
    signed_in, fundraiser, campaign, staff
):
    signed_in.post(report_url(fundraiser), aunt_may())
    confirm_offline_gifts(Donation.objects.all(), by=staff)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "Confirmed · offline: counted" in html
    assert "offline · cash" in html  # in the recent gifts list too
    assert "$40</span>" in html  # raised on the page
    assert tuple(DonationTotal.objects.total(page=campaign.pk)) == (4000, 1)
    assert recount_agrees()


def test_a_gift_staff_voided_shows_as_not_counted(signed_in, fundraiser, staff):
    signed_in.post(report_url(fundraiser), aunt_may())
    void_offline_gift(Donation.objects.get(), by=staff, reason="Never received")

    html = signed_in.get(DASHBOARD).content.decode()

    assert "Not counted: our staff did not confirm it" in html


def test_a_gift_staff_recorded_is_marked_offline_in_the_owners_recent_gifts(
    signed_in, fundraiser, staff
):
    record_offline_gift(
        page=fundraiser,
        amount_cents=2500,
        method="cheque",
        received_on=yesterday(),
        first_name="Ana",
        last_name="Ruiz",
        by=staff,
    )

    html = signed_in.get(DASHBOARD).content.decode()

    assert "offline · cheque" in html


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0", "Please enter an amount more than zero."),
        ("-5", "Please enter an amount in dollars and cents"),
        ("1e3", "Please enter an amount in dollars and cents"),
        ("٤٠", "Please type the amount with the digits 0 to 9"),
        ("40.005", "Please round the amount to the cent"),
    ],
)
def test_a_bad_amount_gets_a_message_and_reports_nothing(signed_in, fundraiser, typed, says):
    response = signed_in.post(report_url(fundraiser), aunt_may(amount=typed))

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Donation.objects.exists()


def test_a_date_in_the_future_gets_a_message(signed_in, fundraiser):
    tomorrow = organisation_today() + datetime.timedelta(days=1)

    response = signed_in.post(report_url(fundraiser), aunt_may(received_on=tomorrow.isoformat()))

    assert "cannot be in the future" in response.content.decode()
    assert not Donation.objects.exists()


def test_another_owner_cannot_report_to_my_page(client, fundraiser):
    client.force_login(UserFactory(email="sam@example.org"))

    response = client.post(report_url(fundraiser), aunt_may())

    assert response.status_code == 404
    assert not Donation.objects.exists()


def test_the_eleventh_report_of_the_day_is_refused_with_a_message(signed_in, fundraiser):
    for _ in range(10):
        signed_in.post(report_url(fundraiser), aunt_may(amount="1"))

    response = signed_in.post(report_url(fundraiser), aunt_may(amount="1"))

    assert "You can report up to 10 gifts a day" in response.content.decode()
    assert Donation.objects.count() == 10


def test_another_owners_reported_gifts_do_not_show_on_my_dashboard(signed_in, fundraiser, campaign):
    other = FundraiserPageFactory(parent=campaign, supporter=UserFactory())
    report_offline_gift(
        page=other,
        owner=other.supporter,
        amount_cents=900,
        method="cash",
        received_on=yesterday(),
        donor_name="Uncle Ben",
    )

    assert "Uncle Ben" not in signed_in.get(DASHBOARD).content.decode()
