"""The petitions app's Celery tasks, for autodiscovery (which imports this module).

Each task stands beside the service it runs and keeps its name in this module
(`petitions.tasks.<name>`), so messages already queued and the beat schedule find it.
"""

from .delivery.services import (  # noqa: F401 (registered with Celery by this import)
    deliver_due_petitions_now,
    deliver_petition,
    process_delivery,
    resume_stalled_deliveries,
)
from .services import (  # noqa: F401
    notify_signed_again,
    purge_unconfirmed_signatures,
    queue_due_confirmations,
)
from .updates import send_update_batch  # noqa: F401
