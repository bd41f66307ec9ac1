"""Ask five friends: a fundraiser page's owner invites friends by email, each with a link.

An `Invitation` is one friend asked by one page's owner: their name and email
(used for the invitation and its reminders only: they never join any list,
and nobody but the page's owner sees them), an unguessable token (the link's
`?invitation=<token>` on the fundraiser page, carried by the donate form as
`Donation.referral`), and its state: sent, then gave once a gift through that
link is paid (`mark_gave`, on `donations.signals.gift_paid`). `bounced` is
ready for when bounces are tracked; nothing sets it yet.

While a page waits for approval (never published, in its campaign's workflow, not taken
down) its owner can already write invitations: they are saved `held` ("will be sent when
your page is live"), counted against the page's cap and the owner's hourly limit when
written, and sent the moment the page is first published (`send_held`, on Wagtail's
`page_published`, in the publishing transaction: the outbox hands them to the worker once
it commits), whether staff approve it in the workflow or publish it themselves. A page
that never goes live never sends them: changes requested keeps them held until the page
is resubmitted and approved; a page deleted takes them with it; past the campaign's end
they are never sent and are erased with the others.

An invitation may carry the owner's own `note` (plain text, at most NOTE_MAX_LENGTH
characters, shown in the email as theirs: "Maria wrote: ..."), and every invitation
quotes the opening of the page's story (`story_opening`).

Thirty days after the campaign's deadline the friends' names and emails, and the
owner's notes to them, are blanked (`erase_expired`, daily, by Celery beat); the rows
stay, with their state, so the campaign report still counts invitations sent and gifts they led to.

Every invitation email links to "no more emails about this page"
(`stop_emails_url`, also its RFC 8058 one-click `List-Unsubscribe`): the
invitation becomes `stopped` and the owner can no longer remind that friend.
"""

from datetime import timedelta
from urllib.parse import urlencode

from celery import shared_task
from django.core import signing
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from wagtail.signals import page_published

from donations.signals import gift_paid
from northstar.days import organisation_today
from northstar.emails import absolute_url, public_url, send_email
from northstar.models import normalise_email
from northstar.ratelimit import HOUR, allow

from .models import FundraiserPage, FundraisingCampaignPage, Invitation
from .page_states import IN_MODERATION_STATES, LIVE_STATES, PageState, page_state
from .services import RESUBMIT_WINDOW

# --- Services ---------------------------------------------------------------------------------

# How many friends one page may invite in all (all batches, reminders aside): enough for
# anyone's own circle, too few for a mailing list. The form takes five at a time.
MAX_INVITATIONS_PER_PAGE = 50
FRIENDS_PER_BATCH = 5
# Invitation and reminder emails one owner may send in an hour, across all their pages.
INVITATION_EMAILS_PER_OWNER_PER_HOUR = 30
# A friend hears from a page at most once in this many days (the invitation, then reminders).
REMIND_AFTER = timedelta(days=3)
# Friends' names and emails are blanked this long after their campaign's deadline.
ERASE_AFTER = timedelta(days=30)
# The owner's own note to their friends, in characters: a few sentences, as a card would hold.
NOTE_MAX_LENGTH = 500
# How much of the page's story an invitation quotes, in characters (cut on a word).
STORY_OPENING_LENGTH = 200
EMAIL_TEMPLATE = "campaigns/invitation"
STOP_SALT = "campaigns.invitation.stop"


class InvitationRefused(Exception):
    """Nothing was saved or sent; `str(exc)` says why, in words for the page's owner."""


def invitation_url(invitation: Invitation, page=None) -> str:
    """The invitation's own link: its fundraiser page's public URL with `?invitation=<token>`.

    The token is random: it names no one, and the page shows nothing of the friend.
    """
    page = page or invitation.page
    return f"{public_url(page)}?{urlencode({'invitation': invitation.token})}"


