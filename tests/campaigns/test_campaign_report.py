"""The staff campaign report and its CSV of fundraiser pages, in the Wagtail admin."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask
from wagtail.users.models import UserProfile

from campaigns.services import open_fundraiser
from campaigns.takedown import take_down
from donations.services import fulfil_checkout_session
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    InvitationFactory,
    TeamPageFactory,
)
from tests.donations.factories import DonationFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    """`day` at hour:minute in the organisation's time zone (America/New_York)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def open_page(campaign, title, *, owner=None, at=None, team=None, goal_cents=50_000):
    """A supporter's page opened through the real service (so it has its first revision),
    at `at` (default: now)."""
    owner = owner or UserFactory()
    data = {"title": title, "goal_cents": goal_cents, "story": "I walk.", "team": team}
    with time_machine.travel(at or timezone.now(), tick=False):
        return open_fundraiser(campaign, owner, data)


def pay(page, amount_cents, at=None, **fields):
    """A gift to `page` paid through the test checkout's fulfilment, at `at` (default: now)."""
    donation = DonationFactory(page=page, amount_cents=amount_cents, **fields)
    with time_machine.travel(at or timezone.now(), tick=False):
        fulfil_checkout_session(
            donation.checkout_session_id, f"pi_{donation.pk}", amount_cents, donation.currency
        )
    return donation


def report_url(campaign):
    return reverse("campaign_report:report", args=[campaign.pk])


def export_url(campaign):
    return reverse("campaign_report:export", args=[campaign.pk])


