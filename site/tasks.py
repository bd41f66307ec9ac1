"""The site-wide app's Celery tasks, for autodiscovery (which imports this module).

Each task stands beside the service it runs and keeps its name in this module
(`northstar.tasks.<name>`), so messages already queued and the beat schedule find it:
sending email in `northstar.emails`, the worker's heartbeat in `northstar.health`.
"""

from .emails import requeue_stalled_email, send_outbound_email  # noqa: F401
from .health import record_worker_heartbeat  # noqa: F401
