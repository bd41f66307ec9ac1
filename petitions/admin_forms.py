"""The staff forms for petitions and their updates: they say what saving will do, and to whom.

Publishing a petition can close it, email its signers or deliver their
signatures; emailing an update happens once and cannot be undone. Each form
states the consequence with its numbers before it happens, and refuses input
that would make it happen by accident (a close date already past on an Open
petition, an update emailed to nobody).

This module is imported by `petitions.models` (for `base_form_class`), so it
imports models and services only inside functions.
"""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from northstar.protection import counted

from .jurisdictions import JURISDICTIONS, jurisdiction_name


def state_codes(value) -> list[str]:
    """Normalise the states staff typed into a sorted list of unique upper-case codes.

    `value`: a list of codes (the stored JSON), or text such as "tx, IN" or
    '["tx"]'. Raises ValidationError naming every code that is not one of the
    56 jurisdictions.
    """
    if value in (None, ""):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = text.strip("[]")
        if isinstance(value, str):
            value = value.replace(",", " ").replace(";", " ").split()
    if not isinstance(value, list | tuple):
        raise ValidationError("List the states as two-letter codes separated by commas: TX, IN.")
    codes = [str(code).strip().strip("\"'").upper() for code in value]
    codes = [code for code in codes if code]
    unknown = [code for code in dict.fromkeys(codes) if code not in JURISDICTIONS]
    if unknown:
        raise ValidationError(
            "Not a state or territory code: %(codes)s. Use two-letter codes such as TX, IN.",
            params={"codes": ", ".join(unknown)},
            code="unknown_state",
        )
    return sorted(set(codes))


def places(codes) -> str:
    """ "Texas (TX)", "Texas (TX) and Indiana (IN)", "every state" for no codes."""
    if not codes:
        return "every state"
    names = [f"{jurisdiction_name(code)} ({code})" for code in codes]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


class StateCodesField(forms.CharField):
    """States typed as codes separated by commas ("TX, IN"); cleans to a list of codes."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        if isinstance(value, str) and value.startswith("["):
            try:
                return ", ".join(json.loads(value))
            except (ValueError, TypeError):
                return value
        return value

    def to_python(self, value):
        return state_codes(super().to_python(value))


class PetitionUpdateForm(WagtailAdminModelForm):
    """An update's form: states checked on save, and the email confirmed with its audience.

    Saving with "Email signers" ticked first answers how many signers it will reach
    ("This will email 1,204 signers who opted in, in Texas (TX)") and asks for
    "Send it now"; an update that would reach nobody is refused, so the one
    send is never spent on an empty audience. Once emailed, the email fields
    are read-only.
    """

    states = StateCodesField(
        required=False,
        label="States",
        help_text=(
            "Only signers from these states: two-letter codes separated by commas, e.g. TX, IN. "
            "Empty: all states, or for a response, the responding office's state."
        ),
    )
    send_now = forms.BooleanField(
        required=False,
        label="Send it now",
        help_text=(
            "Saving with “Email signers” ticked first shows how many signers it will reach; "
            "tick this and save again to send it."
        ),
    )
    audience_shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        update = self.instance
        self.fields["email_signers"].help_text = (
            "Email it, once, to the confirmed signers who opted in to updates; it cannot be "
            "unsent. Saving with this ticked first shows how many it will reach."
        )
        if update.pk and update.emailed_at:
            from .models import UpdateRecipient

            sent = UpdateRecipient.objects.filter(update=update).count()
            for name in ("email_signers", "states", "send_now"):
                if name in self.fields:
                    self.fields[name].disabled = True
            if "send_now" in self.fields:
                self.fields["send_now"].help_text = "Sent: an update is emailed once."
            self.fields["email_signers"].help_text = (
                f"Emailed on {date_format(timezone.localtime(update.emailed_at), 'DATE_FORMAT')} "
                f"to {counted(sent, 'signer', 'signers')}. An update is emailed once: write a "
                "new update to email signers again."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.emailed_at or not cleaned.get("email_signers"):
            return cleaned
        petition = cleaned.get("petition")
        if petition is None or "states" not in cleaned:
            return cleaned
        from .models import PetitionUpdate

        draft = PetitionUpdate(
            petition=petition,
            kind=cleaned.get("kind") or PetitionUpdate.Kind.UPDATE,
            target=cleaned.get("target"),
            states=cleaned["states"],
        )
        states = draft.recipient_states()
        reach = draft.recipients().count()
        if reach == 0:
            self.add_error(
                "email_signers",
                f"Nobody would receive this email: no confirmed signer of this petition from "
                f"{places(states)} opted in to updates. Nothing was sent. Choose other states, "
                "or untick “Email signers”.",
            )
            return cleaned
        # Binds the confirmation to the audience chosen (not to its size, which grows while
        # people sign): changing the petition or the states asks again.
        shown = f"{petition.pk}:{','.join(states)}"
        if cleaned.get("send_now") and cleaned.get("audience_shown") == shown:
            return cleaned
        data = self.data.copy()
        data[self.add_prefix("audience_shown")] = shown
        data[self.add_prefix("states")] = ", ".join(cleaned["states"])
        data.pop(self.add_prefix("send_now"), None)
        self.data = data
        self.add_error(
            "send_now",
            f"This will email {counted(reach, 'signer', 'signers')} who opted in, in "
            f"{places(states)}. Tick “Send it now” and save again to send it; it cannot be "
            "unsent.",
        )
        return cleaned


class PetitionPageForm(WagtailAdminPageForm):
    """A petition's form: it says what publishing will do, and refuses a silent close.

    - Status: publishing as Victory emails opted-in signers, once; the help
      text gives how many.
    - Delivery: when the first deliveries will go, and to how many offices.
    - A close date already past on an Open petition is refused: published, the
      petition would be closed at once (and its signatures delivered) while
      the form said Open.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].help_text = victory_help(self.instance)
        if "delivery_schedule" in self.fields:
            self.fields["delivery_schedule"].help_text = delivery_help(self.instance)
        if "close_date" in self.fields:
            self.fields["close_date"].help_text = close_date_help(self.instance)
        if "victory_text" in self.fields:
            self.fields["victory_text"].help_text = (
                "Shown in the victory banner, and emailed to the signers who opted in to updates "
                "when the petition is published as Victory."
            )

    def clean(self):
        cleaned = super().clean()
        from .models import PetitionPage

        close_date = cleaned.get("close_date")
        if (
            cleaned.get("status") == PetitionPage.Status.OPEN
            and close_date
            and close_date <= timezone.now()
        ):
            when = date_format(timezone.localtime(close_date), "DATETIME_FORMAT")
            self.add_error(
                "close_date",
                f"This close date ({when}) has passed: published like this, the petition would "
                "be closed at once, and its waiting signatures delivered, while its status "
                "still said Open. Choose a later date to keep it open, or set the status to "
                "Closed.",
            )
        return cleaned


