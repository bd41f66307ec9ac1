"""The campaign page's leaderboards: the pages and teams that raised the most, in order, ties
broken by title then by page id, read in one query however many pages the campaign has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation, count_gift
from tests.campaigns.factories import (
    FundraiserPageFactory,
    TeamPageFactory,
    many_fundraiser_pages,
    paid_gift,
)
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


def board(pages):
    return [(page.title, page.raised_cents, page.gift_count) for page in pages]


def refund(donation):
    """Take a paid gift off its page's totals, as a refund will (`count_gift(sign=-1)`)."""
    count_gift(Donation.objects.get(pk=donation.pk), sign=-1)


def test_pages_are_ranked_by_amount_raised_with_ties_by_title_then_by_page_id(campaign):
    first_twin = FundraiserPageFactory(parent=campaign, title="Twin walk", slug="twin-walk-1")
    second_twin = FundraiserPageFactory(parent=campaign, title="Twin walk", slug="twin-walk-2")
    ana = FundraiserPageFactory(parent=campaign, title="Ana's bake sale")
    ben = FundraiserPageFactory(parent=campaign, title="Ben's marathon")
    chloe = FundraiserPageFactory(parent=campaign, title="Chloé's climb")
    paid_gift(second_twin, 4000)
    paid_gift(first_twin, 1500)
    paid_gift(first_twin, 2500)
    paid_gift(ben, 4000)
    paid_gift(ana, 4000)
    paid_gift(chloe, 12000)

    top = list(campaign.top_fundraisers())

    assert board(top) == [
        ("Chloé's climb", 12000, 1),
        ("Ana's bake sale", 4000, 1),
        ("Ben's marathon", 4000, 1),
        ("Twin walk", 4000, 2),
        ("Twin walk", 4000, 1),
    ]
    assert [page.pk for page in top[3:]] == [first_twin.pk, second_twin.pk]


def test_pages_with_no_gifts_or_all_gifts_refunded_are_left_off_the_board(campaign):
    FundraiserPageFactory(parent=campaign, title="No gifts yet")
    refunded = FundraiserPageFactory(parent=campaign, title="Refunded walk")
    refund(paid_gift(refunded, 3000))
    given = FundraiserPageFactory(parent=campaign, title="Given walk")
    paid_gift(given, 1000)

    assert board(campaign.top_fundraisers()) == [("Given walk", 1000, 1)]


def test_the_board_keeps_the_top_pages_in_order_when_more_raised_than_it_shows(campaign):
    many_fundraiser_pages(campaign, 5, raised_cents=lambda n: [300, 100, 500, 0, 300][n])

    top = list(campaign.top_fundraisers(limit=3))

    assert [(page.raised_cents, page.title) for page in top] == [
        (500, "Walk 2"),
        (300, "Walk 0"),
        (300, "Walk 4"),
    ]


def test_the_board_names_each_owner_without_another_query(campaign):
    owner = UserFactory(first_name="María", last_name="Lopez")
    paid_gift(FundraiserPageFactory(parent=campaign, supporter=owner), 1000)
    top = list(campaign.top_fundraisers())

    with CaptureQueriesContext(connection) as queries:
        names = [page.owner_public_name for page in top]

    assert names == ["María L."]
    assert len(queries) == 0


def test_teams_are_ranked_by_their_members_gifts_with_ties_by_title(campaign):
    oak = TeamPageFactory(parent=campaign, title="Oak School")
    grace = TeamPageFactory(parent=campaign, title="Grace Church")
    TeamPageFactory(parent=campaign, title="No gifts yet")
    paid_gift(FundraiserPageFactory(parent=campaign, team=oak), 5000)
    paid_gift(FundraiserPageFactory(parent=campaign, team=grace), 2000)
    paid_gift(FundraiserPageFactory(parent=campaign, team=grace), 3000)

    assert board(campaign.top_teams()) == [("Grace Church", 5000, 2), ("Oak School", 5000, 1)]


def leaderboard_queries(campaign):
    """The statements reading the top fundraisers (and how many read the totals)."""
    with CaptureQueriesContext(connection) as queries:
        top = list(campaign.top_fundraisers())
    totals = [q for q in queries.captured_queries if "donations_donationtotal" in q["sql"]]
    return len(queries), len(totals), top


def test_the_board_takes_as_many_queries_at_30_pages_as_at_3_and_one_reads_the_totals(campaign):
    many_fundraiser_pages(campaign, 3, raised_cents=lambda n: (n + 1) * 100)
    at_3, totals_at_3, top_at_3 = leaderboard_queries(campaign)
    many_fundraiser_pages(campaign, 27, raised_cents=lambda n: (n + 4) * 100)
    at_30, totals_at_30, top_at_30 = leaderboard_queries(campaign)

    assert at_30 == at_3
    assert totals_at_3 == totals_at_30 == 1
    assert len(top_at_3) == 3
    assert [page.raised_cents for page in top_at_30] == [n * 100 for n in range(30, 20, -1)]
