"""Offline gifts: a cheque, cash, a bank transfer or other money that did not come through
Stripe, recorded by staff, or reported by a fundraiser page's owner and confirmed by staff.

Each service checks, changes and logs in one transaction, with the gift's row locked where
it changes (pretix's style); totals move only through `count_gift` / `count_change`
(`Donation.mark_paid`, `refunds.settle`), in that same transaction:

- `record_offline_gift`: staff record a gift; it is paid at once and counts on its page
  and every level above (`gift_levels`).
- `report_offline_gift`: a fundraiser page's owner reports one ("Aunt May gave $40 in
  cash"); it waits, AWAITING_CONFIRMATION, and counts nothing, so that a page cannot
  inflate its own total.
- `confirm_offline_gifts`: staff confirm reported gifts, one or many: each becomes paid
  and counts once (a gift no longer waiting is skipped).
- `correct_offline_gift`: staff change the amount, method, date or reference, with a
  reason; the totals move by the difference.
- `void_offline_gift`: staff void a gift with a reason; what it counted comes off every
  level. It is never deleted (the admin lets no one delete a gift).

Amounts are integer cents (`amount_cents`), between 1 and `MAX_OFFLINE_GIFT_CENTS`; what
a person types is read by `parse_offline_amount` (the project's dollars parser,
`money.amount_cents`: ASCII digits, at most two decimals). A gift's `paid_at` is noon of
the day received in the organisation's time zone (`paid_at_for`), or now when that noon
is still to come, so reports, charts and yearly statements put it on the day the money
arrived. No receipt is sent for an offline gift unless staff ask for one.

Every error is an `OfflineGiftError` whose message is for the person who typed.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from northstar.days import organisation_today, start_of_day

from .models import Donation, gift_levels
from .money import DEFAULT_CURRENCY, InvalidAmount, amount_cents, format_money
from .refunds import lock_donation, settle

# The log actions (their words: `history_words`, registered in `donations.wagtail_hooks`).
RECORDED = "donations.offline_recorded"
REPORTED = "donations.offline_reported"
CONFIRMED = "donations.offline_confirmed"
CORRECTED = "donations.offline_corrected"
VOIDED = "donations.offline_voided"

ACTION_LABELS = {
    RECORDED: "Offline gift recorded",
    REPORTED: "Offline gift reported by the page's owner",
    CONFIRMED: "Offline gift confirmed",
    CORRECTED: "Offline gift corrected",
    VOIDED: "Offline gift voided",
}

PERMISSION = "donations.record_offline_donation"

# The most one offline gift may be: a typo of three zeros is refused rather than counted.
MAX_OFFLINE_GIFT_CENTS = 100_000_000  # $1,000,000
# Gifts one owner may report in one of the organisation's days, over all their pages.
OWNER_REPORTS_PER_DAY = 10
REFERENCE_MAX_LENGTH = Donation._meta.get_field("reference").max_length
NAME_MAX_LENGTH = Donation._meta.get_field("first_name").max_length

OWNER_METHODS = (Donation.Method.CASH, Donation.Method.CHEQUE, Donation.Method.OTHER)


class OfflineGiftError(Exception):
    """An offline gift that cannot be recorded, reported or changed; `str(exc)` says why,
    for the person who typed. Nothing was changed."""


class BadAmount(OfflineGiftError):
    """Not an amount, or 0, negative, or over `MAX_OFFLINE_GIFT_CENTS`."""


class BadDate(OfflineGiftError):
    """A received date that is missing or in the future."""


class PageTakesNoGifts(OfflineGiftError):
    """The page is not of a type that takes gifts."""


class NotYourPage(OfflineGiftError):
    """An owner reporting a gift to a page that is not theirs."""


class TooManyReports(OfflineGiftError):
    """An owner who reported `OWNER_REPORTS_PER_DAY` gifts today already."""


class NotOffline(OfflineGiftError):
    """A gift given online: it is refunded, never corrected or voided."""


class AlreadyVoided(OfflineGiftError):
    """A gift voided already: it cannot be voided again, nor corrected."""


class ReasonRequired(OfflineGiftError):
    """A correction or a void without a reason."""


class NothingChanged(OfflineGiftError):
    """A correction that changes nothing."""


# --- checks ---------------------------------------------------------------------------


def check_amount(cents, currency=DEFAULT_CURRENCY):
    """Raise BadAmount unless `cents` is an int from 1 to `MAX_OFFLINE_GIFT_CENTS`."""
    if isinstance(cents, bool) or not isinstance(cents, int) or cents <= 0:
        raise BadAmount("Please enter an amount more than zero.")
    if cents > MAX_OFFLINE_GIFT_CENTS:
        limit = format_money(MAX_OFFLINE_GIFT_CENTS, currency)
        raise BadAmount(f"An offline gift can be at most {limit}.")


def parse_offline_amount(text, currency=DEFAULT_CURRENCY):
    """The cents in an amount typed for an offline gift ("40", "$1,250.50"); raises
    BadAmount, saying why, for anything else: other scripts' digits, "1e3", "-5",
    "40.005", 0, or more than `MAX_OFFLINE_GIFT_CENTS`."""
    try:
        cents = amount_cents(text, currency)
    except InvalidAmount as exc:
        raise BadAmount(str(exc)) from exc
    check_amount(cents, currency)
    return cents


def check_received_on(day):
    """Raise BadDate unless `day` is a date no later than the organisation's today."""
    if not isinstance(day, datetime.date):
        raise BadDate("Please enter the date the gift was received.")
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day > organisation_today():
        raise BadDate("The date received cannot be in the future.")
    return day


