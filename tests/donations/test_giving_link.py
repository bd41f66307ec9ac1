"""Email me the link to all my giving: the same answer for every address typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations import giving
from donations.giving import email_giving_link, giving_token
from northstar.models import OutboundEmail
from tests.donations.giving_kit import ZOE, paid_gift

pytestmark = pytest.mark.django_db

ANSWER = "If that address has given, we've emailed it a link"


@pytest.fixture
def queued(monkeypatch):
    """The addresses the form queued `email_giving_link` for (not run)."""
    calls = []
    monkeypatch.setattr(giving.email_giving_link, "delay", calls.append)
    return calls


def ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/donations/giving/", {"email": email})


def test_the_form_shows_on_get(client):
    response = client.get("/donations/giving/")

    assert response.status_code == 200
    assert "Email me the link to all my giving" in response.text


@pytest.mark.parametrize("typed", [ZOE, "nobody@example.org"])
def test_the_form_answers_the_same_for_a_donor_and_an_unknown_address(
    client, campaign, queued, typed, django_capture_on_commit_callbacks
):
    paid_gift(campaign)

    response = ask(client, typed, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert ANSWER in response.text
    assert queued == [typed]  # the same task for any address: its time tells nothing
    assert not OutboundEmail.objects.exists()  # the task decides, in the worker


def test_the_task_emails_the_link_to_a_donor(campaign):
    paid_gift(campaign)

    assert email_giving_link("Zoe.Nguyen@Example.org") is True

    [sent] = OutboundEmail.objects.filter(template="donations/giving_link")
    assert sent.to == ZOE
    assert sent.context["first_name"] == "Zoë"
    assert giving_token(ZOE).split(":")[0] in sent.context["giving_url"]


def test_the_task_sends_nothing_to_an_address_that_never_gave(campaign):
    gift = paid_gift(campaign, email="pending@example.org")
    gift.status = "pending"
    gift.save()

    assert email_giving_link("pending@example.org") is False
    assert email_giving_link("nobody@example.org") is False
    assert not OutboundEmail.objects.exists()


def test_the_task_sends_one_address_at_most_three_links_an_hour(campaign):
    paid_gift(campaign)

    sent = [email_giving_link(ZOE) for _ in range(5)]

    assert sent == [True, True, True, False, False]
    assert OutboundEmail.objects.filter(template="donations/giving_link").count() == 3


def test_a_bad_address_is_refused_with_a_message_and_queues_nothing(client, queued):
    response = client.post("/donations/giving/", {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
    assert queued == []


def test_too_many_requests_from_one_connection_are_refused(
    client, queued, settings, django_capture_on_commit_callbacks
):
    settings.DONATION_STARTS_PER_IP_PER_HOUR = 2
    answers = [
        ask(client, f"a{n}@example.org", django_capture_on_commit_callbacks).status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]
    assert len(queued) == 2


def test_the_request_does_the_same_work_for_a_donor_and_an_unknown_address(
    client, campaign, queued, django_capture_on_commit_callbacks
):
    """The request only queues: the same statements for any address, none reading gifts, so
    its time tells nothing (the task decides, in the worker)."""
    paid_gift(campaign)

    def statements(email):
        with CaptureQueriesContext(connection) as queries:
            ask(client, email, django_capture_on_commit_callbacks)
        return [
            re.sub(r'"s\d+_x\d+"', "<savepoint>", query["sql"].replace(email, "<address>"))
            for query in queries.captured_queries
        ]

    statements("someone@example.org")  # the first request reads the site's settings once
    donor = statements(ZOE)
    assert donor == statements("nobody@example.org")
    assert not any("donations_donation" in sql for sql in donor)


def test_every_page_links_to_asking_for_the_giving_link(client, campaign):
    response = client.get(campaign.url)

    assert '<a href="/donations/giving/">All my giving and receipts</a>' in response.text


def test_every_receipt_carries_the_link_to_all_my_giving(campaign):
    from donations.services import fulfil_checkout_session
    from northstar.emails import build_message
    from tests.donations.factories import DonationFactory

    donation = DonationFactory(page=campaign, email=ZOE)
    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5000, "usd")

    receipt = OutboundEmail.objects.get(template="donation_receipt")
    url = receipt.context["giving_url"]
    assert giving_token(ZOE).split(":")[0] in url
    message = build_message(receipt)
    text = message.body
    html = message.alternatives[0][0]
    assert f"All your giving (every gift, its receipt as a PDF, your monthly gifts): {url}" in text
    assert f'href="{url}"' in html
