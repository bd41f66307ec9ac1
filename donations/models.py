"""Donations: one row per gift, totals kept beside them, and the Stripe events already handled.

Totals live in `DonationTotal`, never on the page given to: Wagtail stores page
fields in every revision, and publishing an old draft would write back a stale
total.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting
from wagtail.log_actions import log
from wagtail.models import Page, get_page_models

from northstar.counters import ShardedCounter
from northstar.models import DefaultSiteSetting, normalise_email

from .fees import (
    DEFAULT_FEE_FIXED_CENTS,
    DEFAULT_FEE_PERCENT,
    MAXIMUM_FEE_FIXED_CENTS,
    MAXIMUM_FEE_PERCENT,
    GivingSettingsForm,
)
from .money import format_money
from .signals import gift_paid

# What a donor gave, as a query expression: the gift and the fee they covered (`given_cents`).
GIVEN_CENTS = models.F("amount_cents") + models.F("fee_cents")

# Log actions of a gift's review (their wording: donations/wagtail_hooks.py).
HELD_FOR_REVIEW = "donations.held_for_review"
REVIEW_ACCEPTED = "donations.review_accepted"


def new_checkout_token():
    """The unguessable part of a gift's checkout and thank-you URLs."""
    return secrets.token_urlsafe(32)


# The checkout session id of a gift paid through the local test checkout (no Stripe keys set):
# receipts say it was a test, and nothing is ever sent to Stripe about it.
LOCAL_SESSION_PREFIX = "cs_local_"


