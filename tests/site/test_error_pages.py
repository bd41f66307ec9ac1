"""Error pages are in the site's layout: every page a visitor meets has the quick exit and hotline.

Run with DEBUG off (pytest-django's default), as in production.
"""

import pytest
from django.test import Client

from donations.models import Donation
from northstar.models import HomePage
from petitions.models import Signature
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.donations.factories import donate_form
from tests.petitions.factories import PetitionPageFactory, TargetFactory, form_data

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
DEFAULT_HOTLINE = "1-888-373-7888"
RELOAD = "Please reload the page and try again"
NOT_SAVED = "Your details were not saved."


@pytest.fixture
def harbor_light(site_settings):
    """The organisation's own hotline and quick exit, to show the page reads its settings."""
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.hotline_phone = "1-800-555-0199"
    site_settings.quick_exit_url = "https://weather.example/"
    site_settings.save()
    return site_settings


def assert_in_site_layout(html, hotline=DEFAULT_HOTLINE, quick_exit=None):
    assert VIEWPORT in html
    assert "Quick exit" in html
    assert "data-quick-exit" in html
    assert f">{hotline}</a>" in html
    if quick_exit:
        assert f'href="{quick_exit}"' in html


def test_a_missing_page_is_a_404_in_the_site_layout(client, harbor_light):
    response = client.get("/no-such-petition/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert_in_site_layout(html, "1-800-555-0199", "https://weather.example/")


def test_a_host_that_is_not_allowed_gets_a_400_in_the_site_layout(client, harbor_light):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not understand that request" in html
    assert "Harbor Light Coalition" in html
    assert_in_site_layout(html, "1-800-555-0199", "https://weather.example/")


def test_a_forbidden_request_gets_a_403_in_the_site_layout(client, harbor_light):
    # The admin refuses a script's request from a visitor who is not logged in with a 403.
    response = client.get("/admin/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert_in_site_layout(html, "1-800-555-0199", "https://weather.example/")


def test_a_server_error_gets_a_500_in_the_site_layout(home_page, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(HomePage, "serve", fail)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert_in_site_layout(html)


def test_the_500_page_renders_when_the_database_cannot_be_reached():
    # No database here: pytest-django refuses every query, as a database that is down would.
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert_in_site_layout(html, quick_exit="https://www.google.com/search?q=weather")


@pytest.mark.django_db
def test_a_stale_sign_form_says_to_reload_and_that_nothing_was_saved(home_page):
    TargetFactory(jurisdiction="TX")
    petition = PetitionPageFactory()
    # A form left open past its session: the CSRF cookie is gone or the token is stale.
    response = Client(enforce_csrf_checks=True).post(f"/petitions/{petition.pk}/sign/", form_data())
    assert response.status_code == 403
    html = response.content.decode()
    assert RELOAD in html
    assert NOT_SAVED in html
    assert f'href="/petitions/{petition.pk}/sign/"' in html
    assert_in_site_layout(html)
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_stale_donate_form_says_to_reload_and_that_nothing_was_saved(home_page):
    campaign = FundraisingCampaignPageFactory()
    response = Client(enforce_csrf_checks=True).post(
        f"/donations/give/{campaign.pk}/", donate_form()
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert RELOAD in html
    assert NOT_SAVED in html
    assert_in_site_layout(html)
    assert not Donation.objects.exists()
