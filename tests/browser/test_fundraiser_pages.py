"""In Chromium: a supporter logs in on the way, opens their own fundraiser page with a photo,
and a donor gives $50 to it at the test checkout; the page's and the campaign's totals rise."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from PIL import Image as PILImage
from PIL import ImageDraw
from playwright.sync_api import expect

from campaigns.models import FundraiserPage, FundraisingCampaignPage
from tests.browser.screenshots import save_screenshots
from tests.site.factories import UserFactory
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def demo_campaign(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the local test checkout
    load_demo_data()
    campaign = FundraisingCampaignPage.objects.get(title="Spring into Action")
    campaign.approval_workflow = None  # the demo's asks for approval; this page goes live at once
    campaign.save()
    return campaign


def portrait(path):
    """A stand-in photo: a warm gradient with a figure, 900×675 pixels (JPEG)."""
    image = PILImage.new("RGB", (900, 675))
    draw = ImageDraw.Draw(image)
    for y in range(675):
        draw.line([(0, y), (900, y)], fill=(230 - y // 8, 170 - y // 10, 120 + y // 12))
    draw.ellipse([360, 120, 540, 300], fill=(90, 60, 50))
    draw.rounded_rectangle([300, 320, 600, 675], radius=90, fill=(20, 110, 100))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_supporter_opens_a_page_and_a_fifty_dollar_gift_raises_both_totals(
    page, live_server, demo_campaign, tmp_path
):
    maria = UserFactory(email="maria.lopez@example.org", first_name="Maria", last_name="Lopez")
    EmailAddress.objects.create(user=maria, email=maria.email, verified=True, primary=True)
    page.goto(f"{live_server.url}{demo_campaign.url}")
    save_screenshots(page, "campaign-start-fundraiser")
    page.get_by_role("link", name="Start your own fundraiser").click()

    page.get_by_label("Email").fill("maria.lopez@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start your own fundraiser")
    page.get_by_label("Your page's title").fill("Maria's spring walk for survivors")
    page.get_by_label("Your goal").fill("500")
    page.get_by_label("Your story").fill(
        "This spring I am walking 100 miles so that survivors of trafficking have a safe "
        "place to sleep, food and clothing while they rebuild.\n\n"
        "Every gift here counts toward Spring into Action. Thank you for walking with me."
    )
    page.get_by_label("Your photo").set_input_files(portrait(tmp_path / "maria.jpg"))
    save_screenshots(page, "fundraiser-start-form")
    page.get_by_role("button", name="Open my page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your page is live")
    page.get_by_role("link", name="See your page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maria's spring walk for survivors")
    panel = page.get_by_role("complementary", name="Give to Maria's spring walk for survivors")
    expect(panel).to_contain_text("$0 raised of $500")
    fundraiser = FundraiserPage.objects.get(supporter=maria)
    campaign_before = demo_campaign.progress()["raised_cents"]

    panel.locator("label", has_text=re.compile(r"^\$50$")).click()
    panel.get_by_label("First name", exact=True).fill("Amal")
    panel.get_by_label("Last name", exact=True).fill("Haddad")
    panel.get_by_label("Email", exact=True).fill("amal.haddad@example.org")
    panel.get_by_label("Show my name publicly").check()
    panel.get_by_label("Message (optional)", exact=True).fill("Walk strong, Maria!")
    panel.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Complete test payment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is confirmed")

    page.goto(f"{live_server.url}{fundraiser.url}")
    expect(panel).to_contain_text("$50 raised of $500")
    expect(page.get_by_text("Walk strong, Maria!")).to_be_visible()
    assert demo_campaign.progress()["raised_cents"] == campaign_before + 5_000
    assert "maria.lopez@example.org" not in page.content()
    save_screenshots(page, "fundraiser")