class Donation(models.Model):
    """One gift to one page (a campaign now, a supporter's fundraiser page later)."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        # Stripe collected money the code will not count: a person decides (review.py).
        NEEDS_REVIEW = "needs_review", "Needs review"
        # A payment held for review and refunded whole: never counted (donations/refunds.py).
        REFUNDED = "refunded", "Refunded"
        # Offline gifts (donations/offline.py): one a page's owner reported, not counted until
        # staff confirm it; and one staff voided (never deleted), no longer counted.
        AWAITING_CONFIRMATION = "awaiting", "Awaiting confirmation"
        VOIDED = "voided", "Voided"

    COUNTED_STATES = (Status.PAID,)

    class ReviewReason(models.TextChoices):
        """Why a payment was not counted and waits for staff (`hold_for_review`)."""

        AMOUNT_DIFFERS = "amount_differs", "Stripe collected a different amount"
        CURRENCY_DIFFERS = "currency_differs", "Stripe collected a different currency"

    class NameShown(models.TextChoices):
        """Who may see the donor's name (first name and last initial), as the donor chose on
        the donate form. Staff always see it, and the receipt always carries it."""

        PUBLIC = "public", gettext_lazy("Show my name publicly")
        OWNER = "owner", gettext_lazy("Show my name only to the page's owner")
        ANONYMOUS = "anonymous", gettext_lazy("Anonymous to everyone")

    # The choices that let the page's owner see the name (`name_for_owner`).
    NAMED_TO_OWNER = (NameShown.PUBLIC, NameShown.OWNER)

    class Method(models.TextChoices):
        """How the money came: online through Stripe, or offline, recorded by staff."""

        CARD = "card", "Online"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        OTHER = "other", "Other"

    OFFLINE_METHODS = (Method.CHEQUE, Method.CASH, Method.BANK_TRANSFER, Method.OTHER)

    class Tribute(models.TextChoices):
        """A gift given in someone's name (donations/tributes.py)."""

        HONOUR = "honour", gettext_lazy("In honour of")
        MEMORY = "memory", gettext_lazy("In memory of")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="donations",
        help_text="The page the gift was given to; its total counts the gift.",
    )
    amount_cents = models.PositiveIntegerField(help_text="In minor units: 5000 is $50.00.")
    currency = models.CharField(max_length=3, default="usd")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    name_shown = models.CharField(
        max_length=10,
        choices=NameShown,
        default=NameShown.ANONYMOUS,
        help_text=(
            "Who may see the donor's first name and last initial: everyone, only the page's "
            "owner, or no one (staff always see it)."
        ),
    )
    show_amount_publicly = models.BooleanField(
        default=False, help_text="The donor agreed to show the amount of their gift."
    )
    message = models.TextField(max_length=500, blank=True)
    referral = models.CharField(
        max_length=64,
        blank=True,
        help_text="The invitation token of the link the donor came by, if any (never shown).",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    checkout_token = models.CharField(
        max_length=64, unique=True, default=new_checkout_token, editable=False
    )
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    # A payment held for review (donations/review.py): what Stripe collected, and why it
    # was not counted. The payment intent and session are the two fields above.
    review_reason = models.CharField(max_length=32, choices=ReviewReason, blank=True)
    review_detail = models.CharField(
        max_length=255, blank=True, help_text="Why the payment was not counted, in words."
    )
    collected_amount_cents = models.PositiveIntegerField(
        null=True, blank=True, help_text="What Stripe collected, in minor units."
    )
    collected_currency = models.CharField(max_length=3, blank=True)
    held_for_review_at = models.DateTimeField(null=True, blank=True)
    # Monthly gifts (donations/recurring.py): an installment is its own gift, one per invoice.
    recurring_gift = models.ForeignKey(
        "donations.RecurringGift",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="installments",
        help_text="The monthly gift this is an installment of, if any.",
    )
    stripe_invoice_id = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The invoice an installment was paid by (a local id in test mode).",
    )
    # Covering the fee (donations/fees.py): what the donor added so that all of the gift
    # reaches the cause. Counted on the totals with the gift, shown apart everywhere.
    fee_cents = models.PositiveIntegerField(
        default=0,
        help_text="Added by the donor to cover the processing fee, in minor units (not a tip).",
    )
    # Offline gifts (donations/offline.py): a cheque, cash, a bank transfer, recorded by staff
    # or reported by the page's owner and confirmed by staff.
    method = models.CharField(max_length=16, choices=Method, default=Method.CARD)
    received_on = models.DateField(
        null=True, blank=True, help_text="When an offline gift was received."
    )
    reference = models.CharField(
        max_length=120, blank=True, help_text="A cheque number or bank reference."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who recorded or confirmed an offline gift.",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page owner who reported an offline gift, if an owner did.",
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    # In honour or in memory (donations/tributes.py). The address to tell is used for the
    # one card and erased 30 days after it is sent.
    tribute = models.CharField(max_length=10, choices=Tribute, blank=True)
    tribute_name = models.CharField(max_length=200, blank=True)
    tribute_notify_name = models.CharField(max_length=200, blank=True)
    tribute_notify_email = models.EmailField(max_length=254, blank=True)
    tribute_notify_message = models.TextField(max_length=500, blank=True)
    tribute_notify_amount = models.BooleanField(
        default=False, help_text="The donor agreed to tell the person the amount."
    )
    tribute_notified_at = models.DateTimeField(null=True, blank=True)
    # Receipts (donations/receipts.py): numbered per year, without gaps, by the receipt task.
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_number = models.PositiveIntegerField(null=True, blank=True)
    # Staff hid what the donor chose to show (a donor's request, an abusive message).
    name_hidden = models.BooleanField(
        default=False, help_text="Staff hid the donor's name from public pages."
    )
    message_hidden = models.BooleanField(
        default=False, help_text="Staff hid the donor's message from public pages."
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("refund_donation", "Can refund a gift"),
            ("review_donation", "Can accept a payment held for review"),
            # donations/offline.py: record, confirm, correct and void offline gifts
            ("record_offline_donation", "Can record, confirm, correct and void offline gifts"),
            ("hide_donor_text", "Can hide a donor's public name or message"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="donation_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["receipt_year", "receipt_number"], name="one_gift_per_receipt_number"
            ),
        ]
        indexes = [
            models.Index(fields=["page", "status", "paid_at"]),
            # A campaign's recent gifts across its pages (newest paid first, LIMIT 10) read
            # the first few entries instead of sorting every paid gift (COUNTED_STATES).
            models.Index(
                fields=["-paid_at", "-id"],
                name="donation_paid_newest",
                condition=models.Q(status="paid"),
            ),
        ]

    def __str__(self):
        return f"{self.amount_display} from {self.short_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        """Save with the donor's address as every address is stored (`normalise_email`), so
        that two gifts from one address are one donor wherever gifts are compared."""
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def amount_display(self):
        return format_money(self.amount_cents, self.currency)

    @property
    def given_cents(self):
        """What the donor gave, in minor units: the gift and the fee they chose to cover.
        The totals count it; receipts and reports show the two apart."""
        return self.amount_cents + self.fee_cents

    @property
    def is_offline(self):
        return self.method in self.OFFLINE_METHODS

    @property
    def donor_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self):
        """First name and last initial ("Ana R."), whoever may see it: ask `public_name` or
        `name_for_owner` before showing it to anyone but staff."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    @property
    def shows_name_publicly(self):
        """Whether public pages may name the donor (and show their message): they chose to,
        and staff have not hidden their name since (`name_hidden`)."""
        return self.name_shown == self.NameShown.PUBLIC and not self.name_hidden

    @property
    def shown_message(self):
        """The donor's message as the page's owner and public pages may show it: "" once
        staff hid it (`message_hidden`). Public lists show it only beside a public name."""
        return "" if self.message_hidden else self.message

    @property
    def public_name(self):
        """The donor as public pages show them: "Ana R." if they chose to show their name
        publicly, else "Anonymous"."""
        return self.short_name if self.shows_name_publicly else gettext("Anonymous")

    @property
    def name_for_owner(self):
        """The donor as the page's owner sees them (their emails and dashboard): "Ana R." if
        the donor chose to show their name publicly or only to the owner, else
        "Anonymous"."""
        named = self.name_shown in self.NAMED_TO_OWNER and not self.name_hidden
        return self.short_name if named else gettext("Anonymous")

    @property
    def is_paid(self):
        return self.status == self.Status.PAID

    def mark_paid(self, payment_intent_id="", paid_at=None):
        """Mark a locked, unpaid gift paid and add it to its page's total; False if paid already.

        `paid_at`: when the money arrived, if the payment says (a monthly invoice's); else now.

        The page given to is read once, as its own type, and kept on the gift
        (`self.page`, by `given_page`): `count_gift`, the `gift_paid` receivers and the
        receipt all use that one read.
        """
        if self.is_paid:
            return False
        self.status = self.Status.PAID
        self.paid_at = paid_at or timezone.now()
        self.payment_intent_id = payment_intent_id or self.payment_intent_id
        self.save(update_fields=["status", "paid_at", "payment_intent_id", "checkout_session_id"])
        count_gift(self, page=given_page(self))
        gift_paid.send(sender=Donation, donation=self)
        return True

    @property
    def charged_currency(self):
        """The currency Stripe charged the donor in: what it collected for a payment held for
        review (or accepted), else the gift's. Refunds are in it."""
        return self.collected_currency or self.currency

    @property
    def collected_display(self):
        """What Stripe collected for a payment held for review ("$45.00"), or ""."""
        if self.collected_amount_cents is None:
            return ""
        return format_money(self.collected_amount_cents, self.collected_currency or self.currency)

    def hold_for_review(self, reason, detail, *, amount_cents, currency, payment_intent_id):
        """Hold a locked gift whose payment will not be counted for a person to decide:
        records what Stripe collected (`amount_cents` in minor units, `currency`, the
        payment intent) and why (`reason`, a `ReviewReason`; `detail`, in words), counts
        nothing, and logs it. False if the gift was paid or held already."""
        if self.status not in (self.Status.PENDING, self.Status.FAILED):
            return False
        self.status = self.Status.NEEDS_REVIEW
        self.review_reason = reason
        self.review_detail = detail[:255]
        self.collected_amount_cents = amount_cents
        self.collected_currency = currency
        self.payment_intent_id = payment_intent_id or self.payment_intent_id
        self.held_for_review_at = timezone.now()
        self.save(
            update_fields=[
                "status",
                "review_reason",
                "review_detail",
                "collected_amount_cents",
                "collected_currency",
                "payment_intent_id",
                "checkout_session_id",
                "held_for_review_at",
            ]
        )
        log(instance=self, action=HELD_FOR_REVIEW, data={"reason": reason, "detail": detail})
        return True

    def mark_failed(self):
        """A pending gift whose checkout expired or failed; False if it was not pending."""
        if self.status != self.Status.PENDING:
            return False
        self.status = self.Status.FAILED
        self.save(update_fields=["status"])
        return True


# Which totals a gift counts toward is said by the page types, never named here: a page type
# declares, as class attributes (read through `wagtail.models.get_page_models()`),
# - `gift_level_fields`: the names of its foreign keys to pages that count its gifts too
#   (a fundraiser page: `("team",)`);
# - `counts_gifts_below = True`: the page counts the gifts to every page beneath it (a
#   campaign: its fundraiser pages, its teams, any page put under it);
# - `accepts_donations`: the page takes gifts (`donations.views.givable_page` asks it).
# A gift to a page counts on the page itself, the pages its `gift_level_fields` name, and its
# ancestors that count gifts below (`gift_levels`). The app that declares a
# `gift_level_fields` field rebuilds the totals of the levels a page moves between when the
# field changes (`DonationTotal.objects.rebuild(page__in=[was, now])`).


class DonationTotal(ShardedCounter):
    """Paid gifts counted toward one page, spread over `SHARDS` rows (sum them to read).

    A page's total counts the gifts to the page itself and to every page that
    counts it as a level (`gift_levels`): a campaign's total includes its
    fundraiser pages' gifts, a team's its members' gifts. Totals are in the
    page's currency: a fundraiser page takes gifts in its campaign's currency.
    `count_gift` changes every level of a gift at once; `total(page=...)`
    reads one.
    """

    key_fields = ("page",)
    amount_fields = ("amount_cents", "donation_count")

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    amount_cents = models.BigIntegerField(default=0)
    donation_count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "shard"], name="one_total_row_per_shard"),
        ]

    @classmethod
    def true_values(cls, **key):
        """{(page_id,): {"amount_cents", "donation_count"}} from the paid gifts, per level:
        what each donor gave (the gift and the fee covered, `given_cents`), net of their
        refunds and disputes (`counted_share`).

        `key` filters the pages as `total` does (`page=5`, `page__in=[...]`).
        """
        wanted = None
        if key:
            lookups = {
                "pk" + name.removeprefix("page").removeprefix("_id"): v for name, v in key.items()
            }
            wanted = dict(Page.objects.filter(**lookups).values_list("pk", "path"))
        paid = Donation.objects.filter(status__in=Donation.COUNTED_STATES)
        if wanted is not None and len(wanted) <= 100:
            under = models.Q(page_id__in=_pages_linked_to(wanted))
            for path in wanted.values():
                under |= models.Q(page__path__startswith=path)
            paid = paid.filter(under)
        rows = (
            paid.values_list("page_id", "page__path")
            .annotate(amount=Sum(GIVEN_CENTS), count=Count("pk"))
            .order_by()
        )
        levels_by_path = dict(
            Page.objects.filter(content_type__in=counted_level_types()).values_list("path", "pk")
        )
        rows = _net_of_deductions(list(rows), paid)
        links = _linked_levels([page_id for page_id, *_ in rows])
        result = {}
        for page_id, path, amount, count in rows:
            ancestors = _counted_ancestors(path, levels_by_path)
            for level in dict.fromkeys([page_id, *links.get(page_id, []), *ancestors]):
                if wanted is not None and level not in wanted:
                    continue
                was = result.get((level,), {"amount_cents": 0, "donation_count": 0})
                result[(level,)] = {
                    "amount_cents": was["amount_cents"] + amount,
                    "donation_count": was["donation_count"] + count,
                }
        return result

    @classmethod
    def describe_key(cls, key):
        (page_id,) = key
        title = Page.objects.filter(pk=page_id).values_list("title", flat=True).first()
        return f"{title or '?'} ({page_id})"

    @classmethod
    def describe_drift(cls, was, now):
        return (
            f"counted {format_money(was.amount_cents)} from {was.donation_count} gifts, "
            f"paid gifts {format_money(now.amount_cents)} from {now.donation_count}"
        )


