"""What the refund and dispute tests share: a paid gift on a fundraiser page in a team, the
totals at every level, and Stripe's API as it holds objects now (stubbed with `responses`
at the network boundary: the handlers re-read refunds, charges and disputes)."""

import json
import re

import pytest
import responses

from donations.models import DonationTotal
from donations.services import fulfil_checkout_session
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.support.stripe_events import stripe_object

API = "https://api.stripe.com/v1"
PAYMENT_INTENT = "pi_3GiftIntent"
CHARGE = "ch_3GiftCharge"


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church")


@pytest.fixture
def page(campaign, team):
    return FundraiserPageFactory(parent=campaign, title="Maria's page", team=team)


@pytest.fixture
def gift(page):
    """A paid $50 gift to a fundraiser page on a team, through the one fulfilment path."""
    donation = DonationFactory(page=page, amount_cents=5000, first_name="Ana", last_name="Ruiz")
    fulfil_checkout_session(donation.checkout_session_id, PAYMENT_INTENT, 5000, "usd")
    donation.refresh_from_db()
    return donation


def totals(*pages):
    """(cents, gifts) at each of `pages`."""
    return [tuple(DonationTotal.objects.total(page=p.pk)) for p in pages]


def drift():
    """What `recount` would fix (it fixes it too): {} when every level equals its rows."""
    return DonationTotal.objects.rebuild()


class StripeNow:
    """Stripe's objects as it holds them now: what re-reading a refund, a charge or a dispute
    answers (register the stubs with `stub()` inside `responses.activate`)."""

    def __init__(self):
        self.refunds = {}
        self.disputes = {}

    def refund(self, refund_id, amount, status="succeeded", **fields):
        obj = stripe_object(
            "refund",
            id=refund_id,
            amount=amount,
            status=status,
            charge=CHARGE,
            payment_intent=PAYMENT_INTENT,
            **fields,
        )
        self.refunds[refund_id] = obj
        return obj

    def dispute(self, dispute_id, amount, status, **fields):
        obj = stripe_object(
            "dispute",
            id=dispute_id,
            amount=amount,
            status=status,
            charge=CHARGE,
            payment_intent=PAYMENT_INTENT,
            **fields,
        )
        self.disputes[dispute_id] = obj
        return obj

    def charge(self):
        counted = [r for r in self.refunds.values() if r["status"] in ("pending", "succeeded")]
        return stripe_object(
            "charge",
            id=CHARGE,
            amount=5000,
            payment_intent=PAYMENT_INTENT,
            amount_refunded=sum(r["amount"] for r in counted),
            refunded=sum(r["amount"] for r in counted) == 5000,
            refunds={"object": "list", "data": list(self.refunds.values()), "has_more": False},
        )

    def stub(self):
        for kind, store in (("refunds", self.refunds), ("disputes", self.disputes)):
            responses.add_callback(
                responses.GET,
                _pattern(f"{API}/{kind}/"),
                callback=lambda request, store=store: _answer(store, request),
            )
        responses.add_callback(
            responses.GET,
            _pattern(f"{API}/charges/"),
            callback=lambda request: (200, {}, _json(self.charge())),
        )


def _pattern(prefix):
    return re.compile(re.escape(prefix) + r"[A-Za-z0-9_]+(\?.*)?$")


def _answer(store, request):
    object_id = request.path_url.split("?")[0].rsplit("/", 1)[-1]
    if object_id not in store:
        return 404, {}, _json({"error": {"type": "invalid_request_error", "message": "No such"}})
    return 200, {}, _json(store[object_id])


def _json(obj):
    return json.dumps(obj)
