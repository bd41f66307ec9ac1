"""The home page and the parts every page shares: hotline, quick exit, landmarks."""

import re
from datetime import timedelta

import pytest


@pytest.fixture
def home_html(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_footer_of_every_page_gives_the_hotline_and_text_line(home_html):
    assert "National Human Trafficking Hotline" in home_html
    assert 'href="tel:18883737888"' in home_html
    assert 'href="sms:233733"' in home_html


def test_the_quick_exit_goes_to_the_neutral_site_from_the_settings(client, site_settings):
    site_settings.quick_exit_url = "https://www.example.com/weather"
    site_settings.save()
    html = client.get("/").content.decode()
    assert re.search(r'class="quick-exit" href="https://www.example.com/weather"', html)


def test_every_page_has_a_skip_link_and_landmarks(home_html):
    assert 'href="#main"' in home_html
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer", "<nav"):
        assert landmark in home_html


def test_no_asset_is_loaded_from_another_site(home_html):
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|woff2?))"', home_html)
    assert sources
    assert all(source.startswith("/static/") for source in sources)


@pytest.mark.django_db
def test_no_page_tells_another_site_where_the_visitor_came_from(client, home_page):
    response = client.get("/")
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_home_page_leads_to_each_campaign_still_taking_gifts(client, home_page):
    from campaigns.models import FundraisingCampaignPage
    from tests.campaigns.factories import FundraisingCampaignPageFactory, paid_gift

    spring = FundraisingCampaignPageFactory(title="Spring into Action", goal_cents=1_000_000)
    paid_gift(spring, 6_260_00)
    ended = FundraisingCampaignPageFactory(title="Winter Coats")
    FundraisingCampaignPage.objects.filter(pk=ended.pk).update(
        deadline=ended.deadline - timedelta(days=60)
    )

    html = client.get("/").content.decode()

    assert f'href="{spring.url}"' in html
    assert "Spring into Action" in html
    assert '$6,260 <span class="count__label">of $10,000 raised' in html
    assert "Winter Coats" not in html


@pytest.mark.django_db
def test_the_home_page_reads_every_tiles_figure_in_the_same_queries_however_many(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.campaigns.factories import FundraisingCampaignPageFactory, paid_gift
    from tests.petitions.factories import PetitionPageFactory, SignatureFactory

    def queries_for_home_page():
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        return len(queries), html

    first = PetitionPageFactory(title="First petition")
    SignatureFactory.create_batch(3, petition=first, confirmed=True)
    paid_gift(FundraisingCampaignPageFactory(title="First campaign"), 120_00)
    queries_for_home_page()  # the first request also reads the site's settings and root paths
    with_one, _ = queries_for_home_page()

    for n in range(3):
        petition = PetitionPageFactory(title=f"Petition {n}")
        SignatureFactory.create_batch(n, petition=petition, confirmed=True)
        paid_gift(FundraisingCampaignPageFactory(title=f"Campaign {n}"), (n + 1) * 1_000_00)
    with_four, html = queries_for_home_page()

    assert with_four == with_one
    assert '3 <span class="count__label">supporters' in html
    assert '2 <span class="count__label">supporters' in html
    assert '0 <span class="count__label">supporters' in html
    assert '$120 <span class="count__label">of $10,000 raised' in html
    assert '$3,000 <span class="count__label">of $10,000 raised' in html
