"""Supporter email: one way to send a message, from a worker, after commit.

`send_email` writes an `OutboundEmail` row in the caller's transaction and
enqueues its delivery on commit, so a rolled-back transaction sends nothing
and a lost task can be found again. The worker renders `email/<template>`
(subject, text and HTML, each extending the shared branded layout) and sends
it through Django's mail API: Anymail's SendGrid backend in production, the
console otherwise.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import OutboundEmail, SiteSettings


def send_email(template, to, context=None):
    """Send `email/<template>` to the address `to` once the current transaction commits.

    `context` must be JSON-serialisable: the message is rendered by the worker.
    """
    from .tasks import send_outbound_email

    message = OutboundEmail.objects.create(template=template, to=to, context=context or {})
    send_outbound_email.delay_on_commit(message.pk)
    return message


def absolute_url(path):
    """`path` on the public site (SITE_URL), for links in email."""
    return settings.SITE_URL.rstrip("/") + path


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


def build_message(message):
    """The `EmailMultiAlternatives` for an `OutboundEmail`, rendered from its templates."""
    org = SiteSettings.for_default_site()
    subject, text, html = render_email(message.template, message.context, org=org)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[message.to],
        headers={"Message-ID": message.message_id},
        **sender(org),
    )
    email.attach_alternative(html, "text/html")
    email.metadata = {"outbound_email": str(message.pk)}
    return email
