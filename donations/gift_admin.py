"""What the admin's gift screens say happened to a gift, and the monthly plans' screens.

- The Donations list shows, beside each gift's status, "Partly refunded", "Refunded" and
  "Disputed" (a dispute open or lost), with a filter on them. Both read annotations made
  once for the page of gifts (`with_outcomes`: two subqueries), never a query per row.
- A gift's screen lists its refunds (amount, state, when, by whom or "In Stripe", reason),
  its disputes (amount, status, evidence due by in the organisation's time zone, fee, a
  link to the dispute in Stripe's dashboard) and, for an installment, its monthly plan.
- Monthly plans (`RecurringGift`) have their own read-only list and screen (each plan's
  installments), as gifts do: `RecurringGiftViewSet`.

Times are shown in the organisation's time zone (`northstar.days.organisation_time`),
whatever a staff member's admin profile says.
"""

import datetime

import django_filters
from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from northstar.days import organisation_time

from .disputes import dashboard_url
from .models import Dispute, Donation, RecurringGift, Refund
from .money import format_money
from .refunds import HELD_STATES

# What happened to a gift after it was paid (or held), as the list says it.
PARTLY_REFUNDED = "partly_refunded"
REFUNDED = "refunded"
DISPUTED = "disputed"
OUTCOME_CHOICES = [
    (PARTLY_REFUNDED, "Partly refunded"),
    (REFUNDED, "Refunded"),
    (DISPUTED, "Disputed"),
]
OUTCOME_WORDS = dict(OUTCOME_CHOICES)


def with_outcomes(donations):
    """`donations` (a queryset) annotated with `refunded_total` (cents of its refunds
    pending or succeeded), `charged_total` (what was charged: the gift's amount, or what
    Stripe collected for a payment held for review) and `is_disputed` (a dispute open or
    lost): subqueries in the one query that reads the gifts."""
    refunds = (
        Refund.objects.filter(donation=OuterRef("pk"), status__in=Refund.COUNTED_STATES)
        .values("donation")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    disputes = Dispute.objects.filter(donation=OuterRef("pk"), status__in=Dispute.COUNTED_STATES)
    return donations.annotate(
        refunded_total=Coalesce(Subquery(refunds), 0),
        charged_total=Case(
            When(status__in=HELD_STATES, then=Coalesce("collected_amount_cents", 0)),
            default=F("amount_cents"),
        ),
        is_disputed=Exists(disputes),
    )


def outcomes(donation):
    """["Partly refunded"], ["Refunded", "Disputed"]...: what happened to a gift annotated by
    `with_outcomes`. A held payment refunded whole says so by its status alone."""
    words = []
    refunded = donation.refunded_total
    if refunded and donation.status != Donation.Status.REFUNDED:
        whole = refunded >= donation.charged_total
        words.append(OUTCOME_WORDS[REFUNDED if whole else PARTLY_REFUNDED])
    if donation.is_disputed:
        words.append(OUTCOME_WORDS[DISPUTED])
    return words


def outcome_filter(queryset, value):
    """The gifts of an annotated `queryset` with the outcome `value` (`OUTCOME_CHOICES`)."""
    if value == PARTLY_REFUNDED:
        return queryset.filter(refunded_total__gt=0, refunded_total__lt=F("charged_total"))
    if value == REFUNDED:
        return queryset.filter(refunded_total__gt=0, refunded_total__gte=F("charged_total"))
    if value == DISPUTED:
        return queryset.filter(is_disputed=True)
    return queryset


class DonationFilterSet(WagtailFilterSet):
    outcome = django_filters.ChoiceFilter(
        label="Refunds and disputes",
        choices=OUTCOME_CHOICES,
        method="filter_outcome",
        empty_label="Any",
    )

    class Meta:
        model = Donation
        fields = ["status", "review_reason", "outcome"]

    def filter_outcome(self, queryset, name, value):
        return outcome_filter(queryset, value)


def amount_column():
    """The Donations list's first column: the gift's amount, a link to its screen."""
    return TitleColumn(
        "amount_display",
        label="Amount",
        sort_key="amount_cents",
        get_url=lambda gift: reverse("donation:inspect", args=[gift.pk]),
    )


class StatusColumn(Column):
    """The gift's status, and beside it what happened after (`outcomes`), as tags."""

    cell_template_name = "donations/admin/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["outcomes"] = outcomes(instance)
        return context


def donation_list_queryset():
    """The Donations list's gifts: their page and plan read in the same query, and what
    happened to each (`with_outcomes`)."""
    return with_outcomes(Donation.objects.select_related("page"))


def in_organisation_zone(instant):
    """ "April 15, 2026, 11:59 p.m." in the organisation's time zone; "" for None."""
    return date_format(organisation_time(instant), "DATETIME_FORMAT") if instant else ""


def stripe_livemode():
    """Whether the site's Stripe key is a live one (the dashboard's links differ)."""
    return settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))


