"""django-allauth's public forms, with what a person types normalised as on every other form.

Named in `settings.ACCOUNT_FORMS`. Each adds `TypedTextMixin` to allauth's
own form, so an address typed with a decomposed "ë" signs up, logs in and
asks for a password reset as the same precomposed, lower-case address it is
stored as (`normalise_email`). Passwords are left exactly as typed.
"""

from allauth.account import forms as allauth_forms

from .forms import TypedTextMixin


class LoginForm(TypedTextMixin, allauth_forms.LoginForm):
    pass


class SignupForm(TypedTextMixin, allauth_forms.SignupForm):
    pass


class AddEmailForm(TypedTextMixin, allauth_forms.AddEmailForm):
    pass


class ResetPasswordForm(TypedTextMixin, allauth_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(TypedTextMixin, allauth_forms.RequestLoginCodeForm):
    pass
