"""Staff delivery view for one petition in the Wagtail admin.

Staff see where every confirmed signature stands (delivered, ready to post,
in flight, waiting) per decision maker, start a delivery now, follow the
history of deliveries, download what each one carried (the files kept when it
was claimed, and which names its PDF could not draw), send a failed email
again and mark a printed packet as posted. "Delivered" counts only what was
sent by email, posted or handed over: a packet ready to post is not yet.
Every view requires permission to edit the petition: the packets and CSVs
hold signers' names, ZIP codes and comments.

Figures are aggregate queries (GROUP BY in the database); the views parse
input, call one service from `petitions.delivery.services`, and redirect back with a
message. Bad input changes nothing and says why.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator

from northstar.admin_access import page_editors_only
from northstar.days import organisation_today
from northstar.exports import CONTENT_TYPE as CSV_CONTENT_TYPE

from ..models import Delivery, PetitionPage
from .letter import delivery_date, long_date
from .packets import delivery_filename
from .services import (
    deliver_waiting_now,
    mark_posted,
    resend,
    stored_csv,
    stored_pdf,
    waiting_signatures,
)
from .status import deliver_now_summary, signature_figures, target_rows

DELIVERIES_PER_PAGE = 50
MAX_NOTE_LENGTH = 1000


class MarkPostedForm(forms.Form):
    """When and how staff sent a printed packet on its way."""

    posted_on = forms.DateField(
        label="Date posted",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the packet was posted.",
            "invalid": "Enter the date posted as YYYY-MM-DD.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "e.g. First-class, tracking number"}),
    )
    by_hand = forms.BooleanField(label="Hand-delivered", required=False)

    def __init__(self, *args, delivery, **kwargs):
        kwargs.setdefault("auto_id", f"delivery-{delivery.pk}-%s")
        kwargs.setdefault("initial", {"posted_on": organisation_today()})
        super().__init__(*args, **kwargs)
        self.delivery = delivery

    def clean_posted_on(self):
        posted_on = self.cleaned_data["posted_on"]
        if posted_on > organisation_today():
            raise ValidationError("The date posted cannot be in the future.")
        made_on = delivery_date(self.delivery)
        if posted_on < made_on:
            raise ValidationError(
                f"The packet was made on {long_date(made_on)}: it cannot have been posted before."
            )
        return posted_on


# A delivery view of one petition: its `page_id` becomes the petition, for its editors only.
petition_editors_only = page_editors_only(
    PetitionPage, "You need permission to edit this petition to see or change its deliveries."
)


def deliveries_url(petition):
    return reverse("petitions_admin:deliveries", args=[petition.pk])


def petition_delivery(petition, delivery_id):
    """One of the petition's deliveries, or None (another petition's, or none at all)."""
    return (
        Delivery.objects.select_related("petition", "target")
        .filter(pk=delivery_id, petition=petition)
        .first()
    )


def delivery_name(delivery):
    """ "1,234 signatures to the Attorney General of Texas" (`Target.addressed_as`)."""
    count = delivery.signature_count
    noun = "signature" if count == 1 else "signatures"
    return f"{count:,} {noun} to {delivery.target.addressed_as(with_name=False)}"


def history_page(petition, page_number, bound_form=None):
    """The petition's deliveries, newest first, one page of DELIVERIES_PER_PAGE.

    Each ready postal delivery carries its "mark as posted" form: `bound_form`
    (with its errors) for the delivery it was posted for, a blank one for the rest.
    """
    deliveries = (
        Delivery.objects.filter(petition=petition)
        .select_related("target", "posted_by")
        .order_by("-created_at", "-pk")
    )
    paginator = WagtailPaginator(deliveries, DELIVERIES_PER_PAGE)
    page = paginator.get_page(page_number)
    for delivery in page:
        delivery.can_resend = (
            delivery.channel == Delivery.Channel.EMAIL and delivery.status == Delivery.Status.FAILED
        )
        if delivery.channel == Delivery.Channel.POST and delivery.status == Delivery.Status.READY:
            if bound_form is not None and bound_form.delivery.pk == delivery.pk:
                delivery.posted_form = bound_form
            else:
                delivery.posted_form = MarkPostedForm(delivery=delivery)
    return page, paginator.get_elided_page_range(page.number)


def render_deliveries(request, petition, page_number, bound_form=None, status=200):
    history, page_range = history_page(petition, page_number, bound_form)
    waiting, unrouted = waiting_signatures(petition)
    targets = target_rows(petition, waiting)
    return TemplateResponse(
        request,
        "petitions/admin/deliveries.html",
        {
            "petition": petition,
            "page": petition,
            "figures": signature_figures(petition, waiting, unrouted),
            "targets": targets,
            "deliver_now": deliver_now_summary(targets),
            "totals": {
                key: sum(row[key] for row in targets)
                for key in ("delivered", "ready", "in_flight", "waiting")
            },
            "history": history,
            "elided_page_range": page_range,
        },
        status=status,
    )


@require_safe
@petition_editors_only
def deliveries(request, petition):
    return render_deliveries(request, petition, request.GET.get("p"))


@require_POST
@petition_editors_only
def deliver_now(request, petition):
    """Deliver every waiting signature now, in the background, once this request commits."""
    start = deliver_waiting_now(petition, by=request.user)
    waiting, targets = start.signatures, start.targets
    if not waiting:
        messages.warning(request, nothing_to_deliver_message(start.unrouted))
        return redirect(deliveries_url(petition))
    noun = "signature" if waiting == 1 else "signatures"
    to = "1 decision maker" if targets == 1 else f"{targets:,} decision makers"
    messages.success(
        request,
        f"Delivery started: {waiting:,} waiting {noun} for {to}. "
        "Deliveries appear below as they are prepared; reload the page to follow them.",
    )
    return redirect(deliveries_url(petition))


def nothing_to_deliver_message(unrouted):
    if unrouted:
        return (
            f"Nothing to deliver: the {unrouted:,} waiting signature(s) come from states with no "
            "active decision maker. Add or activate one under Decision makers first."
        )
    return "Nothing to deliver: every confirmed signature is already in a delivery."


@require_POST
@petition_editors_only
def resend_delivery(request, petition, delivery_id):
    """Send a failed email delivery again (same signatures, same idempotency key)."""
    delivery = petition_delivery(petition, delivery_id)
    if delivery is None:
        messages.error(request, "That delivery is not one of this petition's: nothing was sent.")
    elif delivery.channel != Delivery.Channel.EMAIL or not resend(delivery, by=request.user):
        delivery.refresh_from_db(fields=["status"])
        messages.error(
            request,
            f"Only a failed email delivery can be sent again; this one is "
            f"{delivery.get_channel_display().lower()}, "
            f"{delivery.get_status_display().lower()}. Nothing was sent.",
        )
    else:
        messages.success(request, f"Sending again: {delivery_name(delivery)}.")
    return redirect(deliveries_url(petition))


@require_POST
@petition_editors_only
def mark_delivery_posted(request, petition, delivery_id):
    """Record that a ready postal packet was posted (or handed over); bad input changes nothing."""
    delivery = petition_delivery(petition, delivery_id)
    if delivery is None:
        messages.error(request, "That delivery is not one of this petition's: nothing changed.")
        return redirect(deliveries_url(petition))
    if delivery.channel != Delivery.Channel.POST or delivery.status != Delivery.Status.READY:
        messages.error(request, not_ready_message(delivery))
        return redirect(deliveries_url(petition))
    form = MarkPostedForm(request.POST, delivery=delivery)
    if not form.is_valid():
        messages.error(request, f"Not marked posted: {form_errors(form)}")
        return render_deliveries(request, petition, request.POST.get("p"), form, status=400)
    data = form.cleaned_data
    if not mark_posted(delivery, request.user, data["posted_on"], data["note"], data["by_hand"]):
        delivery.refresh_from_db(fields=["status"])
        messages.error(request, not_ready_message(delivery))
    else:
        how = "Marked hand-delivered" if data["by_hand"] else "Marked posted"
        messages.success(
            request, f"{how} on {long_date(data['posted_on'])}: {delivery_name(delivery)}."
        )
    return redirect(deliveries_url(petition))


def form_errors(form):
    return " ".join(error for errors in form.errors.values() for error in errors)


def not_ready_message(delivery):
    return (
        "Only a postal packet that is ready to post can be marked posted; this delivery is "
        f"{delivery.get_channel_display().lower()}, {delivery.get_status_display().lower()}. "
        "Nothing changed."
    )


def packet_response(petition, delivery_id, content_type, extension, read):
    """A delivery's kept file (`read(delivery)` -> bytes).

    Never cached anywhere.
    """
    delivery = petition_delivery(petition, delivery_id)
    if delivery is None:
        raise Http404("No such delivery for this petition.")
    response = HttpResponse(
        read(delivery),
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=f"{delivery_filename(delivery)}.{extension}"
            )
        },
    )
    add_never_cache_headers(response)
    return response


@require_safe
@petition_editors_only
def packet_pdf(request, petition, delivery_id):
    return packet_response(petition, delivery_id, "application/pdf", "pdf", stored_pdf)


@require_safe
@petition_editors_only
def signatures_csv(request, petition, delivery_id):
    """The delivery's CSV as kept (`packets.delivery_csv`, by `northstar.exports`)."""
    return packet_response(petition, delivery_id, CSV_CONTENT_TYPE, "csv", stored_csv)