def check_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Please give a reason: it is kept in the gift's history.")
    return reason


def check_method(method, allowed=Donation.OFFLINE_METHODS):
    if method not in allowed:
        words = ", ".join(str(Donation.Method(m).label).lower() for m in allowed)
        raise OfflineGiftError(f"Please choose how the money came: {words}.")
    return method


def gift_page(page):
    """`page` (a page or its id) as its own type, if it takes gifts (a campaign, a team, a
    fundraiser page, live or not: a cheque may arrive after the deadline); else raises
    PageTakesNoGifts."""
    page_id = page.pk if isinstance(page, Page) else page
    found = Page.objects.filter(pk=page_id).specific().first()
    if found is None or not hasattr(found, "accepts_donations"):
        raise PageTakesNoGifts("Please choose a campaign, a team or a fundraiser page.")
    return found


def paid_at_for(received_on, now=None):
    """When an offline gift received on `received_on` counts as paid: noon of that day in
    the organisation's time zone, or `now` if that noon is still to come (today's gift
    recorded in the morning)."""
    now = now or timezone.now()
    noon = start_of_day(received_on).replace(hour=12)  # a wall-clock noon, DST or not
    return min(noon, now)


def _currency(page):
    return getattr(page, "currency", DEFAULT_CURRENCY) or DEFAULT_CURRENCY


def _clean(text, limit):
    return " ".join(str(text or "").split())[:limit]


# --- what the history says ------------------------------------------------------------


def gift_facts(donation):
    """What an offline gift is, in words fixed now, for its log entries."""
    return {
        "amount": format_money(donation.amount_cents, donation.currency, exact=True),
        "method": str(donation.get_method_display()),
        "received_on": donation.received_on.isoformat() if donation.received_on else "",
        "reference": donation.reference,
    }


def history_words(action):
    """The formatter of `action`'s History line (`register_staff_action`)."""

    def facts(data):
        parts = [data.get("amount", "?"), data.get("method", "").lower()]
        if data.get("received_on"):
            parts.append(f"received {data['received_on']}")
        if data.get("reference"):
            parts.append(f"reference {data['reference']}")
        return " ".join(p for p in parts[:2] if p) + "".join(f", {p}" for p in parts[2:])

    def words(data):
        if action == RECORDED:
            return f"Offline gift recorded: {facts(data)}, on {data.get('page', '?')}"
        if action == REPORTED:
            return (
                f"Offline gift reported by the page's owner ({data.get('owner', '?')}): "
                f"{facts(data)}; not counted until staff confirm it"
            )
        if action == CONFIRMED:
            return f"Offline gift confirmed: {facts(data)} now counts"
        if action == VOIDED:
            return f"Offline gift voided: {facts(data)} no longer counts ({data.get('reason')})"
        before, after = data.get("before", {}), data.get("after", {})
        changes = [
            f"{name.replace('_', ' ')} {before.get(name) or '—'} → {after.get(name) or '—'}"
            for name in ("amount", "method", "received_on", "reference")
            if before.get(name) != after.get(name)
        ]
        return f"Offline gift corrected: {'; '.join(changes)} ({data.get('reason', '')})"

    return words


# --- the services ---------------------------------------------------------------------


