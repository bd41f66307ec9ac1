"""The audit trail of staff actions that change what supporters or offices receive.

Each action is written to Wagtail's own log (`wagtail.log_actions.log`) against
the page it belongs to, so it shows in that page's History and in the admin's
Site history report, with the staff member who did it. The entry's `data`
keeps what was done in words fixed at the time (whom a delivery went to, the
date and note given), so later renames do not rewrite history.

Registered here (imported by `northstar.wagtail_hooks`):

- `DELIVERY_STARTED`: "Deliver now" started a delivery of every waiting signature.
- `DELIVERY_RESENT`: a failed email delivery was sent again.
- `DELIVERY_POSTED`: a printed packet was marked posted or hand-delivered.

Emailing a petition update is logged by `petitions.updates` (its own action,
`petitions.email_update`, on the update). Approving a page submitted for
moderation (a supporter's fundraiser page) is logged by Wagtail's workflow
itself; taking one down by `campaigns.takedown` (`campaigns.fundraiser_taken_down`,
with the reason its owner was emailed, beside Wagtail's own "Unpublished"). Gifts
have no staff action yet (payments and refunds arrive from Stripe's webhook); a
staff refund or "mark paid" should register its action here.
"""

from datetime import date

from django.utils.formats import date_format
from wagtail import hooks
from wagtail.log_actions import LogFormatter

DELIVERY_STARTED = "petitions.delivery_started"
DELIVERY_RESENT = "petitions.delivery_resent"
DELIVERY_POSTED = "petitions.delivery_posted"


def delivery_data(delivery, **more):
    """The `data` of a delivery's log entry: its id, its signature count and whom it goes to
    ("the Attorney General of Texas, Ken Paxton"), plus `more`.

    `more` values must be JSON-serialisable (dates as ISO strings).
    """
    return {
        "delivery": delivery.pk,
        "signatures": delivery.signature_count,
        "to": delivery.target.addressed_as(),
        **more,
    }


def delivery_words(data):
    """ "2 signatures to the Attorney General of Texas, Ken Paxton (delivery 17)"."""
    count = data.get("signatures", 0)
    noun = "signature" if count == 1 else "signatures"
    return f"{count:,} {noun} to {data.get('to', '')} (delivery {data.get('delivery')})"


@hooks.register("register_log_actions")
def register_staff_log_actions(actions):
    @actions.register_action(DELIVERY_STARTED)
    class DeliveryStarted(LogFormatter):
        label = "Delivery started by staff"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            waiting = data.get("signatures", 0)
            noun = "signature" if waiting == 1 else "signatures"
            targets = data.get("targets", 0)
            to = "1 decision maker" if targets == 1 else f"{targets:,} decision makers"
            return f"Delivery started now: {waiting:,} waiting {noun} for {to}"

    @actions.register_action(DELIVERY_RESENT)
    class DeliveryResent(LogFormatter):
        label = "Delivery sent again"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return f"Sent again: {delivery_words(data)}"

    @actions.register_action(DELIVERY_POSTED)
    class DeliveryPosted(LogFormatter):
        label = "Delivery marked posted"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            how = "hand-delivered" if data.get("by_hand") else "posted"
            posted_on = date_format(date.fromisoformat(data["posted_on"]), "j F Y")
            note = f" ({data['note']})" if data.get("note") else ""
            return f"Marked {how} on {posted_on}{note}: {delivery_words(data)}"
