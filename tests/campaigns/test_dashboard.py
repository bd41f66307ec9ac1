"""The supporter's dashboard: my pages with their progress and state, share links, recent gifts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import WorkflowState

from campaigns.editing import page_version
from campaigns.services import open_fundraiser
from donations.models import Donation
from tests.campaigns.factories import (
    ApprovalWorkflowFactory,
    FundraiserPageFactory,
    TeamPageFactory,
    paid_gift,
)
from tests.donations.factories import DonationFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def my_page(campaign, owner, title="Maria's walk", **fields):
    return FundraiserPageFactory(parent=campaign, supporter=owner, title=title, **fields)


def waiting_page(campaign, owner, title="Maria's walk"):
    """A page opened through the real service while the campaign needs approval."""
    return open_fundraiser(
        campaign, owner, {"title": title, "goal_cents": 50_000, "story": "I walk."}
    )


def state_of(page):
    return WorkflowState.objects.active().get(object_id=str(page.pk))


def test_the_dashboard_is_at_slash_dashboard():
    assert reverse("dashboard:home") == DASHBOARD


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={DASHBOARD}"


def test_only_my_pages_are_shown(signed_in, campaign, owner):
    my_page(campaign, owner, title="Maria's walk")
    FundraiserPageFactory(parent=campaign, title="Jon's run")

    html = signed_in.get(DASHBOARD).content.decode()

    assert "Maria&#x27;s walk" in html
    assert "Jon&#x27;s run" not in html


def test_a_page_shows_raised_goal_and_gifts_from_its_totals(signed_in, campaign, owner):
    page = my_page(campaign, owner, goal_cents=50_000)
    paid_gift(page, 12_000)
    paid_gift(page, 20_000)

    html = signed_in.get(DASHBOARD).content.decode()

    assert '<span>$320</span> <span class="count__label">raised of $500</span>' in html
    assert "<strong>2</strong> gifts" in html


def test_a_live_page_reads_live(signed_in, campaign, owner):
    my_page(campaign, owner)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Live</strong>" in html


def test_a_new_page_in_moderation_reads_waiting_for_approval(
    signed_in, campaign, owner, approval_needed
):
    waiting_page(campaign, owner)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Waiting for approval</strong>" in html


def test_a_rejected_page_reads_changes_requested_with_the_staff_comment(
    signed_in, campaign, owner, approval_needed
):
    page = waiting_page(campaign, owner)
    state_of(page).current_task_state.reject(
        user=StaffUserFactory(), comment="Please take out your phone number."
    )

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Changes requested: Please take out your phone number.</strong>" in html


def test_a_live_page_with_an_edit_in_moderation_says_so(
    signed_in, campaign, owner, approval_needed
):
    page = my_page(campaign, owner)
    signed_in.post(
        reverse("dashboard:edit-page", args=[page.pk]),
        {
            "title": "Maria's big walk",
            "goal_cents": "500",
            "story": "I walk further.",
            "opened_version": page_version(page),
        },
    )

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Live — your edits are waiting for approval</strong>" in html


def test_a_page_links_its_live_team(signed_in, campaign, owner):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    my_page(campaign, owner, team=team)

    html = signed_in.get(DASHBOARD).content.decode()

    assert f'Team: <a href="{team.url}"><bdi>Grace Church</bdi></a>' in html


def test_a_new_team_in_moderation_reads_waiting_for_approval(
    signed_in, campaign, owner, approval_needed
):
    campaign.teams_allowed = True
    campaign.save()
    open_fundraiser(
        campaign,
        owner,
        {
            "title": "Maria's walk",
            "goal_cents": 50_000,
            "story": "I walk.",
            "new_team_title": "Grace Church",
        },
    )

    html = signed_in.get(DASHBOARD).content.decode()

    assert (
        "Team: <bdi>Grace Church</bdi> — Waiting for approval. "
        "Your page names the team once the team's page is live."
    ) in html


def test_a_team_staff_unpublished_reads_not_live(signed_in, campaign, owner):
    team = TeamPageFactory(parent=campaign, title="Grace Church")
    my_page(campaign, owner, team=team)
    team.save_revision().publish()
    team.unpublish()

    html = signed_in.get(DASHBOARD).content.decode()

    assert "Team: <bdi>Grace Church</bdi> — Not live." in html


def test_a_live_page_has_a_copyable_share_link_on_the_public_site(
    signed_in, campaign, owner, settings
):
    settings.SITE_URL = "https://give.example.org"
    page = my_page(campaign, owner, slug="marias-walk")

    html = signed_in.get(DASHBOARD).content.decode()

    url = f"https://give.example.org{campaign.url}marias-walk/"
    assert f'value="{url}" readonly>' in html
    assert f'data-copy="#share-url-{page.pk}"' in html
    assert 'src="/static/campaigns/js/copy-link.js"' in html


def test_a_page_waiting_for_approval_has_no_share_link_yet(
    signed_in, campaign, owner, approval_needed
):
    waiting_page(campaign, owner)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "readonly" not in html


def test_recent_gifts_show_name_or_anonymous_message_and_amount(signed_in, campaign, owner):
    page = my_page(campaign, owner)
    paid_gift(
        page,
        2_500,
        first_name="Ana",
        last_name="Silva",
        name_shown=Donation.NameShown.PUBLIC,
        message="Go Maria!",
    )
    paid_gift(
        page,
        10_000,
        first_name="Hidden",
        last_name="Donor",
        name_shown=Donation.NameShown.ANONYMOUS,
    )

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<bdi>Ana S.</bdi></strong>\n                gave $25" in html
    assert "<q><bdi>Go Maria!</bdi></q>" in html
    assert "<strong><bdi>Anonymous</bdi></strong>\n                gave $100" in html
    assert "Hidden" not in html


def test_recent_gifts_leave_out_unpaid_gifts_and_other_peoples_pages(signed_in, campaign, owner):
    page = my_page(campaign, owner)
    DonationFactory(page=page, amount_cents=7_700, name_shown=Donation.NameShown.PUBLIC)  # pending
    paid_gift(FundraiserPageFactory(parent=campaign), 8_800)
    paid_gift(campaign, 9_900)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "No gifts yet." in html
    assert "$77" not in html and "$88" not in html and "$99" not in html


def test_a_supporter_with_no_page_is_told_how_to_open_one(signed_in):
    html = signed_in.get(DASHBOARD).content.decode()

    assert "You have no fundraiser page yet." in html


def dashboard_queries(client, campaign, owner, workflow, count):
    """Queries of one dashboard GET for `owner` with `count` pages in every state:
    live with gifts and a team (live or not), waiting for approval, and changes requested."""
    staff = StaffUserFactory()
    for n in range(count):
        if n % 3 == 0:
            team = TeamPageFactory(parent=campaign, live=n % 2 == 0)
            page = my_page(campaign, owner, title=f"Walk {count}-{n}", team=team)
            paid_gift(page, 1_000 * (n + 1))
            continue
        campaign.approval_workflow = workflow
        campaign.save()
        page = waiting_page(campaign, owner, title=f"Walk {count}-{n}")
        campaign.approval_workflow = None
        campaign.save()
        if n % 3 == 2:
            state_of(page).current_task_state.reject(user=staff, comment=f"Fix {n}")
    client.get(DASHBOARD)  # the site's root paths and content types, cached once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.content.decode().count("dashboard-page") >= count
    return len(queries)


def test_the_dashboard_takes_as_many_queries_for_ten_pages_as_for_two(client, campaign):
    workflow = ApprovalWorkflowFactory()
    few, many = UserFactory(), UserFactory()
    client.force_login(few)
    at_two = dashboard_queries(client, campaign, few, workflow, 2)
    client.force_login(many)
    at_ten = dashboard_queries(client, campaign, many, workflow, 10)

    assert at_two == at_ten


def test_a_page_staff_took_down_reads_taken_down(signed_in, campaign, owner):
    from campaigns.takedown import take_down

    page = my_page(campaign, owner)
    page.save_revision().publish()
    take_down(page, StaffUserFactory(), "Your story named a survivor.")

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Not live: taken down by our staff (we emailed you why)</strong>" in html


def test_a_signed_in_supporter_finds_the_dashboard_in_the_menu(signed_in, campaign):
    html = signed_in.get(campaign.url).content.decode()

    assert f'<a href="{DASHBOARD}">Your fundraising</a>' in html


def test_a_live_page_whose_edits_staff_sent_back_reads_changes_requested_to_them(
    signed_in, campaign, owner, approval_needed
):
    page = my_page(campaign, owner)
    signed_in.post(
        reverse("dashboard:edit-page", args=[page.pk]),
        {
            "title": "Maria's big walk",
            "goal_cents": "500",
            "story": "I walk further.",
            "opened_version": page_version(page),
        },
    )
    state_of(page).current_task_state.reject(user=StaffUserFactory(), comment="Too long.")

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Live — changes requested to your edits: Too long.</strong>" in html


def test_a_page_staff_unpublished_reads_unpublished_without_claiming_an_email(
    signed_in, campaign, owner
):
    page = my_page(campaign, owner)
    page.save_revision().publish()
    page.refresh_from_db()
    page.unpublish()

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Not live: unpublished by our staff</strong>" in html
    assert "emailed" not in html and "taken down" not in html


def test_a_page_never_published_and_in_no_moderation_reads_not_live(signed_in, campaign, owner):
    my_page(campaign, owner, live=False)

    html = signed_in.get(DASHBOARD).content.decode()

    assert "<strong>Not live</strong>" in html


def test_the_edit_form_names_the_pages_state(signed_in, campaign, owner):
    page = my_page(campaign, owner)
    page.save_revision().publish()
    page.refresh_from_db()
    page.unpublish()

    html = signed_in.get(reverse("dashboard:edit-page", args=[page.pk])).content.decode()

    assert "<p><strong>Not live: unpublished by our staff</strong></p>" in html
