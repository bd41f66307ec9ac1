"""Site-wide admin rules: no admin path deletes supporters' records (see northstar.protection)."""

from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.api.actions.delete import DeletePageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page

from . import log_actions  # noqa: F401  registers the staff actions' log entries (audit trail)
from .protection import kept_records, refusal_message, refusals


def unpublish_button(page):
    if isinstance(page, Page) and page.live:
        url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
        return [messages.button(url, "Unpublish")]
    return []


@hooks.register("before_delete_page")
def keep_pages_holding_records(request, page):
    """The page delete view: a page whose subtree holds supporters' records is not deleted."""
    kept = kept_records(page)
    if kept is None:
        return None
    messages.error(request, refusal_message(page, kept), buttons=unpublish_button(page))
    next_url = get_valid_next_url_from_request(request)
    return redirect(next_url or reverse("wagtailadmin_explore", args=[page.get_parent().pk]))


@hooks.register("before_bulk_action")
def keep_records_in_bulk_deletes(request, action_type, objects, action_class_instance):
    """Bulk delete of pages or snippets: if any selected object holds records, delete none."""
    if action_type != "delete":
        return None
    found = refusals(objects)
    if not found:
        return None
    for message in found:
        messages.error(request, message)
    return redirect(action_class_instance.next_url)


@hooks.register("before_delete_snippet")
def keep_snippets_holding_records(request, instances):
    """A snippet's delete view (one or many): refuse if any holds supporters' records."""
    found = refusals(instances)
    if not found:
        return None
    for message in found:
        messages.error(request, message)
    next_url = get_valid_next_url_from_request(request)
    if not next_url and len(instances) == 1:
        next_url = AdminURLFinder(request.user).get_edit_url(instances[0])
    return redirect(next_url or "wagtailadmin_home")


class KeepRecordsDeletePageAPIAction(DeletePageAPIAction):
    """The admin API's page delete, refused (400, with the message) like the delete view."""

    def execute(self, instance, data):
        kept = kept_records(instance)
        if kept is not None:
            raise ValidationError({"message": refusal_message(instance, kept)})
        return super().execute(instance, data)


class KeepRecordsPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    actions = {**PagesAdminAPIViewSet.actions, "delete": KeepRecordsDeletePageAPIAction}


@hooks.register("construct_admin_api")
def keep_records_in_the_admin_api(router):
    router.register_endpoint("pages", KeepRecordsPagesAdminAPIViewSet)
