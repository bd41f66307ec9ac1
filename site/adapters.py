"""django-allauth hooks: its account email goes out through the site's email path."""

from allauth.account.adapter import DefaultAccountAdapter

from .emails import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now (it needs the request), send it from a worker."""
        message = self.render_mail(template_prefix, email, context)
        send_email("account_message", email, {"subject": message.subject, "body": message.body})
