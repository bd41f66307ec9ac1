"""A gift counts on its page, its team and its campaign, once each; a refund undoes all three."""

import pytest
from django.core.management import call_command
from wagtail.models import Page

from donations.models import Donation, DonationTotal, count_gift, gift_levels
from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.support.services import require_postgresql
from tests.support.threads import run_at_once


def fulfil(donation):
    return fulfil_checkout_session(
        donation.checkout_session_id, "pi_1", donation.amount_cents, donation.currency
    )


def total(page):
    return DonationTotal.objects.total(page=page.pk)


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church")


@pytest.fixture
def maria(campaign, team):
    """A supporter's fundraiser page in the campaign, on the team."""
    return FundraiserPageFactory(parent=campaign, title="Maria's page", team=team)


@pytest.mark.django_db
def test_a_gift_to_a_fundraiser_page_counts_on_the_page_its_team_and_its_campaign_once_each(
    campaign, team, maria
):
    fulfil(DonationFactory(page=maria, amount_cents=5000))

    assert total(maria) == (5000, 1)
    assert total(team) == (5000, 1)
    assert total(campaign) == (5000, 1)
    assert campaign.totals() == (5000, 1)


@pytest.mark.django_db
def test_a_gift_to_a_fundraiser_page_with_no_team_counts_on_the_page_and_the_campaign(
    campaign, team
):
    solo = FundraiserPageFactory(parent=campaign, title="Solo walk")
    fulfil(DonationFactory(page=solo, amount_cents=2000))

    assert total(solo) == (2000, 1)
    assert total(team) == (0, 0)
    assert total(campaign) == (2000, 1)


@pytest.mark.django_db
def test_a_gift_to_the_campaign_itself_counts_on_the_campaign_only(campaign, maria):
    fulfil(DonationFactory(page=campaign, amount_cents=2500))

    assert total(campaign) == (2500, 1)
    assert total(maria) == (0, 0)


@pytest.mark.django_db
def test_the_levels_of_a_gift_run_from_its_page_to_its_team_to_its_campaign(
    campaign, team, maria, home_page
):
    assert gift_levels(maria.pk) == [maria.pk, team.pk, campaign.pk]
    assert gift_levels(team.pk) == [team.pk, campaign.pk]
    assert gift_levels(campaign.pk) == [campaign.pk]
    assert gift_levels(home_page.pk) == [home_page.pk]


@pytest.mark.django_db
def test_a_plain_page_under_a_campaign_still_counts_toward_the_campaign(campaign):
    page = campaign.add_child(instance=Page(title="A plain page", slug="plain"))
    assert gift_levels(page.pk) == [page.pk, campaign.pk]


@pytest.mark.django_db
def test_a_gift_is_counted_on_every_level_in_one_statement(
    campaign, maria, django_assert_num_queries
):
    donation = DonationFactory(page=maria, amount_cents=5000)
    with django_assert_num_queries(4):  # the page's path, its campaign, its team; one upsert
        count_gift(donation)
    assert total(campaign) == (5000, 1)


@pytest.mark.django_db
def test_a_refund_undoes_the_gift_on_every_level(campaign, team, maria):
    kept = DonationFactory(page=maria, amount_cents=1000)
    refunded = DonationFactory(page=maria, amount_cents=5000)
    fulfil(kept)
    fulfil(refunded)

    count_gift(refunded, sign=-1)

    assert total(maria) == (1000, 1)
    assert total(team) == (1000, 1)
    assert total(campaign) == (1000, 1)


@pytest.mark.django_db
def test_a_gift_counted_with_any_other_sign_is_refused_and_changes_nothing(campaign, maria):
    donation = DonationFactory(page=maria)
    with pytest.raises(ValueError, match="sign must be 1 or -1"):
        count_gift(donation, sign=2)
    assert not DonationTotal.objects.exists()