def _net_of_deductions(rows, paid):
    """`rows` of (page_id, path, amount, count) summed from the gifts `paid` (`given_cents`),
    less what refunds and disputes took off those gifts (`deductions`), as `counted_share`
    counts it."""
    off = deductions(paid)
    if not off:
        return rows
    less = {}
    gifts = Donation.objects.filter(pk__in=off).values_list("pk", "page_id", GIVEN_CENTS)
    for pk, page_id, amount in gifts:
        cents, count = less.get(page_id, (0, 0))
        less[page_id] = (cents + min(off[pk], amount), count + int(off[pk] >= amount))
    return [
        (page_id, path, amount - less.get(page_id, (0, 0))[0], count - less.get(page_id, (0, 0))[1])
        for page_id, path, amount, count in rows
    ]


def name_seen_by_owner(donation):
    """Whether the owner of the fundraiser page given to sees the donor's name (on their
    dashboard and in the "someone gave to your page" email), as the thank-you page tells the
    donor: the one place that reads the donor's choice for it; otherwise they see
    "Anonymous"."""
    return donation.name_shown in Donation.NAMED_TO_OWNER


def _linking_types():
    """{page model: [attnames]} of the page types declaring `gift_level_fields`."""
    return {
        model: [model._meta.get_field(name).attname for name in model.gift_level_fields]
        for model in get_page_models()
        if model.__dict__.get("gift_level_fields")  # a subclass's pages are its parent's rows
    }