def record_offline_gift(
    *,
    page,
    amount_cents: int,
    method: str,
    received_on: datetime.date,
    first_name: str,
    last_name: str,
    email: str = "",
    reference: str = "",
    name_shown: str = Donation.NameShown.ANONYMOUS,
    by,
) -> Donation:
    """Record an offline gift of `amount_cents` (cents, 1 to MAX_OFFLINE_GIFT_CENTS) to
    `page` (a page taking gifts, or its id) received on `received_on` (not in the future)
    by `method` (one of `Donation.OFFLINE_METHODS`); the new `Donation`, paid.

    In one transaction: the gift (its `recorded_by` is `by`, its `paid_at` `paid_at_for`,
    anonymous unless `name_shown` says otherwise), counted on its page and every level
    above (`Donation.mark_paid`), and its log entry. No receipt is sent.

    Raises BadAmount, BadDate, PageTakesNoGifts or OfflineGiftError (a method not offline,
    no donor name); each changes nothing.
    """
    page = gift_page(page)
    currency = _currency(page)
    check_amount(amount_cents, currency)
    check_method(method)
    received_on = check_received_on(received_on)
    first_name, last_name = _clean(first_name, NAME_MAX_LENGTH), _clean(last_name, NAME_MAX_LENGTH)
    if not (first_name or last_name):
        raise OfflineGiftError("Please enter the donor's name.")
    if name_shown not in Donation.NameShown.values:
        name_shown = Donation.NameShown.ANONYMOUS
    with transaction.atomic():
        donation = Donation.objects.create(
            page=page,
            amount_cents=amount_cents,
            currency=currency,
            first_name=first_name,
            last_name=last_name,
            email=email or "",
            name_shown=name_shown,
            method=method,
            received_on=received_on,
            reference=_clean(reference, REFERENCE_MAX_LENGTH),
            recorded_by=by,
            status=Donation.Status.PENDING,  # paid below, in this transaction
        )
        donation.mark_paid(paid_at=paid_at_for(received_on))
        log(donation, RECORDED, user=by, data={**gift_facts(donation), "page": page.title})
    return donation


def report_offline_gift(
    *,
    page,
    owner,
    amount_cents: int,
    method: str,
    received_on: datetime.date,
    donor_name: str = "",
    note: str = "",
) -> Donation:
    """An offline gift to `page` (a fundraiser page, or its id) reported by `owner`, the
    page's owner: `amount_cents` (1 to MAX_OFFLINE_GIFT_CENTS), `method` (cash, cheque or
    other: `OWNER_METHODS`), `received_on` (not in the future), who gave (`donor_name`,
    optional: "Aunt May") and a `note` for staff (kept as the gift's reference). The new
    `Donation`, AWAITING_CONFIRMATION, counted nowhere until staff confirm it
    (`confirm_offline_gifts`).

    The donor's name is shown to the owner (who typed it) and to no one else; a gift
    without a name is anonymous. An owner may report `OWNER_REPORTS_PER_DAY` gifts per
    organisation day (the owner's row is locked while counting, so two tabs cannot both
    slip under the limit).

    Raises NotYourPage (not a fundraiser page of `owner`'s), TooManyReports, BadAmount,
    BadDate or OfflineGiftError (a method owners cannot report); each changes nothing.
    """
    page_id = page.pk if isinstance(page, Page) else page
    fundraiser = Page.objects.filter(pk=page_id).specific().first()
    if owner is None or fundraiser is None or page_owner_id(fundraiser) != owner.pk:
        raise NotYourPage("You can report gifts only to your own fundraiser pages.")
    currency = _currency(fundraiser)
    check_amount(amount_cents, currency)
    check_method(method, OWNER_METHODS)
    received_on = check_received_on(received_on)
    name = _clean(donor_name, NAME_MAX_LENGTH)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        today = start_of_day(organisation_today())
        if reported_today(owner, since=today) >= OWNER_REPORTS_PER_DAY:
            raise TooManyReports(
                f"You can report up to {OWNER_REPORTS_PER_DAY} gifts a day. "
                "Please report the others tomorrow, or ask our staff to record them."
            )
        donation = Donation.objects.create(
            page=fundraiser,
            amount_cents=amount_cents,
            currency=currency,
            first_name=name,
            last_name="",
            email="",
            name_shown=Donation.NameShown.OWNER if name else Donation.NameShown.ANONYMOUS,
            method=method,
            received_on=received_on,
            reference=_clean(note, REFERENCE_MAX_LENGTH),
            reported_by=owner,
            status=Donation.Status.AWAITING_CONFIRMATION,
        )
        owner_name = owner.get_full_name() or owner.email
        log(donation, REPORTED, user=owner, data={**gift_facts(donation), "owner": owner_name})
    return donation


def page_owner_id(page):
    """The id of the user who owns `page` (a page as its own type), or None. A page type with
    an owner says so as `donations.views` reads it (`owner_public_name`: a supporter's
    fundraiser page), its owner being its `supporter`; the donations app names no other
    app's models."""
    if not hasattr(page, "owner_public_name"):
        return None
    return getattr(page, "supporter_id", None)


def reported_today(owner, *, since):
    """How many gifts `owner` reported since `since` (an aware datetime)."""
    return Donation.objects.filter(reported_by=owner, created_at__gte=since).count()


