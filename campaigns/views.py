"""Supporters open their own fundraiser page from the public site, and invited friends stop
emails about a page (`northstar.unsubscribe`): parse, call one service, render."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from northstar.unsubscribe import one_click_view

from . import invitations
from .forms import StartFundraiserForm
from .models import FundraiserPage, FundraisingCampaignPage
from .services import (
    FundraiserRefused,
    not_started,
    open_fundraiser,
    pages_already_opened,
    start_day,
)


def live_campaign_or_404(campaign_id):
    return get_object_or_404(FundraisingCampaignPage.objects.live().public(), pk=campaign_id)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_fundraiser(request, campaign_id):
    """The "start your own fundraiser" form; on a valid post, the page is opened and the
    supporter is sent to the page that says what happens next.

    A supporter who already has a page here (live or waiting: `pages_already_opened`) is
    first shown it, with its dashboard link, and "Open another page" (`?another=1`) for the
    form; a post opens a second page as before. `?team=<id>` (a team page's link) starts
    the form with that team chosen, if it is one of the campaign's live teams."""
    campaign = live_campaign_or_404(campaign_id)
    context = {"campaign": campaign, "page": campaign}
    if not_started(campaign):
        context["start_day"] = start_day(campaign)
        return TemplateResponse(request, "campaigns/start_fundraiser_not_started.html", context)
    if not campaign.accepts_fundraisers():
        return TemplateResponse(request, "campaigns/start_fundraiser_closed.html", context)
    team_id = request.GET.get("team")
    if request.method != "POST" and not request.GET.get("another"):
        opened = pages_already_opened(campaign, request.user)
        if opened:
            another = {"another": "1", **({"team": team_id} if team_id else {})}
            context.update(opened=opened, another_query=urlencode(another))
            return TemplateResponse(
                request, "campaigns/start_fundraiser_already_opened.html", context
            )
    if request.method == "POST":
        form = StartFundraiserForm(
            request.POST, request.FILES, campaign=campaign, owner=request.user
        )
        if form.is_valid():
            try:
                fundraiser = open_fundraiser(campaign, request.user, form.cleaned_data)
            except FundraiserRefused as refused:
                form.add_error(refused.field, str(refused))
            else:
                return redirect("campaigns:fundraiser-opened", fundraiser_id=fundraiser.pk)
        form.ask_for_photo_again()
    else:
        form = StartFundraiserForm(
            campaign=campaign,
            owner=request.user,
            initial={
                "goal_cents": campaign.default_fundraiser_goal_cents,
                "story": campaign.default_fundraiser_story,
            },
        )
        form.preselect_team(team_id)
    context["form"] = form
    return TemplateResponse(request, "campaigns/start_fundraiser.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def fundraiser_opened(request, fundraiser_id):
    """After opening a page: a link to it if live, else "Waiting for approval". Only its
    owner sees this (404 for anyone else)."""
    fundraiser = get_object_or_404(
        FundraiserPage.objects.select_related("supporter"), pk=fundraiser_id, supporter=request.user
    )
    context = {"fundraiser": fundraiser, "campaign": fundraiser.campaign}
    return TemplateResponse(request, "campaigns/fundraiser_opened.html", context)


# The "no more emails about this page" link in every invitation and reminder, and its
# one-click List-Unsubscribe: the owner can no longer remind that friend.
stop_invitation_emails = one_click_view(
    invitations.invitation_for_stop_token,
    invitations.stop_emails,
    "campaigns/stop_invitation_emails.html",
    unsubscribed=invitations.emails_stopped,
)
