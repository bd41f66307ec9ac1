"""The donate form's "One time" / "Monthly" choice, where installments count after the
page's deadline, and the per-email limit on starting checkouts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from donations.models import Donation, DonationTotal, RecurringGift
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.donations.factories import donate_form
from tests.donations.monthly_support import RecurringGiftFactory, invoice
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db


def test_the_donate_form_offers_one_time_and_monthly_without_javascript(client, campaign):
    html = client.get(campaign.url).content.decode()
    assert 'type="radio" name="frequency" value="once"' in html
    assert 'type="radio" name="frequency" value="monthly"' in html
    assert "the same amount each month until you cancel" in html


def test_a_fundraiser_page_takes_monthly_gifts_that_count_on_every_level(
    client, campaign, fundraiser, no_stripe
):
    response = client.post(
        f"/donations/give/{fundraiser.pk}/", donate_form(amount="25", frequency="monthly")
    )
    client.post(response["Location"])
    assert DonationTotal.objects.total(page=fundraiser.pk) == (2500, 1)
    assert campaign.totals() == (2500, 1)
    assert RecurringGift.objects.get().page_id == fundraiser.pk


def test_a_form_without_the_choice_gives_one_time(client, campaign, no_stripe):
    client.post(f"/donations/give/{campaign.pk}/", donate_form())
    assert Donation.objects.count() == 1
    assert not RecurringGift.objects.exists()


def test_after_the_deadline_installments_count_on_the_organisations_giving_page(
    client, campaign, site_settings, stripe_keys
):
    giving = FundraisingCampaignPageFactory(
        title="Our work", deadline=timezone.localdate() + timedelta(days=3650)
    )
    site_settings.monthly_giving_page = giving
    site_settings.save()
    plan = RecurringGiftFactory(page=campaign)
    deliver(client, invoice(plan, "in_test_1"))
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save_revision().publish()

    deliver(client, invoice(plan, "in_test_2"))

    assert campaign.totals() == (2500, 1)
    assert giving.totals() == (2500, 1)


def test_the_form_says_where_monthly_gifts_go_after_the_deadline(client, campaign, site_settings):
    site_settings.monthly_giving_page = FundraisingCampaignPageFactory(title="Our work")
    site_settings.save()
    html = client.get(campaign.url).content.decode()
    assert "After that, your monthly gift continues to Our work." in html


def test_too_many_checkouts_with_one_email_are_refused_like_too_many_from_one_connection(
    client, campaign, no_stripe, settings
):
    settings.DONATION_STARTS_PER_EMAIL_PER_HOUR = 2
    answers = [
        client.post(
            f"/donations/give/{campaign.pk}/",
            donate_form(email="Card.Tester@example.org" if n % 2 else "card.tester@example.org"),
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        for n in range(1, 5)
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 429, 429]
    assert "Too many attempts with this email" in answers[-1].content.decode()
    assert Donation.objects.count() == 2
