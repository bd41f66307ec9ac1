"""Every outgoing email: one way to queue supporter mail, one function that sends any message.

`send_email` writes an `OutboundEmail` row in the caller's transaction and
enqueues its delivery on commit, so a rolled-back transaction sends nothing
and a lost task can be found again. The worker renders `email/<template>`
(subject, text and HTML, each extending the shared branded layout).

`deliver` is the one place a message leaves: supporter mail
(the task `send_outbound_email`, at the end of this module) and deliveries of signatures to
offices (`petitions.delivery.services.send_delivery`) both describe their
message as a `Message` and hand it here. It sets the Message-ID (from the
message's stable key, the same on every attempt), From and Reply-To (the
organisation's, `sender`), any extra headers and the attachments, and sends
through Django's mail API: Anymail's SendGrid backend in production, the
console otherwise. What a failure means (try again, or give up) is decided
in one place, `northstar.failures`, which the tasks ask.

A delivery is not queued through the `OutboundEmail` outbox: its `Delivery`
row is already its outbox (the signatures it carries, its state, attempts and
idempotency key, its kept files), so a second row would be a second record of
whether it was sent. Both rows feed the same `deliver`.
"""

import logging
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from markdownify import MarkdownConverter

from . import failures
from .models import OutboundEmail, SiteSettings

logger = logging.getLogger(__name__)


def send_email(template, to, context=None):
    """Send `email/<template>` to the address `to` once the current transaction commits.

    `context` must be JSON-serialisable: the message is rendered by the worker.
    A context with an `unsubscribe_url` (an absolute URL that unsubscribes on
    POST without a cookie, `northstar.unsubscribe`) makes the message a list
    message: it carries RFC 8058's one-click headers (`list_unsubscribe_headers`).
    Returns the `OutboundEmail` row.
    """
    message = OutboundEmail.objects.create(template=template, to=to, context=context or {})
    send_outbound_email.delay_on_commit(message.pk)
    return message


class PlainTextConverter(MarkdownConverter):
    """markdownify's converter with each link written as "text (address)", as plain-text
    email shows it, rather than Markdown's `[text](address)`."""

    def convert_a(self, el, text, parent_tags):
        href = el.get("href") or ""
        return f"{text} ({href})" if href and href != text else text


def html_to_text(html):
    """The plain-text part for rich text `html` (a str, e.g. an update's body): entities
    decoded, a blank line between paragraphs, lists as "- item" and "1. item", bold as
    **bold**, links as "text (address)". markdownify does the reading (it escapes nothing:
    the text is read by people, not rendered as Markdown)."""
    converter = PlainTextConverter(
        bullets="-", escape_asterisks=False, escape_underscores=False, escape_misc=False
    )
    return converter.convert(html).strip()


def absolute_url(path):
    """`path` on the public site (SITE_URL), for links in email."""
    return settings.SITE_URL.rstrip("/") + path


def public_url(target, request=None):
    """The absolute URL on the public site (SITE_URL) of `target`, for every link that
    leaves the site: in email, share links, the dashboard's share box, exports.

    `target` is a Wagtail page (its path within its Site, on SITE_URL: the host and port
    of Wagtail's Site record never show), a path ("/dashboard/"), or an absolute URL
    (returned unchanged). "" for a page that is not routable (outside every Site).
    `request`, when given, lets Wagtail look its Sites up once per request, not per page.
    """
    if isinstance(target, str):
        return target if target.startswith(("http://", "https://")) else absolute_url(target)
    parts = target.get_url_parts(request)
    if parts is None:
        return ""
    return absolute_url(parts[2])


def organisation_context(org=None):
    """What every email template may use: `org` (the default site's SiteSettings) and `site_url`."""
    if org is None:
        org = SiteSettings.for_default_site()
    return {"org": org, "site_url": settings.SITE_URL.rstrip("/")}


def sender(org=None):
    """The sender of every email, from the organisation's settings: keyword arguments for
    `EmailMessage` (`from_email`, and `reply_to` when there is one).

    `from_email` is `"<name> <address>"`: the settings' sender name (else the
    organisation's name) and sender address (else DEFAULT_FROM_EMAIL's);
    `reply_to` is the settings' reply-to address, else their contact email, else absent.
    `org` is a `SiteSettings` (the default site's when None).
    """
    if org is None:
        org = SiteSettings.for_default_site()
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = " ".join((org.email_from_name or org.organisation_name or default_name).split())
    headers = {"from_email": formataddr((name, org.email_from_address or default_address))}
    reply_to = org.reply_to_email or org.contact_email
    if reply_to:
        headers["reply_to"] = [reply_to]
    return headers


