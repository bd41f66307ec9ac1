"""Celery tasks of the campaigns app: thin, taking primary keys, each running one service."""

from celery import shared_task  # noqa: F401

# --- invitations ("ask five friends") ---


@shared_task
def erase_expired_invitations():
    """Blank friends' names and emails 30 days after their campaign's deadline (the beat
    runs this daily); returns how many invitations were erased."""
    from .invitations import erase_expired

    return erase_expired()


# --- owner notifications ---


@shared_task
def send_gift_notice(page_id):
    """Email page `page_id`'s owner one "someone gave" message for the gifts not yet told."""
    from .notifications import send_gift_notice as send

    message = send(page_id)
    return message.pk if message else None


@shared_task
def send_overdue_gift_notices():
    """Send the "someone gave" notices whose task was lost (the beat runs this every 5 minutes)."""
    from .notifications import overdue_gift_notices

    pages = overdue_gift_notices()
    for page_id in pages:
        send_gift_notice.delay_on_commit(page_id)
    return len(pages)
