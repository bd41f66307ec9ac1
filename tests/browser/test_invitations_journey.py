"""In Chromium: an owner asks two friends from their dashboard (screenshots, desktop and mobile),
one friend opens their invitation link and gives $50 at the test checkout, and the owner's
list shows that friend "Gave" and the other one can be reminded."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.invitations import Invitation, stop_emails_url
from tests.browser.screenshots import save_screenshots
from tests.campaigns.factories import (
    FundraiserPageFactory,
    FundraisingCampaignPageFactory,
    InvitationFactory,
)
from tests.site.factories import UserFactory

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
    friend.get_by_text("$50", exact=True).click()
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
