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
    NOTE_MAX_LENGTH,
    REMIND_AFTER,
    Invitation,
    InvitationRefused,
    invitations_for_owner,
    invite,
    remind,
    story_opening,
    waiting_for_approval,
)
from .models import FundraiserPage
from .page_states import with_page_state


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


class NoteForm(TypedTextMixin, forms.Form):
    """The owner's optional note to the friends of one batch: plain text, up to
    NOTE_MAX_LENGTH characters, shown in each email as the owner's own words."""

    note = forms.CharField(
        label="A note from you",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        help_text=(
            f"Plain text, up to {NOTE_MAX_LENGTH} characters. Each friend reads it in your "
            "invitation, with your name. Leave it empty and we send our usual words."
        ),
        error_messages={
            "max_length": (
                f"Your note can be up to {NOTE_MAX_LENGTH} characters long (it has %(show_value)d)."
            ),
        },
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
    """`user`'s own fundraiser page `fundraiser_id` (live or not), with its `PageState`
    (`with_page_state`), else Http404."""
    return get_object_or_404(
        with_page_state(FundraiserPage.objects.select_related("supporter")),
        pk=fundraiser_id,
        supporter=user,
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
        note_form = NoteForm(request.POST)
        if formset.is_valid() and note_form.is_valid():
            try:
                invitations = invite(
                    page, request.user, formset.friends(), note=note_form.cleaned_data["note"]
                )
            except InvitationRefused as refused:
                refusal = str(refused)
            else:
                messages.success(request, invited_message(invitations))
                return redirect("dashboard:invite-friends", fundraiser_id=page.pk)
    else:
        formset = FriendFormSet(prefix="friends")
        note_form = NoteForm()
    invitations = invitations_for_owner(page)
    context = {
        "fundraiser": page,
        "campaign": page.campaign,
        "waiting": waiting_for_approval(page),
        "formset": formset,
        "note_form": note_form,
        "story_opening": story_opening(page.story),
        "refusal": refusal,
        "invitations": invitations,
        "gave_count": sum(1 for i in invitations if i.state == Invitation.State.GAVE),
        "held_count": sum(1 for i in invitations if i.state == Invitation.State.HELD),
        "cap": MAX_INVITATIONS_PER_PAGE,
        "left": max(0, MAX_INVITATIONS_PER_PAGE - len(invitations)),
        "per_batch": FRIENDS_PER_BATCH,
        "per_hour": INVITATION_EMAILS_PER_OWNER_PER_HOUR,
        "remind_days": REMIND_AFTER.days,
    }
    return TemplateResponse(request, "campaigns/invite_friends.html", context)


def invited_message(invitations: list[Invitation]) -> str:
    """What the owner is told once `invitations` (one batch, sent or held) are saved."""
    count = len(invitations)
    if invitations[0].state == Invitation.State.HELD:
        if count == 1:
            return (
                f"Your invitation to {invitations[0].name} is saved. "
                "It will be sent when your page is live."
            )
        return (
            f"Your invitations to {count} friends are saved. "
            "They will be sent when your page is live."
        )
    if count == 1:
        return f"Your invitation is on its way to {invitations[0].name}."
    return f"Your invitations are on their way to {count} friends."


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