def counted_level_types():
    """The content types of the page types that count the gifts below them
    (`counts_gifts_below`; cached by Django after the first call)."""
    models_ = [model for model in get_page_models() if getattr(model, "counts_gifts_below", False)]
    return list(ContentType.objects.get_for_models(*models_).values())


def _counted_ancestors(path, levels_by_path):
    """Ids of the pages in `levels_by_path` ({path: id}) above `path`, deepest first."""
    step = Page.steplen
    prefixes = (path[:end] for end in range(len(path) - step, 0, -step))
    return [levels_by_path[prefix] for prefix in prefixes if prefix in levels_by_path]


def _linked_levels(page_ids):
    """{page id: [level ids]} for the pages among `page_ids` that name a level
    (`gift_level_fields`): one query per page type declaring them."""
    links = {}
    for model, attnames in _linking_types().items():
        for attname in attnames:
            pairs = model.objects.filter(pk__in=page_ids, **{f"{attname}__isnull": False})
            for pk, level in pairs.values_list("pk", attname):
                links.setdefault(pk, []).append(level)
    return links


def _pages_linked_to(level_ids):
    """Ids of the pages that name one of `level_ids` as a level (a team's members)."""
    ids = []
    for model, attnames in _linking_types().items():
        for attname in attnames:
            pages = model.objects.filter(**{f"{attname}__in": level_ids})
            ids += pages.values_list("pk", flat=True)
    return ids


