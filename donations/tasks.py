"""The donations app's Celery tasks, for autodiscovery (which imports this module).

Each task stands beside its service and keeps its name in this module
(`donations.tasks.<name>`), so messages already queued and the beat schedule find it.
"""

from .giving import email_giving_link  # noqa: F401
from .receipts import send_receipt_task  # noqa: F401
from .recurring import bill_monthly_gifts, email_manage_links  # noqa: F401
from .review import remind_staff_of_payments_to_review_task  # noqa: F401
from .statements import send_yearly_statements_task  # noqa: F401
from .tributes import erase_tribute_contacts_task  # noqa: F401
