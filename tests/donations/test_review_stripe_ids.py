"""A Stripe object where an id was expected is read by its `id`; no payload shape gives a 500
or stores a Python repr."""

import pytest

from donations.models import Donation, StripeEvent
from donations.stripe_objects import stripe_amount, stripe_id
from tests.donations.factories import DonationFactory
from tests.donations.review_support import completed, paid_session
from tests.support.stripe_events import deliver, event, stripe_object

pytestmark = pytest.mark.django_db

JUNK = [None, 42, 4.5, True, [], ["pi_1"], {}, {"object": "payment_intent"}, "pi 1; drop", ""]


@pytest.fixture
def donation(campaign, stripe_keys):
    return DonationFactory(page=campaign, checkout_session_id="cs_test_ShapesOfIds")


def test_stripe_id_reads_an_id_or_an_expanded_objects_id():
    intent = stripe_object("payment_intent", id="pi_3Expanded")
    assert stripe_id("pi_3Plain") == "pi_3Plain"
    assert stripe_id(intent) == "pi_3Expanded"
    assert stripe_id({"id": "cus_1", "object": "customer"}) == "cus_1"


@pytest.mark.parametrize("junk", JUNK)
def test_stripe_id_of_anything_else_is_empty(junk):
    assert stripe_id(junk) == ""


@pytest.mark.parametrize("junk", [None, "5000", 50.0, True, [5000], {"amount": 5000}, -1])
def test_stripe_amount_of_anything_but_a_whole_number_is_none(junk):
    assert stripe_amount(junk) is None


def test_an_expanded_payment_intent_is_stored_by_its_id(client, campaign, donation):
    intent = stripe_object("payment_intent", id="pi_3ExpandedIntent", amount=5000)
    customer = {"id": "cus_Expanded", "object": "customer", "email": donation.email}
    session = paid_session(donation, payment_intent=intent, customer=customer)

    assert deliver(client, completed(session)).status_code == 200

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payment_intent_id == "pi_3ExpandedIntent"
    assert campaign.totals() == (5000, 1)


@pytest.mark.parametrize("junk", JUNK)
def test_a_junk_payment_intent_is_stored_as_empty_never_as_a_repr(client, campaign, donation, junk):
    response = deliver(client, completed(paid_session(donation, payment_intent=junk)))

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payment_intent_id == ""


@pytest.mark.parametrize("junk", [[], ["cs_1"], 42, None, {"object": "checkout.session"}])
def test_a_session_whose_id_is_junk_changes_nothing(client, campaign, donation, junk):
    response = deliver(client, completed(paid_session(donation, id=junk)))

    assert response.status_code == 200
    assert campaign.totals() == (0, 0)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


@pytest.mark.parametrize("junk", [None, "5000", [5000], {"value": 5000}, 50.0])
def test_an_unreadable_amount_is_held_for_review_not_counted(client, campaign, donation, junk):
    assert deliver(client, completed(paid_session(donation, amount_total=junk))).status_code == 200

    donation.refresh_from_db()
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert donation.collected_amount_cents is None
    assert "could not read" in donation.review_detail
    assert campaign.totals() == (0, 0)


@pytest.mark.parametrize("junk", [None, 840, ["usd"], {"code": "usd"}, "dollars"])
def test_an_unreadable_currency_is_held_for_review_not_counted(client, campaign, donation, junk):
    deliver(client, completed(paid_session(donation, currency=junk)))

    donation.refresh_from_db()
    assert donation.status == Donation.Status.NEEDS_REVIEW
    assert donation.collected_currency == ""
    assert campaign.totals() == (0, 0)


@pytest.mark.parametrize("junk", [[], ["a"], 42, "text", {"donation_id": ["1"]}])
def test_junk_metadata_finds_no_gift_and_answers_200(client, campaign, stripe_keys, junk):
    donation = DonationFactory(page=campaign, checkout_session_id=None)

    session = paid_session(donation, id="cs_test_JunkMetadata", metadata=junk)
    assert deliver(client, completed(session)).status_code == 200

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert campaign.totals() == (0, 0)


@pytest.mark.parametrize("junk", [[], ["cs_1"], 42, "text", None])
def test_an_event_whose_object_is_not_an_object_is_refused(client, campaign, donation, junk):
    payload = event("checkout.session.completed", {})
    payload["data"] = {"object": junk}

    assert deliver(client, payload).status_code == 400
    assert StripeEvent.objects.count() == 0


@pytest.mark.parametrize("junk", [[], [1, 2], 42, "text"])
def test_an_event_whose_data_is_not_an_object_is_refused(client, donation, junk):
    payload = event("checkout.session.completed", {})
    payload["data"] = junk

    assert deliver(client, payload).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_an_expired_session_given_as_an_object_id_changes_nothing(client, donation):
    expired = paid_session(donation, id={"id": donation.checkout_session_id}, status="expired")

    assert deliver(client, completed(expired, type="checkout.session.expired")).status_code == 200

    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED  # an id read from an object is an id