def _level_links():
    """(select_related name, attribute) of the multi-table link from `Page` to each page type
    that takes gifts or counts them (`accepts_donations`, `gift_level_fields`,
    `counts_gifts_below`: "fundraiserpage"), page types naming levels first."""
    linking = list(_linking_types())
    others = [
        model
        for model in get_page_models()
        if model is not Page
        and (hasattr(model, "accepts_donations") or getattr(model, "counts_gifts_below", False))
    ]
    links = []
    for model in dict.fromkeys([*linking, *others]):
        ptr = model._meta.get_ancestor_link(Page)
        if ptr is None or ptr.remote_field.model is not Page:  # a page type's subclass
            continue
        links.append((ptr.related_query_name(), ptr.remote_field.get_accessor_name()))
    return links


def _is_specific(page):
    """True if `page` is an instance of its own most specific type (`.specific` is free)."""
    specific_class = page.specific_class
    return specific_class is None or isinstance(page, specific_class)


def given_page(donation):
    """The page `donation` was given to, read afresh as its own type (a fundraiser page, a
    team, a campaign) and kept on the gift as `donation.page`, so that what follows reads it
    there.

    ONE query when the page is of a type that takes or counts gifts (`_level_links`: their
    rows are joined to the page's row), two for any other page (`.specific`).
    """
    links = _level_links()
    page = Page.objects.select_related(*(name for name, _ in links)).get(pk=donation.page_id)
    for _, attribute in links:
        specific = getattr(page, attribute, None)  # None: the page is not of this type
        if specific is not None:
            page = specific
            break
    else:
        page = page.specific
    donation.page = page
    return page


