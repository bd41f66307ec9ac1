"""Which totals a gift counts toward is declared by the page types (`gift_level_fields`,
`counts_gifts_below`): the donations app names no other app's models and keeps no receiver on
them; the campaigns app rebuilds a team's total when a page changes team."""

import ast
from pathlib import Path

import pytest
from django.db.models.signals import post_save, pre_save

import donations
from campaigns.models import FundraiserPage, FundraisingCampaignPage, TeamPage
from donations.models import DonationTotal, counted_level_types
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory, paid_gift

DONATIONS_DIR = Path(donations.__file__).parent
OTHER_APPS = ("campaigns", "petitions")


def donations_modules():
    return [
        path
        for path in DONATIONS_DIR.rglob("*.py")
        if "migrations" not in path.parts  # a migration's history may name what it named then
    ]


def test_the_donations_app_imports_no_other_feature_app():
    imported = set()
    for path in donations_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                imported |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
    assert [(name, app) for name, app in imported if app in OTHER_APPS] == []


def test_the_donations_app_names_no_other_apps_model_in_a_string():
    named = [
        (path.name, node.value)
        for path in donations_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(node.value.startswith(f"{app}.") for app in OTHER_APPS)
    ]
    assert named == []


def test_no_donations_receiver_listens_to_a_fundraiser_pages_saves():
    for signal in (pre_save, post_save):
        receivers, _ = signal._live_receivers(FundraiserPage)  # (sync, async)
        modules = {receiver.__module__ for receiver in receivers}
        assert not {module for module in modules if module.startswith("donations")}
        assert "campaigns.signals" in modules


@pytest.mark.django_db
def test_the_page_types_declare_the_levels_a_gift_counts_toward():
    assert FundraiserPage.gift_level_fields == ("team",)
    assert FundraisingCampaignPage.counts_gifts_below is True
    assert not getattr(TeamPage, "gift_level_fields", ())
    assert [ct.model_class() for ct in counted_level_types()] == [FundraisingCampaignPage]


@pytest.mark.django_db
def test_a_page_saved_without_changing_team_rebuilds_no_total(campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", team=team)
    paid_gift(page, 5000)
    DonationTotal.objects.filter(page=team).update(amount_cents=1)  # drift a rebuild would fix

    page.title = "Maria's long walk"
    page.save()

    assert DonationTotal.objects.total(page=team.pk).amount_cents == 1  # not rebuilt
