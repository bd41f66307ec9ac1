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
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page

from northstar.days import organisation_time, organisation_zone
from northstar.exports import csv_response

from . import gift_reports
from .disputes import dashboard_url
from .hiding import set_public_text
from .models import Dispute, Donation, RecurringGift, Refund, counted_level_types
from .money import format_money
from .receipts import receipt_number_display
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
    pending or succeeded), `charged_total` (what was charged: the gift and the fee covered,
    or what Stripe collected for a payment held for review), `is_disputed` (a dispute open
    or lost) and `disputed_total` (cents of those disputes): subqueries in the one query
    that reads the gifts."""
    refunds = (
        Refund.objects.filter(donation=OuterRef("pk"), status__in=Refund.COUNTED_STATES)
        .values("donation")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    disputes = Dispute.objects.filter(donation=OuterRef("pk"), status__in=Dispute.COUNTED_STATES)
    disputed = disputes.values("donation").annotate(total=Sum("amount_cents")).values("total")
    return donations.annotate(
        refunded_total=Coalesce(Subquery(refunds), 0),
        charged_total=Case(
            When(status__in=HELD_STATES, then=Coalesce("collected_amount_cents", 0)),
            default=F("amount_cents") + F("fee_cents"),
        ),
        is_disputed=Exists(disputes),
        disputed_total=Coalesce(Subquery(disputed), 0),
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


def campaign_choices(request):
    """The pages that count the gifts below them (`counts_gifts_below`: the campaigns)."""
    return Page.objects.filter(content_type__in=counted_level_types()).order_by("title")


def page_choices(request):
    """The pages that have a gift (a campaign, a team, a fundraiser page), by title."""
    return Page.objects.filter(Exists(Donation.objects.filter(page=OuterRef("pk")))).order_by(
        "title"
    )


class DonationFilterSet(WagtailFilterSet):
    """The gifts list's filters (`gift_reports`); the search box (`?q=`) is the view's."""

    campaign = django_filters.ModelChoiceFilter(
        label="Campaign",
        queryset=campaign_choices,
        method="filter_campaign",
        empty_label="Any",
        help_text="Gifts to the campaign and to every fundraiser page and team in it.",
    )
    page = django_filters.ModelChoiceFilter(
        label="Page given to", queryset=page_choices, empty_label="Any"
    )
    state = django_filters.ChoiceFilter(
        label="State",
        choices=gift_reports.STATE_CHOICES,
        method="filter_state",
        empty_label="Any",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=gift_reports.KIND_CHOICES,
        method="filter_kind",
        empty_label="Any",
    )
    date = django_filters.DateFromToRangeFilter(
        label="Paid (or started) between",
        method="filter_date",
        widget=DateRangePickerWidget,
        help_text="Days in the organisation's time zone, both included.",
    )

    class Meta:
        model = Donation
        fields = ["campaign", "page", "state", "kind", "date", "review_reason"]

    def filter_campaign(self, queryset, name, value):
        return gift_reports.filter_campaign(queryset, value)

    def filter_state(self, queryset, name, value):
        return gift_reports.filter_state(queryset, value)

    def filter_kind(self, queryset, name, value):
        return gift_reports.filter_kind(queryset, value)

    def filter_date(self, queryset, name, value):
        if not value:
            return queryset
        return gift_reports.filter_days(queryset, value.start, value.stop)

    def date_range(self):
        """(first, last) days of the valid date filter, either None."""
        if not self.is_valid():
            return None, None
        value = self.form.cleaned_data.get("date")
        return (value.start, value.stop) if value else (None, None)


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
    """The Donations list's gifts: their page read in the same query, what happened to each
    (`with_outcomes`) and when it was paid or started (`with_gift_time`)."""
    return gift_reports.with_gift_time(with_outcomes(Donation.objects.select_related("page")))


def in_organisation_zone(instant):
    """ "April 15, 2026, 11:59 p.m. EDT": the organisation's time, labelled; "" for None."""
    if not instant:
        return ""
    local = organisation_time(instant)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def zone_name():
    """The organisation's time zone as column headings name it: "America/New_York"."""
    return organisation_zone().key


class GiftTimeColumn(Column):
    """When a gift was paid (or, unpaid, started), in the organisation's zone, labelled."""

    def get_value(self, instance):
        return in_organisation_zone(instance.gift_time)


