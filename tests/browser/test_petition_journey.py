"""In Chromium, with the real worker: a supporter signs, confirms by email (a button on the
linked page), and is counted."""

import re

import pytest
from playwright.sync_api import expect

from petitions.models import PetitionPage
from tests.browser.screenshots import save_screenshots
from tests.support.demo import load_demo_data
from tests.support.outbox import text_body
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNER_EMAIL = "jordan.taylor@example.org"


@pytest.fixture
def model_petition(db):
    load_demo_data()
    return PetitionPage.objects.get(slug="stop-human-traffickers")


def fill_sign_form(page, email):
    page.get_by_label("First name", exact=True).fill("Jordan")
    page.get_by_label("Last name", exact=True).fill("Taylor")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("ZIP code", exact=True).fill("78701")


def test_a_supporter_signs_confirms_by_email_and_is_counted(
    page, live_server, model_petition, worker_outbox
):
    petition_url = f"{live_server.url}{model_petition.url}"
    page.goto(petition_url)
    expect(page.get_by_role("heading", name="Join 2,424 supporters")).to_be_visible()
    save_screenshots(page, "petition-open")

    fill_sign_form(page, SIGNER_EMAIL)
    expect(page.locator("[data-recipient]")).to_have_text(
        "Your signature goes to the Attorney General of Texas, Ken Paxton."
    )
    page.get_by_label("Why I'm signing").fill("Because survivors deserve to be found.")
    page.get_by_label("Show my first name, last initial and state on this page").check()
    page.get_by_role("button", name="Sign the petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    save_screenshots(page, "petition-thank-you")

    [email] = worker_outbox.wait_for(SIGNER_EMAIL)
    confirm_path = re.search(r"https?://[^/\s]+(/petitions/confirm/\S+/)", text_body(email))[1]
    page.goto(f"{live_server.url}{confirm_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    assert model_petition.signature_count() == 2424  # opening the link counts nothing
    save_screenshots(page, "petition-confirm-button")
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your signature counts")
    expect(page.locator("main")).to_contain_text("You are one of 2,425 supporters")
    save_screenshots(page, "petition-confirmed")

    def count_shows_new_supporter():
        page.goto(petition_url)
        return page.get_by_role("heading", name="Join 2,425 supporters").is_visible()

    wait_until(count_shows_new_supporter, timeout=5, message="the count to rise by one")
    recent = page.get_by_role("region", name="Recent signers")
    expect(recent).to_contain_text("Jordan T.")
    expect(recent).to_contain_text("Because survivors deserve to be found.")
    expect(page.locator("body")).not_to_contain_text(SIGNER_EMAIL)

    # Signing again answers as a first signing would: only the address's owner is told.
    fill_sign_form(page, SIGNER_EMAIL.upper())
    page.get_by_role("button", name="Sign the petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step: check your email")
    expect(page.locator("body")).not_to_contain_text("already signed")


def test_a_zip_that_does_not_tell_the_state_asks_for_it(page, live_server, model_petition):
    page.goto(f"{live_server.url}{model_petition.url}")
    page.get_by_label("ZIP code", exact=True).fill("42223")
    state = page.get_by_label("State or territory")
    expect(state).to_be_visible()
    state.select_option("TN")
    expect(page.locator("[data-recipient]")).to_have_text("")


def test_closed_and_victorious_petitions_show_their_banners(page, live_server, model_petition):
    closed = PetitionPage.objects.get(slug="train-hotel-staff")
    page.goto(f"{live_server.url}{closed.url}")
    expect(page.get_by_role("region", name="Petition closed")).to_contain_text(
        "This petition had 312 supporters."
    )
    expect(page.get_by_role("button", name="Sign the petition")).to_have_count(0)
    save_screenshots(page, "petition-closed")

    model_petition.status = PetitionPage.Status.VICTORY
    model_petition.victory_text = (
        "<p>Twelve Attorneys General agreed: the hotline is now posted in bus stations, "
        "truck stops and airports across their states.</p>"
    )
    model_petition.save_revision().publish()
    page.goto(f"{live_server.url}{model_petition.url}")
    victory = page.get_by_role("region", name="Victory!")
    expect(victory).to_contain_text("Twelve Attorneys General agreed")
    expect(victory).to_contain_text("2,424 supporters made this happen.")
    expect(page.get_by_role("button", name="Sign the petition")).to_have_count(0)
    save_screenshots(page, "petition-victory")
