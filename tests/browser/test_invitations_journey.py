"""In Chromium: an owner asks two friends from their dashboard (screenshots, desktop and mobile),
one friend opens their invitation link and gives $50 at the test checkout, and the owner's
list shows that friend "Gave" and the other one can be reminded. With the real worker, at 390
and 1280 pixels: an owner whose page waits for approval previews it privately and invites two
friends with a note of her own; they are emailed only once staff approve the page."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.invitations import Invitation, stop_emails_url
from northstar.models import OutboundEmail
from tests.browser.accessibility import assert_no_axe_violations
from tests.browser.screenshots import DESKTOP, MOBILE, save_screenshots
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    InvitationFactory,
)
from tests.site.factories import UserFactory
from tests.support.outbox import html_body, text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fundraiser(home_page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    campaign = FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-into-action")
    maria = UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
    EmailAddress.objects.create(user=maria, email=maria.email, verified=True, primary=True)
    return FundraiserPageFactory(
        parent=campaign, supporter=maria, title="Maria's spring walk", slug="marias-spring-walk"
    )


def test_an_owner_asks_two_friends_and_sees_the_one_who_gave(page, live_server, fundraiser):
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Email").fill("maria.lopez@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Ask five friends").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ask five friends")
    page.get_by_label("Friend's name").nth(0).fill("Ana Ruiz")
    page.get_by_label("Their email").nth(0).fill("ana@example.net")
    page.get_by_label("Friend's name").nth(1).fill("Ben Okafor")
    page.get_by_label("Their email").nth(1).fill("ben@example.net")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("Your invitations are on their way to 2 friends.")).to_be_visible()
    expect(page.get_by_text("2 invited, 0 gave.")).to_be_visible()

    ana = Invitation.objects.get(email="ana@example.net")
    friend = page.context.browser.new_context().new_page()
    friend.goto(f"{live_server.url}{fundraiser.url}?invitation={ana.token}")
    friend.locator("label", has_text=re.compile(r"^\$50$")).click()
    friend.get_by_label("First name", exact=True).fill("Ana")
    friend.get_by_label("Last name", exact=True).fill("Ruiz")
    friend.get_by_label("Email", exact=True).fill("ana@example.net")
    friend.get_by_role("button", name="Continue to payment").click()
    friend.get_by_role("button", name="Complete test payment").click()
    expect(friend.get_by_text("is confirmed")).to_be_visible()
    friend.context.close()

    page.reload()
    expect(page.get_by_text("2 invited, 1 gave.")).to_be_visible()
    expect(page.locator(".invitation-list li", has_text="Ana Ruiz")).to_contain_text("Gave")
    ben = page.locator(".invitation-list li", has_text="Ben Okafor")
    expect(ben).to_contain_text("Sent")
    expect(ben).to_contain_text("Remind from")  # not before three days have passed

    four_days_ago = timezone.now() - timedelta(days=4)
    Invitation.objects.filter(email="ben@example.net").update(sent_at=four_days_ago)
    page.reload()
    save_screenshots(page, "dashboard-invite-friends")
    page.get_by_role("button", name="Remind Ben Okafor").click()
    expect(page.get_by_text("Your reminder is on its way to Ben Okafor.")).to_be_visible()
    expect(ben).to_contain_text("reminded just now")


def test_a_friend_stops_emails_about_the_page_from_the_invitations_link(
    page, live_server, fundraiser
):
    ben = InvitationFactory(page=fundraiser, name="Ben Okafor", email="ben@example.net")
    path = urlsplit(stop_emails_url(ben)).path
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop emails about this fundraiser?")
    save_screenshots(page, "invitation-stop-emails")
    page.get_by_role("button", name="No more emails").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("No more emails about this page")
    save_screenshots(page, "invitation-stop-emails-done")
    assert not [text for text in messages if "Content Security Policy" in text]
    ben.refresh_from_db()
    assert ben.state == Invitation.State.STOPPED


# --- Asking friends while the page waits for approval (with the real worker) --------------

STORY = (
    "Every spring I walk ten miles along the river. This year every mile is for the "
    "survivors our shelter houses: a safe bed, food, clothes and someone on their side."
)
NOTE = "You two were there when I started running. Walk the last mile with me?"


@pytest.fixture
def waiting_page(home_page, settings, request):
    """A new page "Lena's river walk", opened from the start form by Lena (an address of
    this test's viewport only: the worker's captured mail is shared by the session),
    waiting in the campaign's approval workflow."""
    from campaigns.services import open_fundraiser
    from tests.campaigns.factories import ApprovalWorkflowFactory

    campaign = FundraisingCampaignPageFactory(title="Spring into Action", slug="spring-walks")
    campaign.approval_workflow = ApprovalWorkflowFactory()
    campaign.save()
    width = request.node.callspec.params["viewport"]["width"]
    lena = UserFactory(email=f"lena.{width}@example.org", first_name="Lena", last_name="Berg")
    EmailAddress.objects.create(user=lena, email=lena.email, verified=True, primary=True)
    return open_fundraiser(
        campaign,
        lena,
        {"title": f"Lena's river walk {width}", "goal_cents": 50_000, "story": STORY},
    )