def confirm_offline_gifts(donations, *, by) -> int:
    """Confirm the owner-reported gifts `donations` (gifts, ids, or a queryset): each still
    awaiting confirmation becomes paid (`recorded_by` is `by`), counts once on its page
    and every level above, and is logged; the number confirmed.

    One transaction; the gifts are locked in id order (so two staff confirming overlapping
    sets wait for each other rather than deadlock), and those no longer awaiting (confirmed
    or voided meanwhile) are skipped: confirming twice counts nothing more.
    """
    ids = sorted({d if isinstance(d, int) else d.pk for d in donations})
    confirmed = 0
    with transaction.atomic():
        locked = Donation.objects.select_for_update().filter(
            pk__in=ids, status=Donation.Status.AWAITING_CONFIRMATION
        )
        for donation in locked.order_by("pk"):
            donation.recorded_by = by
            donation.save(update_fields=["recorded_by"])
            donation.mark_paid(paid_at=paid_at_for(donation.received_on or organisation_today()))
            log(donation, CONFIRMED, user=by, data=gift_facts(donation))
            confirmed += 1
    return confirmed


def _changeable(donation_id):
    """The offline gift `donation_id`, locked; raises NotOffline or AlreadyVoided."""
    donation = lock_donation(donation_id)
    if not donation.is_offline:
        raise NotOffline("This gift was given online: refund it instead.")
    if donation.status == Donation.Status.VOIDED:
        raise AlreadyVoided(
            f"This gift was voided already"
            f"{' (' + donation.void_reason + ')' if donation.void_reason else ''}: "
            "it no longer counts, and nothing was changed."
        )
    return donation


_UNCHANGED = object()


def correct_offline_gift(
    donation: Donation,
    *,
    amount_cents=None,
    method=_UNCHANGED,
    received_on=_UNCHANGED,
    reference=_UNCHANGED,
    by,
    reason: str,
) -> Donation:
    """Correct an offline gift: its amount (cents, 1 to MAX_OFFLINE_GIFT_CENTS), method,
    date received or reference, each left as it is when not given; the gift as corrected.

    In one transaction under the gift's lock: the change, the totals of its page and every
    level above moved by the difference in what it counts (`refunds.settle`: $40 -> $45
    adds $5; nothing for a gift still awaiting confirmation), and a log entry with the
    gift before and after and `reason`.

    Raises ReasonRequired, NotOffline, AlreadyVoided, BadAmount, BadDate, OfflineGiftError
    (a method not offline) or NothingChanged; each changes nothing.
    """
    reason = check_reason(reason)
    with transaction.atomic():
        donation = _changeable(donation.pk)
        if amount_cents is not None:
            check_amount(amount_cents, donation.currency)
        if method is not _UNCHANGED:
            check_method(method)
        if received_on is not _UNCHANGED:
            received_on = check_received_on(received_on)
        before = gift_facts(donation)
        with settle(donation):
            if amount_cents is not None:
                donation.amount_cents = amount_cents
            if method is not _UNCHANGED:
                donation.method = method
            if received_on is not _UNCHANGED:
                donation.received_on = received_on
                if donation.is_paid:
                    donation.paid_at = paid_at_for(received_on)
            if reference is not _UNCHANGED:
                donation.reference = _clean(reference, REFERENCE_MAX_LENGTH)
            after = gift_facts(donation)
            if after == before:
                raise NothingChanged("Nothing was changed: the gift already says that.")
            donation.save(
                update_fields=["amount_cents", "method", "received_on", "paid_at", "reference"]
            )
        log(
            donation,
            CORRECTED,
            user=by,
            data={"before": before, "after": after, "reason": reason, **after},
        )
    return donation


def void_offline_gift(donation: Donation, *, by, reason: str) -> Donation:
    """Void an offline gift (paid, or reported and awaiting): VOIDED, `voided_at` now,
    `void_reason`; what it counted comes off its page and every level above, in the same
    transaction, and the void is logged. The gift is kept (never deleted).

    Raises ReasonRequired, NotOffline, or AlreadyVoided (voided before: nothing changes).
    """
    reason = check_reason(reason)
    with transaction.atomic():
        donation = _changeable(donation.pk)
        with settle(donation):
            donation.status = Donation.Status.VOIDED
            donation.voided_at = timezone.now()
            donation.void_reason = reason
            donation.save(update_fields=["status", "voided_at", "void_reason"])
        log(donation, VOIDED, user=by, data={**gift_facts(donation), "reason": reason})
    return donation


def levels_of(page_id):
    """Titles of the pages whose totals a gift to `page_id` counts on, deepest first."""
    ids = gift_levels(page_id)
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids if pk in titles]
