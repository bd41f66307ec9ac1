"""The petitions app in the Wagtail admin."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from northstar.log_actions import register_staff_action
from northstar.models import HOME_PAGE_TILES_HOOK
from northstar.protection import RECORDS_HOOK, KeptRecords, counted

from . import admin_views
from .admin_forms import places
from .delivery import views as delivery_views
from .models import (
    Delivery,
    PetitionPage,
    PetitionUpdate,
    Signature,
    SignatureCount,
    Target,
    UpdateRecipient,
)
from .updates import EMAILED_ACTION, email_update


class TargetFilterSet(WagtailFilterSet):
    class Meta:
        model = Target
        fields = ["group", "active"]


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "user"
    menu_label = "Decision makers"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["jurisdiction", "jurisdiction_name", "name", "email", "active"]
    list_per_page = 60
    filterset_class = TargetFilterSet
    search_fields = ["name", "office", "jurisdiction"]


register_snippet(TargetViewSet)


class SignaturesReportButton(PageMenuItem):
    """ "Signatures report" on a petition: for staff who may edit it (the export holds emails)."""

    label = "Signatures report"
    icon_name = "table"
    url_name = "petitions_admin:report"

    def is_shown(self, user):
        return issubclass(self.page.specific_class or Page, PetitionPage) and (
            self.page.permissions_for_user(user).can_edit()
        )


class DeliveriesButton(SignaturesReportButton):
    """ "Deliveries" on a petition: for staff who may edit it (the packets hold signers' names)."""

    label = "Deliveries"
    icon_name = "mail"
    url_name = "petitions_admin:deliveries"


@hooks.register("register_admin_urls")
def register_petition_admin_urls():
    urls = [
        path("<int:page_id>/report/", admin_views.report, name="report"),
        path("<int:page_id>/export.csv", admin_views.export, name="export"),
        path("<int:page_id>/deliveries/", delivery_views.deliveries, name="deliveries"),
        path(
            "<int:page_id>/deliveries/deliver-now/",
            delivery_views.deliver_now,
            name="deliver-now",
        ),
        path(
            "<int:page_id>/deliveries/<int:delivery_id>/packet.pdf",
            delivery_views.packet_pdf,
            name="delivery-pdf",
        ),
        path(
            "<int:page_id>/deliveries/<int:delivery_id>/signatures.csv",
            delivery_views.signatures_csv,
            name="delivery-csv",
        ),
        path(
            "<int:page_id>/deliveries/<int:delivery_id>/resend/",
            delivery_views.resend_delivery,
            name="delivery-resend",
        ),
        path(
            "<int:page_id>/deliveries/<int:delivery_id>/mark-posted/",
            delivery_views.mark_delivery_posted,
            name="delivery-mark-posted",
        ),
    ]
    return [path("petitions/", include((urls, "petitions_admin")))]


@hooks.register("register_page_header_buttons")
def petition_header_buttons(page, user, view_name, next_url=None):
    yield SignaturesReportButton(page=page, priority=62)
    yield DeliveriesButton(page=page, priority=63)


@hooks.register("register_page_listing_more_buttons")
def petition_listing_more_buttons(page, user, next_url=None):
    yield SignaturesReportButton(page=page, priority=45)
    yield DeliveriesButton(page=page, priority=46)


class ConfirmAudienceMixin:
    """When the only thing missing is "Send it now", the banner says so, not "errors"."""

    def is_valid(self, form):
        valid = super().is_valid(form)
        if not valid and set(form.errors) == {"send_now"}:
            self.produced_error_message = (
                "Not saved or sent yet: check how many signers it will reach (under “Send it "
                "now”), then tick “Send it now” and save."
            )
        return valid


class PetitionUpdateCreateView(ConfirmAudienceMixin, snippet_views.CreateView):
    pass


class PetitionUpdateEditView(ConfirmAudienceMixin, snippet_views.EditView):
    pass


class PetitionUpdateViewSet(SnippetViewSet):
    model = PetitionUpdate
    add_view_class = PetitionUpdateCreateView
    edit_view_class = PetitionUpdateEditView
    icon = "mail"
    menu_label = "Petition updates"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "petition", "kind", "published_on", "show_on_page", "emailed_at"]
    list_filter = ["kind", "show_on_page"]


register_snippet(PetitionUpdateViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def email_update_when_asked(request, instance):
    if isinstance(instance, PetitionUpdate) and instance.email_signers:
        email_update(instance, by=request.user)


@hooks.register(RECORDS_HOOK)
def petition_records(obj):
    """Signatures and deliveries on a page (or its subtree), a decision maker, an emailed update."""
    if isinstance(obj, Page):
        signatures = Signature.objects.filter(petition__path__startswith=obj.path).count()
        deliveries = Delivery.objects.filter(petition__path__startswith=obj.path).count()
        return KeptRecords(
            tuple(
                phrase
                for number, phrase in (
                    (signatures, counted(signatures, "signature", "signatures")),
                    (deliveries, counted(deliveries, "delivery", "deliveries")),
                )
                if number
            )
        )
    if isinstance(obj, Target):
        signatures = Signature.objects.filter(target=obj).count()
        deliveries = Delivery.objects.filter(target=obj).count()
        responses = PetitionUpdate.objects.filter(target=obj).count()
        return KeptRecords(
            tuple(
                phrase
                for number, phrase in (
                    (signatures, counted(signatures, "signature", "signatures") + " routed to it"),
                    (deliveries, counted(deliveries, "delivery", "deliveries")),
                    (responses, counted(responses, "response", "responses")),
                )
                if number
            ),
            instead=(
                "Untick “Active” instead: no new signature is routed to this office, and its "
                "records stay."
            ),
        )
    if isinstance(obj, PetitionUpdate):
        sent = UpdateRecipient.objects.filter(update=obj).count()
        return KeptRecords(
            (f"the record of its email to {counted(sent, 'signer', 'signers')}",) if sent else (),
            instead=(
                "Untick “Publish it on the petition page” instead: it leaves the page and the "
                "record of who was emailed stays."
            ),
        )
    return None


def update_emailed_words(data):
    """ "Emailing to 120 signers who opted in, in Texas and Alaska"."""
    return (
        f"Emailing to {counted(data.get('recipients', 0), 'signer', 'signers')} who "
        f"opted in, in {places(data.get('states') or [])}"
    )


register_staff_action(EMAILED_ACTION, "Email to signers", update_emailed_words)


@hooks.register(HOME_PAGE_TILES_HOOK)
def petition_tiles(home_page):
    """{"petition_tiles": [(petition, its signature count)]} of the open petitions under the
    home page, newest first, in two queries whatever their number
    (`SignatureCount.objects.totals`)."""
    petitions = list(
        PetitionPage.objects.live().open().descendant_of(home_page).order_by("-first_published_at")
    )
    counts = SignatureCount.objects.totals(
        by=["petition"], petition__in=[petition.pk for petition in petitions]
    )
    return {
        "petition_tiles": [
            (petition, counts.get(petition.pk, SignatureCount.ZERO).count) for petition in petitions
        ]
    }
