"""In Chromium, with the real worker, the whole peer-to-peer journey of issue #12:

a new supporter signs up (confirming the address from the worker's email), opens a $500 page
in a team of "Spring into Action", whose pages wait in Wagtail's "Moderators approval"; the
dashboard says "Waiting for approval"; staff approve it with Wagtail's own workflow screens;
the owner asks two friends; the first opens the link in her invitation email and gives $50 at
the test checkout; the page's, the team's and the campaign's thermometers each rise by exactly
$50, her invitation reads "Gave", and the worker emails the owner "Someone gave $50 to your page".
Screenshots (journey-*.png) of the campaign page, the fundraiser page, the team page and the
dashboard, desktop and mobile."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, FundraisingCampaignPage, TeamPage
from donations.money import format_money
from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from tests.browser.screenshots import save_screenshots
from tests.support.demo import load_demo_data
from tests.support.outbox import text_body
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Addresses of this journey only: the worker's captured mail is shared by the session.
OWNER_EMAIL = "leila.haddad@example.org"
OWNER_PASSWORD = "a long and unusual passphrase"
FIRST_FRIEND = ("Nadia Karam", "nadia.karam@example.net")
SECOND_FRIEND = ("Omar Saleh", "omar.saleh@example.net")
PAGE_TITLE = "Leila's 100 miles for survivors"
TEAM_TITLE = "Grace Church"


@pytest.fixture
def campaign_needing_approval(db, settings):
    """The demo's "Spring into Action": its pages wait in Wagtail's "Moderators approval"."""
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    settings.GIFT_NOTICE_DELAY_SECONDS = 1  # read in the live server when the gift is paid
    load_demo_data()
    campaign = FundraisingCampaignPage.objects.get(slug="spring-into-action")
    assert campaign.approval_workflow is not None and campaign.approval_workflow.active
    return campaign


def link_path(message, pattern):
    """The path (and query) of the first link in `message`'s text matching `pattern`."""
    return re.search(rf"https?://[^/\s]+({pattern})", text_body(message))[1]


def thermometer(tab, url, region=None):
    """The cents a page's thermometer shows (its progress bar's value), read as a visitor."""
    tab.goto(url)
    scope = tab.get_by_role("complementary", name=region) if region else tab.locator("main")
    return int(scope.get_by_role("progressbar").first.get_attribute("aria-valuenow"))


def risen(tab, url, before, region=None):
    """The thermometer at `url` once it shows another value than `before` (pages are cached
    for anonymous visitors for a second: reload until it changes)."""
    return wait_until(
        lambda: (now := thermometer(tab, url, region)) != before and now,
        timeout=10,
        interval=0.5,
        message=f"the thermometer at {url} to move from {before}",
    )


def sign_up_and_confirm(owner, live_server, worker_outbox):
    """From the campaign page's button: log-in page, "Create an account", the emailed link."""
    owner.get_by_role("link", name="Create an account").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Create an account")
    owner.get_by_label("First name", exact=True).fill("Leila")
    owner.get_by_label("Last name", exact=True).fill("Haddad")
    owner.get_by_label("Email", exact=True).fill(OWNER_EMAIL)
    owner.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    owner.get_by_label("Password (again)", exact=True).fill(OWNER_PASSWORD)
    owner.get_by_role("button", name="Create account").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Check your email")
    save_screenshots(owner, "account-check-your-email")

    [confirmation] = worker_outbox.wait_for(OWNER_EMAIL)
    confirm_path = link_path(confirmation, r"/accounts/confirm-email/\S+")
    owner.goto(f"{live_server.url}{confirm_path}")
    expect(owner.locator("main")).to_contain_text(OWNER_EMAIL)
    save_screenshots(owner, "account-confirm-your-email")
    owner.get_by_role("button", name="Confirm").click()


def open_page_in_team(owner):
    """The start form, filled: title, a $500 goal, the campaign's default story, a team."""
    expect(owner.get_by_role("heading", level=1)).to_have_text("Start your own fundraiser")
    owner.get_by_label("Your page's title").fill(PAGE_TITLE)
    owner.get_by_label("Your goal").fill("500")
    owner.get_by_label("Your story").fill(
        "This spring I am walking 100 miles so that survivors of trafficking have a safe "
        "place to sleep while they rebuild.\n\nEvery gift here counts toward Spring into Action."
    )
    owner.get_by_label("Join a team").select_option(label=TEAM_TITLE)
    owner.get_by_role("button", name="Open my page").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Waiting for approval")


def approve_in_wagtail(staff, live_server):
    """Staff log in, find the page in "Awaiting your review" and approve it from its editor."""
    staff.goto(f"{live_server.url}/admin/")
    staff.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    staff.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url(f"{live_server.url}/admin/")
    staff.get_by_role("link", name=PAGE_TITLE).first.click()
    expect(staff.locator("body")).to_contain_text("Moderators approval")
    staff.get_by_role("button", name="More actions").click()
    # The workflow's only task: Wagtail labels its approval "Approve and Publish".
    staff.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text(f"Page '{PAGE_TITLE}' has been updated.")


def ask_two_friends(owner):
    owner.get_by_role("link", name="Ask five friends").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Ask five friends")
    for row, (name, email) in enumerate((FIRST_FRIEND, SECOND_FRIEND)):
        owner.get_by_label("Friend's name").nth(row).fill(name)
        owner.get_by_label("Their email").nth(row).fill(email)
    owner.get_by_role("button", name="Send the invitations").click()
    expect(owner.get_by_text("Your invitations are on their way to 2 friends.")).to_be_visible()