def gift_time_column():
    return GiftTimeColumn(
        "gift_time", label=f"Paid or started ({zone_name()} time)", sort_key="gift_time"
    )


def dedication(donation):
    """ "In memory of Rosa Diaz", or ""."""
    if donation.tribute and donation.tribute_name:
        return f"{donation.get_tribute_display()} {donation.tribute_name}"
    return ""


def kind_words(donation):
    if donation.is_offline:
        return f"Offline ({donation.get_method_display().lower()})"
    return "Monthly" if donation.recurring_gift_id else "One-time"


class GiftListMixin:
    """The gifts list over Wagtail's index view: the search (`?q=`: donor name, email,
    dedication), the filtered count and net total (one query), the chart per campaign, and
    the one CSV (`?export=csv`, also the "Download CSV" link) of what is filtered."""

    results_template_name = "donations/admin/donation_index_results.html"
    is_searchable = True
    search_fields = ["first_name", "last_name", "email", "tribute_name"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail's own export (csv, xlsx) lists `list_export`; ours is the one CSV.
        self.is_export = request.GET.get("export") == "csv"

    def get_base_queryset(self):
        return gift_reports.with_gift_time(
            with_outcomes(super().get_base_queryset().select_related("page"))
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return gift_reports.search_gifts(queryset, self.search_query)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            gifts = self.get_queryset()
            return csv_response(
                gift_reports.export_columns(),
                gift_reports.export_rows(gifts),
                gift_reports.export_filename(),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        gifts = self.get_queryset()
        first, last = self.filters.date_range() if self.filters else (None, None)
        first, last = gift_reports.chart_window(first, last)
        charts, more = gift_reports.raised_per_day_by_campaign(gifts, first, last)
        query = self.request.GET.copy()
        for key in ("p", "export", "_w_filter_fragment"):
            query.pop(key, None)
        query["export"] = "csv"
        context.update(
            totals=gift_reports.gift_totals(gifts),
            charts=charts,
            more_campaigns=more,
            chart_first=first,
            chart_last=last,
            export_url=f"{self.index_url}?{query.urlencode()}",
            zone=zone_name(),
        )
        return context


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


# Labels of the screens' fields that are not model fields (properties), and of model fields
# whose own name would puzzle a newcomer.
FIELD_LABELS = {
    "amount_display": "Amount",
    "fee_display": "Fee covered by the donor",
    "collected_display": "Collected by Stripe",
    "donor_name": "Donor",
    "currency": "Currency",
    "name_shown": "Who may see the donor's name",
    "show_amount_publicly": "Amount shown on public pages",
    "message": "Message",
    "dedication": "Dedication",
    "kind": "Kind",
    "invitation": "Came by an invitation",
    "receipt_number": "Receipt number",
    "public_text": "Hidden by staff",
    "checkout_session_id": "Stripe checkout session",
    "payment_intent_id": "Stripe payment intent",
    "stripe_invoice_id": "Stripe invoice",
    "created_at": "Started",
    "paid_at": "Paid",
}


class MoneyInspectView(generic.InspectView):
    """Wagtail's inspect view, with every time in the organisation's zone (as the tables
    below the fields show them), an empty field as "—", a yes/no as "Yes"/"No", a choice
    by its words, and properties named in words."""

    def get_field_label(self, field_name, field):
        label = FIELD_LABELS.get(field_name) or super().get_field_label(field_name, field)
        if field_name in ("created_at", "paid_at", "created", "canceled_at"):
            label = f"{label} ({zone_name()} time)"
        return label

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name, None)
        if isinstance(value, datetime.datetime):
            return in_organisation_zone(value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if field_name == "currency":
            return value.upper()
        if value is None or value == "":
            return "—"
        display = getattr(self.object, f"get_{field_name}_display", None)
        if display is not None:
            return display()
        return super().get_field_display_value(field_name, field)


# What the donor chose on the donate form, as staff read it.
NAME_SHOWN_WORDS = {
    Donation.NameShown.PUBLIC: "Everyone (the donor chose to show it publicly)",
    Donation.NameShown.OWNER: "Only the page's owner",
    Donation.NameShown.ANONYMOUS: "No one: anonymous to everyone but staff",
}


# The app that hands out referral links registers a function under this Wagtail hook:
# `describe(referral token) -> str | None`, what the gift's screen says of the link the gift
# came by ("Yes: Maria's page's owner invited Ana"); None for a token it does not know.
DESCRIBE_REFERRAL_HOOK = "describe_gift_referral"


def referral_words(donation):
    """What the gift's screen says of the invitation the gift came by: "No", or the words of
    the app whose link it was (`DESCRIBE_REFERRAL_HOOK`)."""
    if donation.referral:
        for describe in hooks.get_hooks(DESCRIBE_REFERRAL_HOOK):
            if words := describe(donation.referral):
                return words
    return "No"


class DonationInspectScreen(MoneyInspectView):
    """A gift's screen: its fields, then its refunds, its disputes and its monthly plan."""

    template_name = "donations/admin/donation_inspect.html"
    review_fields = ("collected_display", "review_reason", "review_detail", "held_for_review_at")

    def get_fields_context(self):
        """The fields, without the review's for a gift never held for review."""
        if self.object.held_for_review_at is None:
            self.fields = [name for name in self.fields if name not in self.review_fields]
        return super().get_fields_context()

    def get_field_display_value(self, field_name, field):
        donation = self.object
        if field_name == "fee_display":
            return format_money(donation.fee_cents, donation.currency, exact=True)
        if field_name == "dedication":
            return dedication(donation) or "—"
        if field_name == "kind":
            return kind_words(donation)
        if field_name == "name_shown":
            return NAME_SHOWN_WORDS.get(donation.name_shown, donation.name_shown)
        if field_name == "receipt_number":
            return receipt_number_display(donation) or "Not numbered yet"
        if field_name == "invitation":
            return referral_words(donation)
        if field_name == "public_text":
            hidden = [
                what
                for what, flag in (
                    ("the donor's name", donation.name_hidden),
                    ("the message", donation.message_hidden),
                )
                if flag
            ]
            return f"Staff hid {' and '.join(hidden)} from public pages" if hidden else "Nothing"
        return super().get_field_display_value(field_name, field)

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


# --- Hiding a donor's public name or message ---------------------------------------------

HIDE_PERMISSION = "donations.hide_donor_text"


class PublicTextForm(forms.Form):
    name_hidden = forms.BooleanField(
        label='Hide the donor\'s name on public pages (shown as "Anonymous")', required=False
    )
    message_hidden = forms.BooleanField(
        label="Hide the donor's message on public pages and from the page's owner",
        required=False,
    )


def hide_header_button(user, donation):
    if not user.has_perm(HIDE_PERMISSION):
        return None
    url = reverse("donation_public_text", args=[donation.pk])
    return HeaderButton("Hide name or message…", url=url, icon_name="view")


def public_text_view(request, pk):
    """GET: what the public sees of the gift, and the two boxes; POST: the confirm step
    saying what will change; POST with `confirm`: `hiding.set_public_text`."""
    if not request.user.has_perm(HIDE_PERMISSION):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("page"), pk=pk)
    gift_url = reverse("donation:inspect", args=[donation.pk])
    initial = {"name_hidden": donation.name_hidden, "message_hidden": donation.message_hidden}
    posted = request.method == "POST"
    form = PublicTextForm(request.POST if posted else None, initial=initial)
    changes = []
    if posted and form.is_valid():
        wanted = form.cleaned_data
        for key, what in (("name_hidden", "name"), ("message_hidden", "message")):
            if wanted[key] != initial[key]:
                changes.append(
                    f"The donor's {what} will be "
                    + ("hidden from public pages." if wanted[key] else "shown again.")
                )
        if not changes:
            messages.info(request, "Nothing changed.")
            return redirect(gift_url)
        if request.POST.get("confirm") == "yes":
            set_public_text(
                donation,
                name_hidden=wanted["name_hidden"],
                message_hidden=wanted["message_hidden"],
                by=request.user,
            )
            messages.success(request, " ".join(changes).replace(" will be ", " is "))
            return redirect(gift_url)
    return TemplateResponse(
        request,
        "donations/admin/public_text.html",
        {
            "donation": donation,
            "form": form,
            "changes": changes,
            "gift_url": gift_url,
            "chose_public": donation.name_shown == Donation.NameShown.PUBLIC,
        },
    )


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
