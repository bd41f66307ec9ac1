"""Staff take down an abusive fundraiser page: unpublished, owner told why, gifts still count."""

import re
from html import unescape

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from campaigns.takedown import TAKEN_DOWN
from donations.models import DonationTotal
from donations.services import fulfil_checkout_session
from northstar.models import OutboundEmail
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.site.factories import StaffUserFactory, UserFactory

REASON = "The story asks for gifts to a personal bank account, which our rules do not allow."


@pytest.fixture
def owner(db):
    return UserFactory(email="maria@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def page(campaign, owner):
    team = TeamPageFactory(parent=campaign)
    page = FundraiserPageFactory(parent=campaign, supporter=owner, team=team, title="Maria's walk")
    donation = DonationFactory(page=page, amount_cents=4000)
    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 4000, "usd")
    OutboundEmail.objects.all().delete()  # the donor's receipt and the owner's notices
    return page


def take_down_url(page):
    return reverse("campaign_takedown:take-down", args=[page.pk])


def text_of(response):
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(html).split())


def totals(page):
    return [
        DonationTotal.objects.total(page=pk) for pk in (page.pk, page.team_id, page.get_parent().pk)
    ]


def test_the_confirm_screen_says_what_taking_down_will_do(staff_client, page):
    response = staff_client.get(take_down_url(page))

    assert response.status_code == 200
    assert "This will unpublish Maria's walk and email its owner Maria the reason below" in text_of(
        response
    )


def test_opening_the_confirm_screen_changes_nothing(staff_client, page):
    staff_client.get(take_down_url(page))

    page.refresh_from_db()
    assert page.live
    assert not OutboundEmail.objects.exists()
    assert not PageLogEntry.objects.filter(page=page, action=TAKEN_DOWN).exists()


def test_taking_down_unpublishes_the_page(staff_client, page):
    response = staff_client.post(take_down_url(page), {"reason": REASON})

    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").count() == 1


def test_taking_down_emails_the_owner_the_reason(staff_client, page, owner):
    staff_client.post(take_down_url(page), {"reason": REASON})

    (email,) = OutboundEmail.objects.all()
    assert (email.template, email.to) == ("campaigns/page_taken_down", owner.email)
    assert email.context["reason"] == REASON


def test_taking_down_is_written_in_the_pages_history_with_the_reason(staff_client, page):
    staff_client.post(take_down_url(page), {"reason": REASON})

    entry = PageLogEntry.objects.get(page=page, action=TAKEN_DOWN)
    assert entry.data == {
        "reason": REASON,
        "owner": "Maria",
        "moderation_cancelled": False,
        "schedules_cancelled": 0,
    }
    assert entry.message == f"Taken down; Maria was emailed the reason: {REASON}"


def test_the_pages_gifts_still_count_after_it_is_taken_down(staff_client, page):
    before = totals(page)

    staff_client.post(take_down_url(page), {"reason": REASON})

    assert totals(page) == before
    assert before[2].amount_cents == 4000


def test_a_missing_reason_is_asked_for_and_nothing_changes(staff_client, page):
    response = staff_client.post(take_down_url(page), {"reason": "   "})

    assert response.status_code == 200
    assert "Please write the reason: it is emailed to the page's owner." in text_of(response)
    page.refresh_from_db()
    assert page.live
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_supporter_who_is_not_staff_is_refused(client, page, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(take_down_url(page), {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    page.refresh_from_db()
    assert page.live
    assert not OutboundEmail.objects.exists()


def test_a_live_fundraiser_page_offers_take_down_in_the_admin(staff_client, page):
    html = staff_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()

    assert take_down_url(page) in html


def test_a_page_already_unpublished_offers_no_take_down(staff_client, page):
    page.unpublish()

    html = staff_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()

    assert take_down_url(page) not in html


def test_staff_who_may_not_unpublish_the_page_are_refused(client, page):
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.post(take_down_url(page), {"reason": REASON})

    assert response.status_code == 403  # the admin's one refusal (northstar.admin_access)
    assert "You need permission to publish this page to take it down." in response.text
    page.refresh_from_db()
    assert page.live
    assert not OutboundEmail.objects.exists()


def test_a_page_unpublished_with_wagtails_unpublish_is_not_called_taken_down_anywhere(
    client, campaign, page, owner
):
    """Wagtail's ordinary Unpublish (here through its own action, as an expiry or code does)
    emails nobody a reason: the owner must not read that we did, nor staff "draft"."""
    from wagtail.actions.unpublish_page import UnpublishPageAction

    staff = StaffUserFactory()
    page.save_revision().publish()
    page.refresh_from_db()
    UnpublishPageAction(page, user=staff).execute(skip_permission_checks=True)

    client.force_login(owner)
    dashboard = text_of(client.get("/dashboard/"))
    client.force_login(staff)
    export = client.get(reverse("campaign_report:export", args=[campaign.pk]))
    csv_text = b"".join(export.streaming_content).decode("utf-8-sig")

    assert "Not live: unpublished by our staff" in dashboard
    assert "taken down" not in dashboard and "we emailed you" not in dashboard
    assert "Maria's walk" in csv_text and ",unpublished," in csv_text
    assert not OutboundEmail.objects.filter(template="campaigns/page_taken_down").exists()
    assert not PageLogEntry.objects.filter(page=page, action=TAKEN_DOWN).exists()