def give_fifty_dollars(friend, invitation_url):
    friend.goto(invitation_url)
    panel = friend.get_by_role("complementary", name=f"Give to {PAGE_TITLE}")
    panel.locator("label", has_text=re.compile(r"^\$50$")).click()
    panel.get_by_label("First name", exact=True).fill("Nadia")
    panel.get_by_label("Last name", exact=True).fill("Karam")
    panel.get_by_label("Email", exact=True).fill(FIRST_FRIEND[1])
    panel.get_by_label("Show my name publicly").check()
    panel.get_by_label("Message (optional)", exact=True).fill("Go Leila, every mile counts!")
    panel.get_by_role("button", name="Continue to payment").click()
    expect(friend.get_by_role("heading", level=1)).to_have_text("Complete your gift of $50")
    friend.get_by_role("button", name="Complete test payment").click()
    expect(friend.get_by_role("heading", level=1)).to_contain_text("is confirmed")


def test_a_new_supporters_approved_page_gets_a_friends_gift_that_every_thermometer_counts(
    browser, live_server, campaign_needing_approval, worker_outbox
):
    campaign = campaign_needing_approval
    team = TeamPage.objects.get(title=TEAM_TITLE)
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for tab in (owner, staff, visitor):
        tab.set_default_timeout(15_000)

    # A new supporter: from the campaign's button, through sign-up, to the start form.
    owner.goto(f"{live_server.url}{campaign.url}")
    owner.get_by_role("link", name="Start your own fundraiser").click()
    sign_up_and_confirm(owner, live_server, worker_outbox)
    open_page_in_team(owner)
    fundraiser = FundraiserPage.objects.get(supporter__email=OWNER_EMAIL)
    assert (fundraiser.goal_cents, fundraiser.team_id, fundraiser.live) == (50_000, team.pk, False)
    page_url = f"{live_server.url}{fundraiser.url}"
    assert visitor.goto(page_url).status == 404  # not public while it waits

    owner.get_by_role("link", name="Your fundraising dashboard").click()
    card = owner.get_by_role("region", name=PAGE_TITLE)
    expect(card).to_contain_text("Waiting for approval")
    expect(card).to_contain_text("$0 raised of $500")

    approve_in_wagtail(staff, live_server)
    owner.reload()
    expect(card.locator(".dashboard-state")).to_have_text("Live")

    ask_two_friends(owner)
    [invitation] = worker_outbox.wait_for(FIRST_FRIEND[1])
    invitation_path = link_path(invitation, r"\S+\?invitation=\S+")
    assert invitation_path.startswith(fundraiser.url)
    assert "Leila is raising money for" in text_body(invitation)  # the name given at sign-up
    assert "Give on Leila's page: " in text_body(invitation)

    team_url = f"{live_server.url}{team.url}"
    campaign_url = f"{live_server.url}{campaign.url}"
    campaign_panel = f"Give to {campaign.title}"
    before = {
        "page": thermometer(visitor, page_url, f"Give to {PAGE_TITLE}"),
        "team": thermometer(visitor, team_url),
        "campaign": thermometer(visitor, campaign_url, campaign_panel),
    }
    assert before["page"] == 0

    friend = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    give_fifty_dollars(friend, f"{live_server.url}{invitation_path}")
    friend.context.close()

    after = {
        "page": risen(visitor, page_url, before["page"], f"Give to {PAGE_TITLE}"),
        "team": risen(visitor, team_url, before["team"]),
        "campaign": risen(visitor, campaign_url, before["campaign"], campaign_panel),
    }
    assert {level: after[level] - before[level] for level in after} == {
        "page": 5_000,
        "team": 5_000,
        "campaign": 5_000,
    }

    owner.goto(f"{live_server.url}/dashboard/")
    owner.get_by_role("link", name="Ask five friends").click()
    expect(owner.get_by_text("2 invited, 1 gave.")).to_be_visible()
    friends = owner.locator(".invitation-list li")
    expect(friends.filter(has_text=FIRST_FRIEND[0])).to_contain_text("Gave")
    expect(friends.filter(has_text=SECOND_FRIEND[0])).to_contain_text("Sent")

    def someone_gave():
        return [
            message
            for message in worker_outbox.to(OWNER_EMAIL)
            if str(message["Subject"]).startswith("Someone gave $50 to your page")
        ]

    [notice] = wait_until(someone_gave, timeout=30, message="the 'someone gave' email")
    assert PAGE_TITLE in str(notice["Subject"])
    assert text_body(notice).startswith("Hi Leila,")
    assert "Nadia K.: $50" in text_body(notice)
    assert "Go Leila, every mile counts!" in text_body(notice)

    # What a supporter and their friends see, after the gift.
    visitor.goto(campaign_url)
    teams = visitor.locator(".leaderboard__row").filter(has_text=TEAM_TITLE)
    expect(teams).to_contain_text(format_money(after["team"]))
    save_screenshots(visitor, "journey-campaign")
    visitor.goto(page_url)
    expect(visitor.get_by_text("Go Leila, every mile counts!")).to_be_visible()
    expect(visitor.get_by_text("Leila H. is raising money for")).to_be_visible()
    save_screenshots(visitor, "journey-fundraiser")
    visitor.goto(team_url)
    member = visitor.locator(".team-members li").filter(has_text=PAGE_TITLE)
    expect(member.locator(".leaderboard__raised")).to_contain_text("$50 of $500")
    save_screenshots(visitor, "journey-team")
    owner.goto(f"{live_server.url}/dashboard/")
    expect(card).to_contain_text("$50 raised of $500")
    save_screenshots(owner, "journey-dashboard")
    assert OWNER_EMAIL not in visitor.content()
    for tab in (owner, staff, visitor):
        tab.context.close()
