"""In Chromium: the campaign page with its steps, leaderboards, milestone banner, search box
and recent gifts, a search for a fundraiser, and a team page with its members' totals;
screenshots of each at desktop and mobile widths."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail import blocks

from donations.models import Donation, count_gift
from tests.browser.screenshots import save_screenshots
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    TeamPageFactory,
)
from tests.donations.factories import DonationFactory
from tests.site.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNERS = [
    ("María", "Núñez", "María's spring walk for survivors", 64_000),
    ("José", "Álvarez", "José runs the river trail", 48_500),
    ("Grace", "Okafor", "Grace's bake sale", 31_000),
    ("Sam", "Lee", "Sam swims 10K", 22_500),
    ("Priya", "Raman", "Priya's birthday fundraiser", 15_000),
    ("Tom", "Becker", "Tom bikes to work for a month", 9_000),
    ("Ana", "Silva", "Ana's garage sale", 5_000),
]


def give(page, amount_cents, first_name, message="", show=True):
    """A paid gift counted as `mark_paid` counts one (without the paid-gift signal's mail)."""
    donation = DonationFactory(
        page=page,
        amount_cents=amount_cents,
        first_name=first_name,
        last_name="Donor",
        name_shown=Donation.NameShown.PUBLIC if show else Donation.NameShown.ANONYMOUS,
        message=message,
        status=Donation.Status.PAID,
        paid_at=timezone.now(),
    )
    count_gift(donation)


@pytest.fixture
def busy_campaign(home_page, settings):
    settings.STRIPE_SECRET_KEY = ""
    campaign = FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")
    campaign.steps = blocks.StreamValue(
        campaign.steps.stream_block,
        [("step", "Create your page"), ("step", "Ask five friends"), ("step", "Thank your donors")],
    )
    campaign.save_revision().publish()
    church = TeamPageFactory(parent=campaign, title="Grace Church", goal_cents=200_000)
    school = TeamPageFactory(parent=campaign, title="Oak Hill School", goal_cents=150_000)
    for n, (first, last, title, raised) in enumerate(OWNERS):
        owner = UserFactory(first_name=first, last_name=last)
        page = FundraiserPageFactory(
            parent=campaign, supporter=owner, title=title, team=(church, school, None)[n % 3]
        )
        give(page, raised, "Friend", message="Go go go!" if n == 0 else "", show=n % 2 == 0)
    give(campaign, 400_000, "Lena", message="For every survivor.")
    return campaign, church


def test_the_campaign_page_shows_its_leaderboards_and_finds_a_fundraiser(
    page, live_server, busy_campaign
):
    campaign, church = busy_campaign
    page.goto(f"{live_server.url}{campaign.url}")

    expect(page.locator("#milestone-heading")).to_have_text(
        "Halfway there! $5,950 of $10,000 raised"
    )
    boards = page.locator(".leaderboards")
    expect(boards.locator(".leaderboard").first.locator("li").first).to_contain_text(
        "María's spring walk for survivors"
    )
    expect(boards).to_contain_text("by María N.")
    expect(boards).to_contain_text("Grace Church")
    expect(page.get_by_role("link", name="Start your own fundraiser")).to_be_visible()
    save_screenshots(page, "campaign-leaderboard")

    page.get_by_label("Someone's name or their page's title").fill("jose")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_contain_text("1 page matching")
    expect(page.get_by_role("link", name="José runs the river trail").first).to_be_visible()
    save_screenshots(page, "campaign-find-fundraiser")

    page.goto(f"{live_server.url}{church.url}")
    expect(page.locator(".team-members li").first).to_contain_text("María's spring walk")
    save_screenshots(page, "team-page")
