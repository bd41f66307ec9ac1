"""Supporter email: one way to send a message, from a worker, after commit.

`send_email` writes an `OutboundEmail` row in the caller's transaction and
enqueues its delivery on commit, so a rolled-back transaction sends nothing
and a lost task can be found again. The worker renders `email/<template>`
(subject, text and HTML, each extending the shared branded layout) and sends
it through Django's mail API: Anymail's SendGrid backend in production, the
console otherwise.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from wagtail.models import Site

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


def organisation_context():
    site = Site.objects.filter(is_default_site=True).first()
    org = SiteSettings.for_site(site) if site else SiteSettings()
    return {"org": org, "site_url": settings.SITE_URL.rstrip("/")}


def render_email(template, context):
    """(subject, text, html) of `templates/email/<template>*`, on the branded layout."""
    context = {**organisation_context(), **context}
    name = f"email/{template}"
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    return (
        subject,
        render_to_string(f"{name}.txt", context),
        render_to_string(f"{name}.html", context),
    )


def build_message(message):
    """The `EmailMultiAlternatives` for an `OutboundEmail`, rendered from its templates."""
    subject, text, html = render_email(message.template, message.context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    email.attach_alternative(html, "text/html")
    email.metadata = {"outbound_email": str(message.pk)}
    return email