def render_email(template, context, org=None):
    """(subject, text, html) of `templates/email/<template>*`, on the branded layout.

    `org` is the organisation's `SiteSettings` (the default site's when None).
    """
    context = {**organisation_context(org), **context}
    name = f"email/{template}"
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    return (
        subject,
        render_to_string(f"{name}.txt", context),
        render_to_string(f"{name}.html", context),
    )


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: its name, its bytes and its MIME type."""

    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Message:
    """What to send: one recipient, the rendered subject, text and HTML, and a stable `key`.

    `key` names the message across attempts (an `OutboundEmail`'s uuid,
    `delivery-<Delivery.key>`): the Message-ID is made from it, so a copy sent
    twice is recognisable as the same message. `headers` are extra headers
    (never From, Reply-To or Message-ID, which `deliver` owns); `metadata` goes
    to the provider (Anymail's `metadata`) where it keeps it.
    """

    to: str
    subject: str
    text: str
    html: str
    key: str
    headers: dict = field(default_factory=dict)
    attachments: tuple = ()
    metadata: dict = field(default_factory=dict)


OWNED_HEADERS = frozenset({"message-id", "from", "reply-to"})


def message_id(key):
    """The Message-ID for a message's stable `key`: `<key@the sending domain>`."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return f"<{key}@{domain}>"


def email_message(message, org=None):
    """The `EmailMultiAlternatives` that `deliver` sends for a `Message`.

    Message-ID from `message.key`, From and Reply-To from `sender(org)`, the
    HTML alternative and the attachments. Raises ValueError if `message.headers`
    tries to set a header this function owns.
    """
    owned = OWNED_HEADERS.intersection(name.lower() for name in message.headers)
    if owned:
        raise ValueError(f"northstar.emails.deliver sets these headers itself: {sorted(owned)}")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[message.to],
        headers={"Message-ID": message_id(message.key), **message.headers},
        **sender(org),
    )
    email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    if message.metadata:
        email.metadata = dict(message.metadata)
    return email


def deliver(message, org=None):
    """Send one `Message` now, from this process (a worker's task), and return None.

    The one send function of the site. `org` is the organisation's
    `SiteSettings` (the default site's when None). Whatever the mail backend
    raises propagates unchanged (Anymail's errors, `smtplib`'s, a network
    error): `northstar.failures.classify` says whether it is temporary (retry)
    or permanent (give up), and the calling task asks it.
    """
    email_message(message, org).send()


def list_unsubscribe_headers(unsubscribe_url):
    """RFC 8058 one-click unsubscribe: the `List-Unsubscribe` and `List-Unsubscribe-Post`
    headers (a dict) for `unsubscribe_url`, or {} when there is none.

    A mail client then offers "Unsubscribe" itself and POSTs
    `List-Unsubscribe=One-Click` to the URL, with no cookie; the URL's own token
    says who (`northstar.unsubscribe.one_click_view` serves it).
    """
    if not unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def outbound_message(outbound, org=None):
    """The `Message` for an `OutboundEmail` row, rendered now from its template and context,
    with the one-click unsubscribe headers when its context has an `unsubscribe_url`."""
    subject, text, html = render_email(outbound.template, outbound.context, org=org)
    return Message(
        to=outbound.to,
        subject=subject,
        text=text,
        html=html,
        key=str(outbound.uuid),
        headers=list_unsubscribe_headers(outbound.context.get("unsubscribe_url")),
        metadata={"outbound_email": str(outbound.pk)},
    )


def send_outbound(outbound):
    """Render one claimed `OutboundEmail` and `deliver` it now; errors as `deliver`'s."""
    org = SiteSettings.for_default_site()
    deliver(outbound_message(outbound, org), org)


def build_message(outbound):
    """The `EmailMultiAlternatives` an `OutboundEmail` is sent as (see `email_message`)."""
    org = SiteSettings.for_default_site()
    return email_message(outbound_message(outbound, org), org)


@shared_task(
    bind=True, time_limit=OutboundEmail.SEND_TIME_LIMIT, name="northstar.tasks.send_outbound_email"
)
def send_outbound_email(self, outbound_email_id, already_sent=False):
    """Send one queued email; a message already sent or given up on is left alone.

    `northstar.failures` decides what a failure is: a temporary one (the
    provider unreachable, 429, 5xx, a locked database) is retried with backoff;
    a permanent one (a refused address, another 4xx) is recorded on the message
    and not retried. The claim is given back before the retry is enqueued, so the
    retry (or beat's sweep) can claim the message again; a message claimed by a
    live worker is never claimed by another (`claim_for_sending`). Once the
    provider has taken the message, a database that cannot record it (PostgreSQL
    restarting) is retried with `already_sent`: the next tries only record it
    sent, and never send it again.
    """
    if already_sent:
        message = OutboundEmail.objects.filter(pk=outbound_email_id).first()
        if message is not None and message.status in OutboundEmail.SENDABLE_STATES:
            message.mark_sent()
        return
    try:
        message = OutboundEmail.objects.claim_for_sending(outbound_email_id)
    except Exception as exc:
        failures.retry_if_temporary(self, exc)
        raise
    if message is None:
        return
    try:
        send_outbound(message)
    except Exception as exc:
        message.release()
        failures.retry_or_give_up(self, exc, give_up=lambda error: message.mark_failed(str(error)))
        return
    try:
        message.mark_sent()
    except Exception as exc:
        failures.retry_if_temporary(self, exc, kwargs={"already_sent": True})
        raise


@shared_task(name="northstar.tasks.requeue_stalled_email")
def requeue_stalled_email():
    """Enqueue again any email whose task was lost (beat runs this every minute).

    A task is lost when its worker is killed holding it, or between the broker
    and the worker (on Redis, a message fetched but not yet in the unacknowledged
    set). Enqueueing a message whose task is only slow is harmless: the outbox
    sends it once. A queued message re-enqueued here is not again for
    `LOST_AFTER`, so a long queue is not doubled every minute.
    """
    with transaction.atomic():
        ids = list(OutboundEmail.objects.stalled().values_list("pk", flat=True)[:1000])
        OutboundEmail.objects.filter(pk__in=ids, status=OutboundEmail.Status.QUEUED).update(
            updated_at=timezone.now()
        )
        for pk in ids:
            send_outbound_email.delay_on_commit(pk)
    if ids:
        logger.warning("Re-enqueued %d stalled emails", len(ids))
    return len(ids)
