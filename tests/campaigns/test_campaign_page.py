"""The campaign page: its progress, its deadline, its donate form and who gave."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from donations.models import Donation, DonationTotal
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db


def paid(campaign, amount_cents, **fields):
    donation = DonationFactory(
        page=campaign,
        amount_cents=amount_cents,
        status=Donation.Status.PAID,
        paid_at=timezone.now(),
        **fields,
    )
    DonationTotal.objects.add(campaign.pk, amount_cents=amount_cents, donation_count=1)
    return donation


def test_the_page_shows_the_total_raised_against_the_goal(client, campaign):
    paid(campaign, 300000)
    paid(campaign, 45000)

    html = client.get(campaign.url).content.decode()

    assert '$3,450</span> <span class="count__label">raised of $10,000' in html
    assert '<rect class="progress__bar" width="34%"' in html
    assert "<strong>2</strong> gifts" in html


@pytest.mark.parametrize(
    ("gifts", "reads"),
    [
        (0, "<strong>0</strong> gifts"),
        (1, "<strong>1</strong> gift</span>"),
        (1234, "<strong>1,234</strong> gifts"),
    ],
)
def test_the_number_of_gifts_reads_in_the_right_plural_form(client, campaign, gifts, reads):
    if gifts:
        DonationTotal.objects.create(
            page=campaign, shard=0, amount_cents=5000 * gifts, donation_count=gifts
        )
    html = client.get(campaign.url).content.decode()
    assert reads in html


@pytest.mark.parametrize(("days", "reads"), [(1, "1 day left"), (2, "2 days left")])
def test_the_days_left_read_in_the_right_plural_form(client, campaign, days, reads):
    campaign.deadline = timezone.localdate() + timedelta(days=days)
    campaign.save()
    assert reads in client.get(campaign.url).content.decode()


def test_the_page_says_when_the_campaign_ends(client, campaign):
    campaign.deadline = timezone.localdate() + timedelta(days=12)
    campaign.save()
    html = client.get(campaign.url).content.decode()
    assert f"Ends {campaign.deadline:%B} {campaign.deadline.day}" in html
    assert "12 days left" in html
    assert "Continue to payment" in html


def test_on_the_deadline_the_page_says_it_is_the_last_day(client, campaign):
    campaign.deadline = timezone.localdate()
    campaign.save()
    html = client.get(campaign.url).content.decode()
    assert "Last day today" in html
    assert "Continue to payment" in html


def test_after_the_deadline_the_page_says_it_ended_and_has_no_form(client, campaign):
    paid(campaign, 345000)
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    html = client.get(campaign.url).content.decode()

    assert "This campaign has ended" in html
    assert "supporters gave $3,450 of the $10,000 goal" in html
    assert "Continue to payment" not in html
    assert 'name="amount"' not in html


def test_the_deadline_is_a_day_in_the_organisations_time_zone(campaign, settings):
    settings.TIME_ZONE = "America/New_York"
    campaign.deadline = datetime(2027, 4, 15).date()
    eleven_pm_in_new_york = datetime(2027, 4, 15, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(eleven_pm_in_new_york, tick=False):
        assert campaign.accepts_donations
        assert campaign.deadline_line() == "Last day today"
    with time_machine.travel(eleven_pm_in_new_york + timedelta(hours=2), tick=False):
        assert not campaign.accepts_donations
        assert campaign.deadline_line() == "This campaign has ended"


def test_recent_donors_are_named_only_if_they_chose_to_show_their_name(client, campaign):
    paid(
        campaign,
        2345,
        first_name="Grace",
        last_name="Okafor",
        name_shown=Donation.NameShown.PUBLIC,
        message="For every survivor.",
        email="grace@example.org",
    )
    paid(
        campaign,
        98765,
        first_name="Hidden",
        last_name="Donor",
        name_shown=Donation.NameShown.ANONYMOUS,
        email="hidden@example.org",
    )
    DonationFactory(page=campaign, first_name="Pending", name_shown=Donation.NameShown.PUBLIC)

    html = client.get(campaign.url).content.decode()

    assert "Recent donors" in html
    assert "Grace O." in html
    assert "<strong><bdi>Anonymous</bdi></strong>" in html
    assert "For every survivor." in html
    assert "Okafor" not in html
    assert "Hidden" not in html
    assert "Pending" not in html
    assert "@example.org" not in html
    assert "$23.45" not in html  # amounts stay private


def test_an_anonymous_donors_message_is_not_shown_in_public(client, campaign):
    paid(campaign, 2500, name_shown=Donation.NameShown.ANONYMOUS, message="Please keep me private.")

    html = client.get(campaign.url).content.decode()

    assert "<strong><bdi>Anonymous</bdi></strong>" in html
    assert "Please keep me private." not in html


def test_a_donors_message_is_shown_as_text_not_markup(client, campaign):
    paid(
        campaign,
        2500,
        name_shown=Donation.NameShown.PUBLIC,
        message="<b>bold</b><script>x()</script>",
    )
    html = client.get(campaign.url).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()" not in html


def test_the_page_has_a_start_your_own_fundraiser_button(client, campaign):
    from django.urls import reverse

    html = client.get(campaign.url).content.decode()

    start = reverse("campaigns:start-fundraiser", args=[campaign.pk])
    assert f'<a class="button button--large" href="{start}">Start your own fundraiser</a>' in html


def test_after_the_deadline_a_line_replaces_the_start_button(client, campaign):
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    html = client.get(campaign.url).content.decode()

    assert "Start your own fundraiser" not in html
    assert "New fundraiser pages can no longer be opened for this campaign." in html
