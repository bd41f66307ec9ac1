"""Ask five friends, on the owner's dashboard (`/dashboard/pages/<id>/friends/`): the form of
up to five names and addresses, the page's invitations with their state, and "Remind".

Only the page's owner (its `supporter`) sees this page and its friends' addresses: anyone
else gets a 404. Views parse, call one service (`campaigns.invitations`), render.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from northstar.forms import TypedTextMixin

from .invitations import (
    FRIENDS_PER_BATCH,
    INVITATION_EMAILS_PER_OWNER_PER_HOUR,
    MAX_INVITATIONS_PER_PAGE,
    REMIND_AFTER,
    Invitation,
    InvitationRefused,
    invitations_for_owner,
    invite,
    remind,
)
from .models import FundraiserPage


class FriendForm(TypedTextMixin, forms.Form):
    """One friend: their name and email address (a row left empty is skipped)."""

    name = forms.CharField(
        label="Friend's name",
        max_length=100,
        error_messages={"required": "Please enter your friend's name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Their email",
        max_length=254,
        error_messages={
            "required": "Please enter your friend's email address.",
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class BaseFriendFormSet(forms.BaseFormSet):
    """Up to FRIENDS_PER_BATCH friends; valid data is `friends()`: [(name, email)]."""

    default_error_messages = {
        "too_many_forms": f"You can invite up to {FRIENDS_PER_BATCH} friends at a time.",
        "missing_management_form": "Something went wrong with the form. Please try again.",
    }

    def friends(self):
        """[(name, email)] of the rows filled in, in order (after `is_valid()`)."""
        return [
            (form.cleaned_data["name"], form.cleaned_data["email"])
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]

    def clean(self):
        if any(self.errors):
            return
        friends = self.friends()
        if not friends:
            raise forms.ValidationError("Please enter a friend's name and email address.")
        addresses = [email.strip().lower() for _, email in friends]
        if len(set(addresses)) < len(addresses):
            raise forms.ValidationError("The same email address is in the list twice.")


FriendFormSet = formset_factory(
    FriendForm,
    formset=BaseFriendFormSet,
    extra=FRIENDS_PER_BATCH,
    max_num=FRIENDS_PER_BATCH,
    absolute_max=FRIENDS_PER_BATCH,
    validate_max=True,
)


def owned_fundraiser_or_404(user, fundraiser_id):
    """`user`'s own fundraiser page `fundraiser_id` (live or not), else Http404."""
    return get_object_or_404(
        FundraiserPage.objects.select_related("supporter"), pk=fundraiser_id, supporter=user
    )


@never_cache  # the owner's friends' names and addresses
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite_friends(request, fundraiser_id):
    """The page's invitations and the form for up to five more; a valid post invites them
    (all or none) and comes back here with a message."""
    page = owned_fundraiser_or_404(request.user, fundraiser_id)
    refusal = None
    if request.method == "POST":
        formset = FriendFormSet(request.POST, prefix="friends")
        if formset.is_valid():
            try:
                invitations = invite(page, request.user, formset.friends())
            except InvitationRefused as refused:
                refusal = str(refused)
            else:
                count = len(invitations)
                messages.success(
                    request,
                    f"Your invitation is on its way to {invitations[0].name}."
                    if count == 1
                    else f"Your invitations are on their way to {count} friends.",
                )
                return redirect("dashboard:invite-friends", fundraiser_id=page.pk)
    else:
        formset = FriendFormSet(prefix="friends")
    invitations = invitations_for_owner(page)
    context = {
        "fundraiser": page,
        "campaign": page.campaign,
        "formset": formset,
        "refusal": refusal,
        "invitations": invitations,
        "gave_count": sum(1 for i in invitations if i.state == Invitation.State.GAVE),
        "cap": MAX_INVITATIONS_PER_PAGE,
        "left": max(0, MAX_INVITATIONS_PER_PAGE - len(invitations)),
        "per_batch": FRIENDS_PER_BATCH,
        "per_hour": INVITATION_EMAILS_PER_OWNER_PER_HOUR,
        "remind_days": REMIND_AFTER.days,
    }
    return TemplateResponse(request, "campaigns/invite_friends.html", context)


@never_cache
@login_required
@require_POST
def remind_friend(request, fundraiser_id, invitation_id):
    """Remind one friend (at most once every REMIND_AFTER), then back to the list with a
    message saying it was sent, or why not."""
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, page_id=fundraiser_id, page__supporter=request.user
    )
    try:
        remind(invitation, request.user)
    except InvitationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Your reminder is on its way to {invitation.name}.")
    return redirect("dashboard:invite-friends", fundraiser_id=fundraiser_id)


# Mounted under /dashboard/ with the dashboard's own (namespace "dashboard"):
# "dashboard:invite-friends" (fundraiser_id) and "dashboard:remind-friend" (fundraiser_id,
# invitation_id).
urlpatterns = [
    path("pages/<int:fundraiser_id>/friends/", invite_friends, name="invite-friends"),
    path(
        "pages/<int:fundraiser_id>/friends/<int:invitation_id>/remind/",
        remind_friend,
        name="remind-friend",
    ),
]
