"""Monthly gifts: a `RecurringGift` plan, and each month's installment counted as its own gift.

Starting: `start_monthly_gift` writes a pending plan and opens its checkout (Stripe Checkout in
`subscription` mode, or the local test checkout). Stripe's `checkout.session.completed` for it
only links the customer and subscription (`link_subscription_checkout`): it counts nothing.
Every installment, the first included, is counted by `record_installment`, called for Stripe's
`invoice.paid` (`installment_from_invoice`) and, in test mode, by the local checkout and
`manage.py bill_monthly_gifts` (`bill_due_gifts`): one `Donation` per invoice (its id unique),
through `Donation.mark_paid` and `queue_receipt` like every gift.

Installments count on the plan's page until that page stops taking gifts (its deadline), then
on the organisation's own giving page (`SiteSettings.monthly_giving_page`).

Donors manage a plan without an account through a signed link (`manage_url`), carried by every
monthly receipt and sent on request (`email_manage_links`, which answers the same for any
address).
"""

import calendar
import logging
import secrets
from datetime import UTC, date, datetime

import stripe
from celery import shared_task
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from northstar.days import organisation_date, organisation_today
from northstar.emails import absolute_url, public_url, send_email
from northstar.models import SiteSettings, normalise_email

from .fees import fee_rule, fee_to_cover
from .models import LOCAL_SESSION_PREFIX, Donation, RecurringGift
from .receipts import queue_receipt
from .services import CheckoutUnavailable, donor_fields, stripe_client, stripe_enabled
from .stripe_objects import metadata_ids, stripe_id

logger = logging.getLogger(__name__)

LOCAL_SUBSCRIPTION_PREFIX = "sub_local_"
LOCAL_INVOICE_PREFIX = "in_local_"
MANAGE_SALT = "donations.recurring.manage"


class RecurringGiftError(Exception):
    """A change to a monthly gift that cannot be made (it has ended; Stripe refused)."""


def add_month(day: date, anchor_day: int | None = None) -> date:
    """The same day of the next month, or its last day if shorter (Jan 31 → Feb 28/29).

    `anchor_day`: the day of the month the plan started on, so that Feb 28 goes back to Mar 31.
    """
    anchor_day = anchor_day or day.day
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


# Starting a plan


def start_monthly_gift(page, data) -> str:
    """Record a pending monthly gift to `page` from the cleaned donate form; the URL of its
    checkout (Stripe's in subscription mode, or the local test checkout).

    Raises `CheckoutUnavailable` (the plan then ends canceled) when Stripe refuses.
    """
    plan = RecurringGift(**donor_fields(page, data))
    if not stripe_enabled():
        plan.checkout_session_id = LOCAL_SESSION_PREFIX + secrets.token_hex(16)
        plan.save(force_insert=True)
        return reverse("donations:monthly-test-checkout", args=[plan.checkout_token])
    plan.save(force_insert=True)
    session = create_subscription_checkout(page, plan)
    RecurringGift.objects.filter(pk=plan.pk).update(checkout_session_id=session.id)
    return session.url


def plan_metadata(plan) -> dict:
    """What Stripe keeps on the session and the subscription (and copies onto each invoice)."""
    return {"recurring_gift_id": str(plan.pk), "page_id": str(plan.page_id)}