def _page_linked_levels(page):
    """The level ids `page` (a page instance) names (`gift_level_fields`), read from the page
    when it is of its own type; None when only a query can tell (a plain `Page` row)."""
    if not _is_specific(page):
        return None
    levels = []
    for name in getattr(type(page), "gift_level_fields", ()):
        level = getattr(page, type(page)._meta.get_field(name).attname)
        if level is not None:
            levels.append(level)
    return levels


def gift_levels(page):
    """Ids of the pages a gift to `page` (a page, or its id) counts toward, each once,
    deepest first.

    The page itself; the pages it names as levels (`gift_level_fields`: a
    fundraiser page's team); then its ancestors that count the gifts below them
    (`counts_gifts_below`: its campaign). Deepest first, so concurrent gifts lock
    shard rows in one order. One query for a page given as its own type
    (`given_page`), which holds its path and its linked levels; three for an id
    (one more per page type declaring `gift_level_fields`).
    """
    linked = None
    if isinstance(page, Page):
        page_id, path = page.pk, page.path
        linked = _page_linked_levels(page)
    else:
        page_id = page
        path = Page.objects.filter(pk=page_id).values_list("path", flat=True).get()
    if linked is None:
        linked = _linked_levels([page_id]).get(page_id, [])
    step = Page.steplen
    prefixes = [path[:end] for end in range(step, len(path), step)]
    levels_by_path = dict(
        Page.objects.filter(path__in=prefixes, content_type__in=counted_level_types()).values_list(
            "path", "pk"
        )
    )
    return list(dict.fromkeys([page_id, *linked, *_counted_ancestors(path, levels_by_path)]))


def count_gift(donation, sign=1, *, page=None):
    """Count a gift on its page and every counted level above it, in one statement: what
    the donor gave (`given_cents`, the gift and the fee they covered).

    `sign=1` when the gift is marked paid, `sign=-1` when a paid gift is
    refunded: every level changes together. Call it inside the transaction
    that changes the gift's status, so the totals commit with it or not at
    all. Raises ValueError for any other sign. `page`: the gift's page as
    `given_page` just read it (its path and linked levels are then not read again).
    """
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1, not {sign!r}")
    count_change(donation, sign * donation.given_cents, sign, page=page)


def count_change(donation, amount_cents, donation_count, *, page=None):
    """Add `amount_cents` (negative to subtract) and `donation_count` (-1, 0 or 1) to every
    level of a gift, in one statement; nothing when both are 0.

    For what comes back on part of a gift (a refund, a dispute): the amount comes off
    every level, the count only when nothing of the gift is left counted
    (`counted_share`). Call it in the transaction that writes the row it counts.
    """
    if donation_count not in (-1, 0, 1):
        raise ValueError(f"donation_count must be -1, 0 or 1, not {donation_count!r}")
    if not amount_cents and not donation_count:
        return
    DonationTotal.objects.add_many(
        [(level,) for level in gift_levels(donation.page_id if page is None else page)],
        amount_cents=amount_cents,
        donation_count=donation_count,
    )


