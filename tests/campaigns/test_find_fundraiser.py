"""Find a fundraiser: a search over the campaign's live pages by owner's name or title,
accents and case ignored, in constant queries."""

from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import FundraiserPage, fold_for_search
from campaigns.search import find_fundraisers
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    many_fundraiser_pages,
    paid_gift,
)
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


def owner(first, last):
    return UserFactory(first_name=first, last_name=last)


def search(client, campaign, q):
    return client.get(reverse("campaigns:find-fundraiser", args=[campaign.pk]), {"q": q})


@pytest.fixture
def pages(campaign):
    """Three live pages: José Álvarez's, María Núñez's and one titled for Zoë."""
    return {
        "jose": FundraiserPageFactory(
            parent=campaign, supporter=owner("José", "Álvarez"), title="Walking for Casa Segura"
        ),
        "maria": FundraiserPageFactory(
            parent=campaign, supporter=owner("María", "Núñez"), title="My birthday fundraiser"
        ),
        "zoe": FundraiserPageFactory(
            parent=campaign, supporter=owner("Sam", "Lee"), title="Zoë's 10K for survivors"
        ),
    }


def found(campaign, q):
    return {page.title for page in find_fundraisers(campaign, q)}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("jose", {"Walking for Casa Segura"}),
        ("JOSÉ", {"Walking for Casa Segura"}),
        ("alvarez", {"Walking for Casa Segura"}),
        ("MARIA", {"My birthday fundraiser"}),
        ("maría núñez", {"My birthday fundraiser"}),
        ("nunez maria", {"My birthday fundraiser"}),
        ("zoe", {"Zoë's 10K for survivors"}),
        ("ZOË", {"Zoë's 10K for survivors"}),
        ("Zoe\u0308", {"Zoë's 10K for survivors"}),  # typed decomposed
        ("birthday", {"My birthday fundraiser"}),
        ("for", {"Walking for Casa Segura", "Zoë's 10K for survivors"}),
        ("maria lee", set()),
    ],
)
def test_the_search_ignores_accents_and_case(campaign, pages, query, titles):
    assert found(campaign, query) == titles


def test_the_results_show_title_owner_raised_of_goal_and_a_link(client, campaign, pages):
    paid_gift(pages["maria"], 32000)

    html = search(client, campaign, "maria").content.decode()

    assert "1 page matching" in html
    assert f'<a href="{pages["maria"].url}"><bdi>My birthday fundraiser</bdi></a>' in html
    assert "by <bdi>María N.</bdi>" in html
    assert "<strong>$320</strong> raised of $500" in html


def test_pages_waiting_for_approval_or_unpublished_are_never_found(client, campaign):
    FundraiserPageFactory(parent=campaign, supporter=owner("Maria", "Live"), title="Live one")
    FundraiserPageFactory(
        parent=campaign, supporter=owner("Maria", "Waiting"), title="Waiting one", live=False
    )
    gone = FundraiserPageFactory(
        parent=campaign, supporter=owner("Maria", "Gone"), title="Unpublished one"
    )
    gone.unpublish()

    html = search(client, campaign, "maria").content.decode()

    assert found(campaign, "maria") == {"Live one"}
    assert "Waiting one" not in html
    assert "Unpublished one" not in html


def test_only_pages_of_this_campaign_are_found(campaign, pages):
    other = FundraisingCampaignPageFactory(title="Winter Coats")
    FundraiserPageFactory(parent=other, supporter=owner("José", "Otro"), title="Coats")

    assert found(campaign, "jose") == {"Walking for Casa Segura"}