def refund_rows(donation):
    """The gift's refunds, newest first, as the gift's screen lists them."""
    rows = []
    for item in donation.refunds.select_related("by"):
        if item.by is not None:
            by = item.by.get_full_name() or item.by.email
        else:
            by = "In Stripe" if item.stripe_refund_id else "—"
        rows.append(
            {
                "amount": format_money(item.amount_cents, donation.charged_currency, exact=True),
                "status": item.get_status_display(),
                "when": in_organisation_zone(item.created),
                "by": by,
                "reason": item.reason,
            }
        )
    return rows


def dispute_rows(donation):
    """The gift's disputes and inquiries, newest first, as the gift's screen lists them."""
    livemode = stripe_livemode()
    return [
        {
            "amount": format_money(dispute.amount_cents, donation.charged_currency, exact=True),
            "status": dispute.status.replace("_", " ").capitalize(),
            "reason": dispute.reason.replace("_", " "),
            "due_by": in_organisation_zone(dispute.evidence_due_by),
            "fee": (
                format_money(dispute.fee_cents, donation.charged_currency, exact=True)
                if dispute.fee_cents
                else ""
            ),
            "dashboard_url": dashboard_url(dispute, livemode),
        }
        for dispute in donation.disputes.all()
    ]


# Labels of the screens' fields that are not model fields (properties).
FIELD_LABELS = {"amount_display": "Amount", "collected_display": "Collected by Stripe"}


class MoneyInspectView(generic.InspectView):
    """Wagtail's inspect view, with every time in the organisation's zone (as the tables
    below the fields show them), an empty field as "—", and properties named in words."""

    def get_field_label(self, field_name, field):
        return FIELD_LABELS.get(field_name) or super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name, None)
        if isinstance(value, datetime.datetime):
            return in_organisation_zone(value)
        if value is None or value == "":
            return "—"
        return super().get_field_display_value(field_name, field)


class DonationInspectScreen(MoneyInspectView):
    """A gift's screen: its fields, then its refunds, its disputes and its monthly plan."""

    template_name = "donations/admin/donation_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        donation = self.object
        annotated = with_outcomes(Donation.objects.filter(pk=donation.pk)).get()
        plan = donation.recurring_gift
        context.update(
            {
                "outcomes": outcomes(annotated),
                "refunds": refund_rows(donation),
                "disputes": dispute_rows(donation),
                "plan": plan,
                "plan_url": reverse("monthly_gift:inspect", args=[plan.pk]) if plan else "",
            }
        )
        return context


# --- Monthly plans --------------------------------------------------------------------


class RecurringGiftIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")


class RecurringGiftInspectView(MoneyInspectView):
    """A monthly plan's screen: its fields, then its installments (each a gift), newest first."""

    template_name = "donations/admin/recurring_gift_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        installments = with_outcomes(self.object.installments.all()).order_by("-created_at")
        context["installments"] = [
            {
                "amount": donation.amount_display,
                "status": donation.get_status_display(),
                "outcomes": outcomes(donation),
                "date": in_organisation_zone(donation.paid_at or donation.created_at),
                "url": reverse("donation:inspect", args=[donation.pk]),
            }
            for donation in installments
        ]
        return context


class RecurringGiftViewSet(ModelViewSet):
    """Monthly plans, read-only (Stripe or `bill_monthly_gifts` change them; the donor
    manages theirs by the link in each receipt)."""

    model = RecurringGift
    index_view_class = RecurringGiftIndexView
    inspect_view_class = RecurringGiftInspectView
    icon = "calendar-alt"
    menu_label = "Monthly gifts"
    menu_order = 221
    add_to_admin_menu = True
    url_prefix = "monthly-gifts"
    list_display = [
        TitleColumn(
            "donor",
            label="Donor",
            accessor=lambda plan: f"{plan.first_name} {plan.last_name}",
            get_url=lambda plan: reverse("monthly_gift:inspect", args=[plan.pk]),
        ),
        Column("amount_display", label="Amount a month", sort_key="amount_cents"),
        "page",
        "status",
        Column("next_installment_on", label="Next installment", sort_key="next_installment_on"),
        Column("installments_paid", label="Installments paid", sort_key="installments_paid"),
    ]
    list_filter = ["status"]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "amount_display",
        "currency",
        "status",
        "page",
        "first_name",
        "last_name",
        "email",
        "next_installment_on",
        "installments_paid",
        "stripe_customer_id",
        "stripe_subscription_id",
        "created",
        "canceled_at",
    ]
    copy_view_enabled = False
    form_fields = []  # never shown: the policy allows no one to add or edit