def owner_first_name(page) -> str:
    """How the invitation signs: the owner's first name, else the page's public name."""
    return page.supporter.first_name.strip() or page.owner_public_name or "A friend of yours"


def queue_invitation_email(invitation: Invitation, page, *, reminder=False, progress=None):
    """Queue the invitation (or a reminder) to the friend through the outbox: the worker
    sends it once the current transaction commits. `progress` is `page.progress()` (read
    when None). Returns the `OutboundEmail`."""
    progress = progress or page.progress()
    return send_email(
        EMAIL_TEMPLATE,
        invitation.email,
        {
            "friend_name": invitation.name,
            "owner_first_name": owner_first_name(page),
            "page_title": page.title,
            "campaign_title": page.campaign.title,
            "raised_cents": progress["raised_cents"],  # shown with the `money` filter
            "goal_cents": progress["goal_cents"],
            "currency": progress["currency"],
            "url": invitation_url(invitation, page),
            "reminder": reminder,
            "note": invitation.note,
            "story_opening": story_opening(page.story),
            "unsubscribe_url": stop_emails_url(invitation),
        },
    )


def story_opening(story: str, length: int = STORY_OPENING_LENGTH) -> str:
    """The opening of a page's `story` (plain text) as an invitation quotes it: its line
    breaks and runs of spaces made single spaces, then, if longer than `length` characters,
    cut at the last space within them, with "…" after it ("" for an empty story)."""
    text = " ".join(story.split())
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[: length + 1] else text[:length]
    return cut.rstrip(" ,;:.-–—") + "…"


def send_held(page) -> list[Invitation]:
    """Send the invitations held while fundraiser `page` waited for approval, now that it
    is live: each becomes `sent` (now) and its email is queued in the outbox, sent by the
    worker once the current transaction commits (the publishing one: `page_published`).
    Returns the invitations sent ([] if none were held).

    Nothing is sent unless the page is live, not taken down and its campaign still takes
    gifts; an erased invitation (no address) is never sent. Each held row is turned to
    sent under its lock, so a page published twice sends each invitation once."""
    if not page.live or page.taken_down_at is not None or not page.accepts_donations:
        return []
    invitations = list(
        Invitation.objects.select_for_update()
        .filter(page=page, state=Invitation.State.HELD)
        .exclude(email="")
        .order_by("pk")
    )
    if not invitations:
        return []
    now = timezone.now()
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        state=Invitation.State.SENT, sent_at=now
    )
    progress = page.progress()
    for invitation in invitations:
        invitation.state, invitation.sent_at = Invitation.State.SENT, now
        queue_invitation_email(invitation, page, progress=progress)
    return invitations


def send_held_on_publish(sender, instance, **kwargs):
    """Wagtail's `page_published` receiver for fundraiser pages: `send_held`, in the
    transaction that publishes the page (an approval, staff publishing it, a schedule)."""
    send_held(instance)


def stop_emails_url(invitation: Invitation) -> str:
    """The absolute URL where the friend stops emails about the invitation's page: a button
    on GET, stopped on POST (`stop_emails`), and the email's one-click `List-Unsubscribe`.

    Its token is the invitation's pk signed with SECRET_KEY, the same in every email
    about the invitation and never expiring (not the gift link's token, which the
    friend may pass on with the page)."""
    token = signing.Signer(salt=STOP_SALT).sign_object(invitation.pk)
    return absolute_url(reverse("campaigns:stop-invitation-emails", args=[token]))


