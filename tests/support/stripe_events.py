"""Stripe webhook events as Stripe sends them, for tests: built from Stripe's own published
objects and signed exactly as Stripe signs them.

The objects under `tests/donations/events/stripe/` are Stripe's published examples (the
`resources` of `openapi/fixtures3.json` in the stripe/openapi repository), one file a type:
`stripe_object("refund", id="re_1", amount=1000)` is that example with the fields given
replaced (a dict given for a dict field replaces it whole). `event("refund.created", obj)`
wraps an object in an event; `deliver(client, event)` posts it to our webhook with a
`Stripe-Signature` header computed as Stripe computes it (HMAC-SHA256 of
"<timestamp>.<payload>" with the endpoint secret the `stripe_keys` fixture sets), so the
webhook's real `stripe.Webhook.construct_event` verifies it.

Scenario files of our own (a whole sequence of events) go beside them, under
`tests/donations/events/<scenario>/`.
"""

import copy
import hashlib
import hmac
import itertools
import json
import time
from functools import cache
from pathlib import Path

EVENTS_DIR = Path(__file__).resolve().parent.parent / "donations" / "events"
WEBHOOK_URL = "/donations/stripe/webhook/"
SECRET = "whsec_northstar_test"  # the `stripe_keys` fixture's STRIPE_WEBHOOK_SECRET
API_VERSION = "2025-06-30.basil"
_event_numbers = itertools.count(1)


@cache
def _published(name):
    return json.loads((EVENTS_DIR / "stripe" / f"{name}.json").read_text())


def stripe_object(name: str, **fields) -> dict:
    """Stripe's published example of the object `name` ("charge", "checkout.session",
    "dispute", "invoice", "payment_intent", "refund", "subscription",
    "billing_portal.session"), a fresh copy with `fields` set."""
    obj = copy.deepcopy(_published(name))
    obj.update(fields)
    return obj


def event(type: str, obj: dict, event_id: str | None = None, **fields) -> dict:
    """An event of `type` ("refund.created") carrying `obj`, shaped as Stripe's published
    event; a new id each call unless `event_id` is given."""
    return stripe_object(
        "event",
        id=event_id or f"evt_test_{next(_event_numbers):06d}",
        type=type,
        api_version=API_VERSION,
        created=int(time.time()),
        livemode=False,
        data={"object": obj},
        **fields,
    )


def signature_header(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    """Stripe-Signature as Stripe computes it: HMAC-SHA256 of "<timestamp>.<payload>"."""
    timestamp = timestamp or int(time.time())
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event, secret: str = SECRET, header: str | None = None):
    """POST `event` (a dict, or a body as text) to the webhook, signed; the response."""
    payload = event if isinstance(event, str) else json.dumps(event)
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": header or signature_header(payload, secret)},
    )
