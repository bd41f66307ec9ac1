"""The audit trail: each state change that staff (or a command, or a worker) make writes an
entry in Wagtail's own log, and this module is the one way to register such an action.

An entry is written with `wagtail.log_actions.log` against the page (or snippet) it belongs
to, so it shows in that page's History and in the admin's Site history report, with the
user who did it (None for a command or a worker). It is written by the method or service
that changes the state, in the same transaction, never by a view: a command, the demo
loader or a worker that changes a state leaves the same history as the admin. The entry's
`data` keeps what was done in words fixed at the time (whom a delivery went to, the date
and note given), so later renames do not rewrite history.

`register_staff_action(action, label, describe)` registers an action with its formatter:
`label` names it in the admin's filters, `describe(data)` writes its line in a History.
Each app registers its own actions from its `wagtail_hooks.py` (this module's from
`northstar.wagtail_hooks`):

- `DELIVERY_STARTED`: "Deliver now" started a delivery of every waiting signature
  (`petitions.delivery.services.deliver_waiting_now`).
- `DELIVERY_RESENT`: a failed email delivery was sent again (`Delivery.mark_for_resend`).
- `DELIVERY_POSTED`: a printed packet was marked posted or hand-delivered
  (`Delivery.mark_posted`).
- `petitions.email_update`: an update was emailed to signers (`petitions.updates`).
- `campaigns.fundraiser_taken_down` and `campaigns.fundraiser_put_back`: a fundraiser
  page taken down by staff, with the reason its owner was emailed, and put back up
  (`campaigns.takedown`), beside Wagtail's own "Unpublished" and "Published".

Approving a page submitted for moderation is logged by Wagtail's workflow itself. Gifts
have no staff action yet (payments and refunds arrive from Stripe's webhook); a staff
refund or "mark paid" should register its action here.
"""

from collections.abc import Callable
from datetime import date

from django.utils.formats import date_format
from wagtail import hooks
from wagtail.log_actions import LogFormatter

DELIVERY_STARTED = "petitions.delivery_started"
DELIVERY_RESENT = "petitions.delivery_resent"
DELIVERY_POSTED = "petitions.delivery_posted"


def register_staff_action(action: str, label: str, describe: Callable[[dict], str]) -> None:
    """Register the log action `action` with Wagtail (through its `register_log_actions`
    hook): `label` names it in the admin's filters and History, `describe(data)` writes the
    entry's line from its `data` (a dict; empty when the entry has none)."""

    class StaffActionFormatter(LogFormatter):
        def format_message(self, log_entry):
            return describe(log_entry.data or {})

    StaffActionFormatter.label = label

    @hooks.register("register_log_actions")
    def register(actions):
        actions.register_action(action)(StaffActionFormatter)


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


def delivery_started_words(data):
    """ "Delivery started now: 3 waiting signatures for 2 decision makers"."""
    waiting = data.get("signatures", 0)
    noun = "signature" if waiting == 1 else "signatures"
    targets = data.get("targets", 0)
    to = "1 decision maker" if targets == 1 else f"{targets:,} decision makers"
    return f"Delivery started now: {waiting:,} waiting {noun} for {to}"


def delivery_posted_words(data):
    """ "Marked hand-delivered on 3 March 2026 (tracking 123): 2 signatures to ..."."""
    how = "hand-delivered" if data.get("by_hand") else "posted"
    posted_on = date_format(date.fromisoformat(data["posted_on"]), "j F Y")
    note = f" ({data['note']})" if data.get("note") else ""
    return f"Marked {how} on {posted_on}{note}: {delivery_words(data)}"


register_staff_action(DELIVERY_STARTED, "Delivery started by staff", delivery_started_words)
register_staff_action(
    DELIVERY_RESENT, "Delivery sent again", lambda data: f"Sent again: {delivery_words(data)}"
)
register_staff_action(DELIVERY_POSTED, "Delivery marked posted", delivery_posted_words)
