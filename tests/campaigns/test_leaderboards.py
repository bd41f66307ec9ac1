"""The campaign page's leaderboards, milestone banners and recent gifts, in constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation
from tests.campaigns.factories import (
    FundraiserPageFactory,
    TeamPageFactory,
    many_fundraiser_pages,
    paid_gift,
)
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


def board(html, heading):
    """The rows of the leaderboard under `heading` as [(title, raised)], in order."""
    section = html.split(f'<h3 class="h4">{heading}</h3>', 1)[1].split("</ol>", 1)[0]
    rows = re.findall(
        r'<a href="[^"]*"><bdi>([^<]*)</bdi></a>.*?<strong>([^<]*)</strong>', section, re.S
    )
    return rows


def test_the_fundraiser_board_lists_live_pages_by_amount_raised_most_first(client, campaign):
    small = FundraiserPageFactory(parent=campaign, title="Ana's bake sale")
    big = FundraiserPageFactory(parent=campaign, title="Ben's marathon")
    middle = FundraiserPageFactory(parent=campaign, title="Chloé's climb")
    paid_gift(small, 2500)
    paid_gift(big, 30000)
    paid_gift(big, 12000)
    paid_gift(middle, 10000)

    html = client.get(campaign.url).content.decode()

    assert board(html, "Supporters' pages") == [
        ("Ben&#x27;s marathon", "$420"),
        ("Chloé&#x27;s climb", "$100"),
        ("Ana&#x27;s bake sale", "$25"),
    ]


def test_the_fundraiser_board_shows_at_most_ten_pages(client, campaign):
    many_fundraiser_pages(campaign, 12, raised_cents=lambda n: (n + 1) * 1000)

    html = client.get(campaign.url).content.decode()

    rows = board(html, "Supporters' pages")
    assert len(rows) == 10
    assert rows[0][1] == "$120"
    assert rows[-1][1] == "$30"


def test_pages_waiting_for_approval_or_unpublished_are_never_on_the_board(client, campaign):
    live = FundraiserPageFactory(parent=campaign, title="Live walk")
    paid_gift(live, 1000)
    waiting = FundraiserPageFactory(parent=campaign, title="Waiting walk", live=False)
    taken_down = FundraiserPageFactory(parent=campaign, title="Taken down walk")
    paid_gift(taken_down, 90000)
    taken_down.unpublish()
    paid_gift_counted_anyway = 90000 + 1000

    html = client.get(campaign.url).content.decode()

    assert board(html, "Supporters' pages") == [("Live walk", "$10")]
    assert "Waiting walk" not in html
    assert "Taken down walk" not in html
    assert waiting.pk not in [p.pk for p in campaign.top_fundraisers()]
    # the taken-down page's gifts still count toward the campaign
    assert campaign.progress()["raised_cents"] == paid_gift_counted_anyway


def test_the_board_names_the_owner_by_public_name_never_by_email(client, campaign):
    owner = UserFactory(first_name="María", last_name="Lopez", email="maria.lopez@example.org")
    page = FundraiserPageFactory(parent=campaign, supporter=owner, title="María walks")
    paid_gift(page, 5000)

    html = client.get(campaign.url).content.decode()

    assert "by <bdi>María L.</bdi>" in html
    assert "maria.lopez@example.org" not in html
    assert "Lopez" not in html


def test_the_team_board_lists_teams_by_their_members_gifts_most_first(client, campaign):
    church = TeamPageFactory(parent=campaign, title="Grace Church")
    school = TeamPageFactory(parent=campaign, title="Oak School")
    TeamPageFactory(parent=campaign, title="No gifts yet")
    paid_gift(FundraiserPageFactory(parent=campaign, team=church), 5000)
    paid_gift(FundraiserPageFactory(parent=campaign, team=church), 7000)
    paid_gift(FundraiserPageFactory(parent=campaign, team=school), 20000)

    html = client.get(campaign.url).content.decode()

    assert board(html, "Teams") == [("Oak School", "$200"), ("Grace Church", "$120")]


def test_the_team_board_shows_at_most_five_teams(campaign):
    for n in range(7):
        team = TeamPageFactory(parent=campaign, title=f"Team {n}")
        paid_gift(FundraiserPageFactory(parent=campaign, team=team), (n + 1) * 1000)

    teams = list(campaign.top_teams())

    assert [t.title for t in teams] == ["Team 6", "Team 5", "Team 4", "Team 3", "Team 2"]
    assert [t.raised_cents for t in teams] == [7000, 6000, 5000, 4000, 3000]


def test_an_unpublished_team_is_not_on_the_board(campaign):
    team = TeamPageFactory(parent=campaign, title="Gone team")
    paid_gift(FundraiserPageFactory(parent=campaign, team=team), 1000)
    team.unpublish()

    assert list(campaign.top_teams()) == []


@pytest.mark.parametrize(
    ("raised", "banner"),
    [
        (249_999, None),
        (250_000, "A quarter of the way there! $2,500 of $10,000 raised"),
        (499_999, "A quarter of the way there! $4,999.99 of $10,000 raised"),
        (500_000, "Halfway there! $5,000 of $10,000 raised"),
        (750_000, "Three quarters of the way there! $7,500 of $10,000 raised"),
        (1_000_000, "Goal reached! $10,000 of $10,000 raised"),
        (1_250_000, "Goal reached! $12,500 of $10,000 raised"),
    ],
)
def test_the_banner_names_the_highest_milestone_reached(client, campaign, raised, banner):
    from donations.models import DonationTotal

    DonationTotal.objects.add(campaign.pk, amount_cents=raised, donation_count=1)

    html = client.get(campaign.url).content.decode()

    match = re.search(r'<h2 id="milestone-heading">([^<]*)</h2>', html)
    assert (match.group(1) if match else None) == banner


def test_an_ended_campaign_shows_no_milestone_banner(client, campaign):
    from datetime import timedelta

    from django.utils import timezone

    from donations.models import DonationTotal

    DonationTotal.objects.add(campaign.pk, amount_cents=600_000, donation_count=1)
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    html = client.get(campaign.url).content.decode()

    assert "This campaign has ended" in html
    assert "milestone-heading" not in html


def test_recent_gifts_span_the_campaign_and_its_pages_with_the_page_given_to(client, campaign):
    page = FundraiserPageFactory(parent=campaign, title="Sam's swim")
    paid_gift(
        campaign, 2500, first_name="Grace", last_name="Okafor", name_shown=Donation.NameShown.PUBLIC
    )
    paid_gift(
        page,
        4500,
        first_name="Hidden",
        last_name="Donor",
        email="hidden@example.org",
        name_shown=Donation.NameShown.ANONYMOUS,
        message="Go Sam!",
    )

    html = client.get(campaign.url).content.decode()
    recent = html.split('id="recent-donors-heading"', 1)[1].split("</section>", 1)[0]

    assert recent.index("Anonymous") < recent.index("Grace O.")  # newest first
    assert 'to <a href="/spring-into-action/sams-swim/"><bdi>Sam&#x27;s swim</bdi></a>' in recent
    assert "Go Sam!" not in html  # an anonymous gift's message is the owner's to read
    assert "Hidden" not in html
    assert "hidden@example.org" not in html
    assert "$45" not in recent and "$25" not in recent  # amounts stay private


def test_recent_gifts_leave_out_pages_that_are_not_live(client, campaign):
    page = FundraiserPageFactory(parent=campaign, title="Taken down")
    paid_gift(page, 2500, first_name="Zed", last_name="Quinn", name_shown=Donation.NameShown.PUBLIC)
    page.unpublish()

    html = client.get(campaign.url).content.decode()

    assert "Zed Q." not in html


def page_queries(client, url):
    """The queries the view itself makes to render `url` (logged in, so no page cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_campaign_page_makes_as_many_queries_at_1000_pages_as_at_10(client, campaign):
    client.force_login(UserFactory())
    teams = [TeamPageFactory(parent=campaign, title=f"Team {n}") for n in range(6)]
    many_fundraiser_pages(campaign, 10, raised_cents=lambda n: (n + 1) * 100, team=teams[0])
    for n, team in enumerate(teams):
        from donations.models import DonationTotal

        DonationTotal.objects.add(team.pk, amount_cents=(n + 1) * 500, donation_count=1)
    for n in range(12):
        paid_gift(
            campaign,
            1000 + n,
            name_shown=Donation.NameShown.PUBLIC if n % 2 == 0 else Donation.NameShown.OWNER,
        )
    client.get(campaign.url)  # warm Django's and Wagtail's per-process caches

    at_10 = page_queries(client, campaign.url)
    many_fundraiser_pages(campaign, 990, raised_cents=lambda n: n * 7, team=teams[1])
    html = client.get(campaign.url).content.decode()
    at_1000 = page_queries(client, campaign.url)

    assert at_1000 == at_10
    assert len(board(html, "Supporters' pages")) == 10
    assert len(board(html, "Teams")) == 5