def text_of(response, section=None):
    """The page's text (or one report section's) without tags, white space collapsed."""
    html = response.content.decode()
    if section:
        html = html[html.index(f'id="{section}"') :]
        html = html[: html.index("</section>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def day_label(day):
    return format_date(day, "D M j, Y")


@pytest.fixture
def approval_workflow(campaign):
    task = GroupApprovalTask.objects.create(name="Staff review")
    workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    campaign.approval_workflow = workflow
    campaign.save()
    return workflow


# --- raised and opened per day ---


def test_a_gift_paid_at_half_past_eleven_at_night_in_new_york_counts_on_that_day(
    staff_client, campaign
):
    page = open_page(campaign, "Maria's walk", at=local(days_ago(3), 9))
    pay(page, 5_000, at=local(days_ago(2), 23, 30))  # 04:30 UTC the next day

    text = text_of(staff_client.get(report_url(campaign)), "report-raised-per-day")

    assert f"{day_label(days_ago(2))} $50 " in text
    assert f"{day_label(days_ago(1))} $0 " in text


def test_days_stay_the_organisations_for_staff_who_chose_another_time_zone(client, campaign):
    staff = StaffUserFactory()
    profile = UserProfile.get_for_user(staff)
    profile.current_time_zone = "America/Los_Angeles"
    profile.save()
    client.force_login(staff)
    owner = UserFactory(email="maria.lopez@example.org")
    page = open_page(campaign, "Maria's walk", owner=owner, at=local(days_ago(3), 1, 30))
    pay(page, 5_000, at=local(days_ago(2), 0, 30))  # 21:30 the day before in Los Angeles

    text = text_of(client.get(report_url(campaign)), "report-raised-per-day")
    (row,) = read_csv(client.get(export_url(campaign)))

    assert f"{day_label(days_ago(2))} $50 " in text
    assert row["created"] == local(days_ago(3), 1, 30).isoformat()


def test_raised_per_day_sums_the_days_gifts_to_the_campaign_and_its_pages(staff_client, campaign):
    page = open_page(campaign, "Maria's walk", at=local(days_ago(5), 9))
    pay(page, 2_500, at=local(days_ago(1), 8))
    pay(page, 1_050, at=local(days_ago(1), 20))
    pay(campaign, 10_000, at=local(days_ago(1), 12))

    text = text_of(staff_client.get(report_url(campaign)), "report-raised-per-day")

    assert f"{day_label(days_ago(1))} $135.50 " in text


def test_raised_per_day_is_drawn_as_an_inline_svg_bar_chart_without_script(staff_client, campaign):
    pay(campaign, 5_000)

    html = staff_client.get(report_url(campaign)).content.decode()

    section = html[html.index('id="report-raised-per-day"') :]
    svg = section[section.index('<svg class="chart"') : section.index("</svg>")]
    assert 'role="img"' in svg
    assert svg.count('<rect class="bar"') == 60
    assert ">$50<" in svg  # the scale's top, as money
    main = html.split('<main class="content-wrapper')[1].split("</main>")[0]
    assert "<script" not in main


def test_pages_opened_per_day_are_counted_on_the_day_of_their_first_revision(
    staff_client, campaign
):
    open_page(campaign, "Maria's walk", at=local(days_ago(4), 23, 45))
    open_page(campaign, "Sam's run", at=local(days_ago(4), 0, 15))
    open_page(campaign, "Ana's bake sale", at=local(days_ago(3), 10))

    text = text_of(staff_client.get(report_url(campaign)), "report-pages-per-day")

    assert f"{day_label(days_ago(4))} 2 " in text
    assert f"{day_label(days_ago(3))} 1 " in text
    assert f"{day_label(days_ago(2))} 0 " in text


def test_once_the_campaign_has_ended_the_charts_end_on_its_deadline(staff_client, campaign):
    campaign.deadline = days_ago(10)
    campaign.save()

    html = staff_client.get(report_url(campaign)).content.decode()

    desc = re.search(r'<desc id="raised-chart-desc">([^<]*)</desc>', html)[1]
    first = days_ago(10) - timedelta(days=59)
    assert f"from {format_date(first, 'M j, Y')} to {format_date(days_ago(10), 'M j, Y')}" in desc


# --- leaders ---


def test_top_pages_are_listed_most_raised_first_with_their_amounts(staff_client, campaign):
    maria = open_page(campaign, "Maria's walk")
    sam = open_page(campaign, "Sam's run")
    ana = open_page(campaign, "Ana's bake sale")
    pay(maria, 5_000)
    pay(sam, 12_000)
    pay(sam, 550)
    pay(ana, 7_500)

    text = text_of(staff_client.get(report_url(campaign)), "report-top-pages")

    assert re.search(
        r"Sam's run .*\$125.50 \$500 2 Ana's bake sale .*\$75 \$500 1 "
        r"Maria's walk .*\$50 \$500 1 ",
        text,
    )


def test_top_teams_are_listed_most_raised_first_with_their_members_gifts(staff_client, campaign):
    church = TeamPageFactory(parent=campaign, title="Grace Church")
    school = TeamPageFactory(parent=campaign, title="Lincoln High")
    pay(open_page(campaign, "Maria's walk", team=church), 5_000)
    pay(open_page(campaign, "Sam's run", team=church), 2_000)
    pay(open_page(campaign, "Ana's bake sale", team=school), 9_000)

    text = text_of(staff_client.get(report_url(campaign)), "report-top-teams")

    assert re.search(r"Lincoln High \$90 \$2,500 1 1 Grace Church \$70 \$2,500 2 2 ", text)


def test_a_team_waiting_for_approval_is_ranked_and_marked_not_live(staff_client, campaign):
    waiting = TeamPageFactory(parent=campaign, title="Grace Church", live=False)
    pay(open_page(campaign, "Maria's walk", team=waiting), 5_000)

    text = text_of(staff_client.get(report_url(campaign)), "report-top-teams")

    assert "Grace Church not live $50 $2,500 1 1" in text


# --- pages with no gift yet ---


def test_live_pages_with_no_gift_are_listed_with_their_owner_and_email(staff_client, campaign):
    owner = UserFactory(first_name="Maria", last_name="Lopez", email="maria.lopez@example.org")
    open_page(campaign, "Maria's walk", owner=owner, at=local(days_ago(6), 10))

    text = text_of(staff_client.get(report_url(campaign)), "report-no-gift")

    assert "Maria's walk Maria Lopez maria.lopez@example.org" in text
    assert format_date(days_ago(6), "M j, Y") in text


def test_pages_with_a_gift_are_not_listed_as_having_none(staff_client, campaign):
    pay(open_page(campaign, "Sam's run"), 2_000)
    open_page(campaign, "Maria's walk")

    text = text_of(staff_client.get(report_url(campaign)), "report-no-gift")

    assert "Maria's walk" in text
    assert "Sam's run" not in text


def test_pages_waiting_for_approval_are_not_listed_as_having_no_gift(
    staff_client, campaign, approval_workflow
):
    open_page(campaign, "Maria's walk")

    text = text_of(staff_client.get(report_url(campaign)), "report-no-gift")

    assert "Maria's walk" not in text
    assert "Every live fundraiser page has at least one gift." in text


# --- invitations ---


def test_the_report_shows_invitations_sent_and_the_share_that_led_to_a_gift(staff_client, campaign):
    page = open_page(campaign, "Maria's walk")
    invitations = [InvitationFactory(page=page) for _ in range(3)]
    pay(page, 5_000, referral=invitations[0].token)

    text = text_of(staff_client.get(report_url(campaign)), "report-totals")

    assert "Invitations that led to a gift 33.3% 1 of 3 invitations sent" in text


def test_invitations_from_another_campaigns_pages_are_not_counted(staff_client, campaign):
    other = FundraisingCampaignPageFactory(title="Autumn appeal")
    InvitationFactory(page=open_page(other, "Someone else's page"))

    text = text_of(staff_client.get(report_url(campaign)), "report-totals")

    assert "No invitations yet 0 of 0 invitations sent" in text


# --- the CSV export ---


def test_the_export_is_streamed_as_a_private_csv_attachment_named_for_the_campaign(
    staff_client, campaign
):
    open_page(campaign, "Maria's walk")

    response = staff_client.get(export_url(campaign))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="fundraiser-pages-spring-into-action-{timezone.localdate().isoformat()}.csv"'
        in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]


def test_the_export_has_one_row_per_page_with_every_column_and_money_in_dollars(
    staff_client, campaign
):
    owner = UserFactory(first_name="Maria", last_name="Lopez", email="maria.lopez@example.org")
    page = open_page(
        campaign, "Maria's walk", owner=owner, goal_cents=75_000, at=local(days_ago(2), 23, 30)
    )
    pay(page, 12_550)
    pay(page, 5_000)

    rows = read_csv(staff_client.get(export_url(campaign)))

    assert rows == [
        {
            "title": "Maria's walk",
            "url": f"{settings.SITE_URL}/spring-into-action/marias-walk/",
            "owner_name": "Maria Lopez",
            "owner_email": "maria.lopez@example.org",
            "goal_dollars": "$750.00",
            "raised_dollars": "$175.50",
            "offline_dollars": "$0.00",
            "gifts": "2",
            "state": "live",
            "created": local(days_ago(2), 23, 30).isoformat(),
        }
    ]


def test_the_export_names_each_pages_moderation_state(staff_client, campaign, approval_workflow):
    staff = StaffUserFactory()
    open_page(campaign, "Waiting page")
    rejected = open_page(campaign, "Rejected page")
    rejected.current_workflow_task_state.reject(user=staff)
    approved = open_page(campaign, "Approved page")
    approved.current_workflow_task_state.approve(user=staff)
    FundraiserPageFactory(parent=campaign, title="Draft page", live=False)
    take_down(approved_and_taken_down(campaign, staff), staff, "Not about the campaign.")

    rows = read_csv(staff_client.get(export_url(campaign)))

    assert {row["title"]: row["state"] for row in rows} == {
        "Waiting page": "waiting for approval",
        "Rejected page": "changes requested",
        "Approved page": "live",
        "Draft page": "draft",
        "Abusive page": "taken down",
    }


def approved_and_taken_down(campaign, staff):
    page = open_page(campaign, "Abusive page")
    page.current_workflow_task_state.approve(user=staff)
    page.refresh_from_db()
    return page


def test_a_page_taken_down_stays_taken_down_when_its_owner_edits_it(
    staff_client, campaign, approval_workflow
):
    from campaigns.editing import edit_fundraiser, page_version

    staff = StaffUserFactory()
    page = approved_and_taken_down(campaign, staff)
    take_down(page, staff, "Not about the campaign.")
    page.refresh_from_db()
    edit_fundraiser(
        page,
        page.supporter,
        {"title": "Abusive page", "goal_cents": 50_000, "story": "Fixed."},
        opened_version=page_version(page),
    )

    (row,) = read_csv(staff_client.get(export_url(campaign)))

    assert row["state"] == "taken down"


def test_the_export_calls_a_page_staff_unpublished_unpublished_not_draft(staff_client, campaign):
    open_page(campaign, "Maria's walk").unpublish()

    (row,) = read_csv(staff_client.get(export_url(campaign)))

    assert row["state"] == "unpublished"


def test_the_export_calls_a_live_page_live_while_its_edit_waits_or_was_sent_back(
    staff_client, campaign, approval_workflow
):
    from campaigns.editing import edit_fundraiser, page_version

    staff = StaffUserFactory()
    for title in ("Edit waiting", "Edit sent back"):
        page = open_page(campaign, title)
        page.current_workflow_task_state.approve(user=staff)
        page.refresh_from_db()
        edit_fundraiser(
            page,
            page.supporter,
            {"title": title, "goal_cents": 50_000, "story": "Changed."},
            opened_version=page_version(page),
        )
    page.refresh_from_db()
    page.current_workflow_task_state.reject(user=staff, comment="Too long.")

    rows = read_csv(staff_client.get(export_url(campaign)))

    assert {row["title"]: row["state"] for row in rows} == {
        "Edit waiting": "live",
        "Edit sent back": "live",
    }


def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(staff_client, campaign):
    owner = UserFactory(first_name='=HYPERLINK("http://evil.example")', last_name="+1")
    open_page(campaign, "@SUM(A1:A9)", owner=owner)

    (row,) = read_csv(staff_client.get(export_url(campaign)))

    assert row["title"] == "'@SUM(A1:A9)"
    assert row["owner_name"] == '\'=HYPERLINK("http://evil.example") +1'


def test_the_export_leaves_out_other_campaigns_pages(staff_client, campaign, home_page):
    other = FundraisingCampaignPageFactory(title="Autumn appeal")
    open_page(other, "Someone else's page")
    open_page(campaign, "Maria's walk")

    rows = read_csv(staff_client.get(export_url(campaign)))

    assert [row["title"] for row in rows] == ["Maria's walk"]


# --- who may see it ---


def admin_user_who_cannot_edit_pages():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def test_the_report_is_refused_to_admin_users_who_cannot_edit_the_campaign(client, campaign):
    client.force_login(admin_user_who_cannot_edit_pages())

    response = client.get(report_url(campaign))

    assert response.status_code == 403


def test_the_export_is_refused_to_admin_users_who_cannot_edit_the_campaign(client, campaign):
    open_page(campaign, "Maria's walk", owner=UserFactory(email="maria.lopez@example.org"))
    client.force_login(admin_user_who_cannot_edit_pages())

    response = client.get(export_url(campaign))

    assert response.status_code == 403
    assert b"maria.lopez@example.org" not in response.content


def test_a_supporter_without_admin_access_is_sent_to_log_in(client, campaign):
    client.force_login(UserFactory())

    response = client.get(report_url(campaign))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_report_of_a_page_that_is_not_a_campaign_is_not_found(staff_client, home_page):
    assert (
        staff_client.get(reverse("campaign_report:report", args=[home_page.pk])).status_code == 404
    )


def test_the_campaign_edit_page_links_to_its_report(staff_client, campaign):
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[campaign.pk]))

    assert report_url(campaign) in response.content.decode()


