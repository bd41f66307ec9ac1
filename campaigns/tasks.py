"""The campaigns app's Celery tasks, for autodiscovery (which imports this module).

Each task stands beside its service and keeps its name in this module
(`campaigns.tasks.<name>`), so messages already queued and the beat schedule find it.
"""

from .invitations import erase_expired_invitations  # noqa: F401
from .notifications import email_gift_notice, send_overdue_gift_notices  # noqa: F401
