"""The campaign, team and fundraiser pages go through the one-second anonymous page cache
(`northstar.pagecache`), as petition pages do: each visitor gets their own CSRF token in the
donate form, signed-in visitors a fresh render, and a page with a posted form is never kept."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donations.models import Donation
from northstar.pagecache import CSRF_PLACEHOLDER
from tests.campaigns.factories import (
    FundraiserPageFactory,
    InvitationFactory,
    TeamPageFactory,
    paid_gift,
)
from tests.donations.factories import donate_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_stripe(settings):
    """The test checkout (set before any page is cached: a changed setting empties the cache)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")


@pytest.fixture
def fundraiser(campaign, team):
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", team=team
    )


@pytest.fixture(params=["campaign", "team", "fundraiser"])
def page(request, campaign, team, fundraiser):
    return {"campaign": campaign, "team": team, "fundraiser": fundraiser}[request.param]


@pytest.fixture(params=["campaign", "fundraiser"])
def givable(request, campaign, fundraiser):
    """A page with a donate form."""
    return {"campaign": campaign, "fundraiser": fundraiser}[request.param]


def get_from_the_cache(client, url):
    """GET `url`, checking that the page came from the cache (no SQL at all)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) == 0, "the page was rendered, not served from the cache"
    return response


def rendered(client, url):
    """GET `url`, checking that the page was rendered (it ran SQL)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) > 0, "the page was served from the cache, not rendered"
    return response


def csrf_token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def without_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def referral_in(html):
    found = re.search(r'name="referral" value="([^"]*)"', html)
    return found.group(1) if found else None


def give_url(page):
    return f"/donations/give/{page.pk}/"


def test_an_anonymous_reader_is_served_the_page_from_the_cache_the_second_time(page):
    first = Client().get(page.url)
    second = get_from_the_cache(Client(), page.url)

    assert second.status_code == 200
    assert without_token(second.content.decode()) == without_token(first.content.decode())


def test_a_cached_page_never_carries_the_placeholder_and_is_kept_out_of_shared_caches(page):
    Client().get(page.url)
    cached = get_from_the_cache(Client(), page.url)

    assert CSRF_PLACEHOLDER not in cached.content.decode()
    assert "private" in cached["Cache-Control"]
    assert "Cookie" in cached["Vary"]


def test_two_readers_of_a_cached_page_each_get_their_own_working_token(givable):
    Client().get(givable.url)  # fills the cache
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = csrf_token_in(get_from_the_cache(first, givable.url).content.decode())
    second_token = csrf_token_in(get_from_the_cache(second, givable.url).content.decode())
    assert first_token != second_token

    posts = ((first, first_token, "a@example.org"), (second, second_token, "b@example.org"))
    for client, token, email in posts:
        response = client.post(
            give_url(givable), {**donate_form(email=email), "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    assert sorted(Donation.objects.values_list("email", flat=True)) == [
        "a@example.org",
        "b@example.org",
    ]


def test_a_token_from_another_readers_cached_page_is_refused_by_the_give_view(givable):
    html = Client().get(givable.url).content.decode()
    stranger = Client(enforce_csrf_checks=True)
    get_from_the_cache(stranger, givable.url)  # a cookie of their own

    response = stranger.post(
        give_url(givable), {**donate_form(), "csrfmiddlewaretoken": csrf_token_in(html)}
    )

    assert response.status_code == 403
    assert not Donation.objects.exists()


def test_the_owner_signed_in_always_gets_a_fresh_render(client, fundraiser):
    client.get(fundraiser.url)  # anonymous: fills the cache
    client.force_login(fundraiser.supporter)
    paid_gift(fundraiser, 4_200)

    html = rendered(client, fundraiser.url).content.decode()
    assert "$42" in html
    assert CSRF_PLACEHOLDER not in html


def test_a_page_rendered_for_a_signed_in_visitor_is_not_served_to_anonymous_readers(
    client, fundraiser
):
    client.force_login(fundraiser.supporter)
    client.get(fundraiser.url)

    rendered(Client(), fundraiser.url)


def test_a_page_shown_again_with_the_donors_typed_details_and_errors_is_never_kept(givable):
    visitor = Client()
    response = visitor.post(give_url(givable), donate_form(email="not-an-address"))
    assert response.status_code == 200
    assert 'value="not-an-address"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert CSRF_PLACEHOLDER not in response.content.decode()

    html = rendered(Client(), givable.url).content.decode()
    assert "not-an-address" not in html


def test_a_form_shown_again_with_errors_carries_a_working_token(givable):
    visitor = Client(enforce_csrf_checks=True)
    token = csrf_token_in(visitor.get(givable.url).content.decode())
    again = visitor.post(
        give_url(givable), {**donate_form(email="not-an-address"), "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 200

    response = visitor.post(
        give_url(givable),
        {**donate_form(), "csrfmiddlewaretoken": csrf_token_in(again.content.decode())},
    )
    assert response.status_code == 302
    assert Donation.objects.count() == 1


def test_a_page_rendered_for_one_invitation_is_never_served_for_another(fundraiser):
    ana, ben = InvitationFactory(page=fundraiser), InvitationFactory(page=fundraiser)
    for_ana = Client().get(f"{fundraiser.url}?invitation={ana.token}").content.decode()
    assert referral_in(for_ana) == ana.token

    for_ben = Client().get(f"{fundraiser.url}?invitation={ben.token}").content.decode()
    assert referral_in(for_ben) == ben.token


def test_a_page_rendered_for_an_invitation_is_never_served_without_one(fundraiser):
    ana = InvitationFactory(page=fundraiser)
    Client().get(f"{fundraiser.url}?invitation={ana.token}")

    assert referral_in(Client().get(fundraiser.url).content.decode()) is None


def test_a_page_rendered_without_an_invitation_is_never_served_for_one(fundraiser):
    ana = InvitationFactory(page=fundraiser)
    Client().get(fundraiser.url)

    html = Client().get(f"{fundraiser.url}?invitation={ana.token}").content.decode()
    assert referral_in(html) == ana.token


def test_an_invitation_link_read_again_is_served_from_the_cache_with_its_token(fundraiser):
    ana = InvitationFactory(page=fundraiser)
    url = f"{fundraiser.url}?invitation={ana.token}"
    Client().get(url)

    assert referral_in(get_from_the_cache(Client(), url).content.decode()) == ana.token
