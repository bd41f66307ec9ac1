"""A campaign of a given size for tests/bench/bench_campaigns.py, grown in place.

Usage: `python -m tests.bench.programs.campaign_data <pages> <gifts>`, with the
site's environment, on a migrated database. Makes the home page and site if
missing (`northstar.demo`'s loaders), then the campaign "Bench Campaign"
(/bench-campaign/) if missing, and grows it to `<pages>` live fundraiser pages
(owners bulk-created; pages added one by one with Wagtail's tree API,
`add_child`, as the factories do) and `<gifts>` paid gifts in all, bulk-inserted,
then rebuilds every total (`DonationTotal.objects.rebuild()`). One page in three
is in a team; there is one team per 50 pages (two at least). A tenth of the
gifts go to the campaign itself; the rest to its pages, the first pages getting
more (a leaderboard with a head and a long tail). Run again with bigger numbers,
it adds only what is missing.

Prints one line: `CAMPAIGN {"campaign": path, "fundraiser": path, "pages": n,
"teams": n, "gifts": n, "seconds": s}` where `fundraiser` is the first page (in
a team, with gifts): the one the benchmark reads.
"""

import importlib
import itertools
import json
import random
import sys
import time
from datetime import timedelta

CAMPAIGN_SLUG = "bench-campaign"
PAGES_PER_TEAM = 50
AMOUNTS_DOLLARS = [10, 20, 25, 25, 35, 50, 50, 50, 75, 100, 100, 250, 500]
MESSAGES = ["", "", "", "For survivors.", "Go go go!", "Proud of you.", "Every little bit."]
FIRST_NAMES = ["Ana", "Ben", "Chloe", "David", "Elena", "Farah", "Gus", "Hana", "Ivan", "José"]
LAST_NAMES = ["Lopez", "Nguyen", "Okafor", "Patel", "Smith", "Müller", "Kim", "Ali", "Brown"]
BATCH = 5_000


def main(pages, gifts):
    importlib.import_module("northstar.wsgi")  # django.setup(), as a gunicorn worker is
    from django.db import transaction

    started = time.monotonic()
    with transaction.atomic():
        campaign = load_campaign()
        teams = load_teams(campaign, max(2, pages // PAGES_PER_TEAM))
        fundraisers = load_pages(campaign, teams, pages)
        gift_count = load_gifts(campaign, fundraisers, gifts)
    from donations.models import DonationTotal

    DonationTotal.objects.rebuild()
    print(
        "CAMPAIGN "
        + json.dumps(
            {
                "campaign": campaign.url_path_relative,
                "fundraiser": f"/{CAMPAIGN_SLUG}/{fundraisers[0].slug}/",
                "pages": len(fundraisers),
                "teams": len(teams),
                "gifts": gift_count,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )


def load_campaign():
    from django.utils import timezone

    from campaigns.models import FundraisingCampaignPage
    from northstar import demo
    from northstar.models import HomePage

    demo.load_root_collection()
    demo.load_home_page()
    demo.load_site_settings()
    campaign = FundraisingCampaignPage.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        campaign = FundraisingCampaignPage(
            title="Bench Campaign",
            slug=CAMPAIGN_SLUG,
            intro="A campaign with many supporters' pages, for the benchmark.",
            goal_cents=50_000_000,
            deadline=timezone.localdate() + timedelta(days=90),
            start_date=timezone.localdate() - timedelta(days=30),
            steps=[("step", s) for s in ("Create your page", "Ask five friends", "Thank donors")],
            suggested_amounts=[2500, 5000, 10000, 25000],
        )
        HomePage.objects.get().add_child(instance=campaign)
        campaign.save_revision().publish()
    campaign.url_path_relative = f"/{CAMPAIGN_SLUG}/"
    return campaign


def owners(first, count):
    """`count` supporters numbered from `first`, bulk-created (no usable password)."""
    from django.contrib.auth.hashers import make_password

    from northstar.models import User

    unusable = make_password(None)
    User.objects.bulk_create(
        User(
            email=f"bench-owner-{n}@example.org",
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=LAST_NAMES[n % len(LAST_NAMES)],
            password=unusable,
        )
        for n in range(first, first + count)
    )
    emails = [f"bench-owner-{n}@example.org" for n in range(first, first + count)]
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [by_email[e] for e in emails]


def load_teams(campaign, count):
    from campaigns.models import TeamPage

    teams = list(TeamPage.objects.child_of(campaign).order_by("path"))
    captains = owners(100_000 + len(teams), count - len(teams)) if count > len(teams) else []
    for captain in captains:
        n = len(teams)
        team = TeamPage(
            title=f"Bench team {n:03d}",
            slug=f"team-{n:03d}",
            captain=captain,
            goal_cents=500_000,
            live=True,
        )
        campaign.add_child(instance=team)
        teams.append(team)
    return teams


def load_pages(campaign, teams, count):
    from django.utils import timezone

    from campaigns.models import FundraiserPage

    pages = list(FundraiserPage.objects.child_of(campaign).order_by("path"))
    new_owners = owners(len(pages), count - len(pages)) if count > len(pages) else []
    now = timezone.now()
    for owner in new_owners:
        n = len(pages)
        page = FundraiserPage(
            title=f"{owner.first_name}'s page {n:04d}",
            slug=f"page-{n:04d}",
            supporter=owner,
            goal_cents=50_000,
            story="I am raising money for survivors.\n\nPlease help me reach my goal.",
            team=teams[(n // 3) % len(teams)] if n % 3 == 0 else None,
            live=True,
            first_published_at=now,
            last_published_at=now,
            owner=owner,
        )
        campaign.add_child(instance=page)
        pages.append(page)
    return pages


def name_shown(draw):
    """Who sees a bench donor's name, from a draw in [0, 1): 70% public, 15% only the page's
    owner, 15% anonymous."""
    from donations.models import Donation

    if draw < 0.7:
        return Donation.NameShown.PUBLIC
    return Donation.NameShown.OWNER if draw < 0.85 else Donation.NameShown.ANONYMOUS


def load_gifts(campaign, pages, total):
    """Paid gifts up to `total` in all (to the campaign and its pages); the count made."""
    from django.utils import timezone

    from donations.models import Donation

    have = Donation.objects.filter(page__path__startswith=campaign.path).count()
    rng = random.Random(total)
    now = timezone.now()
    cum_weights = list(itertools.accumulate(1 / (1 + index % 200) for index in range(len(pages))))
    batch = []
    for n in range(have, total):
        target = campaign if n % 10 == 0 else rng.choices(pages, cum_weights=cum_weights)[0]
        paid_at = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        batch.append(
            Donation(
                page=target,
                amount_cents=rng.choice(AMOUNTS_DOLLARS) * 100,
                first_name=first,
                last_name=last,
                email=f"bench-donor-{n}@example.org",
                name_shown=name_shown(rng.random()),
                message=rng.choice(MESSAGES),
                status=Donation.Status.PAID,
                created_at=paid_at,
                paid_at=paid_at,
            )
        )
        if len(batch) >= BATCH:
            Donation.objects.bulk_create(batch)
            batch = []
    Donation.objects.bulk_create(batch)
    return max(have, total)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