def close_date_help(petition) -> str:
    """The close date's help, saying so when an Open petition has already closed itself."""
    from .models import PetitionPage

    close_date = petition.close_date
    if petition.status == PetitionPage.Status.OPEN and close_date and close_date <= timezone.now():
        when = date_format(timezone.localtime(close_date), "DATETIME_FORMAT")
        return (
            f"This petition closed itself on {when}: the public page says it is closed and "
            "takes no signatures, although the status above says Open. Set the status to "
            "Closed, or choose a later date to reopen it."
        )
    return "The petition closes itself at this time. Leave empty to keep it open."


def victory_help(petition) -> str:
    """What publishing as Victory does for this petition, with the number of signers emailed."""
    from .models import PetitionUpdate, Signature

    if not petition.pk:
        return (
            "Publishing with “Victory” emails the victory text, once, to every confirmed signer "
            "who opted in to updates."
        )
    announced = PetitionUpdate.objects.filter(
        petition=petition, kind=PetitionUpdate.Kind.VICTORY, emailed_at__isnull=False
    ).first()
    if announced:
        when = date_format(timezone.localtime(announced.emailed_at), "DATE_FORMAT")
        return f"The victory was emailed to signers on {when}; it is never emailed again."
    reach = petition.signatures.filter(
        status__in=Signature.COUNTED_STATES, opt_in_updates=True
    ).count()
    return (
        f"Publishing with “Victory” emails the victory text, once, to the "
        f"{counted(reach, 'signer', 'signers')} who opted in to updates (as of now). Saving a "
        "draft sends nothing."
    )


def delivery_help(petition) -> str:
    """When this petition's signatures will be delivered, and to how many offices, on publishing."""
    from .delivery.services import waiting_by_target
    from .models import Delivery, PetitionPage, Target

    sweep = settings.CELERY_BEAT_SCHEDULE["deliver-due-petitions"]["schedule"]
    how = (
        f"Daily or Weekly: within {int(sweep) // 60} minutes of publishing, each office with "
        "confirmed signatures waiting and no delivery in the last day or week receives them, "
        "even a single signature (by email, or as a packet for staff to post); then at most one "
        "delivery a day or a week per office. “When enough signatures…”: an office receives "
        "them once it has that many waiting. Off: only when staff press “Deliver now”. When "
        "the petition closes, everything waiting is delivered."
    )
    if not petition.pk:
        default = PetitionPage._meta.get_field("delivery_schedule").default
        return f"New petitions deliver {default.label.lower()}. " + how
    waiting = waiting_by_target(petition)
    if not waiting:
        return "No confirmed signatures are waiting for delivery now. " + how
    channels = [
        target.delivery_channel for target in Target.objects.in_bulk(list(waiting)).values()
    ]
    by_email = channels.count(Delivery.Channel.EMAIL)
    offices = len(waiting)
    signatures = counted(sum(waiting.values()), "confirmed signature", "confirmed signatures")
    return (
        f"Waiting now: {signatures}"
        f" for {counted(offices, 'office', 'offices')} ({by_email} by email, "
        f"{offices - by_email} by post). " + how
    )
