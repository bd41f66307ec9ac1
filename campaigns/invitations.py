""" "Ask five friends": a fundraiser page's owner invites friends by email, each with their own link.

An `Invitation` is one friend asked by one page's owner: their name and email
(used for the invitation and its reminders only: they never join any list,
and nobody but the page's owner sees them), an unguessable token (the link's
`?invitation=<token>` on the fundraiser page, carried by the donate form as
`Donation.referral`), and its state: sent, then gave once a gift through that
link is paid (`mark_gave`, on `donations.signals.gift_paid`). `bounced` is
ready for when bounces are tracked; nothing sets it yet.

Thirty days after the campaign's deadline the friends' names and emails are
blanked (`erase_expired`, daily, by Celery beat); the rows stay, with their
state, so the campaign report still counts invitations sent and gifts they led to.
"""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def new_invitation_token():
    """The unguessable part of an invitation's link (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def of_campaign(self, campaign):
        """The invitations sent from the fundraiser pages of `campaign` (a campaign page)."""
        return self.filter(page__path__startswith=campaign.path, page__depth=campaign.depth + 1)

    def counts(self):
        """{"sent": invitations, "gave": those that led to a paid gift} of this queryset.

        Erased invitations count too: erasure blanks the address, not the state.
        """
        return self.aggregate(
            sent=models.Count("pk"),
            gave=models.Count("pk", filter=models.Q(state=Invitation.State.GAVE)),
        )


class Invitation(models.Model):
    """One friend asked by a fundraiser page's owner to give, with their own link."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        GAVE = "gave", "Gave"
        BOUNCED = "bounced", "Bounced"  # ready for when bounces are tracked; unused yet

    page = models.ForeignKey(
        "campaigns.FundraiserPage",
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The fundraiser page whose owner sent the invitation.",
    )
    # Blank once erased (30 days after the campaign's deadline).
    name = models.CharField("friend's name", max_length=100, blank=True)
    email = models.EmailField("friend's email", max_length=254, blank=True)
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    state = models.CharField(max_length=10, choices=State, default=State.SENT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitation was queued in the outbox."
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    gave_at = models.DateTimeField(null=True, blank=True)
    donation = models.ForeignKey(
        "donations.Donation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The paid gift made through the invitation's link.",
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the friend's name and email were blanked."
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One invitation per address per page, compared without regard to case
            # (erased rows, whose email is blank, are left out).
            models.UniqueConstraint(
                "page",
                Lower("email"),
                condition=~models.Q(email=""),
                name="one_invitation_per_address_per_page",
            ),
        ]

    def __str__(self):
        return f"Invitation {self.pk} ({self.get_state_display()})"
