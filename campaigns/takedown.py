"""Taking down an abusive fundraiser page: staff unpublish it and its owner is told why.

"Take down this page" (a button on a live fundraiser page in the Wagtail admin,
`campaigns.wagtail_hooks`) opens `take_down_view`: a confirm screen saying what will
happen, with a required reason. On POST, `take_down` unpublishes the page through
Wagtail's own unpublish (logged "Unpublished" in its history as any unpublish is), logs
`TAKEN_DOWN` with the reason in the page's history, and emails the owner the reason
through the outbox. The page's gifts stay counted toward its team and campaign: totals
live in `DonationTotal`, which unpublishing does not touch.

Who may: staff with permission to unpublish the page (Wagtail's admin URLs already
require an admin login; anyone else is sent to it).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page, PageLogEntry

from northstar.emails import public_url, send_email

from .editing import taken_down
from .models import FundraiserPage

TAKEN_DOWN = "campaigns.fundraiser_taken_down"


class TakeDownForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the owner)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        strip=True,
        error_messages={
            "required": "Please write the reason: it is emailed to the page's owner.",
        },
        help_text=(
            "Written to the owner, in plain words: what on the page breaks the rules, "
            "and what they can do."
        ),
    )


class TakeDownRefused(Exception):
    """The page cannot be taken down (`str(exc)` says why, for staff)."""


@transaction.atomic
def take_down(page: FundraiserPage, user, reason: str) -> None:
    """Unpublish live fundraiser `page` as staff member `user`, log it with `reason` in the
    page's history (`TAKEN_DOWN`), and email its owner the reason (after commit).

    Raises PermissionDenied if `user` may not unpublish the page, TakeDownRefused if it
    is not live (nothing changes either way). The page's gifts stay counted.
    """
    page = FundraiserPage.objects.select_for_update().select_related("supporter").get(pk=page.pk)
    if not page.permissions_for_user(user).can_unpublish():
        raise PermissionDenied("You may not unpublish this page.")
    if not page.live:
        raise TakeDownRefused(f"{page.title} is not live, so there is nothing to take down.")
    owner = page.supporter
    page.unpublish(user=user)  # Wagtail's own: its "Unpublished" history entry and signal
    log(
        instance=page,
        action=TAKEN_DOWN,
        user=user,
        data={"reason": reason, "owner": owner.first_name},
    )
    send_email(
        "campaigns/page_taken_down",
        owner.email,
        {
            "first_name": owner.first_name,
            "page_title": page.title,
            "campaign_title": page.campaign.title,
            "reason": reason,
            "dashboard_url": public_url("/dashboard/"),
        },
    )


def take_down_reason(page) -> str:
    """The reason staff gave when they last took `page` down, read from its history
    (`TAKEN_DOWN`), while it is still down; "" for a page that is live or was never
    taken down (`editing.taken_down`)."""
    if not taken_down(page):
        return ""
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action=TAKEN_DOWN)
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry.data.get("reason", "") if entry else ""


def take_down_view(request, page_id):
    """GET: the confirm screen; POST: take the page down with the reason given, or show
    the form again with what is missing."""
    page = get_object_or_404(FundraiserPage.objects.select_related("supporter"), pk=page_id)
    if not page.permissions_for_user(request.user).can_unpublish():
        raise PermissionDenied
    form = TakeDownForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and page.live and form.is_valid():
        try:
            take_down(page, request.user, form.cleaned_data["reason"])
        except TakeDownRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{page.title} is no longer live; {page.supporter.first_name or 'its owner'} "
                "has been emailed the reason.",
            )
        return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "campaigns/admin/take_down.html",
        {"page": page, "owner_name": page.supporter.first_name or "the owner", "form": form},
    )


def admin_urls():
    """The admin URL of the confirm screen: /admin/take-down/<page id>/ ("campaign_takedown")."""
    urls = [path("<int:page_id>/", take_down_view, name="take-down")]
    return [path("take-down/", include((urls, "campaign_takedown")))]


class TakeDownButton(PageMenuItem):
    """ "Take down this page" on a live fundraiser page, for staff who may unpublish it."""

    label = "Take down this page"
    icon_name = "warning"
    url_name = "campaign_takedown:take-down"

    def is_shown(self, user):
        return (
            self.page.live
            and issubclass(self.page.specific_class or Page, FundraiserPage)
            and self.page.permissions_for_user(user).can_unpublish()
        )


class TakenDownFormatter(LogFormatter):
    """How a `TAKEN_DOWN` entry reads in the page's history."""

    label = "Taken down by staff"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        owner = data.get("owner") or "the owner"
        return f"Taken down; {owner} was emailed the reason: {data.get('reason', '')}"