class RecurringGift(models.Model):
    """A monthly gift: one plan, many installments (`installments`, each a `Donation`).

    With Stripe, a subscription bills it and every paid invoice is an installment
    (`donations.recurring.record_installment`); in test mode `manage.py bill_monthly_gifts`
    does the billing. Nothing is counted on the plan itself: each installment is a gift.
    """

    wagtail_reference_index_ignore = True  # a supporter's record, not content

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for checkout")
        ACTIVE = "active", gettext_lazy("Active")
        PAST_DUE = "past_due", gettext_lazy("Past due")
        CANCELED = "canceled", gettext_lazy("Canceled")

    # The plans that still bill (`bill_monthly_gifts`) and that a donor can manage.
    BILLING_STATES = (Status.ACTIVE, Status.PAST_DUE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="recurring_gifts",
        help_text="The page the donor chose; installments count there until its deadline.",
    )
    amount_cents = models.PositiveIntegerField(help_text="Each month, in minor units.")
    fee_cents = models.PositiveIntegerField(
        default=0, help_text="Added each month to cover the processing fee, in minor units."
    )
    currency = models.CharField(max_length=3, default="usd")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    name_shown = models.CharField(
        max_length=10, choices=Donation.NameShown, default=Donation.NameShown.ANONYMOUS
    )
    show_amount_publicly = models.BooleanField(default=False)
    message = models.TextField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    next_installment_on = models.DateField(null=True, blank=True)
    installments_paid = models.PositiveIntegerField(default=0)
    checkout_token = models.CharField(
        max_length=64, unique=True, default=new_checkout_token, editable=False
    )
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    last_failed_invoice_id = models.CharField(
        max_length=255, blank=True, help_text="The donor was emailed about this failed invoice."
    )
    created = models.DateTimeField(default=timezone.now)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "monthly gift"  # as the donate form and the admin's menu say
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="recurring_gift_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_installment_on"])]

    def __str__(self):
        return f"{self.amount_display} a month from {self.first_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def amount_display(self):
        return format_money(self.amount_cents, self.currency)

    @property
    def is_canceled(self):
        return self.status == self.Status.CANCELED


@register_setting(icon="pick")
class GivingSettings(DefaultSiteSetting):
    """How the organisation takes gifts (Settings > Giving in the admin): the fee rule donors
    may choose to cover (donations/fees.py). Staff type a percentage and dollars
    (`fees.GivingSettingsForm`), both checked there."""

    fee_percent = models.DecimalField(
        "fee: percentage",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_FEE_PERCENT,
        validators=[MinValueValidator(0), MaxValueValidator(MAXIMUM_FEE_PERCENT)],
        help_text="What the payment provider takes from each gift, e.g. 2.2 for 2.2%.",
    )
    fee_fixed_cents = models.PositiveIntegerField(
        "fee: fixed part",
        default=DEFAULT_FEE_FIXED_CENTS,
        validators=[MaxValueValidator(MAXIMUM_FEE_FIXED_CENTS)],
        help_text="Taken from each gift on top of the percentage, in cents: 30 is $0.30.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("fee_percent"), FieldPanel("fee_fixed_cents")],
            heading="Covering the fee",
            help_text=(
                "The donate form offers donors to add this so that all of their gift reaches "
                "the cause (never ticked for them)."
            ),
        ),
    ]
    base_form_class = GivingSettingsForm

    class Meta:
        verbose_name = "giving"


class ReceiptSequence(models.Model):
    """The last receipt number given in a year: the receipt task locks the year's row, takes
    the next number and writes it on the gift in one transaction (donations/receipts.py)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Receipts of {self.year}: {self.last_number}"


class YearlyStatement(models.Model):
    """One donor's statement of a year's giving, sent once (donations/statements.py): the
    row is written with the email, so a rerun of the January task sends nothing twice."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content

    email = models.EmailField(max_length=254)
    year = models.PositiveSmallIntegerField()
    total_cents = models.BigIntegerField(help_text="The year's deductible total, minor units.")
    currency = models.CharField(max_length=3, default="usd")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "year"], name="one_statement_per_year"),
        ]

    def __str__(self):
        return f"{self.year} statement for {self.email}"