def invitation_for_stop_token(token: str):
    """The `Invitation` a `stop_emails_url` token names; None if the token is forged, cut
    short or names an invitation no longer there."""
    try:
        pk = signing.Signer(salt=STOP_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return Invitation.objects.filter(pk=pk).first()


def stop_emails(invitation: Invitation) -> bool:
    """The friend asked for no more emails about the page: the invitation becomes `stopped`
    (no reminder can be sent). A gift through the link still counts and is marked gave.
    True if this call stopped it; False if it had stopped already or the friend gave."""
    return bool(
        Invitation.objects.filter(pk=invitation.pk, state__in=Invitation.REMINDABLE_STATES).update(
            state=Invitation.State.STOPPED
        )
    )


def emails_stopped(invitation: Invitation) -> bool:
    """Whether the friend has asked for no more emails about the invitation's page."""
    return invitation.state == Invitation.State.STOPPED


def waiting_for_approval(page) -> bool:
    """Whether fundraiser `page` has never been live and waits in its campaign's workflow (for
    approval, or with changes asked), not taken down (its `PageState`): its invitations are
    held."""
    return page_state(page) in IN_MODERATION_STATES and page.first_published_at is None


def check_page_can_invite(page) -> bool:
    """Raise InvitationRefused unless `page` can invite friends: live (its `PageState`), or
    waiting for its first approval, in a campaign that still takes gifts. Returns True when
    the page waits (its invitations are held until it is live), False when it is live."""
    state = page_state(page)
    waiting = state in IN_MODERATION_STATES and page.first_published_at is None
    if state == PageState.DRAFT:
        raise InvitationRefused(
            "Your page is not live, so you cannot ask friends from it yet. "
            "Please edit and save it to send it for approval."
        )
    if state not in LIVE_STATES and not waiting:
        # taken down, unpublished by staff, or sent for approval again after either
        raise InvitationRefused("Your page is not live, so you cannot ask friends from it.")
    if not page.campaign.accepts_donations:
        raise InvitationRefused(
            f"{page.campaign.title} has ended, so invitations can no longer be sent."
        )
    return waiting


def check_rate_limit(owner, emails: int):
    """Count `emails` invitation emails for `owner`; InvitationRefused once past the hourly
    limit (`INVITATION_EMAILS_PER_OWNER_PER_HOUR`, kept in the shared cache)."""
    limit = INVITATION_EMAILS_PER_OWNER_PER_HOUR
    counted = [allow("invitation-email-owner", owner.pk, limit, HOUR) for _ in range(emails)]
    if not all(counted):
        raise InvitationRefused(
            "You have sent a lot of invitations in the last hour. "
            "Please try again in an hour; nothing was sent this time."
        )


@transaction.atomic
def invite(page, owner, friends: list[tuple[str, str]], *, note: str = "") -> list[Invitation]:
    """Invite `friends` ([(name, email)], at most FRIENDS_PER_BATCH, emails already
    validated) to give on `page`, a `FundraiserPage` of `owner`, with the owner's `note`
    (plain text, at most NOTE_MAX_LENGTH characters, already normalised; "" for none). All
    or nothing: each gets an `Invitation` and, if the page is live, its email is queued
    (state sent), sent by the worker after commit; while the page waits for its first
    approval the invitations are saved `held` and sent when it goes live (`send_held`).

    Raises InvitationRefused (nothing saved, nothing sent) if `owner` is not the page's,
    the page is neither live nor waiting for approval, or its campaign has ended, the note
    is too long, there are no friends or more than
    FRIENDS_PER_BATCH, an address is the owner's own, repeats one in the batch or was
    already invited from this page, the page would pass MAX_INVITATIONS_PER_PAGE, or the
    owner passed INVITATION_EMAILS_PER_OWNER_PER_HOUR. Addresses are stored as
    `normalise_email` gives them (trimmed, lower-case) and compared so. A batch whose
    every address was invited from the page within RESUBMIT_WINDOW and is still only
    "sent" (the form sent twice) returns those invitations and sends nothing.
    """
    # Locked, so two batches for one page are checked against the cap one after the other.
    page = FundraiserPage.objects.select_for_update(of=("self",)).get(pk=page.pk)
    if page.supporter_id != owner.pk:
        raise InvitationRefused("Only the page's owner can invite friends to it.")
    held = check_page_can_invite(page)
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvitationRefused(
            f"Your note can be up to {NOTE_MAX_LENGTH} characters long (it has {len(note)})."
        )
    if not friends:
        raise InvitationRefused("Please enter a friend's name and email address.")
    if len(friends) > FRIENDS_PER_BATCH:
        raise InvitationRefused(f"You can invite up to {FRIENDS_PER_BATCH} friends at a time.")
    friends = [(" ".join(name.split()), normalise_email(email)) for name, email in friends]
    addresses = [email for _, email in friends]
    if len(set(addresses)) < len(addresses):
        raise InvitationRefused("The same email address is in the list twice.")
    if normalise_email(owner.email) in addresses:
        raise InvitationRefused(
            f"{owner.email} is your own address. Please invite your friends instead."
        )
    invited = page.invitations.annotate(address=Lower("email")).filter(address__in=addresses)
    since = timezone.now() - RESUBMIT_WINDOW
    just_sent = list(
        invited.filter(
            models.Q(state=Invitation.State.SENT, sent_at__gte=since)
            | models.Q(state=Invitation.State.HELD, created_at__gte=since)
        )
    )
    if len(just_sent) == len(addresses):
        return just_sent  # the same form sent again (a double click): nothing new to send
    already = sorted(set(invited.values_list("email", flat=True)))
    if already:
        raise InvitationRefused(f"You have already invited {', '.join(already)} from this page.")
    count = page.invitations.count()
    if count + len(friends) > MAX_INVITATIONS_PER_PAGE:
        left = max(0, MAX_INVITATIONS_PER_PAGE - count)
        raise InvitationRefused(
            f"A page can invite up to {MAX_INVITATIONS_PER_PAGE} friends. "
            f"You have invited {count}, so you can invite {left} more."
        )
    check_rate_limit(owner, len(friends))
    now = timezone.now()
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                page=page,
                name=name,
                email=email,
                note=note,
                state=Invitation.State.HELD if held else Invitation.State.SENT,
                created_at=now,
                sent_at=None if held else now,
            )
            for name, email in friends
        ]
    )
    if held:
        return invitations  # sent when the page goes live (`send_held`)
    progress = page.progress()
    for invitation in invitations:
        queue_invitation_email(invitation, page, progress=progress)
    return invitations


