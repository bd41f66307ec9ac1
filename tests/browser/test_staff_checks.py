"""In Chromium: staff are told what a delete or an email would do before it happens."""

import pytest
from playwright.sync_api import expect

from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from petitions.models import PetitionPage, PetitionUpdate, Signature
from tests.browser.screenshots import SCREENSHOT_DIR, save_screenshots
from tests.support.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_petition(db):
    load_demo_data()
    return PetitionPage.objects.get(slug="stop-human-traffickers")


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_deleting_the_demo_petition_is_refused_with_its_signatures_counted(
    page, live_server, demo_petition
):
    signatures = Signature.objects.filter(petition=demo_petition).count()
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/pages/{demo_petition.pk}/delete/")

    message = page.locator(".messages")
    expect(message).to_contain_text(f"cannot be deleted: it holds {signatures:,} signatures")
    expect(message.get_by_role("link", name="Unpublish")).to_be_visible()
    save_screenshots(page, "staff-delete-refused")
    assert Signature.objects.filter(petition=demo_petition).count() == signatures


def test_emailing_an_update_says_how_many_signers_it_reaches_then_sends(
    page, live_server, demo_petition
):
    texans = demo_petition.signatures.filter(
        state="TX", opt_in_updates=True, status=Signature.Status.CONFIRMED
    ).count()
    update = PetitionUpdate.objects.create(
        petition=demo_petition, title="We delivered your signatures", body="<p>Thank you.</p>"
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/snippets/petitions/petitionupdate/edit/{update.pk}/")

    page.get_by_label("Email signers").check()
    page.get_by_label("States").fill("tx")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#w-editor-form")).to_contain_text(
        f"This will email {texans:,} signers who opted in, in Texas (TX)."
    )
    expect(page.locator(".messages")).to_contain_text("Not saved or sent yet")
    expect(page.get_by_label("States")).to_have_value("TX")
    page.get_by_label("Send it now").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "staff-update-audience-desktop.png")
    update.refresh_from_db()
    assert update.emailed_at is None

    page.get_by_label("Send it now").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("updated")
    update.refresh_from_db()
    assert update.emailed_at is not None
    assert update.states == ["TX"]


def test_the_petition_form_says_whom_a_victory_emails_and_when_deliveries_go(
    page, live_server, demo_petition
):
    opted_in = demo_petition.signatures.filter(
        opt_in_updates=True, status=Signature.Status.CONFIRMED
    ).count()
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/pages/{demo_petition.pk}/edit/")

    status_help = page.get_by_text("Publishing with “Victory” emails the victory text")
    expect(status_help).to_contain_text(f"to the {opted_in:,} signers who opted in to updates")
    expect(page.get_by_text("Daily or Weekly: within 15 minutes of publishing")).to_be_visible()
    status_help.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "staff-petition-consequences-desktop.png")
