"""Staff hide what a donor chose to show (a donor's request, an abusive message), and show it
again: `set_public_text`.

A hidden name reads "Anonymous" on public pages and to the page's owner
(`Donation.shows_name_publicly`, `public_name`, `name_for_owner`); a hidden message is shown
nowhere but to staff (`Donation.shown_message`). Nothing else about the gift changes: it
still counts, and its receipt still carries the donor's name.
"""

from django.db import transaction
from wagtail.log_actions import log

from .models import Donation

PUBLIC_TEXT_CHANGED = "donations.public_text_changed"


def public_text_words(data: dict) -> str:
    """The History line of a change (`PUBLIC_TEXT_CHANGED`): "Name hidden from public
    pages; message shown again"."""
    parts = []
    for key, what in (("name_hidden", "Name"), ("message_hidden", "Message")):
        if key in data:
            parts.append(f"{what} {'hidden from public pages' if data[key] else 'shown again'}")
    return "; ".join(parts) or "Public name and message unchanged"


def set_public_text(donation: Donation, *, name_hidden: bool, message_hidden: bool, by) -> bool:
    """Hide (True) or show again (False) the donor's name and message on public pages, as
    `by` (a staff user) decided; one History entry naming what changed, in the same
    transaction. False (nothing written) if both were already so."""
    with transaction.atomic():
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        changed = {}
        if gift.name_hidden != name_hidden:
            changed["name_hidden"] = name_hidden
        if gift.message_hidden != message_hidden:
            changed["message_hidden"] = message_hidden
        if not changed:
            return False
        for field, value in changed.items():
            setattr(gift, field, value)
        gift.save(update_fields=list(changed))
        log(instance=gift, action=PUBLIC_TEXT_CHANGED, data=changed, user=by)
    donation.name_hidden, donation.message_hidden = gift.name_hidden, gift.message_hidden
    return True