def next_reminder_at(invitation: Invitation):
    """When the friend may next be reminded: REMIND_AFTER after their last email."""
    last = invitation.last_reminded_at or invitation.sent_at or invitation.created_at
    return last + REMIND_AFTER


@transaction.atomic
def remind(invitation: Invitation, owner) -> Invitation:
    """Send the friend of `invitation` a reminder (queued, sent by the worker after commit)
    and record when. Returns the invitation, updated.

    Raises InvitationRefused (nothing sent) if `owner` is not the page's, the friend
    already gave or asked for no more emails, the address was erased, the page cannot
    invite (not live, campaign ended), the friend heard from the page less than
    REMIND_AFTER ago (`too_soon_to_remind`: a second click, from another tab too, finds
    the first one's time under the row's lock), or the owner passed
    INVITATION_EMAILS_PER_OWNER_PER_HOUR.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("page__supporter")
        .get(pk=invitation.pk)
    )
    page = invitation.page
    if page.supporter_id != owner.pk:
        raise InvitationRefused("Only the page's owner can remind their friends.")
    if invitation.state == Invitation.State.GAVE:
        raise InvitationRefused(f"{invitation.name} has already given: no reminder needed.")
    if invitation.state == Invitation.State.STOPPED:
        raise InvitationRefused(f"{invitation.name} asked not to get more emails about your page.")
    if invitation.state == Invitation.State.HELD:
        raise InvitationRefused(
            f"Your invitation to {invitation.name} will be sent when your page is live."
        )
    if not invitation.email:
        raise InvitationRefused("This friend's address has been erased.")
    if check_page_can_invite(page):
        raise InvitationRefused("Your page is waiting for approval: no reminder can go yet.")
    now = timezone.now()
    if now < next_reminder_at(invitation):
        raise InvitationRefused(too_soon_to_remind(invitation))
    check_rate_limit(owner, 1)
    invitation.last_reminded_at = now
    invitation.save(update_fields=["last_reminded_at"])
    queue_invitation_email(invitation, page, reminder=True)
    return invitation


def too_soon_to_remind(invitation: Invitation) -> str:
    """Why `invitation`'s friend cannot be reminded yet, in words for the page's owner. After
    a reminder (perhaps clicked in another tab or on another device, while this list still
    offered "Remind"), it says when it went and that nothing was sent again."""
    when = date_format(timezone.localtime(next_reminder_at(invitation)), "F j")
    if invitation.last_reminded_at:
        reminded = timezone.localtime(invitation.last_reminded_at)
        return (
            f"You already reminded {invitation.name} on {date_format(reminded, 'F j')} at "
            f"{time_format(reminded)} (perhaps in another tab or on another device), so "
            f"nothing was sent again. You can remind them again on {when}."
        )
    return (
        f"{invitation.name} heard from you less than {REMIND_AFTER.days} days ago. "
        f"You can remind them again on {when}."
    )


def mark_gave(donation) -> int:
    """Mark the invitation whose link `donation` came by (`Donation.referral`) "gave", if
    it was sent from the page the gift went to. Returns the number marked (0 or 1).

    Called inside the transaction that marks the gift paid (on `gift_paid`), so the
    invitation's state commits with the gift. A token of another page, an unknown
    token or an invitation that already gave changes nothing.
    """
    if not donation.referral:
        return 0
    return Invitation.objects.filter(
        token=donation.referral,
        page_id=donation.page_id,
        state__in=(Invitation.State.SENT, Invitation.State.BOUNCED, Invitation.State.STOPPED),
    ).update(
        state=Invitation.State.GAVE,
        gave_at=donation.paid_at or timezone.now(),
        donation=donation,
    )


def mark_gave_on_gift_paid(sender, donation, **kwargs):
    """`donations.signals.gift_paid` receiver: see `mark_gave`."""
    mark_gave(donation)


def connect_receivers():
    """Connect this module's receivers to `gift_paid` and to Wagtail's `page_published` for
    fundraiser pages (once, however often it is called; `campaigns.signals`, imported by
    `CampaignsConfig.ready`, calls it)."""
    gift_paid.connect(
        mark_gave_on_gift_paid, dispatch_uid="campaigns.invitations.mark_gave_on_gift_paid"
    )
    page_published.connect(
        send_held_on_publish,
        sender=FundraiserPage,
        dispatch_uid="campaigns.invitations.send_held_on_publish",
    )


def erase_expired(today=None) -> int:
    """Blank the names and emails of invitations whose campaign's deadline was more than
    ERASE_AFTER before `today` (a date; the organisation's today when None). States and
    counts stay, for the campaign report. Returns the number of invitations erased."""
    today = today or organisation_today()
    ended = FundraisingCampaignPage.objects.filter(deadline__lt=today - ERASE_AFTER)
    erased = 0
    now = timezone.now()
    for campaign in ended.only("path", "depth"):
        erased += (
            Invitation.objects.of_campaign(campaign)
            .filter(erased_at__isnull=True)
            .update(name="", email="", note="", erased_at=now)
        )
    return erased


@shared_task(name="campaigns.tasks.erase_expired_invitations")
def erase_expired_invitations():
    """The beat's daily `erase_expired`; returns how many invitations were erased."""
    return erase_expired()


def invitations_for_owner(page) -> list[Invitation]:
    """The invitations of `page`, newest first, each with `can_remind_at` (a datetime) and
    `can_remind_now` (a bool) for the dashboard. Only the page's owner may be shown them
    (their friends' names and addresses)."""
    now = timezone.now()
    invitations = list(page.invitations.all())
    for invitation in invitations:
        invitation.can_remind_at = next_reminder_at(invitation)
        invitation.can_remind_now = now >= invitation.can_remind_at
    return invitations