class StripeEvent(models.Model):
    """A Stripe webhook event handled once: its id is unique, so a redelivery does nothing."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


# --- Refunds and disputes (issue 28): money that comes back off a paid gift ---------------
# A paid gift counts on its totals net of its refunds (pending or succeeded) and of its
# disputes while open or once lost (`deducted_cents`); it counts as a gift while any of it is
# left (`counted_share`). Every change to a refund or a dispute locks the gift, reads its
# share before and after, and counts the difference (`donations.refunds.settle`).


class Refund(models.Model):
    """Money given back on a paid gift, in full or in part: ours (staff in the admin) or made
    in Stripe's dashboard and recorded from its events."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    # The states whose amount is off the gift's totals (a failed or cancelled one is back).
    COUNTED_STATES = (Status.PENDING, Status.SUCCEEDED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField(help_text="In minor units: 1000 is $10.00.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who refunded it; empty for a refund made in Stripe.",
    )
    created = models.DateTimeField(default=timezone.now)
    donor_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self):
        return f"Refund of {self.amount_display} ({self.get_status_display()})"

    @property
    def amount_display(self):
        return format_money(self.amount_cents, self.donation.charged_currency)

    @property
    def is_counted(self):
        return self.status in self.COUNTED_STATES


class Dispute(models.Model):
    """A card holder's dispute (chargeback) or inquiry on a paid gift, as Stripe holds it."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    # Stripe's statuses. Inquiries ("warning_*") move no money; a dispute's amount is off
    # the totals while it is open and once lost, and back once won.
    INQUIRY_STATES = ("warning_needs_response", "warning_under_review", "warning_closed")
    OPEN_STATES = ("needs_response", "under_review")
    COUNTED_STATES = (*OPEN_STATES, "lost")  # the amount is off the gift's totals

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(max_length=255, unique=True)
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=32)
    reason = models.CharField(max_length=64, blank=True)
    evidence_due_by = models.DateTimeField(null=True, blank=True)
    fee_cents = models.PositiveIntegerField(
        default=0, help_text="Stripe's dispute fee, once the funds were withdrawn."
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Dispute {self.stripe_dispute_id} ({self.status})"

    @property
    def is_inquiry(self):
        return self.status.startswith("warning_")

    @property
    def is_open(self):
        """Open as Stripe refuses refunds: a dispute or an inquiry not yet closed."""
        return self.status in (*self.OPEN_STATES, "warning_needs_response", "warning_under_review")

    @property
    def is_counted(self):
        return self.status in self.COUNTED_STATES


def deductions(donations):
    """{donation id: cents off} for the gifts of the queryset `donations` that have any:
    their counted refunds plus their counted disputes."""
    off = {}
    for model in (Refund, Dispute):
        rows = (
            model.objects.filter(donation__in=donations, status__in=model.COUNTED_STATES)
            .values_list("donation_id")
            .annotate(total=Sum("amount_cents"))
            .order_by()
        )
        for donation_id, cents in rows:
            off[donation_id] = off.get(donation_id, 0) + cents
    return off


def refunded_cents(donation):
    """Cents of `donation` refunded or being refunded (refunds pending or succeeded). Read from
    its refunds when a list of gifts fetched them (`prefetch_related("refunds")`): no query."""
    if "refunds" in getattr(donation, "_prefetched_objects_cache", {}):
        return sum(r.amount_cents for r in donation.refunds.all() if r.is_counted)
    refunds = donation.refunds.filter(status__in=Refund.COUNTED_STATES)
    return refunds.aggregate(total=Sum("amount_cents"))["total"] or 0


def standing_gifts(donations):
    """The queryset `donations` without the gifts refunded in any part or disputed (a dispute
    open or lost): what public lists of donors show, so that a gift given back or taken back
    is never shown as given. Two EXISTS subqueries in the same query, no query more."""
    refunded = Refund.objects.filter(
        donation=models.OuterRef("pk"), status__in=Refund.COUNTED_STATES
    )
    disputed = Dispute.objects.filter(
        donation=models.OuterRef("pk"), status__in=Dispute.COUNTED_STATES
    )
    return donations.exclude(models.Exists(refunded)).exclude(models.Exists(disputed))


def counted_share(donation):
    """(cents, gifts) that a gift counts on its totals now: nothing unless paid; else what
    the donor gave (`given_cents`: the gift and the fee covered) less its refunds and
    disputes (never below 0), and 1 gift while any is left."""
    if donation.status not in Donation.COUNTED_STATES:
        return 0, 0
    left = max(
        0,
        donation.given_cents
        - deductions(Donation.objects.filter(pk=donation.pk)).get(donation.pk, 0),
    )
    return left, int(left > 0)