@pytest.mark.worker
@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
def test_an_owner_invites_two_friends_while_waiting_and_they_are_emailed_only_on_approval(
    browser, live_server, waiting_page, worker_outbox, viewport
):
    from wagtail.models import WorkflowState

    from tests.site.factories import StaffUserFactory

    width = viewport["width"]
    owner = waiting_page.supporter
    ana, ben = f"ana.{width}@example.net", f"ben.{width}@example.net"
    tab = browser.new_context(viewport=viewport).new_page()
    tab.set_default_timeout(15_000)

    # The worker told Lena her page was received, and what happens next.
    [received] = worker_outbox.wait_for(owner.email)
    assert received["Subject"] == f"We received your page: {waiting_page.title}"
    assert "We email you when your page is live" in text_body(received)

    tab.goto(f"{live_server.url}/dashboard/")
    tab.get_by_label("Email").fill(owner.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_text("Waiting for approval")).to_be_visible()
    assert_no_axe_violations(tab, "dashboard of a page waiting for approval")
    if viewport is DESKTOP:
        save_screenshots(tab, "dashboard-page-waiting")

    # Her private preview: the page as it will look, marked as hers alone.
    tab.get_by_role("link", name="Preview your page").click()
    expect(tab.get_by_role("heading", name="Preview: only you can see this")).to_be_visible()
    expect(tab.get_by_role("heading", level=1)).to_have_text(waiting_page.title)
    assert_no_axe_violations(tab, "private preview")
    if viewport is DESKTOP:
        save_screenshots(tab, "fundraiser-private-preview")
    stranger = browser.new_context().new_page()
    assert stranger.goto(tab.url).url.startswith(f"{live_server.url}/accounts/login/")
    stranger.context.close()

    # Two friends, with her own note, saved while she waits.
    tab.get_by_role("link", name="Ask five friends").click()
    expect(tab.get_by_text("Your page is waiting for approval.")).to_be_visible()
    tab.get_by_label("Friend's name").nth(0).fill("Ana Ruiz")
    tab.get_by_label("Their email").nth(0).fill(ana)
    tab.get_by_label("Friend's name").nth(1).fill("Ben Okafor")
    tab.get_by_label("Their email").nth(1).fill(ben)
    tab.get_by_label("A note from you").fill(NOTE)
    tab.get_by_role("button", name="Save the invitations").click()
    expect(
        tab.get_by_text(
            "Your invitations to 2 friends are saved. They will be sent when your page is live."
        )
    ).to_be_visible()
    held = tab.locator(".invitation-list li", has_text="Will be sent when your page is live")
    expect(held).to_have_count(2)
    assert_no_axe_violations(tab, "ask-friends page of a page waiting for approval")
    if viewport is DESKTOP:
        save_screenshots(tab, "dashboard-invite-friends-waiting")

    # Nothing reaches the friends while the page waits: nothing is even queued for the
    # worker (which is running: it sent Lena's email above), so no wait can prove more.
    assert not OutboundEmail.objects.filter(to__in=[ana, ben]).exists()
    assert worker_outbox.to(ana) == [] and worker_outbox.to(ben) == []

    # Staff approve the page: the worker sends both, each with Lena's note and her story.
    staff = StaffUserFactory()
    state = WorkflowState.objects.get(object_id=str(waiting_page.pk), status="in_progress")
    state.current_task_state.approve(user=staff)
    [to_ana] = worker_outbox.wait_for(ana)
    [to_ben] = worker_outbox.wait_for(ben)
    for message, name in ((to_ana, "Ana Ruiz"), (to_ben, "Ben Okafor")):
        assert message["Subject"] == f"Lena asks for your help: {waiting_page.title}"
        body = text_body(message)
        assert body.startswith(f"Hi {name},\n\nLena is raising money for Spring into Action")
        assert f'Lena wrote:\n"{NOTE}"' in body
        assert f"From Lena's page:\n\"{STORY[:150]}" in body
        assert "Lena wrote:</p>" in html_body(message)

    tab.reload()
    expect(tab.locator(".invitation-list li", has_text="Sent")).to_have_count(2)
    tab.context.close()