def test_a_fundraiser_pages_edit_page_has_no_campaign_report_link(staff_client, campaign):
    page = open_page(campaign, "Maria's walk")

    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    assert "Campaign report" not in response.content.decode()


# --- cost ---


def add_pages(campaign, teams, start, count):
    """`count` pages, each in a team with one invitation sent: two of every three with a gift
    through that invitation, every third with none."""
    for n in range(start, start + count):
        page = open_page(campaign, f"Page {n}", team=teams[n % 2], at=local(days_ago(n % 7), 9))
        invitation = InvitationFactory(page=page)
        if n % 3:
            pay(page, 1_000 * (n + 1), at=local(days_ago(n % 5), 15), referral=invitation.token)


def queries_for(client, url, stream=False):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if stream:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_the_report_and_the_export_cost_the_same_queries_for_3_pages_as_for_30(
    staff_client, campaign
):
    teams = [TeamPageFactory(parent=campaign, title=f"Team {n}") for n in range(2)]
    add_pages(campaign, teams, 0, 3)
    queries_for(staff_client, report_url(campaign))  # warm the caches (site root paths, ...)
    queries_for(staff_client, export_url(campaign), stream=True)
    report_at_3 = queries_for(staff_client, report_url(campaign))
    export_at_3 = queries_for(staff_client, export_url(campaign), stream=True)

    add_pages(campaign, teams, 3, 27)
    report_at_30 = queries_for(staff_client, report_url(campaign))
    export_at_30 = queries_for(staff_client, export_url(campaign), stream=True)

    assert (report_at_30, export_at_30) == (report_at_3, export_at_3)


