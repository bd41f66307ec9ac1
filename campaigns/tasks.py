"""The campaigns app's Celery tasks, for autodiscovery (which imports this module).

Each task keeps its name in this module (`campaigns.tasks.<name>`), so messages already
queued and the beat schedule find it. The owner notices' tasks stand beside their
services in `campaigns.notifications`.
"""

from celery import shared_task

from . import invitations
from .notifications import email_gift_notice, send_overdue_gift_notices  # noqa: F401


# Not yet beside its service: `campaigns.invitations` is being reshaped (issue 27's
# moderation states); it moves there with that work.
@shared_task(name="campaigns.tasks.erase_expired_invitations")
def erase_expired_invitations():
    """Blank friends' names and emails 30 days after their campaign's deadline (the beat
    runs this daily); returns how many invitations were erased."""
    return invitations.erase_expired()