def create_subscription_checkout(page, plan):
    """A Stripe Checkout Session in subscription mode for `plan`: a monthly price given inline.

    Raises `CheckoutUnavailable` (and cancels the pending plan) if Stripe says no.
    """
    params = {
        "mode": "subscription",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": plan.currency,
                    "unit_amount": monthly_charge(plan),
                    "recurring": {"interval": "month"},
                    "product_data": {"name": monthly_product_name(page, plan)},
                },
            }
        ],
        "customer_email": plan.email,
        "client_reference_id": f"recurring-{plan.pk}",
        "metadata": plan_metadata(plan),
        "subscription_data": {"metadata": plan_metadata(plan)},
        "success_url": absolute_url(monthly_thank_you_path(plan)),
        "cancel_url": public_url(page),
    }
    try:
        return stripe_client().v1.checkout.sessions.create(
            params, {"idempotency_key": f"recurring-gift-{plan.uuid}"}
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe refused a subscription checkout for plan %s: %s", plan.pk, exc)
        RecurringGift.objects.filter(pk=plan.pk, status=RecurringGift.Status.PENDING).update(
            status=RecurringGift.Status.CANCELED, canceled_at=timezone.now()
        )
        raise CheckoutUnavailable from exc


def monthly_charge(plan) -> int:
    """What each month charges, in minor units: the gift and the fee the donor covers. One
    price (a subscription has one item, `subscription_amount`); `split_charge` reads it back."""
    return plan.amount_cents + plan.fee_cents


def monthly_product_name(page, plan) -> str:
    if plan.fee_cents:
        return f"Monthly gift to {page.title}, with the processing fee covered"
    return f"Monthly gift to {page.title}"


def split_charge(plan, charged_cents: int) -> tuple[int, int]:
    """(gift, fee) in minor units of a monthly charge of `charged_cents`: the plan's fee and
    the rest as the gift when the donor covers the fee and the charge is larger than it;
    else all of it is the gift. So a price changed in Stripe's dashboard keeps the fee the
    donor chose and counts the rest as their gift."""
    if plan.fee_cents and charged_cents > plan.fee_cents:
        return charged_cents - plan.fee_cents, plan.fee_cents
    return charged_cents, 0


def monthly_thank_you_path(plan):
    return reverse("donations:monthly-thank-you", args=[plan.checkout_token])


def plan_from_metadata(metadata, *, for_update=True):
    """The plan a Stripe object's metadata names (`recurring_gift_id`, `page_id` as we sent
    them), or None: both must match one of our plans."""
    named = metadata_ids(metadata, "recurring_gift_id", "page_id")
    if named is None:
        return None
    plan_id, page_id = named
    plans = RecurringGift.objects.select_for_update() if for_update else RecurringGift.objects
    return plans.filter(pk=plan_id, page_id=page_id).first()


def link_subscription_checkout(session) -> bool:
    """A completed subscription-mode checkout: link its customer and subscription to our plan.

    Counts nothing: every installment, the first too, is counted on `invoice.paid`. Only a
    session we created links: the plan's stored session id, or (Stripe's event overtaking the
    request that stored it) a plan still waiting whose metadata the session carries. True if
    the plan was linked now.
    """
    with transaction.atomic():
        plan = plan_from_metadata(session.get("metadata"))
        if plan is None:
            logger.warning("No monthly gift for subscription checkout %s", session.get("id"))
            return False
        ours = plan.checkout_session_id == session.get("id") or (
            plan.checkout_session_id is None and plan.status == RecurringGift.Status.PENDING
        )
        if not ours:
            logger.error("Checkout %s names plan %s but is not its own", session.get("id"), plan.pk)
            return False
        return link_subscription(
            plan,
            stripe_id(session.get("subscription")),
            stripe_id(session.get("customer")),
            session_id=session.get("id"),
        )


def link_subscription(plan, subscription_id, customer_id, session_id=None) -> bool:
    """Record a locked plan's Stripe subscription and customer; activate it if it was waiting."""
    if plan.stripe_subscription_id and plan.stripe_subscription_id != subscription_id:
        logger.error(
            "Plan %s has subscription %s, not %s",
            plan.pk,
            plan.stripe_subscription_id,
            subscription_id,
        )
        return False
    plan.stripe_subscription_id = subscription_id or plan.stripe_subscription_id
    plan.stripe_customer_id = customer_id or plan.stripe_customer_id
    plan.checkout_session_id = plan.checkout_session_id or session_id
    if plan.status == RecurringGift.Status.PENDING:
        plan.status = RecurringGift.Status.ACTIVE
    plan.save()
    return True


# Installments


def installment_page(plan):
    """The page this month's installment counts on: the plan's page while it takes gifts, then
    the organisation's giving page (`SiteSettings.monthly_giving_page`), as its own type."""
    page = plan.page.specific
    if getattr(page, "accepts_donations", True):
        return page
    fallback = SiteSettings.for_default_site().monthly_giving_page
    if fallback is None:
        logger.warning("Plan %s: %s has ended and no monthly giving page is set", plan.pk, page)
        return page
    return fallback.specific


def record_installment(
    plan,
    invoice_id: str,
    amount_cents: int,
    currency: str,
    *,
    paid_at=None,
    payment_intent_id="",
    next_on: date | None = None,
) -> Donation | None:
    """Count one paid installment of `plan` (locked by the caller or not) as its own gift.

    `amount_cents`: what the invoice charged (minor units), the gift and the fee the donor
    covers, split by `split_charge` onto the installment's `amount_cents` and `fee_cents`.

    `invoice_id` (Stripe's, or `in_local_...` in test mode) is unique: a second call for the
    same invoice returns None and counts nothing. `paid_at`: when the invoice was paid (the
    gift's `paid_at`; default now). `next_on`: the next installment's day (default: a month
    after the day paid, on the plan's day of the month). The gift is
    marked paid (every level's total), receipted with the plan's manage link, and the plan
    moves on a month. A plan canceled after the invoice was paid still counts the money that
    arrived.
    """
    with transaction.atomic():
        plan = RecurringGift.objects.select_for_update().get(pk=plan.pk)
        if Donation.objects.filter(stripe_invoice_id=invoice_id).exists():
            return None
        page = installment_page(plan)
        paid_at = paid_at or timezone.now()
        gift_cents, fee_cents = split_charge(plan, amount_cents)
        donation = Donation.objects.create(
            page=page,
            amount_cents=gift_cents,
            fee_cents=fee_cents,
            currency=currency,
            first_name=plan.first_name,
            last_name=plan.last_name,
            email=plan.email,
            name_shown=plan.name_shown,
            show_amount_publicly=plan.show_amount_publicly,
            message=plan.message if plan.installments_paid == 0 else "",
            recurring_gift=plan,
            stripe_invoice_id=invoice_id,
        )
        donation.mark_paid(payment_intent_id, paid_at=paid_at)
        plan.installments_paid += 1
        if plan.status in (RecurringGift.Status.PENDING, RecurringGift.Status.PAST_DUE):
            plan.status = RecurringGift.Status.ACTIVE
        anchor = organisation_date(plan.created).day
        plan.next_installment_on = next_on or add_month(organisation_date(paid_at), anchor)
        if plan.last_failed_invoice_id == invoice_id:
            plan.last_failed_invoice_id = ""
        plan.save()
        queue_receipt(
            donation,
            monthly=True,
            installment_number=plan.installments_paid,
            manage_url=manage_url(plan),
            test_payment=invoice_id.startswith(LOCAL_INVOICE_PREFIX),
        )
    return donation


def invoice_subscription_details(invoice) -> tuple[str, dict]:
    """(subscription id, metadata) of an invoice: basil's `parent.subscription_details`, else
    the older top-level `subscription` and `subscription_details`."""
    parent = invoice.get("parent") if isinstance(invoice.get("parent"), dict) else {}
    details = parent.get("subscription_details")
    if not isinstance(details, dict):
        details = invoice.get("subscription_details")
    details = details if isinstance(details, dict) else {}
    subscription = stripe_id(details.get("subscription")) or stripe_id(invoice.get("subscription"))
    metadata = details.get("metadata") if isinstance(details.get("metadata"), dict) else {}
    return subscription, metadata


def invoice_payment_intent(invoice) -> str:
    """The payment intent of a paid invoice: basil's `payments` list, else `payment_intent`."""
    payments = invoice.get("payments")
    for payment in (payments or {}).get("data") or [] if isinstance(payments, dict) else []:
        inner = payment.get("payment") if isinstance(payment, dict) else None
        if isinstance(inner, dict) and stripe_id(inner.get("payment_intent")):
            return stripe_id(inner.get("payment_intent"))
    return stripe_id(invoice.get("payment_intent"))


def plan_for_invoice(invoice):
    """Our plan for a subscription invoice, locked (by the metadata it copies from the
    subscription, else by the subscription id), its subscription linked; None if not ours."""
    subscription_id, metadata = invoice_subscription_details(invoice)
    plan = plan_from_metadata(metadata)
    if plan is None and subscription_id:
        plan = (
            RecurringGift.objects.select_for_update()
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
    if plan is None:
        return None
    if not link_subscription(plan, subscription_id, stripe_id(invoice.get("customer"))):
        return None
    return plan


def installment_from_invoice(invoice) -> Donation | None:
    """`invoice.paid`: count what the invoice collected as one installment of its plan.

    The page is read from the invoice's copy of the subscription's metadata, so an
    `invoice.paid` that overtakes the checkout's own event still lands. An invoice of no plan
    of ours, or of nothing (0), is ignored.
    """
    amount = invoice.get("amount_paid")
    if not invoice.get("id") or not isinstance(amount, int) or amount <= 0:
        return None
    with transaction.atomic():
        plan = plan_for_invoice(invoice)
        if plan is None:
            logger.warning("invoice.paid %s is of no monthly gift of ours", invoice.get("id"))
            return None
        paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
        return record_installment(
            plan,
            invoice["id"],
            amount,
            str(invoice.get("currency") or plan.currency).lower(),
            paid_at=datetime.fromtimestamp(paid_at, tz=UTC) if isinstance(paid_at, int) else None,
            payment_intent_id=invoice_payment_intent(invoice),
        )


# Failed payments and the plan's state


def installment_failed(invoice) -> bool:
    """`invoice.payment_failed`: the plan is past due; the donor is emailed once per failed
    invoice (Stripe retries the same invoice: those retries send nothing). True if emailed."""
    if not invoice.get("id"):
        return False
    with transaction.atomic():
        plan = plan_for_invoice(invoice)
        if plan is None or plan.is_canceled:
            return False
        if Donation.objects.filter(stripe_invoice_id=invoice["id"]).exists():
            return False  # paid already: a late copy of an earlier failure
        plan.status = RecurringGift.Status.PAST_DUE
        emailed = plan.last_failed_invoice_id != invoice["id"]
        plan.last_failed_invoice_id = invoice["id"]
        plan.save(update_fields=["status", "last_failed_invoice_id"])
        if emailed:
            retry = invoice.get("next_payment_attempt")
            retry_on = (
                date_format(organisation_date(datetime.fromtimestamp(retry, tz=UTC)), "F j, Y")
                if isinstance(retry, int)
                else ""
            )
            send_email(
                "donations/monthly_payment_failed",
                plan.email,
                plan_email_context(plan, retry_on=retry_on),
            )
    return emailed


# Stripe's subscription statuses, as our plan's.
SUBSCRIPTION_STATES = {
    "active": RecurringGift.Status.ACTIVE,
    "trialing": RecurringGift.Status.ACTIVE,
    "past_due": RecurringGift.Status.PAST_DUE,
    "unpaid": RecurringGift.Status.PAST_DUE,
    "canceled": RecurringGift.Status.CANCELED,
    "incomplete_expired": RecurringGift.Status.CANCELED,
}


def subscription_changed(subscription) -> bool:
    """`customer.subscription.updated` / `.deleted`: the plan takes the subscription's state.

    A canceled plan stays canceled (events arrive in any order; Stripe never restarts a
    canceled subscription). The donor is told once when a plan ends. True if it changed.
    """
    status = SUBSCRIPTION_STATES.get(subscription.get("status"))
    if status is None or not subscription.get("id"):
        return False
    with transaction.atomic():
        plan = plan_from_metadata(subscription.get("metadata"))
        if plan is None:
            plan = (
                RecurringGift.objects.select_for_update()
                .filter(stripe_subscription_id=subscription["id"])
                .first()
            )
        if plan is None or plan.is_canceled:
            return False
        if not link_subscription(plan, subscription["id"], stripe_id(subscription.get("customer"))):
            return False
        amount = subscription_amount(subscription)
        if amount:
            plan.amount_cents, plan.fee_cents = split_charge(plan, amount)
        if status == RecurringGift.Status.CANCELED:
            end_plan(plan)
            return True
        if plan.status == status and not amount:
            return False
        plan.status = status
        plan.save()
    return True


def subscription_amount(subscription) -> int | None:
    """The monthly charge of a subscription's one item (the gift and the fee covered), in
    minor units, if it says."""
    items = (subscription.get("items") or {}).get("data") or []
    if len(items) != 1 or not isinstance(items[0], dict):
        return None
    price = items[0].get("price") if isinstance(items[0].get("price"), dict) else {}
    amount = price.get("unit_amount")
    return amount if isinstance(amount, int) and amount > 0 else None


def end_plan(plan):
    """Cancel a locked plan here (Stripe's side is the caller's) and tell the donor, once."""
    if plan.is_canceled:
        return False
    plan.status = RecurringGift.Status.CANCELED
    plan.canceled_at = timezone.now()
    plan.next_installment_on = None
    plan.save()
    send_email("donations/monthly_ended", plan.email, plan_email_context(plan))
    return True


# Managing a plan: the signed link, cancel, change the amount, update the card


def manage_token(plan) -> str:
    return signing.dumps(str(plan.uuid), salt=MANAGE_SALT)


def manage_url(plan) -> str:
    """The absolute, signed link (no login) to manage `plan`."""
    return absolute_url(reverse("donations:monthly-manage", args=[manage_token(plan)]))


def plan_for_token(token) -> RecurringGift | None:
    """The plan a manage link's token names, or None for a token we did not sign."""
    try:
        plan_uuid = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    return RecurringGift.objects.select_related("page").filter(uuid=plan_uuid).first()


def plan_email_context(plan, **extra) -> dict:
    page = plan.page.specific
    context = {
        "first_name": plan.first_name,
        "amount_cents": plan.amount_cents,
        "currency": plan.currency,
        "page_title": page.title,
        "page_url": public_url(page),
        "manage_url": manage_url(plan),
    }
    context.update(extra)
    return context


def cancel_recurring_gift(plan) -> bool:
    """Stop `plan`'s future installments (Stripe: cancel the subscription now). Nothing already
    given is counted back. False if it had ended already; raises `RecurringGiftError` if
    Stripe refuses."""
    if plan.stripe_subscription_id and stripe_enabled():
        try:
            stripe_client().v1.subscriptions.cancel(plan.stripe_subscription_id)
        except stripe.InvalidRequestError as exc:
            if "canceled" not in str(exc).lower():  # already canceled in Stripe: go on
                raise RecurringGiftError(str(exc)) from exc
        except stripe.StripeError as exc:
            raise RecurringGiftError(str(exc)) from exc
    with transaction.atomic():
        plan = RecurringGift.objects.select_for_update().get(pk=plan.pk)
        return end_plan(plan)


def change_amount(plan, amount_cents: int) -> RecurringGift:
    """Give `amount_cents` a month from the next installment on (Stripe: the subscription's
    price, without proration). A donor who covers the fee keeps covering it: the fee is
    computed again for the new amount (the organisation's rule now); a donor who did not
    is not charged one. Raises `RecurringGiftError` for an ended plan or Stripe's no."""
    if plan.is_canceled:
        raise RecurringGiftError("This monthly gift has ended.")
    fee_cents = fee_to_cover(amount_cents, fee_rule(plan.currency)) if plan.fee_cents else 0
    charge_cents = amount_cents + fee_cents
    if plan.stripe_subscription_id and stripe_enabled():
        client = stripe_client()
        try:
            subscription = client.v1.subscriptions.retrieve(plan.stripe_subscription_id)
            item = subscription["items"]["data"][0]
            client.v1.subscriptions.update(
                plan.stripe_subscription_id,
                {
                    "items": [
                        {
                            "id": item["id"],
                            "price_data": {
                                "currency": plan.currency,
                                "unit_amount": charge_cents,
                                "recurring": {"interval": "month"},
                                "product": stripe_id(item["price"]["product"]),
                            },
                        }
                    ],
                    "proration_behavior": "none",
                },
                {"idempotency_key": f"recurring-amount-{plan.uuid}-{charge_cents}"},
            )
        except (stripe.StripeError, KeyError, IndexError, TypeError) as exc:
            raise RecurringGiftError(str(exc)) from exc
    RecurringGift.objects.filter(pk=plan.pk).update(amount_cents=amount_cents, fee_cents=fee_cents)
    plan.amount_cents, plan.fee_cents = amount_cents, fee_cents
    return plan


def card_update_url(plan, return_url: str) -> str | None:
    """Where the donor updates their card: Stripe's customer portal on its
    `payment_method_update` flow, or None in test mode (a local page stands in). Raises
    `RecurringGiftError` if Stripe refuses."""
    if not (stripe_enabled() and plan.stripe_customer_id and plan.stripe_subscription_id):
        return None
    try:
        session = stripe_client().v1.billing_portal.sessions.create(
            {
                "customer": plan.stripe_customer_id,
                "return_url": return_url,
                "flow_data": {
                    "type": "payment_method_update",
                    "after_completion": {
                        "type": "redirect",
                        "redirect": {"return_url": return_url},
                    },
                },
            }
        )
    except stripe.StripeError as exc:
        raise RecurringGiftError(str(exc)) from exc
    return session.url


@shared_task(name="donations.tasks.email_manage_links")
def email_manage_links(email: str) -> int:
    """Email each monthly gift of `email` that has not ended its manage link (one email); the
    number of gifts. A task: the form that asks for it queues it for every address typed, so
    neither its answer nor its time says whether an address gives monthly (privacy rule)."""
    plans = list(
        RecurringGift.objects.filter(
            email=normalise_email(email), status__in=RecurringGift.BILLING_STATES
        ).select_related("page")
    )
    if plans:
        send_email(
            "donations/monthly_manage_link",
            plans[0].email,
            {
                "first_name": plans[0].first_name,
                "gifts": [
                    {
                        "amount_cents": plan.amount_cents,
                        "currency": plan.currency,
                        "page_title": plan.page.title,
                        "manage_url": manage_url(plan),
                    }
                    for plan in plans
                ],
            },
        )
    return len(plans)


# Test mode: the local checkout and the billing Stripe does in production


def complete_local_checkout(plan, *, today: date | None = None, paid_at=None) -> Donation | None:
    """The local test checkout for a monthly gift: the plan starts and its first installment is
    billed at once, through the same `record_installment` as Stripe's `invoice.paid`.

    `today` and `paid_at` (default: the organisation's today, now): the first installment's
    day and time, for demo data that starts a plan months ago."""
    with transaction.atomic():
        plan = RecurringGift.objects.select_for_update().get(pk=plan.pk)
        if plan.status != RecurringGift.Status.PENDING:
            return None
        link_subscription(plan, LOCAL_SUBSCRIPTION_PREFIX + plan.uuid.hex, "")
        return bill_installment(plan, today or organisation_today(), paid_at=paid_at)


def bill_installment(plan, due_on: date, *, paid_at=None) -> Donation | None:
    """Test mode: the installment of `plan` due on `due_on`, paid at `paid_at` (default now;
    its invoice id is made from the plan and the day, so billing the same day twice counts
    once)."""
    invoice_id = f"{LOCAL_INVOICE_PREFIX}{plan.uuid.hex}_{due_on:%Y%m%d}"
    next_on = add_month(due_on, organisation_date(plan.created).day)
    return record_installment(
        plan, invoice_id, monthly_charge(plan), plan.currency, paid_at=paid_at, next_on=next_on
    )


class StripeBills(Exception):
    """Stripe is set up: it bills monthly gifts itself, `bill_due_gifts` must not."""


def bill_due_gifts(*, now: bool = False, today: date | None = None) -> list[Donation]:
    """Test mode: each billing plan's due installment (`now`: every billing plan's next one,
    whatever its date), each through `record_installment`. The installments made.

    Raises `StripeBills` when Stripe is set up (STRIPE_SECRET_KEY).
    """
    if stripe_enabled():
        raise StripeBills("Stripe bills monthly gifts on this site; nothing to do here.")
    today = today or organisation_today()
    plans = RecurringGift.objects.filter(status__in=RecurringGift.BILLING_STATES)
    if not now:
        plans = plans.filter(next_installment_on__lte=today)
    made = []
    for plan in plans.order_by("pk"):
        installment = bill_installment(plan, plan.next_installment_on or today)
        if installment is not None:
            made.append(installment)
    return made


@shared_task(name="donations.tasks.bill_monthly_gifts")
def bill_monthly_gifts() -> int:
    """Beat's daily run of `bill_due_gifts` in test mode; nothing with Stripe (it bills)."""
    try:
        return len(bill_due_gifts())
    except StripeBills:
        return 0
