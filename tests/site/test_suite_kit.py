"""The suite's own kit: the page factories' parent, the shared home page, parallel workers."""

import pytest

from northstar.models import HomePage
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.petitions.factories import PetitionPageFactory
from tests.support.parallel import MAX_WORKERS, separate_redis_databases

SUITE_URLS = {
    "CELERY_BROKER_URL": "redis://127.0.0.1:6399/0",
    "CACHE_URL": "redis://127.0.0.1:6399/1",
}


@pytest.mark.django_db
def test_a_test_that_does_not_ask_for_the_home_page_finds_none():
    assert not HomePage.objects.exists()


def test_a_page_made_without_a_parent_goes_under_the_home_page(home_page):
    petition = PetitionPageFactory()

    assert petition.get_parent().pk == home_page.pk
    assert petition.live


def test_a_page_made_under_a_parent_goes_under_it(home_page):
    campaign = FundraisingCampaignPageFactory()

    page = FundraiserPageFactory(parent=campaign)

    assert page.get_parent().pk == campaign.pk


def test_a_fundraiser_page_made_without_a_campaign_is_refused(home_page):
    with pytest.raises(TypeError, match="parent="):
        FundraiserPageFactory()


def test_each_parallel_worker_has_a_broker_and_a_cache_of_its_own():
    first, second = dict(SUITE_URLS), dict(SUITE_URLS)

    separate_redis_databases(first, "gw0")
    separate_redis_databases(second, "gw1")

    assert first == {
        "CELERY_BROKER_URL": "redis://127.0.0.1:6399/2",
        "CACHE_URL": "redis://127.0.0.1:6399/3",
    }
    assert second == {
        "CELERY_BROKER_URL": "redis://127.0.0.1:6399/4",
        "CACHE_URL": "redis://127.0.0.1:6399/5",
    }


def test_outside_a_parallel_worker_the_suite_keeps_its_broker_and_cache():
    environ = dict(SUITE_URLS)

    separate_redis_databases(environ, "")

    assert environ == SUITE_URLS


def test_more_parallel_workers_than_redis_has_databases_for_are_refused():
    with pytest.raises(ValueError, match="xdist workers"):
        separate_redis_databases(dict(SUITE_URLS), f"gw{MAX_WORKERS}")