def test_no_match_says_so_and_offers_to_give_to_the_campaign(client, campaign, pages):
    html = search(client, campaign, "nobody here").content.decode()

    assert "No pages match “<bdi>nobody here</bdi>”" in html
    assert f'href="{campaign.url}#give">Give to Spring into Action</a>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a name or a page title to search for."),
        ("   ", "Type a name or a page title to search for."),
        ("\u0301\u0301", "Type a name or a page title to search for."),
        ("m" * 101, "That is too long to search for: use at most 100 characters"),
    ],
)
def test_an_empty_or_too_long_query_gets_a_clear_message(client, campaign, pages, query, message):
    response = search(client, campaign, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "matching" not in html
    assert "No pages match" not in html


def test_the_results_never_show_an_owners_email(client, campaign):
    FundraiserPageFactory(
        parent=campaign,
        supporter=UserFactory(first_name="Maria", last_name="Lopez", email="maria@example.org"),
    )

    html = search(client, campaign, "maria").content.decode()

    assert "1 page matching" in html
    assert "maria@example.org" not in html
    assert "Lopez" not in html


def test_a_page_is_found_by_its_new_title_once_published(campaign, pages):
    page = FundraiserPage.objects.get(pk=pages["zoe"].pk)
    page.title = "Águila run"
    page.save_revision().publish()

    assert found(campaign, "aguila") == {"Águila run"}
    assert found(campaign, "zoe") == set()


def test_the_folded_text_drops_accents_and_case():
    assert fold_for_search("  José  ÁLVAREZ ") == "jose alvarez"
    assert fold_for_search("Straße") == "strasse"


@pytest.fixture
def typed_pages(campaign):
    """The issue's pages: Jordan Ellis's, Kevin O’Brien's, Łukasz Żółw's and Søren Ørsted's."""
    return {
        "jordan": FundraiserPageFactory(
            parent=campaign,
            supporter=owner("Jordan", "Ellis"),
            title="Jordan's spring 10K for survivors",
        ),
        "kevin": FundraiserPageFactory(
            parent=campaign, supporter=owner("Kevin", "O’Brien"), title="Kevin runs for hope"
        ),
        "lukasz": FundraiserPageFactory(
            parent=campaign,
            supporter=owner("Łukasz", "Żółw"),
            title="Łukasz idzie dla ocalałych",
            slug="lukasz-idzie",
        ),
        "soren": FundraiserPageFactory(
            parent=campaign,
            supporter=owner("Søren", "Ørsted"),
            title="Søren cykler for Ørsted-holdet",
            slug="soren-cykler",
        ),
    }


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("Jordan’s", "jordan"),  # the apostrophe a phone types
        ("jordans", "jordan"),
        ("Jordan's", "jordan"),
        ("Jordan E.", "jordan"),  # the name as the results print it
        ("JORDAN ELLIS", "jordan"),
        ("Kevin O’Brien", "kevin"),
        ("Kevin O'Brien", "kevin"),
        ("obrien", "kevin"),
        ("o brien", "kevin"),
        ("Kevin O.", "kevin"),
        ("lukasz", "lukasz"),
        ("Łukasz", "lukasz"),
        ("zolw", "lukasz"),
        ("ocalalych", "lukasz"),
        ("soren", "soren"),
        ("orsted", "soren"),
        ("Ørsted-holdet", "soren"),
        ("orsted holdet", "soren"),
        ("Søren Ø.", "soren"),
    ],
)
def test_the_search_finds_what_people_type(campaign, typed_pages, query, who):
    assert found(campaign, query) == {typed_pages[who].title}


def test_each_name_the_results_print_finds_its_page(client, campaign, typed_pages):
    for page in typed_pages.values():
        printed = FundraiserPage.objects.get(pk=page.pk).owner_public_name

        assert found(campaign, printed) == {page.title}, printed


def test_a_query_of_punctuation_only_is_refused_with_a_message(client, campaign, typed_pages):
    response = search(client, campaign, "’ . -")

    assert "Type a name or a page title to search for." in response.content.decode()


def test_the_search_page_finds_a_name_typed_with_a_phones_apostrophe(client, campaign, typed_pages):
    html = search(client, campaign, "Kevin O’Brien").content.decode()

    assert "Kevin runs for hope" in html
    assert "1 page matching" in html


def test_the_refold_command_refolds_stored_search_text(campaign, typed_pages):
    FundraiserPage.objects.update(search_text="stale")

    call_command("refold_search_text", stdout=StringIO())

    assert FundraiserPage.objects.get(pk=typed_pages["lukasz"].pk).search_text == (
        "lukasz idzie dla ocalalych lukasz zolw"
    )
    assert found(campaign, "orsted") == {"Søren cykler for Ørsted-holdet"}


def test_the_migration_refolds_text_folded_the_old_way(campaign, typed_pages):
    from django.apps import apps

    old_fold = import_module("campaigns.migrations.0005_fundraiser_search_text").fold_for_search
    for page in FundraiserPage.objects.select_related("supporter"):
        names = f"{page.title} {page.supporter.first_name} {page.supporter.last_name}"
        FundraiserPage.objects.filter(pk=page.pk).update(search_text=old_fold(names))
    assert found(campaign, "lukasz") == set()  # "ł" was dropped: "ukasz"

    import_module("campaigns.migrations.0009_refold_search_text").refold(apps, None)

    assert found(campaign, "lukasz") == {"Łukasz idzie dla ocalałych"}
    assert found(campaign, "obrien") == {"Kevin runs for hope"}


def test_the_campaign_page_has_a_search_box_that_works_without_javascript(client, campaign):
    html = client.get(campaign.url).content.decode()

    action = reverse("campaigns:find-fundraiser", args=[campaign.pk])
    assert f'<form method="get" action="{action}" role="search">' in html
    assert '<input type="search" id="find-q" name="q"' in html


def test_a_campaign_that_is_not_live_has_no_search(client, campaign):
    campaign.unpublish()

    assert search(client, campaign, "maria").status_code == 404


def test_the_search_makes_as_many_queries_at_1000_pages_as_at_10(client, campaign):
    client.force_login(UserFactory())
    many_fundraiser_pages(campaign, 10, raised_cents=lambda n: n * 100)
    search(client, campaign, "owner")  # warm the per-process caches

    with CaptureQueriesContext(connection) as at_10:
        first = search(client, campaign, "owner").content.decode()
    many_fundraiser_pages(campaign, 990, raised_cents=lambda n: n * 3)
    with CaptureQueriesContext(connection) as at_1000:
        html = search(client, campaign, "owner").content.decode()

    assert len(at_1000) == len(at_10)
    assert "10 pages matching" in first
    assert "The first 20 pages matching" in html


def test_a_page_is_found_by_its_owners_new_name(campaign, pages):
    maria = pages["maria"].supporter
    maria.first_name = "Marisol"
    maria.save()

    assert found(campaign, "marisol") == {"My birthday fundraiser"}
    assert found(campaign, "maria") == set()
