"""The one-second page cache for anonymous visitors (used by petition pages)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from northstar.pagecache import CSRF_PLACEHOLDER
from petitions.models import Signature
from petitions.services import confirm_signature, record_signature
from tests.petitions.factories import PetitionPageFactory, form_data, signer
from tests.site.factories import UserFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(home_page):
    return PetitionPageFactory(require_confirmation=False)


def get_from_the_cache(client, url):
    """GET `url`, checking that the page came from the cache (no SQL at all)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) == 0, "the page was rendered, not served from the cache"
    return response


def csrf_token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_visitor_served_from_the_cache_gets_a_working_csrf_token(petition):
    Client().get(petition.url)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = get_from_the_cache(visitor, petition.url).content.decode()
    assert CSRF_PLACEHOLDER not in html

    response = visitor.post(
        petition.sign_url(), {**form_data(), "csrfmiddlewaretoken": csrf_token_in(html)}
    )

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_a_returning_visitor_keeps_their_csrf_cookie_on_a_cached_page(petition):
    visitor = Client(enforce_csrf_checks=True)
    cookie = visitor.get(petition.url).cookies["csrftoken"].value
    cached = get_from_the_cache(visitor, petition.url)
    assert cached.cookies["csrftoken"].value == cookie  # a form in another tab still works

    response = visitor.post(
        petition.sign_url(),
        {**form_data(), "csrfmiddlewaretoken": csrf_token_in(cached.content.decode())},
    )

    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_a_post_with_a_token_from_another_visitors_cached_page_is_refused(petition):
    html = Client().get(petition.url).content.decode()
    stranger = Client(enforce_csrf_checks=True)
    get_from_the_cache(stranger, petition.url)  # a cookie of their own

    response = stranger.post(
        petition.sign_url(), {**form_data(), "csrfmiddlewaretoken": csrf_token_in(html)}
    )

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_cached_page_is_never_kept_by_a_shared_cache_or_shown_in_a_frame(petition):
    Client().get(petition.url)
    cached = get_from_the_cache(Client(), petition.url)
    assert "private" in cached["Cache-Control"]
    assert "Cookie" in cached["Vary"]
    assert cached["X-Frame-Options"] == "DENY"


def test_each_visitor_gets_their_own_token(petition):
    first = Client().get(petition.url)
    second = Client().get(petition.url)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_count_on_a_cached_page_is_at_most_a_second_behind(petition):
    assert "Be the first to sign" in Client().get(petition.url).content.decode()
    record_signature(petition, signer())

    wait_until(
        lambda: "Join 1 supporter" in Client().get(petition.url).content.decode(),
        timeout=1.5,
        message="the cached count to catch up",
    )


def test_a_logged_in_visitor_always_gets_a_fresh_page(client, petition):
    client.get(petition.url)
    client.force_login(UserFactory())
    confirm_signature(record_signature(petition, signer()).signature)
    assert "Join 1 supporter" in client.get(petition.url).content.decode()


def test_the_length_header_matches_the_page_with_its_token(petition):
    for _ in range(2):  # rendered, then from the cache
        response = Client().get(petition.url)
        if response.has_header("Content-Length"):
            assert int(response["Content-Length"]) == len(response.content)
        assert response.content.rstrip().endswith(b"</html>")


def test_a_shared_link_with_tracking_parameters_is_served_from_the_cache(petition, monkeypatch):
    monkeypatch.setattr("petitions.views.PAGE_CACHE_SECONDS", 60)
    Client().get(petition.url)
    confirm_signature(record_signature(petition, signer()).signature)

    html = Client().get(f"{petition.url}?fbclid=IwAR0abc&utm_source=facebook").content.decode()
    assert "Be the first to sign" in html
    assert "Join 1 supporter" in Client().get(f"{petition.url}?page=2").content.decode()


def test_a_page_whose_policy_carries_a_nonce_is_never_kept(petition, monkeypatch):
    from petitions.views import render_petition

    def page_with_a_nonce(request, petition):
        response = render_petition(request, petition, cache_seconds=60)
        response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc123'"
        return response

    monkeypatch.setattr("petitions.views.petition_page", page_with_a_nonce)
    Client().get(petition.url)

    with CaptureQueriesContext(connection) as queries:
        Client().get(petition.url)
    assert len(queries) > 0, "a page with a nonce was served from the cache"


def test_a_cached_page_is_answered_with_the_headers_of_its_render(petition):
    rendered = Client().get(petition.url)
    cached = get_from_the_cache(Client(), petition.url)

    kept = {"Content-Type", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"}
    assert {name: cached[name] for name in kept} == {name: rendered[name] for name in kept}