def test_the_charts_start_on_the_campaigns_first_day_not_sixty_days_back(staff_client, campaign):
    campaign.start_date = days_ago(14)
    campaign.save()

    html = staff_client.get(report_url(campaign)).content.decode()

    section = html[html.index('id="report-raised-per-day"') :]
    svg = section[section.index('<svg class="chart"') : section.index("</svg>")]
    assert svg.count('<rect class="bar"') == 15
    desc = re.search(r'<desc id="raised-chart-desc">([^<]*)</desc>', html)[1]
    assert f"from {format_date(days_ago(14), 'M j, Y')} to " in desc
    pages_desc = re.search(r'<desc id="pages-chart-desc">([^<]*)</desc>', html)[1]
    assert f"from {format_date(days_ago(14), 'M j, Y')} to " in pages_desc


def test_the_raised_chart_labels_its_scale_in_dollars_with_room_for_them(staff_client, campaign):
    pay(campaign, 980_000)

    html = staff_client.get(report_url(campaign)).content.decode()

    section = html[html.index('id="report-raised-per-day"') :]
    svg = section[section.index('<svg class="chart"') : section.index("</svg>")]
    assert re.findall(r'<text class="scale"[^>]*>([^<]*)</text>', svg) == [
        "$10,000",
        "$5,000",
        "$0",
    ]
    plot_left = int(re.search(r'<line class="axis" x1="(\d+)"', svg)[1])
    assert plot_left >= len("$10,000") * 6.5 + 6  # the label ends 6 units left of the plot


def test_admin_users_who_cannot_edit_the_campaign_are_told_which_permission_they_lack(
    client, campaign
):
    client.force_login(admin_user_who_cannot_edit_pages())

    response = client.get(report_url(campaign))

    assert response.status_code == 403
    assert (
        "You need permission to edit this campaign to see its report and its fundraisers."
        in text_of(response)
    )
