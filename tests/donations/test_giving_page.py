"""All my giving: the signed page of every gift from one address."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from donations.giving import GIVING_SALT, giving_token, giving_url
from donations.models import Donation, Refund
from tests.donations.giving_kit import ZOE, giving_page_path, paid_gift, refund
from tests.donations.monthly_support import RecurringGiftFactory

pytestmark = pytest.mark.django_db


def gift_rows(response):
    return re.findall(r'<li class="giving-item" data-gift>(.*?)</li>', response.text, re.S)


def test_the_page_lists_every_counted_gift_of_the_address_newest_first(client, campaign):
    older = paid_gift(campaign, amount_cents=2500, days_ago=40)
    newer = paid_gift(campaign, amount_cents=7500, days_ago=1)

    response = client.get(giving_page_path())

    assert response.status_code == 200
    rows = gift_rows(response)
    assert len(rows) == 2
    assert "$75" in rows[0] and str(newer.uuid) in rows[0]
    assert "$25" in rows[1] and str(older.uuid) in rows[1]


def test_an_address_sees_only_its_own_gifts(client, campaign):
    mine = paid_gift(campaign, amount_cents=2500)
    theirs = paid_gift(campaign, email="someone.else@example.org", amount_cents=9900)

    response = client.get(giving_page_path())

    assert str(mine.uuid) in response.text
    assert str(theirs.uuid) not in response.text
    assert "$99" not in response.text
    assert "someone.else@example.org" not in response.text


def test_the_link_opens_for_the_address_however_it_was_typed(client, campaign):
    paid_gift(campaign)

    response = client.get(giving_page_path("  Zoe.Nguyen@EXAMPLE.org "))

    assert len(gift_rows(response)) == 1


@pytest.mark.parametrize(
    "status",
    [
        Donation.Status.PENDING,
        Donation.Status.FAILED,
        Donation.Status.NEEDS_REVIEW,
        Donation.Status.AWAITING_CONFIRMATION,
        Donation.Status.VOIDED,
    ],
)
def test_a_gift_that_never_counted_or_no_longer_counts_is_not_listed(client, campaign, status):
    gift = paid_gift(campaign)
    Donation.objects.filter(pk=gift.pk).update(status=status)

    response = client.get(giving_page_path())

    assert gift_rows(response) == []
    assert "We have no gift from this address yet" in response.text


def test_a_refunded_gift_is_shown_net_of_its_refunds(client, campaign):
    gift = paid_gift(campaign, amount_cents=5000)
    refund(gift, 1500)
    refund(gift, 1000, status=Refund.Status.FAILED)  # given back to the donor: not counted

    [row] = gift_rows(client.get(giving_page_path()))

    assert "$35" in row
    assert "refunded $15" in row


def test_an_offline_gift_confirmed_by_staff_is_listed_with_its_method(client, campaign):
    paid_gift(campaign, method=Donation.Method.CHEQUE, checkout_session_id=None)

    [row] = gift_rows(client.get(giving_page_path()))

    assert "Cheque" in row


def test_the_year_total_is_net_of_refunds(client, campaign):
    with time_machine.travel(timezone.now().replace(month=6, day=15), tick=False):
        gift = paid_gift(campaign, amount_cents=5000)
        paid_gift(campaign, amount_cents=2000)
        refund(gift, 5000)

        response = client.get(giving_page_path())

    assert "Given, net of refunds: <strong>$20</strong>" in response.text


def test_monthly_gifts_are_listed_with_their_manage_links(client, campaign):
    from donations.recurring import manage_token

    plan = RecurringGiftFactory(page=campaign, email=ZOE, status="active", amount_cents=1500)
    RecurringGiftFactory(page=campaign, email=ZOE, status="pending")  # never started

    response = client.get(giving_page_path())

    assert response.text.count("data-plan>") == 1
    assert "$15 a month" in response.text
    assert f"/donations/monthly/manage/{manage_token(plan)}/" in response.text


def test_the_page_is_private_and_kept_out_of_search_engines(client, campaign):
    paid_gift(campaign)

    response = client.get(giving_page_path())

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_a_tampered_link_says_so_and_shows_no_gift(client, campaign):
    gift = paid_gift(campaign)
    token = giving_token(ZOE)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    response = client.get(f"/donations/giving/{tampered}/")

    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert str(gift.uuid) not in response.text
    assert ZOE not in response.text


def test_a_link_for_another_address_cannot_be_forged_from_another_signed_value(client, campaign):
    """The manage links' signer (another salt) does not open a giving page."""
    paid_gift(campaign)
    token = signing.dumps(ZOE, salt="donations.recurring.manage")

    response = client.get(f"/donations/giving/{token}/")

    assert response.status_code == 400


def test_an_expired_link_says_so_offers_a_new_one_and_shows_no_gift(client, campaign):
    gift = paid_gift(campaign)
    with time_machine.travel(timezone.now() - timedelta(days=91), tick=False):
        token = giving_token(ZOE)

    response = client.get(f"/donations/giving/{token}/")

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert 'action="/donations/giving/"' in response.text
    assert str(gift.uuid) not in response.text
    assert ZOE not in response.text


def test_a_link_made_89_days_ago_still_opens(client, campaign):
    paid_gift(campaign)
    with time_machine.travel(timezone.now() - timedelta(days=89), tick=False):
        token = signing.dumps(ZOE, salt=GIVING_SALT)

    response = client.get(f"/donations/giving/{token}/")

    assert response.status_code == 200
    assert len(gift_rows(response)) == 1


def test_the_giving_url_is_absolute(settings):
    settings.SITE_URL = "https://give.example.org"

    assert giving_url(ZOE).startswith("https://give.example.org/donations/giving/")


def test_no_address_has_no_giving_link():
    assert giving_url("  ") == ""


def test_the_page_reads_the_same_few_queries_for_1_gift_or_30(
    client, campaign, django_assert_max_num_queries
):
    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(giving_page_path())
        assert response.status_code == 200
        return len(captured)

    gift = paid_gift(campaign, days_ago=30)
    refund(gift, 100)
    RecurringGiftFactory(page=campaign, email=ZOE, status="active")
    one = queries_for_page()
    for days_ago in range(29):
        refund(paid_gift(campaign, days_ago=days_ago), 100)
    with django_assert_max_num_queries(one):
        response = client.get(giving_page_path())
    assert len(gift_rows(response)) == 30
