"""Donations in the Wagtail admin: a read-only list for staff (payments alone change gifts),
and the one staff action on a gift: accepting a payment held for review (`review_admin`)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from northstar.log_actions import register_staff_action
from northstar.protection import RECORDS_HOOK, KeptRecords, counted

from . import gift_admin, offline, offline_admin, receipt_admin, review_admin
from .disputes import DISPUTED, dispute_words
from .hiding import PUBLIC_TEXT_CHANGED, public_text_words
from .models import HELD_FOR_REVIEW, REVIEW_ACCEPTED, Donation, RecurringGift
from .refund_views import refund_header_button, refund_held_view, refund_view
from .refunds import REFUNDED, refund_words
from .review import REVIEW_PERMISSION


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Staff with the view permission (superusers too) may look; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Donation, ViewOnlyPermissionPolicy(Donation))
register_permission_policy(RecurringGift, ViewOnlyPermissionPolicy(RecurringGift))


class DonationIndexView(gift_admin.GiftListMixin, generic.IndexView):
    """The Donations list, with how many payments wait for review above it (a link to them),
    what happened to each gift beside its status (`gift_admin.with_outcomes`), and the
    filters, search, totals, chart and CSV of `gift_admin.GiftListMixin`."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        waiting = review_admin.waiting_count()
        if waiting:
            buttons.append(
                HeaderButton(
                    review_admin.waiting_words(waiting),
                    url=review_admin.waiting_list_url(),
                    icon_name="warning",
                )
            )
        return buttons


class DonationInspectView(gift_admin.DonationInspectScreen):
    """A gift's screen (its refunds, disputes and plan: `gift_admin`): "Refund" for staff
    who may refund it (`refund_views`); on a payment held for review, "Accept as
    collected…" for staff who may accept it and "Refund…" beside it."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        donation = self.object
        if donation.status == Donation.Status.NEEDS_REVIEW and self.request.user.has_perm(
            REVIEW_PERMISSION
        ):
            url = reverse("donation_review:accept", args=[donation.pk])
            buttons.append(HeaderButton("Accept as collected…", url=url, icon_name="tick"))
        refund = refund_header_button(self.request.user, donation)
        if refund is not None:
            buttons.append(refund)
        buttons += offline_admin.gift_buttons(self.request.user, donation)
        buttons += filter(None, [receipt_admin.header_button(self.request.user, donation)])
        hide = gift_admin.hide_header_button(self.request.user, donation)
        if hide is not None:
            buttons.append(hide)
        return buttons


class DonationViewSet(ModelViewSet):
    model = Donation
    index_view_class = DonationIndexView
    inspect_view_class = DonationInspectView
    icon = "pick"
    menu_label = "Donations"
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        gift_admin.amount_column(),
        Column("donor_name", label="Donor"),
        gift_admin.StatusColumn("status", label="Status"),
        Column("kind", label="Kind", accessor=gift_admin.kind_words),
        "page",
        Column("dedication", label="Dedication", accessor=gift_admin.dedication),
        gift_admin.gift_time_column(),
    ]
    filterset_class = gift_admin.DonationFilterSet
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "amount_display",
        "fee_display",
        "currency",
        "status",
        "kind",
        "page",
        "donor_name",
        "email",
        "name_shown",
        "show_amount_publicly",
        "message",
        "public_text",
        "dedication",
        "invitation",
        "receipt_number",
        "created_at",
        "paid_at",
        "checkout_session_id",
        "payment_intent_id",
        "stripe_invoice_id",
        # held for review (donations/review.py): what Stripe collected, and why
        "collected_display",
        "review_reason",
        "review_detail",
        "held_for_review_at",
    ]
    copy_view_enabled = False
    form_fields = []  # never shown: the policy allows no one to add or edit


@hooks.register("register_admin_viewset")
def register_donation_viewset():
    return DonationViewSet("donation")


@hooks.register("register_admin_viewset")
def register_recurring_gift_viewset():
    return gift_admin.RecurringGiftViewSet("monthly_gift")


@hooks.register("register_admin_urls")
def register_review_urls():
    return review_admin.admin_urls()


@hooks.register("construct_homepage_panels")
def add_payments_to_review_panel(request, panels):
    panels.append(review_admin.PaymentsToReviewPanel())


register_staff_action(
    HELD_FOR_REVIEW,
    "Held for review",
    lambda data: f"Payment held for review, not counted: {data.get('detail', '')}",
)
register_staff_action(
    REVIEW_ACCEPTED,
    "Accepted as collected",
    lambda data: (
        f"Accepted as collected: {data.get('counted', '?')} counted "
        f"(the gift was {data.get('was', '?')})"
    ),
)


@hooks.register(RECORDS_HOOK)
def gift_records(obj):
    """Gifts to a page or to any page under it, paid ones apart from checkouts never
    completed (as the Donations list tells them): deleting the page would lose both."""
    if not isinstance(obj, Page):
        return None
    donations = Donation.objects.filter(page__path__startswith=obj.path)
    paid = donations.filter(status__in=Donation.COUNTED_STATES).count()
    unfinished = donations.count() - paid
    records = []
    if paid:
        records.append(counted(paid, "gift", "gifts"))
    if unfinished:
        records.append(counted(unfinished, "checkout not completed", "checkouts not completed"))
    return KeptRecords(tuple(records))


# Refunds and disputes (issue 28): their History lines.
register_staff_action(REFUNDED, "Refund", refund_words)
register_staff_action(DISPUTED, "Dispute", dispute_words)


# Staff hide a donor's public name or message (issue 29): its History line and its screen.
register_staff_action(PUBLIC_TEXT_CHANGED, "Public name or message hidden", public_text_words)


@hooks.register("register_admin_urls")
def refund_urls():
    return [
        path(
            "donations/public-text/<int:pk>/",
            gift_admin.public_text_view,
            name="donation_public_text",
        ),
        path("donations/refund/<int:pk>/", refund_view, name="donation_refund"),
        path("donations/refund/<int:pk>/held/", refund_held_view, name="donation_refund_held"),
    ]


# Offline gifts (issue 29, donations/offline.py): their screens, menu item and History lines.
@hooks.register("register_admin_urls")
def offline_gift_urls():
    return offline_admin.admin_urls()


@hooks.register("register_admin_menu_item")
def offline_gifts_menu_item():
    return offline_admin.OfflineGiftsMenuItem()


for _action, _label in offline.ACTION_LABELS.items():
    register_staff_action(_action, _label, offline.history_words(_action))


# Receipts (issue 29): staff send or re-send a counted gift's receipt (donations/receipt_admin.py).
hooks.register("register_admin_urls", receipt_admin.admin_urls)
register_staff_action(receipt_admin.RECEIPT_SENT, "Receipt sent", receipt_admin.receipt_sent_words)
