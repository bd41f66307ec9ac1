"""In Chromium, with the real worker: staff deliver a petition's signatures to every office."""

import re

import pytest
from playwright.sync_api import expect

from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from petitions.jurisdictions import JURISDICTIONS
from petitions.models import Delivery, PetitionPage, Signature
from tests.browser.screenshots import save_screenshots
from tests.support.demo import load_demo_data
from tests.support.pdf import pdf_text
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALASKA_EMAIL = "attorney.general@alaska.gov"
# 2,424 signatures make 50+ packets in the worker (two processes): minutes at worst.
DELIVERY_TIMEOUT = 150


@pytest.fixture
def model_petition(db):
    load_demo_data()
    return PetitionPage.objects.get(slug="stop-human-traffickers")


def log_in(page, live_server):
    # The admin sends staff to the site's one (rate-limited) login, and back.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email").fill(DEMO_STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def figure(page, label):
    """A number from the deliveries page's figures ("Delivered", "Ready to post", "Waiting")."""
    text = (
        page.locator("dl.figures > div")
        .filter(has=page.get_by_text(label, exact=True))
        .locator("dd")
    )
    return int(re.match(r"[\d,]+", text.inner_text())[0].replace(",", ""))


def delivery_row(page, deliveries_url, jurisdiction):
    """The history row of `jurisdiction`'s delivery, looked for on each page of the history."""
    page_number = 1
    while True:
        page.goto(f"{deliveries_url}?p={page_number}")
        history = page.get_by_role("region", name="Delivery history")
        # The office is named as everywhere: "The Attorney General of Texas, Ken Paxton".
        row = history.get_by_role("row").filter(has_text=re.compile(rf" of {jurisdiction}\b"))
        if row.count():
            return row
        if not history.get_by_role("link", name="Next").get_attribute("href"):
            raise AssertionError(f"No delivery for {jurisdiction} in the history")
        page_number += 1


def let_the_admin_page_grow(page):
    """Wagtail's admin scrolls inside <main>: let the page grow, for a full-page screenshot."""
    page.add_style_tag(
        content=(
            "html, body, body > .wrapper, main.content-wrapper "
            "{ height: auto !important; min-height: 0 !important; overflow: visible !important; }"
        )
    )


def signatures_in(status):
    """How many signatures the deliveries in `status` carry."""
    return sum(Delivery.objects.filter(status=status).values_list("signature_count", flat=True))


def full_names(petition, **filters):
    rows = Signature.objects.filter(petition=petition, **filters).values_list(
        "first_name", "last_name"
    )
    return {f"{first} {last}" for first, last in rows}


def test_staff_deliver_now_and_each_office_gets_its_own_signers(
    page, live_server, model_petition, worker_outbox
):
    deliveries_url = f"{live_server.url}/admin/petitions/{model_petition.pk}/deliveries/"
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/pages/{model_petition.pk}/edit/")
    page.get_by_role("button", name="Actions", exact=True).click()
    page.get_by_role("link", name="Deliveries", exact=True).click()
    page.wait_for_url(deliveries_url)
    expect(page.get_by_role("region", name="Delivery history")).to_contain_text(
        "No deliveries yet."
    )
    assert figure(page, "Waiting") == 2424

    page.get_by_role("button", name="Deliver now").click()
    expect(page.locator(".messages")).to_contain_text(
        "Delivery started: 2,424 waiting signatures for"
    )

    def every_delivery_has_left_pending():
        page.goto(deliveries_url)
        return figure(page, "Waiting") == 0 and figure(page, "In flight") == 0

    wait_until(
        every_delivery_has_left_pending,
        timeout=DELIVERY_TIMEOUT,
        interval=1,
        message="every delivery to be sent or ready to post",
    )
    ready = signatures_in(Delivery.Status.READY)
    assert ready > 0
    assert figure(page, "Ready to post") == ready
    assert figure(page, "Delivered") == signatures_in(Delivery.Status.SENT) == 2424 - ready
    assert not Delivery.objects.filter(status=Delivery.Status.FAILED).exists()
    let_the_admin_page_grow(page)
    save_screenshots(page, "staff-deliveries")

    alaska = delivery_row(page, deliveries_url, "Alaska")
    expect(alaska).to_have_attribute("data-status", "sent")
    expect(alaska).to_contain_text("Sent")

    texas = delivery_row(page, deliveries_url, "Texas")
    expect(texas).to_have_attribute("data-status", "ready")
    expect(texas).to_contain_text("Ready to post")
    pdf_url = texas.get_by_role("link", name="Packet PDF").get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert "no-store" in response.headers["cache-control"]

    packet = pdf_text(response.body())
    texans = full_names(model_petition, state="TX")
    others = full_names(model_petition, state__in=set(JURISDICTIONS) - {"TX"}) - texans
    count = Signature.objects.filter(petition=model_petition, state="TX").count()
    assert f"{count:,} signatures from Texas" in packet
    assert sum(name in packet for name in texans) == len(texans)
    assert [name for name in others if name in packet] == []
    table = packet[packet.index("signatures from Texas") :]
    assert [name for code, name in JURISDICTIONS.items() if code != "TX" and name in table] == []

    texas.locator("summary", has_text="Mark as posted").click()
    texas.get_by_label("Note").fill("First-class mail, tracking 9400 1000")
    texas.get_by_role("button", name="Mark as posted").click()
    expect(page.locator(".messages")).to_contain_text("Marked posted on")
    texas = delivery_row(page, deliveries_url, "Texas")
    expect(texas).to_have_attribute("data-status", "posted")
    expect(texas).to_contain_text("First-class mail, tracking 9400 1000")
    assert figure(page, "Delivered") == 2424 - ready + count
    assert figure(page, "Ready to post") == ready - count

    [message] = worker_outbox.wait_for(ALASKA_EMAIL)
    attachments = {part.get_content_type() for part in message.iter_attachments()}
    assert attachments == {"application/pdf", "text/csv"}