@pytest.mark.django_db
def test_recount_rebuilds_every_level_from_the_paid_gifts_and_reports_drift(
    campaign, team, maria, capsys
):
    fulfil(DonationFactory(page=maria, amount_cents=5000))
    fulfil(DonationFactory(page=campaign, amount_cents=2500))
    DonationFactory(page=maria, amount_cents=9900, status=Donation.Status.FAILED)
    DonationTotal.objects.filter(page__in=[campaign, team]).delete()
    DonationTotal.objects.add(maria.pk, amount_cents=100, donation_count=1)

    call_command("recount")

    out = capsys.readouterr().out
    assert (
        f"donations.DonationTotal: Spring into Action ({campaign.pk}): "
        "counted $0 from 0 gifts, paid gifts $75 from 2: corrected"
    ) in out
    assert f"Maria's page ({maria.pk}): counted $51 from 2 gifts, paid gifts $50 from 1" in out
    assert f"Grace Church ({team.pk}): counted $0 from 0 gifts, paid gifts $50 from 1" in out
    assert "donations.DonationTotal: corrected drift on 3 key(s)." in out
    assert total(campaign) == (7500, 2)
    assert total(team) == (5000, 1)
    assert total(maria) == (5000, 1)


@pytest.mark.django_db
def test_rebuilding_one_team_counts_its_members_gifts(campaign, team, maria):
    fulfil(DonationFactory(page=maria, amount_cents=5000))
    DonationTotal.objects.filter(page=team).delete()

    drift = DonationTotal.objects.rebuild(page=team.pk)

    assert drift == {(team.pk,): ((0, 0), (5000, 1))}
    assert total(team) == (5000, 1)


@pytest.mark.django_db
def test_a_page_published_on_another_team_takes_its_gifts_to_that_teams_total(
    campaign, team, maria
):
    school = TeamPageFactory(parent=campaign, title="Lincoln High")
    sam = FundraiserPageFactory(parent=campaign, title="Sam's run", team=school)
    fulfil(DonationFactory(page=maria, amount_cents=5000))
    fulfil(DonationFactory(page=sam, amount_cents=2000))

    maria.team = school
    maria.save_revision().publish()

    assert total(team) == (0, 0)
    assert total(school) == (7000, 2)
    assert total(maria) == (5000, 1)
    assert total(campaign) == (7000, 2)


@pytest.mark.django_db
def test_a_page_that_leaves_its_team_takes_its_gifts_out_of_the_teams_total(campaign, team, maria):
    fulfil(DonationFactory(page=maria, amount_cents=5000))

    maria.team = None
    maria.save_revision().publish()

    assert total(team) == (0, 0)
    assert total(campaign) == (5000, 1)


@pytest.mark.django_db
def test_a_draft_on_another_team_leaves_the_totals_until_it_is_published(campaign, team, maria):
    school = TeamPageFactory(parent=campaign, title="Lincoln High")
    fulfil(DonationFactory(page=maria, amount_cents=5000))

    maria.team = school
    revision = maria.save_revision()

    assert total(team) == (5000, 1)
    assert total(school) == (0, 0)
    revision.publish()
    assert total(team) == (0, 0)
    assert total(school) == (5000, 1)


@pytest.mark.django_db
def test_recount_of_one_counter_names_it_and_leaves_the_others(campaign, capsys):
    fulfil(DonationFactory(page=campaign))

    call_command("recount", counter=["donations.DonationTotal"])

    out = capsys.readouterr().out
    assert "donations.DonationTotal: every total matches its rows." in out
    assert "SignatureCount" not in out


@pytest.mark.django_db
def test_recount_of_an_unknown_counter_says_which_exist(capsys):
    with pytest.raises(Exception, match="No counter donations.nothing; counters: "):
        call_command("recount", counter=["donations.Nothing"])


@pytest.mark.django_db(transaction=True)
def test_thirty_gifts_to_pages_of_one_team_paid_at_once_count_exactly_on_every_level(
    campaign, team
):
    require_postgresql()
    pages = [FundraiserPageFactory(parent=campaign, title=f"Page {n}", team=team) for n in range(3)]
    donations = [DonationFactory(page=pages[i % 3], amount_cents=1000 + i) for i in range(30)]

    run_at_once(lambda i: fulfil(donations[i]), 30)

    for n, page in enumerate(pages):
        gifts = [1000 + i for i in range(30) if i % 3 == n]
        assert total(page) == (sum(gifts), 10)
    assert total(team) == total(campaign) == (sum(1000 + i for i in range(30)), 30)
    assert DonationTotal.objects.rebuild() == {}
