"""django-allauth's public forms, with what a person types normalised as on every other form.

Named in `settings.ACCOUNT_FORMS`. Each adds `TypedTextMixin` to allauth's
own form, so an address typed with a decomposed "ë" signs up, logs in and
asks for a password reset as the same precomposed, lower-case address it is
stored as (`normalise_email`). Passwords are left exactly as typed.

Sign-up also asks for the supporter's first and last name (`NameFields`), which
allauth's adapter stores on the new user: invitations, owner emails, leaderboards
and "find a fundraiser" all need them.
"""

from allauth.account import forms as allauth_forms

from .forms import NameFields, TypedTextMixin


class LoginForm(TypedTextMixin, allauth_forms.LoginForm):
    """allauth's log-in, its "Remember Me" in the site's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"


class SignupForm(TypedTextMixin, NameFields, allauth_forms.SignupForm):
    """allauth's sign-up with the supporter's names first; `DefaultAccountAdapter.save_user`
    stores "first_name" and "last_name" from the cleaned data on the new user."""

    field_order = ["first_name", "last_name", "email", "password1", "password2"]


class AddEmailForm(TypedTextMixin, allauth_forms.AddEmailForm):
    pass


class ResetPasswordForm(TypedTextMixin, allauth_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(TypedTextMixin, allauth_forms.RequestLoginCodeForm):
    pass
