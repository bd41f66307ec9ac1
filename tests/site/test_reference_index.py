"""Wagtail's reference index lists content that uses other content ("usage" in the admin).

Supporters' records (signatures, gifts, emails, invitations, counters) point at pages
but are not content: indexing them would add a savepoint and three statements to every
signing and gift, and a row per record to `wagtailcore_referenceindex`.
"""

import pytest
from django.apps import apps
from wagtail.models import ReferenceIndex

from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, FundraisingCampaignPageFactory
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db

RECORDS = [
    "petitions.Signature",
    "petitions.SignatureCount",
    "petitions.Delivery",
    "petitions.UpdateRecipient",
    "donations.Donation",
    "donations.DonationTotal",
    "donations.StripeEvent",
    "northstar.OutboundEmail",
    "campaigns.Invitation",
    "campaigns.FundraiserNotice",
    "campaigns.GiftNotice",
    "campaigns.FundraiserMilestone",
]


@pytest.mark.parametrize("label", RECORDS)
def test_supporters_records_are_left_out_of_wagtails_reference_index(label):
    assert not ReferenceIndex.model_is_indexable(apps.get_model(label))


def test_a_paid_gift_to_a_fundraiser_page_writes_nothing_to_the_reference_index(home_page):
    campaign = FundraisingCampaignPageFactory(parent=home_page)
    page = FundraiserPageFactory(parent=campaign)
    donation = DonationFactory(page=page, amount_cents=5_000)
    before = ReferenceIndex.objects.count()

    fulfil_checkout_session(donation.checkout_session_id, "pi_1", 5_000, "usd")

    assert ReferenceIndex.objects.count() == before
