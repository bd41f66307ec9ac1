"""The start form for a supporter who already has a page in the campaign (their page first,
a second only if they mean it), and from a team's page (the team chosen)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import FundraiserPage
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    TeamPageFactory,
)

pytestmark = pytest.mark.django_db


def start_url(campaign, **query):
    url = reverse("campaigns:start-fundraiser", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_form(**overrides):
    return {
        "title": "Maria's second walk",
        "goal_cents": "500",
        "story": "I walk again.",
        **overrides,
    }


def test_a_supporter_with_a_live_page_is_shown_it_and_its_dashboard_first(
    signed_in, campaign, fundraiser
):
    html = signed_in.get(start_url(campaign)).content.decode()

    assert "You already have a page in Spring into Action: <bdi>Maria&#x27;s walk</bdi>" in html
    assert f'href="{fundraiser.url}"' in html
    assert f'href="{reverse("dashboard:edit-page", args=[fundraiser.pk])}"' in html
    assert 'href="?another=1">Open another page</a>' in html
    assert 'name="title"' not in html  # no form until they ask for one


def test_a_supporter_whose_page_waits_for_approval_is_shown_it_without_a_public_link(
    signed_in, campaign, approval_needed
):
    signed_in.post(start_url(campaign), page_form(title="Maria's walk"))
    waiting = FundraiserPage.objects.get()
    assert not waiting.live

    html = signed_in.get(start_url(campaign)).content.decode()

    assert "You already have a page in Spring into Action: <bdi>Maria&#x27;s walk</bdi>" in html
    assert "It is waiting for our staff's approval." in html
    assert f'href="{reverse("dashboard:edit-page", args=[waiting.pk])}"' in html
    assert "See your page" not in html


def test_open_another_page_shows_the_form(signed_in, campaign, fundraiser):
    html = signed_in.get(start_url(campaign, another=1)).content.decode()

    assert 'name="title"' in html
    assert "You already have a page" not in html


def test_a_post_still_opens_a_second_page(signed_in, campaign, fundraiser, owner):
    response = signed_in.post(start_url(campaign, another=1), page_form())

    assert response.status_code == 302
    assert set(FundraiserPage.objects.filter(supporter=owner).values_list("title", flat=True)) == {
        "Maria's walk",
        "Maria's second walk",
    }


def test_pages_in_another_campaign_or_taken_down_do_not_count(signed_in, campaign, owner):
    other = FundraisingCampaignPageFactory(title="Winter Coats")
    FundraiserPageFactory(parent=other, title="Coats walk", supporter=owner)
    gone = FundraiserPageFactory(parent=campaign, title="Taken down walk", supporter=owner)
    FundraiserPage.objects.filter(pk=gone.pk).update(taken_down_at=timezone.now(), live=False)

    html = signed_in.get(start_url(campaign)).content.decode()

    assert "You already have a page" not in html
    assert 'name="title"' in html


def test_open_another_page_keeps_the_team_the_link_chose(signed_in, campaign, fundraiser):
    team = TeamPageFactory(parent=campaign, title="Grace Church")

    html = signed_in.get(start_url(campaign, team=team.pk)).content.decode()

    assert f'href="?another=1&amp;team={team.pk}">Open another page</a>' in html


def test_the_team_pages_link_opens_the_form_with_the_team_chosen(client, signed_in, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    TeamPageFactory(parent=campaign, title="Lincoln High")

    team_html = client.get(team.url).content.decode()
    form_html = signed_in.get(start_url(campaign, team=team.pk)).content.decode()

    assert f'href="{start_url(campaign)}?team={team.pk}"' in team_html
    assert f'<option value="{team.pk}" selected>Grace Church</option>' in form_html


@pytest.mark.parametrize("which", ["unknown", "foreign", "waiting", "not a number"])
def test_a_team_that_is_not_offered_is_ignored_silently(signed_in, campaign, which):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    other = FundraisingCampaignPageFactory(title="Winter Coats")
    team_id = {
        "unknown": "999999",
        "foreign": str(TeamPageFactory(parent=other, title="Coats team").pk),
        "waiting": str(TeamPageFactory(parent=campaign, title="Waiting team", live=False).pk),
        "not a number": "abc",
    }[which]

    response = signed_in.get(start_url(campaign, team=team_id))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<option value="" selected>No team</option>' in html
    assert f'<option value="{team.pk}">Grace Church</option>' in html
    assert "Waiting team" not in html and "Coats team" not in html
