"""The team page: its live members with what each raised, most first, in constant queries;
a team with members is kept from deletion."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import FundraiserPage, TeamPage
from tests.campaigns.factories import (
    FundraiserPageFactory,
    TeamPageFactory,
    many_fundraiser_pages,
    paid_gift,
)
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church", goal_cents=100_000)


def members(html):
    """The team page's member rows as [(title, raised, goal)], in order."""
    section = html.split('id="members-heading"', 1)[1].split("</ol>", 1)[0]
    return re.findall(
        r"<bdi>([^<]*)</bdi></a>.*?<strong>([^<]*)</strong> "
        r'<span class="muted small">of ([^<]*)</span>',
        section,
        re.S,
    )


def test_the_team_page_lists_its_members_with_their_totals_most_raised_first(
    client, campaign, team
):
    ana = FundraiserPageFactory(parent=campaign, team=team, title="Ana walks", goal_cents=20_000)
    ben = FundraiserPageFactory(parent=campaign, team=team, title="Ben bakes")
    FundraiserPageFactory(parent=campaign, team=team, title="Cy has no gift yet")
    paid_gift(ana, 2500)
    paid_gift(ben, 4000)
    paid_gift(ben, 1000)

    html = client.get(team.url).content.decode()

    assert members(html) == [
        ("Ben bakes", "$50", "$500"),
        ("Ana walks", "$25", "$200"),
        ("Cy has no gift yet", "$0", "$500"),
    ]
    assert '$75</span> <span class="count__label">raised of $1,000' in html


def test_the_team_page_lists_only_its_own_live_members(client, campaign, team):
    FundraiserPageFactory(parent=campaign, team=team, title="Live member")
    FundraiserPageFactory(parent=campaign, team=team, title="Waiting member", live=False)
    gone = FundraiserPageFactory(parent=campaign, team=team, title="Unpublished member")
    gone.unpublish()
    FundraiserPageFactory(parent=campaign, title="Not in the team")

    html = client.get(team.url).content.decode()

    assert [title for title, *_ in members(html)] == ["Live member"]
    assert "Waiting member" not in html
    assert "Unpublished member" not in html
    assert "Not in the team" not in html


def test_the_team_page_names_members_by_public_name_never_by_email(client, campaign, team):
    owner = UserFactory(first_name="José", last_name="Álvarez", email="jose.alvarez@example.org")
    FundraiserPageFactory(parent=campaign, team=team, supporter=owner, title="José runs")

    html = client.get(team.url).content.decode()

    assert "by <bdi>José Á.</bdi>" in html
    assert "jose.alvarez@example.org" not in html
    assert "Álvarez" not in html


def test_the_team_page_makes_as_many_queries_at_1000_members_as_at_10(client, campaign, team):
    client.force_login(UserFactory())
    many_fundraiser_pages(campaign, 10, raised_cents=lambda n: n * 100, team=team)
    client.get(team.url)  # warm the per-process caches

    with CaptureQueriesContext(connection) as at_10:
        client.get(team.url)
    many_fundraiser_pages(campaign, 990, raised_cents=lambda n: n * 3, team=team)
    with CaptureQueriesContext(connection) as at_1000:
        html = client.get(team.url).content.decode()

    assert len(at_1000) == len(at_10)
    rows = members(html)
    assert len(rows) == 1000
    assert rows[0][1] == "$29.67"  # 989 * 3 cents, the most raised


def test_a_team_with_members_cannot_be_deleted_and_staff_are_told_why(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    FundraiserPageFactory.create_batch(2, parent=campaign, team=team)
    client.force_login(StaffUserFactory())

    response = client.post(f"/admin/pages/{team.pk}/delete/", follow=True)

    html = response.content.decode()
    assert "“Grace Church” cannot be deleted: it holds 2 members&#x27; fundraiser pages." in html
    assert "Unpublish the team instead" in html
    assert TeamPage.objects.filter(pk=team.pk).exists()
    assert FundraiserPage.objects.filter(team=team).count() == 2


def test_a_team_without_members_can_be_deleted(client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    client.force_login(StaffUserFactory())

    client.post(f"/admin/pages/{team.pk}/delete/")

    assert not TeamPage.objects.filter(pk=team.pk).exists()
