"""Donations: one row per gift, totals kept beside them, and the Stripe events already handled.

Totals live in `DonationTotal`, never on the page given to: Wagtail stores page
fields in every revision, and publishing an old draft would write back a stale
total.
"""

import random
import secrets
import uuid
from typing import NamedTuple

from django.db import models, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from .money import format_money, format_money_exact


def new_checkout_token():
    """The unguessable part of a gift's checkout and thank-you URLs."""
    return secrets.token_urlsafe(32)


class Donation(models.Model):
    """One gift to one page (a campaign now, a supporter's fundraiser page later)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    COUNTED_STATES = (Status.PAID,)

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
    show_name_publicly = models.BooleanField(
        default=False, help_text="The donor agreed to show their first name and last initial."
    )
    message = models.TextField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    checkout_token = models.CharField(
        max_length=64, unique=True, default=new_checkout_token, editable=False
    )
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="donation_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["page", "status", "paid_at"])]

    def __str__(self):
        return f"{self.amount_display} from {self.public_name} ({self.get_status_display()})"

    @property
    def amount_display(self):
        return format_money(self.amount_cents, self.currency)

    @property
    def amount_exact(self):
        """ "$1,000.00": the amount with its cents, as a checkout shows it."""
        return format_money_exact(self.amount_cents, self.currency)

    @property
    def donor_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def public_name(self):
        """First name and last initial: all a public page shows of a donor who agreed."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    @property
    def is_paid(self):
        return self.status == self.Status.PAID

    def mark_paid(self, payment_intent_id=""):
        """Mark a locked, unpaid gift paid and add it to its page's total; False if paid already."""
        if self.is_paid:
            return False
        self.status = self.Status.PAID
        self.paid_at = timezone.now()
        self.payment_intent_id = payment_intent_id or self.payment_intent_id
        self.save(update_fields=["status", "paid_at", "payment_intent_id", "checkout_session_id"])
        DonationTotal.objects.add(self.page_id, self.amount_cents)
        return True

    def mark_failed(self):
        """A pending gift whose checkout expired or failed; False if it was not pending."""
        if self.status != self.Status.PENDING:
            return False
        self.status = self.Status.FAILED
        self.save(update_fields=["status"])
        return True


class Totals(NamedTuple):
    amount_cents: int
    donation_count: int


class DonationTotalQuerySet(models.QuerySet):
    def for_page(self, page_id):
        """What the paid gifts to `page_id` add up to, summed over its shard rows."""
        row = self.filter(page_id=page_id).aggregate(
            amount=Sum("amount_cents"), count=Sum("donation_count")
        )
        return Totals(row["amount"] or 0, row["count"] or 0)

    def add(self, page_id, amount_cents):
        """Add one paid gift to one randomly chosen shard row of the page's total.

        Gifts paid at the same moment rarely touch the same row, so none waits
        long for another, and readers (a SUM) never wait for writers. A shard
        row is created on its first gift; a concurrent creator of the same row
        makes `get_or_create` find it instead.
        """
        shard = random.randrange(DonationTotal.SHARDS)
        increment = {
            "amount_cents": F("amount_cents") + amount_cents,
            "donation_count": F("donation_count") + 1,
        }
        if self.filter(page_id=page_id, shard=shard).update(**increment):
            return
        _, created = self.get_or_create(
            page_id=page_id,
            shard=shard,
            defaults={"amount_cents": amount_cents, "donation_count": 1},
        )
        if not created:
            self.filter(page_id=page_id, shard=shard).update(**increment)


class DonationTotal(models.Model):
    """Paid gifts to one page, spread over `SHARDS` rows (sum them to read)."""

    SHARDS = 8

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    amount_cents = models.BigIntegerField(default=0)
    donation_count = models.IntegerField(default=0)

    objects = DonationTotalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "shard"], name="one_total_row_per_shard"),
        ]

    def __str__(self):
        return f"{self.page_id}/{self.shard}: {self.amount_cents} cents, {self.donation_count}"


def recount_donations(page_id):
    """Rebuild a page's total from its paid gifts; (was, now) as `Totals` if they differed.

    The total's rows are locked first, so a gift paid meanwhile is either
    counted here or adds itself to the rebuilt rows afterwards, never both.
    """
    with transaction.atomic():
        list(DonationTotal.objects.select_for_update().filter(page_id=page_id))
        was = DonationTotal.objects.for_page(page_id)
        paid = Donation.objects.filter(page_id=page_id, status__in=Donation.COUNTED_STATES)
        row = paid.aggregate(amount=Sum("amount_cents"), count=Count("pk"))
        now = Totals(row["amount"] or 0, row["count"])
        if was == now:
            return None
        DonationTotal.objects.filter(page_id=page_id).delete()
        if now.donation_count:
            DonationTotal.objects.create(
                page_id=page_id,
                shard=0,
                amount_cents=now.amount_cents,
                donation_count=now.donation_count,
            )
    return was, now


class StripeEvent(models.Model):
    """A Stripe webhook event handled once: its id is unique, so a redelivery does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
