"""Donations in the Wagtail admin: a read-only list for staff (payments alone change gifts)."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from northstar.log_actions import register_staff_action
from northstar.protection import RECORDS_HOOK, KeptRecords, counted

from .disputes import DISPUTED, dispute_words
from .models import Donation
from .refund_views import refund_header_button, refund_view
from .refunds import REFUNDED, refund_words


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Staff with the view permission (superusers too) may look; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Donation, ViewOnlyPermissionPolicy(Donation))


class DonationInspectView(InspectView):
    """A gift's screen, with "Refund" for staff who may refund it (`refund_views`)."""

    def get_header_buttons(self):
        button = refund_header_button(self.request.user, self.object)
        return [*super().get_header_buttons(), *([button] if button else [])]


class DonationViewSet(ModelViewSet):
    model = Donation
    inspect_view_class = DonationInspectView
    icon = "pick"
    menu_label = "Donations"
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        Column("amount_display", label="Amount", sort_key="amount_cents"),
        Column("donor_name", label="Donor"),
        "status",
        "page",
        Column("created_at", label="Date", sort_key="created_at"),
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
        "name_shown",
        "message",
        "checkout_session_id",
        "payment_intent_id",
        "created_at",
        "paid_at",
    ]
    copy_view_enabled = False
    form_fields = []  # never shown: the policy allows no one to add or edit


@hooks.register("register_admin_viewset")
def register_donation_viewset():
    return DonationViewSet("donation")


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


@hooks.register("register_admin_urls")
def refund_urls():
    return [path("donations/refund/<int:pk>/", refund_view, name="donation_refund")]
