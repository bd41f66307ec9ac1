"""Only a checkout we opened fulfils a gift: a Payment Link or another app on the same Stripe
account that writes our gift's id as `client_reference_id` neither counts nor receipts it."""

import pytest

from donations.models import Donation
from northstar.models import OutboundEmail
from tests.donations.factories import DonationFactory
from tests.donations.review_support import completed, paid_session
from tests.support.stripe_events import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_gift(campaign, stripe_keys):
    """A gift whose checkout never opened (Stripe unreachable): failed, no session stored."""
    return DonationFactory(page=campaign, checkout_session_id=None, status=Donation.Status.FAILED)


def payment_link_session(donation):
    """A Payment Link's session: our gift's id as its reference, the same amount, its own
    session id and no metadata of ours."""
    return paid_session(
        donation, id="cs_live_PaymentLinkSession", metadata={}, payment_link="plink_1Other"
    )


def test_a_payment_link_naming_a_failed_gift_neither_counts_nor_receipts_it(
    client, campaign, failed_gift
):
    response = deliver(client, completed(payment_link_session(failed_gift)))

    assert response.status_code == 200
    failed_gift.refresh_from_db()
    assert failed_gift.status == Donation.Status.FAILED
    assert failed_gift.checkout_session_id is None
    assert failed_gift.payment_intent_id == ""
    assert campaign.totals() == (0, 0)
    assert not OutboundEmail.objects.filter(template="donation_receipt").exists()


def test_another_apps_session_naming_a_pending_gift_leaves_it_pending(
    client, campaign, stripe_keys
):
    donation = DonationFactory(page=campaign, checkout_session_id="cs_test_OursStillOpen")

    deliver(client, completed(payment_link_session(donation)))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert donation.checkout_session_id == "cs_test_OursStillOpen"
    assert campaign.totals() == (0, 0)


def test_our_metadata_on_a_session_does_not_revive_a_failed_gift(client, campaign, failed_gift):
    """The session that overtakes its request names a gift still pending: a failed one,
    whose donor was told nothing was charged, is not paid by some other session."""
    deliver(client, completed(paid_session(failed_gift, id="cs_test_SomeOtherSession")))

    failed_gift.refresh_from_db()
    assert failed_gift.status == Donation.Status.FAILED
    assert campaign.totals() == (0, 0)


def test_metadata_naming_the_gift_on_another_page_finds_nothing(client, campaign, stripe_keys):
    donation = DonationFactory(page=campaign, checkout_session_id=None)
    session = paid_session(
        donation, metadata={"donation_id": str(donation.pk), "page_id": str(campaign.pk + 1000)}
    )

    deliver(client, completed(session))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert campaign.totals() == (0, 0)


def test_a_session_overtaking_the_request_that_saves_its_id_is_counted(
    client, campaign, stripe_keys
):
    donation = DonationFactory(page=campaign, checkout_session_id=None)

    deliver(client, completed(paid_session(donation, id="cs_test_Overtaking")))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.checkout_session_id == "cs_test_Overtaking"
    assert campaign.totals() == (5000, 1)
    assert OutboundEmail.objects.filter(template="donation_receipt").count() == 1


def test_a_gift_that_expired_and_is_then_paid_through_its_own_session_is_counted(
    client, campaign, stripe_keys
):
    donation = DonationFactory(page=campaign, checkout_session_id="cs_test_ExpiredThenPaid")
    expired = paid_session(donation, payment_status="unpaid", status="expired")
    deliver(client, completed(expired, type="checkout.session.expired"))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED

    deliver(client, completed(paid_session(donation, metadata={})))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert campaign.totals() == (5000, 1)
