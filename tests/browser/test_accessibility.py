"""In Chromium at a phone's and a desk's width: axe finds no violation (WCAG 2 A/AA and axe's
best practices) on the public pages, forms sent back with an error included, or on the demo
supporter's own pages.

Each test walks the demo site's pages one after another, runs axe on each (see
tests/browser/accessibility.py) and fails once at the end listing every page's violations, so
one run shows everything there is to fix.
"""

import pytest
from playwright.sync_api import expect

from campaigns.demo import DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD
from campaigns.models import FundraiserPage, FundraisingCampaignPage, TeamPage
from petitions.models import PetitionPage
from tests.browser.accessibility import assert_no_axe_violations, axe_violations, describe
from tests.browser.screenshots import DESKTOP, MOBILE
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"mobile": MOBILE, "desktop": DESKTOP}
DONOR_EMAIL = "robin.axe@example.org"  # each browser test its own address: the outbox is shared


@pytest.fixture
def demo(db, settings):
    settings.STRIPE_SECRET_KEY = ""  # the embedded default: the local test checkout
    load_demo_data()


@pytest.fixture(params=["mobile", "desktop"])
def tab(request, browser):
    size = request.param
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "mobile")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


class Findings:
    """axe's violations per page, gathered along a walk and asserted on once at the end."""

    def __init__(self, tab):
        self.tab = tab
        self.pages = []

    def check(self, name):
        self.tab.wait_for_load_state()
        self.pages.append((name, axe_violations(self.tab)))

    def assert_none(self):
        assert [name for name, _ in self.pages], "no page was checked"
        failed = [(name, found) for name, found in self.pages if found]
        assert not failed, "\n\n".join(f"{name}:\n{describe(found)}" for name, found in failed)


def give(tab, amount, email=DONOR_EMAIL):
    """Fill in the donate form on the page with `amount` typed in "Your amount", and send it."""
    if tab.get_by_label("Your amount (US dollars)").is_hidden():
        tab.get_by_text("Other amount", exact=True).click()
    tab.get_by_label("Your amount (US dollars)").fill(amount)
    tab.get_by_label("First name", exact=True).fill("Robin")
    tab.get_by_label("Last name", exact=True).fill("Axe")
    tab.get_by_label("Email", exact=True).fill(email)
    tab.get_by_role("button", name="Continue to payment").click()


def test_the_public_pages_have_no_axe_violation(tab, live_server, demo):
    found = Findings(tab)
    url = live_server.url
    petition = PetitionPage.objects.live().public().first()
    campaign = FundraisingCampaignPage.objects.live().public().first()
    fundraiser = FundraiserPage.objects.live().get(supporter__email=DEMO_SUPPORTER_EMAIL)
    team = TeamPage.objects.live().public().first()

    tab.goto(url)
    found.check("home page")

    tab.goto(f"{url}{petition.url}")
    found.check("petition page")
    tab.get_by_label("ZIP code", exact=True).fill("7870")
    tab.get_by_role("button", name="Sign the petition").click()
    expect(tab.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    found.check("petition sign form with an error")

    tab.goto(f"{url}{campaign.url}")
    found.check("campaign page")
    tab.goto(f"{url}{fundraiser.url}")
    found.check("fundraiser page")
    tab.goto(f"{url}{team.url}")
    found.check("team page")

    tab.goto(f"{url}{fundraiser.url}")
    give(tab, "ten")
    expect(tab.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    found.check("donate form with an error")
    give(tab, "25")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Complete your gift of $25")
    found.check("test checkout page")
    tab.get_by_role("button", name="Complete test payment").click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Thank you")
    found.check("thank-you page")

    tab.goto(f"{url}/campaigns/{campaign.pk}/find/?q=Ana")
    expect(tab.locator("main")).to_contain_text("Ana's birthday fundraiser")
    found.check("find a fundraiser, with results")

    tab.goto(f"{url}/accounts/login/")
    found.check("log-in page")
    tab.get_by_label("Email").fill(DEMO_SUPPORTER_EMAIL)
    tab.get_by_label("Password").fill("not-the-password")
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("alert").first).to_be_visible()
    found.check("log-in page with an error")
    tab.goto(f"{url}/accounts/signup/")
    found.check("sign-up page")

    found.assert_none()


def test_the_demo_supporters_own_pages_have_no_axe_violation(tab, live_server, demo):
    found = Findings(tab)
    url = live_server.url
    fundraiser = FundraiserPage.objects.live().get(supporter__email=DEMO_SUPPORTER_EMAIL)
    campaign = fundraiser.get_parent()

    tab.goto(f"{url}/accounts/login/")
    tab.get_by_label("Email").fill(DEMO_SUPPORTER_EMAIL)
    tab.get_by_label("Password").fill(DEMO_SUPPORTER_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("link", name="Log out")).to_be_visible()
    tab.goto(f"{url}/dashboard/")
    found.check("dashboard")

    tab.goto(f"{url}/dashboard/pages/{fundraiser.pk}/edit/")
    expect(tab.get_by_label("Your story")).to_be_visible()
    found.check("edit page")
    tab.goto(f"{url}/dashboard/pages/{fundraiser.pk}/friends/")
    found.check("ask-friends page")
    tab.goto(f"{url}/campaigns/{campaign.pk}/start/")
    expect(tab.get_by_role("link", name="Open another page")).to_be_visible()
    found.check("start-a-fundraiser page, with a page already")
    tab.goto(f"{url}/campaigns/{campaign.pk}/start/?another=1")
    expect(tab.get_by_label("Your story")).to_be_visible()
    found.check("start-a-fundraiser page")

    found.assert_none()


def test_the_check_names_the_rule_the_element_and_the_help_of_a_violation(
    page, live_server, home_page
):
    page.goto(live_server.url)
    page.evaluate(
        "() => { const img = document.createElement('img'); img.id = 'unnamed';"
        " document.querySelector('main').append(img); }"
    )

    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page, "the home page with an image without alt text")

    message = str(failure.value)
    assert "the home page with an image without alt text" in message
    assert "image-alt (critical): Images must have alternative text [1 node(s)]" in message
    assert "at #unnamed" in message
