"""The admin's offline gifts (donations/offline.py): "Record an offline gift", "Correct" and
"Void" on an offline gift's screen, and the gifts owners reported, awaiting confirmation,
confirmed one by one or in bulk.

Each action is a form, then a confirm step that says what it will do: the amount, and
which totals it changes and by how much ("Confirm 3 gifts totalling $120.00 — they will
count on Maria's walk, Grace Church and Spring into Action"), then the service. Views
parse, call one service, render; bad input re-renders the form with its message and
changes nothing.

Permission: `donations.record_offline_donation` (superusers have it); anyone else meets
`northstar.admin_access.forbidden`. The URLs (`admin_urls`), the menu item and the
buttons on a gift's screen (`gift_buttons`) are registered in `donations.wagtail_hooks`.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.formats import date_format
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page, get_page_models

from northstar.admin_access import forbidden
from northstar.days import organisation_today
from northstar.forms import TypedTextMixin

from . import offline
from .models import Donation
from .money import MoneyField, format_money
from .offline import (
    MAX_OFFLINE_GIFT_CENTS,
    OfflineGiftError,
    confirm_offline_gifts,
    correct_offline_gift,
    levels_of,
    record_offline_gift,
    void_offline_gift,
)

REFUSAL = "You need permission to record offline gifts to record, confirm, correct or void one."
METHOD_CHOICES = [(m.value, m.label) for m in Donation.Method if m in Donation.OFFLINE_METHODS]


def may_record(user):
    return user.has_perm(offline.PERMISSION)


def amount_field(label="Amount"):
    return MoneyField(
        label=label,
        min_cents=1,
        max_cents=MAX_OFFLINE_GIFT_CENTS,
        error_messages={
            "required": "Please enter the amount, like 40 or 40.50.",
            "min_cents": "Please enter an amount more than zero.",
            "max_cents": "An offline gift can be at most %(limit)s.",
        },
        help_text="In dollars, as written on the cheque: 40 or 40.50.",
    )


def received_field():
    return forms.DateField(
        label="Date received",
        widget=AdminDateInput,
        help_text="The organisation's day the money arrived (not in the future).",
        error_messages={"required": "Please enter the date the gift was received."},
    )


def reason_field():
    return forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the gift's history.",
        error_messages={"required": "Please give a reason: it is kept in the gift's history."},
    )


def giftable_models():
    """The page types that take gifts (`accepts_donations`): campaigns, teams, pages."""
    return [model for model in get_page_models() if hasattr(model, "accepts_donations")]


class RecordForm(TypedTextMixin, forms.Form):
    page = forms.ModelChoiceField(
        label="Given to",
        queryset=Page.objects.all(),
        help_text="A campaign, a team or a fundraiser page: the gift counts there and above.",
        error_messages={"required": "Please choose the page the gift was given to."},
    )
    amount = amount_field()
    method = forms.ChoiceField(label="How it came", choices=METHOD_CHOICES)
    received_on = received_field()
    first_name = forms.CharField(label="Donor's first name", max_length=100)
    last_name = forms.CharField(label="Donor's last name", max_length=100, required=False)
    email = forms.EmailField(
        label="Donor's email",
        required=False,
        help_text="Optional: for a receipt, if staff send one, and the yearly statement.",
    )
    reference = forms.CharField(
        label="Reference",
        max_length=offline.REFERENCE_MAX_LENGTH,
        required=False,
        help_text="A cheque number or a bank reference.",
    )
    name_shown = forms.ChoiceField(
        label="Donor's name on public pages",
        choices=Donation.NameShown.choices,
        initial=Donation.NameShown.ANONYMOUS,
        help_text="Anonymous unless the donor asked to be named.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].widget = AdminPageChooser(target_models=giftable_models())
        self.fields["received_on"].initial = organisation_today()

    def clean_page(self):
        try:
            return offline.gift_page(self.cleaned_data["page"])
        except OfflineGiftError as refused:
            raise forms.ValidationError(str(refused)) from refused

    def clean_received_on(self):
        return _received_on(self)


def _received_on(form):
    try:
        return offline.check_received_on(form.cleaned_data["received_on"])
    except OfflineGiftError as refused:
        raise forms.ValidationError(str(refused)) from refused


class CorrectForm(TypedTextMixin, forms.Form):
    amount = amount_field()
    method = forms.ChoiceField(label="How it came", choices=METHOD_CHOICES)
    received_on = received_field()
    reference = RecordForm.base_fields["reference"]
    reason = reason_field()

    def clean_received_on(self):
        return _received_on(self)


class VoidForm(TypedTextMixin, forms.Form):
    reason = reason_field()


# --- what the confirm steps say ------------------------------------------------------


def titles_in_words(titles):
    """ "A", "A and B", "A, B and C"."""
    titles = list(titles)
    if len(titles) <= 1:
        return "".join(titles)
    return f"{', '.join(titles[:-1])} and {titles[-1]}"


def money(cents, currency):
    return format_money(cents, currency, exact=True)


def record_summary(data):
    page = data["page"]
    currency = getattr(page, "currency", "usd")
    amount = money(data["amount"], currency)
    donor = f"{data['first_name']} {data['last_name']}".strip()
    method = dict(METHOD_CHOICES)[data["method"]].lower()
    levels = titles_in_words(levels_of(page.pk))
    return [
        f"This records a {method} of {amount} from {donor}, received on "
        f"{date_format(data['received_on'], 'F j, Y')}, and counts it now: {amount} and one "
        f"gift are added to the totals of {levels}.",
        "No receipt is sent; staff may send one from the gift's screen.",
    ]


def correct_summary(donation, data):
    was, now = donation.amount_cents, data["amount"]
    lines = []
    if was != now:
        lines.append(
            f"The amount changes from {money(was, donation.currency)} to "
            f"{money(now, donation.currency)}."
        )
    if donation.is_paid and was != now:
        change = money(abs(now - was), donation.currency)
        way = "go up" if now > was else "go down"
        levels = titles_in_words(levels_of(donation.page_id))
        lines.append(f"The totals of {levels} {way} by {change}; the gift still counts once.")
    else:
        lines.append("No total changes.")
    return lines


def void_summary(donation):
    amount = money(donation.amount_cents, donation.currency)
    what = f"the {donation.get_method_display().lower()} of {amount} from {donation.donor_name}"
    if donation.is_paid:
        levels = titles_in_words(levels_of(donation.page_id))
        counted = f"{amount} and one gift come off the totals of {levels}."
    else:
        counted = "It was never counted: no total changes."
    return [
        f"This voids {what}. {counted}",
        "The gift is kept, marked voided, with your reason in its history.",
    ]


def confirm_summary(gifts):
    """ "Confirm 3 gifts totalling $120.00 — they will count on Maria's walk, Grace Church
    and Spring into Action." for the gifts about to be confirmed."""
    by_currency = {}
    levels = {}
    for gift in gifts:
        by_currency[gift.currency] = by_currency.get(gift.currency, 0) + gift.amount_cents
        for title in levels_of(gift.page_id):
            levels.setdefault(title, None)
    total = " and ".join(money(cents, code) for code, cents in by_currency.items())
    noun = "gift" if len(gifts) == 1 else "gifts"
    pronoun = "it" if len(gifts) == 1 else "they"
    return (
        f"Confirm {len(gifts)} {noun} totalling {total} — {pronoun} will count on "
        f"{titles_in_words(levels)}."
    )


