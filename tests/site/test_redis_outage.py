"""While Redis is away the site runs on; once it is back, the next request uses it again.

Each test runs the cache and the rate limits on a private redis-server
(tests/support/redis_server.py) that it stops and starts on the same port.
"""

import logging

import pytest
import redis
from django.core.cache import cache

from northstar.cache import OUTAGE
from petitions.models import Signature
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.petitions.factories import form_data
from tests.site.factories import UserFactory
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def private_redis(tmp_path, settings):
    """The default cache (and so the rate limits) on a redis-server of this test's own."""
    server = RedisServer(tmp_path, keep_data=False)
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "northstar.cache.FailOpenRedisCache", "LOCATION": server.url_of(1)}
    }
    yield server
    server.stop()


@pytest.fixture
def pages(home_page, petition):
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    fundraiser = FundraiserPageFactory(parent=campaign, title="Maria's walk")
    return {
        "home": "/",
        "petition": petition.url,
        "campaign": campaign.url,
        "fundraiser": fundraiser.url,
        "log-in": "/accounts/login/",
    }


def sign(client, petition, number):
    return client.post(petition.sign_url(), form_data(email=f"signer{number}@example.org"))


def shared_count(server, key):
    """The rate limit's count for `key` as Redis holds it (None: not counted there)."""
    client = redis.Redis.from_url(server.url_of(1))
    count = client.hget(cache.make_key(key), "count")
    client.close()
    return None if count is None else int(count)


def test_while_redis_is_down_every_public_page_renders(client, private_redis, pages):
    private_redis.stop()

    statuses = {name: client.get(url).status_code for name, url in pages.items()}

    assert statuses == dict.fromkeys(pages, 200)


def test_while_redis_is_down_signers_are_let_through_the_rate_limit(
    client, settings, private_redis, petition
):
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 1
    private_redis.stop()

    statuses = [sign(client, petition, number).status_code for number in range(3)]

    assert statuses == [302, 302, 302]
    assert Signature.objects.count() == 3


def test_while_redis_is_down_a_supporter_logs_in(client, private_redis, home_page):
    user = UserFactory(email="login@example.org", password=PASSWORD)
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    private_redis.stop()

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_after_redis_restarts_the_first_signing_on_a_thread_is_counted_in_redis(
    client, private_redis, petition
):
    sign(client, petition, 1)
    sign(client, petition, 2)  # the rate limit's connection of this thread is open
    assert shared_count(private_redis, "ratelimit:petition-sign-ip:127.0.0.1") == 2
    private_redis.stop()
    private_redis.start()  # an empty Redis: the connection this thread held is dead

    response = sign(client, petition, 3)

    assert response.status_code == 302
    assert shared_count(private_redis, "ratelimit:petition-sign-ip:127.0.0.1") == 1


def test_a_burst_of_signings_and_page_reads_through_a_redis_restart_meets_no_error(
    client, private_redis, pages, petition
):
    statuses = set()
    for number in range(30):
        if number == 10:
            private_redis.stop()
        if number == 20:
            private_redis.start()
        statuses.add(sign(client, petition, number).status_code)
        statuses.update(client.get(url).status_code for url in pages.values())

    assert statuses == {200, 302}
    assert Signature.objects.count() == 30


def test_the_cache_answers_as_a_miss_while_redis_is_down(private_redis):
    cache.set("kept", "value")
    private_redis.stop()

    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {}
    assert cache.add("lock", True) is True
    assert cache.set("kept", "new") is None
    assert cache.delete("kept") is False
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_an_unreachable_redis_is_logged_once_however_many_calls_fail(
    private_redis, caplog, monkeypatch
):
    monkeypatch.setattr(OUTAGE, "pause_seconds", 0)  # every call tries Redis, and fails
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="northstar.cache"):
        for _ in range(5):
            cache.get("kept")

    assert len(caplog.records) == 1
    assert "Redis unreachable" in caplog.records[0].getMessage()
