"""One link for all my giving: a signed, login-free page listing every gift from one address.

The link (`giving_url`) carries the donor's address as stored (`normalise_email`), signed with
its own salt (`GIVING_SALT`, so no other signed value of the site opens it) and timestamped:
it opens the page for `GIVING_LINK_MAX_AGE` (90 days) after it was made; every receipt carries
a new one, and "email me the link" sends one to whoever owns the address.

The page (`gifts_for_address`, `plans_for_address`) lists the gifts that count or counted:
paid gifts, online or offline (confirmed by staff), partly or wholly refunded ones shown net of
their refunds; never a pending, failed, held, awaiting or voided one. Each gift carries what
its receipt says (`donations.receipts.receipt_details`, never recomputed here) and the path of
its PDF receipt (`donations.receipt_pdf`). Monthly plans that started carry their manage link
(`donations.recurring.manage_url`).

Privacy: "email me the link" queues `email_giving_link` for any address typed and the task
decides whether to send (only to an address that gave), so neither the form's answer nor its
time tells whether an address gave.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from django.core import signing
from django.urls import reverse

from northstar.days import organisation_date
from northstar.emails import absolute_url, send_email
from northstar.models import SiteSettings, normalise_email
from northstar.ratelimit import HOUR, allow

from .models import Donation, RecurringGift
from .receipts import receipt_details
from .recurring import manage_url

GIVING_SALT = "donations.giving.link"
GIVING_LINK_MAX_AGE = timedelta(days=90)
# At most this many "all my giving" emails to one address an hour, whoever asks (so the form
# cannot be used to flood a donor's inbox); counted by the task, after the form has answered.
GIVING_LINKS_PER_ADDRESS_PER_HOUR = 3


class GivingLinkInvalid(Exception):
    """A giving link we did not sign, or one altered since."""


class GivingLinkExpired(GivingLinkInvalid):
    """A giving link we signed more than `GIVING_LINK_MAX_AGE` ago."""


def giving_token(email: str) -> str:
    """The signed, timestamped token of the giving page of `email` (normalised first)."""
    return signing.dumps(normalise_email(email), salt=GIVING_SALT)


def giving_path(token: str) -> str:
    return reverse("donations:giving", args=[token])


def giving_url(email: str) -> str:
    """The absolute, signed link (no login) to the page of every gift from `email`; it opens
    the page for `GIVING_LINK_MAX_AGE` (90 days). "" for no address (an offline gift recorded
    without one): the receipt then carries no link."""
    if not normalise_email(email):
        return ""
    return absolute_url(giving_path(giving_token(email)))


def address_for_token(token: str) -> str:
    """The normalised address a giving link's token carries.

    Raises `GivingLinkExpired` for a token signed more than 90 days ago, `GivingLinkInvalid`
    for a token we did not sign (or altered)."""
    try:
        email = signing.loads(token, salt=GIVING_SALT, max_age=GIVING_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise GivingLinkExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise GivingLinkInvalid(str(exc)) from exc
    if not isinstance(email, str) or not email:
        raise GivingLinkInvalid("The token carries no address.")
    return email


def given_gifts(email: str):
    """The queryset of the gifts of `email` that count or counted (paid; refunded in part or
    whole they stay paid), newest first, with their page and refunds read in the same two
    queries whatever their number."""
    return (
        Donation.objects.filter(email=normalise_email(email), status__in=Donation.COUNTED_STATES)
        .select_related("page")
        .prefetch_related("refunds")
        .order_by("-paid_at", "-pk")
    )


@dataclass
class GivenGift:
    """One gift on the giving page: the gift, what its receipt says (`receipt_details`) and
    the path of its PDF receipt."""

    donation: Donation
    receipt: dict
    pdf_path: str


@dataclass
class GivingYear:
    """The gifts of one of the organisation's calendar years, newest first, and their net
    total per currency: [(currency, cents)]."""

    year: int
    gifts: list = field(default_factory=list)
    totals: list = field(default_factory=list)


def gifts_for_address(email: str, token: str) -> list[GivenGift]:
    """Every gift of `email` that counts or counted, newest first, each with its receipt's
    details and the path of its PDF under the giving link `token`. Three queries (the site's
    settings, the gifts with their pages, their refunds) whatever the number of gifts."""
    org = SiteSettings.for_default_site()
    return [
        GivenGift(
            donation=donation,
            receipt=receipt_details(donation, org),
            pdf_path=reverse("donations:giving-receipt-pdf", args=[token, donation.uuid]),
        )
        for donation in given_gifts(email)
    ]


def gifts_by_year(gifts: list[GivenGift]) -> list[GivingYear]:
    """`gifts` (newest first) grouped by the organisation's year they were paid in, newest year
    first, each year with its net total per currency (what a tax return asks for)."""
    years: dict[int, GivingYear] = {}
    for gift in gifts:
        paid_at = gift.donation.paid_at or gift.donation.created_at
        year = organisation_date(paid_at).year
        years.setdefault(year, GivingYear(year=year)).gifts.append(gift)
    for giving_year in years.values():
        totals: dict[str, int] = {}
        for gift in giving_year.gifts:
            currency = gift.receipt["currency"]
            totals[currency] = totals.get(currency, 0) + gift.receipt["net_cents"]
        giving_year.totals = sorted(totals.items())
    return list(years.values())


def plans_for_address(email: str) -> list[dict]:
    """The monthly gifts of `email` that started (billing, or ended after a month or more),
    newest first: [{"plan": RecurringGift, "manage_url": its signed link}]. One query."""
    plans = (
        RecurringGift.objects.filter(email=normalise_email(email))
        .exclude(status=RecurringGift.Status.PENDING)
        .exclude(status=RecurringGift.Status.CANCELED, installments_paid=0)
        .select_related("page")
        .order_by("-created", "-pk")
    )
    return [{"plan": plan, "manage_url": manage_url(plan)} for plan in plans]


def gift_for_address(email: str, gift_uuid) -> Donation | None:
    """The gift `gift_uuid` if it is one of the gifts of `email` on its giving page, else None
    (another address's gift, a pending one, none)."""
    return given_gifts(email).filter(uuid=gift_uuid).first()


def donor_first_name(email: str) -> str | None:
    """The first name on the newest gift of `email` that counts or counted ("" if it gave
    none), or None if the address has no such gift: nothing to show on a giving page. A
    monthly gift's installments are gifts, so a donor who gives monthly has one. One query."""
    return (
        Donation.objects.filter(email=normalise_email(email), status__in=Donation.COUNTED_STATES)
        .order_by("-paid_at", "-pk")
        .values_list("first_name", flat=True)
        .first()
    )


@shared_task(name="donations.tasks.email_giving_link")
def email_giving_link(email: str) -> bool:
    """Email `email` the link to all its giving if it gave (a gift that counts or counted) and
    was not sent it `GIVING_LINKS_PER_ADDRESS_PER_HOUR` times this hour; True if sent. A task:
    the form that asks for it queues it for every address typed, so neither its answer nor its
    time says whether an address gave (privacy rule)."""
    email = normalise_email(email)
    first_name = donor_first_name(email)
    if first_name is None:
        return False
    if not allow("giving-link-email", email, GIVING_LINKS_PER_ADDRESS_PER_HOUR, HOUR):
        return False
    send_email(
        "donations/giving_link",
        email,
        {
            "first_name": first_name,
            "giving_url": giving_url(email),
            "valid_days": GIVING_LINK_MAX_AGE.days,
        },
    )
    return True