# --- the views -------------------------------------------------------------------------


def _form_page(request, context):
    return TemplateResponse(request, "donations/offline/form.html", context)


def record_view(request):
    """GET: the form; POST: the confirm step, then (with `confirm`) the gift recorded."""
    if not may_record(request.user):
        return forbidden(request, REFUSAL)
    form = RecordForm(request.POST if request.method == "POST" else None)
    summary = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                gift = record_offline_gift(
                    page=data["page"],
                    amount_cents=data["amount"],
                    method=data["method"],
                    received_on=data["received_on"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    reference=data["reference"],
                    name_shown=data["name_shown"],
                    by=request.user,
                )
            except OfflineGiftError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Recorded {gift.amount_display}: it counts now.")
                return redirect("donation:inspect", gift.pk)
        else:
            summary = record_summary(data)
    return _form_page(
        request,
        {
            "title": "Record an offline gift",
            "action": reverse("offline_gifts:record"),
            "form": form,
            "summary": summary,
            "confirm_label": "Record and count it",
            "cancel_url": reverse("offline_gifts:awaiting"),
            "icon": "plus",
        },
    )


def _offline_gift(pk):
    return get_object_or_404(
        Donation.objects.select_related("page").filter(method__in=Donation.OFFLINE_METHODS),
        pk=pk,
    )


def correct_view(request, pk):
    if not may_record(request.user):
        return forbidden(request, REFUSAL)
    donation = _offline_gift(pk)
    gift_url = reverse("donation:inspect", args=[donation.pk])
    initial = {
        "amount": donation.amount_cents,
        "method": donation.method,
        "received_on": donation.received_on,
        "reference": donation.reference,
    }
    form = CorrectForm(request.POST if request.method == "POST" else None, initial=initial)
    summary = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                correct_offline_gift(
                    donation,
                    amount_cents=data["amount"],
                    method=data["method"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    by=request.user,
                    reason=data["reason"],
                )
            except OfflineGiftError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "The gift is corrected, and its totals with it.")
                return redirect(gift_url)
        else:
            summary = correct_summary(donation, data)
    return _form_page(
        request,
        {
            "title": "Correct this offline gift",
            "donation": donation,
            "action": reverse("offline_gifts:correct", args=[donation.pk]),
            "form": form,
            "summary": summary,
            "confirm_label": "Correct the gift",
            "cancel_url": gift_url,
            "icon": "edit",
        },
    )


def void_view(request, pk):
    if not may_record(request.user):
        return forbidden(request, REFUSAL)
    donation = _offline_gift(pk)
    gift_url = reverse("donation:inspect", args=[donation.pk])
    form = VoidForm(request.POST if request.method == "POST" else None)
    summary = void_summary(donation)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                void_offline_gift(donation, by=request.user, reason=form.cleaned_data["reason"])
            except OfflineGiftError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Voided {donation.amount_display}.")
                return redirect(gift_url)
        else:
            confirming = True
    if donation.status == Donation.Status.VOIDED:
        summary = []
        form.add_error(None, f"This gift was voided already ({donation.void_reason}).")
    return _form_page(
        request,
        {
            "title": "Void this offline gift",
            "donation": donation,
            "action": reverse("offline_gifts:void", args=[donation.pk]),
            "form": form,
            "summary": summary if confirming else [],
            "confirm_label": f"Void {money(donation.amount_cents, donation.currency)}",
            "cancel_url": gift_url,
            "icon": "bin",
            "voided": donation.status == Donation.Status.VOIDED,
        },
    )


def awaiting_queryset():
    return (
        Donation.objects.filter(status=Donation.Status.AWAITING_CONFIRMATION)
        .select_related("page", "reported_by")
        .order_by("created_at", "pk")
    )


def awaiting_view(request):
    """The gifts owners reported, oldest first, each to confirm (or to open and void)."""
    if not may_record(request.user):
        return forbidden(request, REFUSAL)
    return TemplateResponse(
        request,
        "donations/offline/awaiting.html",
        {"gifts": awaiting_queryset(), "record_url": reverse("offline_gifts:record")},
    )


def confirm_view(request):
    """POST `gift` ids (from the list or a gift's screen): the confirm step saying how many,
    how much and where they will count; then, with `confirm`, `confirm_offline_gifts`."""
    if not may_record(request.user):
        return forbidden(request, REFUSAL)
    if request.method != "POST":
        return redirect("offline_gifts:awaiting")
    chosen = [request.GET["one"]] if "one" in request.GET else request.POST.getlist("gift")
    ids = [int(v) for v in chosen if v.isascii() and v.isdigit()]
    gifts = list(awaiting_queryset().filter(pk__in=ids))
    if not gifts:
        messages.error(request, "Choose at least one gift awaiting confirmation.")
        return redirect("offline_gifts:awaiting")
    if request.POST.get("confirm") == "yes":
        count = confirm_offline_gifts(gifts, by=request.user)
        noun = "gift" if count == 1 else "gifts"
        messages.success(request, f"Confirmed {count} {noun}: they count now.")
        return redirect("offline_gifts:awaiting")
    return TemplateResponse(
        request,
        "donations/offline/confirm.html",
        {"gifts": gifts, "summary": confirm_summary(gifts)},
    )


def admin_urls():
    """/admin/offline-gifts/ ("offline_gifts:awaiting"), record/, confirm/, <id>/correct/,
    <id>/void/."""
    urls = [
        path("", awaiting_view, name="awaiting"),
        path("record/", record_view, name="record"),
        path("confirm/", confirm_view, name="confirm"),
        path("<int:pk>/correct/", correct_view, name="correct"),
        path("<int:pk>/void/", void_view, name="void"),
    ]
    return [path("offline-gifts/", include((urls, "offline_gifts")))]


def gift_buttons(user, donation):
    """The buttons on an offline gift's screen for staff who may record offline gifts:
    "Confirm…" while it awaits, "Correct…" and "Void…" until it is voided."""
    if not donation.is_offline or not may_record(user):
        return []
    if donation.status == Donation.Status.VOIDED:
        return []
    buttons = []
    if donation.status == Donation.Status.AWAITING_CONFIRMATION:
        buttons.append(
            HeaderButton(
                "Confirm…",
                url=reverse("offline_gifts:awaiting") + f"#gift-{donation.pk}",
                icon_name="tick",
            )
        )
    for label, name, icon in (("Correct…", "correct", "edit"), ("Void…", "void", "bin")):
        url = reverse(f"offline_gifts:{name}", args=[donation.pk])
        buttons.append(HeaderButton(label, url=url, icon_name=icon))
    return buttons


def awaiting_count():
    return Donation.objects.filter(status=Donation.Status.AWAITING_CONFIRMATION).count()


class OfflineGiftsMenuItem(MenuItem):
    """ "Offline gifts" in the admin's menu, below Donations, with how many await
    confirmation; shown to staff who may record them."""

    def __init__(self):
        super().__init__(
            "Offline gifts",
            reverse("offline_gifts:awaiting"),
            name="offline-gifts",
            icon_name="doc-full",
            order=222,
        )

    def is_shown(self, request):
        return may_record(request.user)

    def render_component(self, request):
        waiting = awaiting_count()
        # "(2)": how many wait for staff; a longer label is cut off in the sidebar.
        label = f"Offline gifts ({waiting})" if waiting else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name)
