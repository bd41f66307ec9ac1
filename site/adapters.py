"""django-allauth hooks: its account email goes out through the site's email path."""

from types import SimpleNamespace
from urllib.parse import quote, urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .emails import absolute_url, send_email
from .models import SiteSettings
from .ratelimit import client_ip

# The pages allauth's "already have an account" and "no such account" messages
# link to, which it builds from the request's host; ours are on the public site
# (SITE_URL), like every other link in our email (the one-time links too, below).
PAGE_LINKS = {
    "account/email/account_already_exists": {
        "signup_url": "account_signup",
        "password_reset_url": "account_reset_password",
    },
    "account/email/unknown_account": {"signup_url": "account_signup"},
}


def email_site(org=None):
    """What allauth's templates call `current_site`: the organisation, by its name only.

    `name` and `domain` are both the organisation's name (SiteSettings; the
    product's name if it has none): every account email names the organisation,
    never a host ("localhost:8321"), and a template of allauth's we do not
    override that prints `current_site.domain` prints the name too. The links in
    the email are built on SITE_URL by the adapter, never from `domain`.
    """
    org = org or SiteSettings.for_default_site()
    name = org.organisation_name or settings.WAGTAIL_SITE_NAME
    return SimpleNamespace(name=name, domain=name)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, sending its mail through the outbox, in the organisation's name."""

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now (it needs the request), send it from a worker.

        The context is allauth's own (`email`, `current_site`, the links), with
        the organisation as `current_site` and links on SITE_URL.
        """
        context = {
            "request": allauth_context.request,
            "email": email,
            "current_site": email_site(),
            **context,
        }
        links = PAGE_LINKS.get(template_prefix, {})
        context.update({name: absolute_url(reverse(url)) for name, url in links.items()})
        message = self.render_mail(template_prefix, email, context)
        send_email("account_message", email, {"subject": message.subject, "body": message.body})

    def get_client_ip(self, request):
        """The visitor's address as our own limits read it (NUM_PROXIES), for allauth's limits.

        Raises PermissionDenied when there is none, as allauth does.
        """
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def format_email_subject(self, subject):
        """The subject as written: no "[host]" prefix (the sender's name says who it is from)."""
        return " ".join(str(subject).split())

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The confirmation link, on SITE_URL, with the page the visitor was on their way to.

        A signup (or a login that sends the link again) that came with a safe `next`,
        as "Start your own fundraiser" sends, carries it in the link as `?next=`.
        In the browser that signed up, allauth logs the new supporter in and takes them
        there anyway; a link opened in another browser or on a phone has no such
        session, and confirming there leads to the same page, through the login.
        """
        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        next_url = get_next_redirect_url(request) if request is not None else None
        if next_url:
            path = f"{path}?{urlencode({'next': next_url})}"
        return absolute_url(path)

    def get_reset_password_from_key_url(self, key):
        """The password reset link, on SITE_URL (`key` is allauth's opaque "<uid>-<token>")."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))
