"""Gifts in honour or in memory of someone, and the card that tells a person of one.

The donate form asks, optionally (`TributeFields`, mixed into `DonationForm`): in
honour or in memory, of whom, and someone to tell (their name, email, a message, and
whether to tell them the amount). Only one-time gifts carry a tribute: for a monthly
gift the fields are hidden (by CSS) and ignored (`TributeFields.check_tribute`). `start_donation`
stores what `tribute_fields` gives on the gift.

The card is queued by `send_tribute_card_on_gift_paid`, a receiver of
`donations.signals.gift_paid`, which every counted gift reaches inside the transaction
that counts it (Stripe's webhook, the local test checkout, a payment accepted after
review, an offline gift confirmed). It writes the card to the outbox (`send_email`:
the worker sends it once that transaction commits, or never) and stamps
`tribute_notified_at` in the same transaction, on the gift's locked row: one card per
gift, never for a gift not counted.

The address to tell is used for that card only (no export or list carries it) and
blanked, with the name and message, `ERASE_AFTER` after the card was queued
(`erase_tribute_contacts`, daily from beat), in the gift and in the outbox.
"""

from datetime import timedelta

from celery import shared_task
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.emails import public_url, send_email
from northstar.forms import text_errors
from northstar.models import OutboundEmail, normalise_email

from .models import Donation

CARD_TEMPLATE = "donations/tribute_card"
ERASE_AFTER = timedelta(days=30)
MESSAGE_LIMIT = 500
# The form's fields, as the gift's fields are named.
FIELD_NAMES = (
    "tribute",
    "tribute_name",
    "tribute_notify_name",
    "tribute_notify_email",
    "tribute_notify_message",
    "tribute_notify_amount",
)
NOTIFY_FIELDS = FIELD_NAMES[2:]


class TributeFields(forms.Form):
    """The donate form's optional "Give in honour or in memory of someone" fields.

    Valid data: `tribute` ("", "honour" or "memory"), `tribute_name` (the person honoured
    or remembered, "" without a tribute), and someone to tell: `tribute_notify_name`,
    `tribute_notify_email` (normalised), `tribute_notify_message` (at most 500
    characters), `tribute_notify_amount` (bool). Someone to tell needs a tribute; a
    message or the amount needs their email; a name to tell alone is accepted and not
    kept (no one to tell). A monthly gift keeps none of it. Rendered by
    templates/donations/includes/tribute_fields.html.
    """

    tribute = forms.ChoiceField(
        label=_("Is this gift in honour or in memory of someone?"),
        choices=Donation.Tribute.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Please choose in honour or in memory.")},
    )
    tribute_name = forms.CharField(
        label=_("Their name"),
        max_length=200,
        required=False,
        error_messages=text_errors(),
        help_text=_("On your receipt, and on the card if you tell someone."),
    )
    tribute_notify_name = forms.CharField(
        label=_("Name of the person to tell"),
        max_length=200,
        required=False,
        error_messages=text_errors(),
    )
    tribute_notify_email = forms.EmailField(
        label=_("Their email"),
        max_length=254,
        required=False,
        help_text=_("Used for this one card only, and erased 30 days after it is sent."),
        error_messages={
            **text_errors(),
            "invalid": _("Please enter a valid email address for them, like name@example.org."),
        },
    )
    tribute_notify_message = forms.CharField(
        label=_("Your message to them"),
        max_length=MESSAGE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=text_errors(),
    )
    tribute_notify_amount = forms.BooleanField(
        label=_("Tell them the amount of my gift"), required=False
    )

    def __init__(self, *args, **kwargs):
        """The tribute fields go last, after the form's own (its error summary's order)."""
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in FIELD_NAMES])

    @property
    def tribute_open(self):
        """Whether the disclosure shows open: the donor filled something in, or a problem
        in it is to be seen."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in FIELD_NAMES) or any(
            name in self.errors for name in FIELD_NAMES
        )

    def clean_tribute_name(self):
        return " ".join(self.cleaned_data.get("tribute_name", "").split())

    def clean_tribute_notify_name(self):
        return " ".join(self.cleaned_data.get("tribute_notify_name", "").split())

    def clean_tribute_notify_email(self):
        email = self.cleaned_data.get("tribute_notify_email", "")
        return normalise_email(email) if email else ""

    def clean_tribute_notify_message(self):
        return self.cleaned_data.get("tribute_notify_message", "").strip()

    def clean(self):
        cleaned = super().clean()
        self.check_tribute(cleaned)
        return cleaned

    def check_tribute(self, cleaned):
        """Check the fields together (see the class); blank them all for a monthly gift."""
        if self.data.get("frequency") == "monthly":  # donations.forms.MONTHLY (imports this)
            for name in FIELD_NAMES:
                self.errors.pop(name, None)
                cleaned[name] = False if name == "tribute_notify_amount" else ""
            return
        if any(name in self.errors for name in FIELD_NAMES):
            return  # one problem at a time: the field's own message says it
        tribute, name = cleaned.get("tribute"), cleaned.get("tribute_name")
        email = cleaned.get("tribute_notify_email")
        if tribute and not name:
            self.add_error(
                "tribute_name",
                _("Please enter the name of the person this gift honours or remembers."),
            )
        elif name and not tribute:
            self.add_error("tribute", _("Please choose in honour or in memory."))
        elif email and not tribute:
            self.add_error(
                "tribute_name",
                _("To tell someone, please enter who this gift honours or remembers."),
            )
        elif cleaned.get("tribute_notify_message") and not email:
            self.add_error(
                "tribute_notify_email",
                _("Please enter their email to send your message, or leave the message empty."),
            )
        if not email:  # no one to tell: nothing of them is kept
            cleaned.update(
                tribute_notify_name="", tribute_notify_message="", tribute_notify_amount=False
            )


def tribute_fields(data) -> dict:
    """The gift's tribute fields from the donate form's cleaned `data` (blank when absent)."""
    return {
        name: data.get(name) or (False if name == "tribute_notify_amount" else "")
        for name in FIELD_NAMES
    }


def donor_as_named_on_card(donation: Donation) -> str:
    """The donor as the card names them: "Ana R." as pages may show them, or "" (the card
    says "someone") when they chose to be anonymous to everyone."""
    if donation.name_shown == Donation.NameShown.ANONYMOUS:
        return ""
    return donation.short_name


def card_context(donation: Donation) -> dict:
    """The card email's context (JSON): whom it is for and of, from whom, to which page,
    and the amount (minor units) only when the donor allowed it (else None)."""
    page = donation.page.specific
    to_honoree = donation.tribute == Donation.Tribute.HONOUR and (
        donation.tribute_notify_name.casefold() == donation.tribute_name.casefold()
    )
    return {
        "notify_name": donation.tribute_notify_name,
        "tribute": donation.tribute,
        "tribute_name": donation.tribute_name,
        "to_honoree": to_honoree,
        "donor_name": donor_as_named_on_card(donation),
        "message": donation.tribute_notify_message,
        "page_title": page.title,
        "page_url": public_url(page),
        "amount_cents": donation.given_cents if donation.tribute_notify_amount else None,
        "currency": donation.currency,
    }


def queue_tribute_card(donation: Donation) -> bool:
    """Write the card for a counted gift's person to tell to the outbox and stamp
    `tribute_notified_at`; False (nothing done) without a tribute, an address, a counted
    gift, or if the card went already. Call it in the transaction that counts the gift,
    on its locked row: the card is sent after commit, or never."""
    if not (
        donation.status in Donation.COUNTED_STATES
        and donation.tribute
        and donation.tribute_name
        and donation.tribute_notify_email
        and donation.tribute_notified_at is None
    ):
        return False
    send_email(CARD_TEMPLATE, donation.tribute_notify_email, card_context(donation))
    donation.tribute_notified_at = timezone.now()
    Donation.objects.filter(pk=donation.pk).update(tribute_notified_at=donation.tribute_notified_at)
    return True


def send_tribute_card_on_gift_paid(sender, donation, **kwargs):
    """`gift_paid` receiver: `queue_tribute_card`."""
    queue_tribute_card(donation)


def connect_tribute_cards():
    """Connect the card to `gift_paid` (`DonationsConfig.ready`)."""
    from .signals import gift_paid

    gift_paid.connect(
        send_tribute_card_on_gift_paid, sender=Donation, dispatch_uid="donations.tribute_cards"
    )


def erase_tribute_contacts(now=None) -> int:
    """Blank the name, address and message of the person told of each gift whose card was
    queued more than `ERASE_AFTER` before `now` (one UPDATE), and the address and context
    of those cards in the outbox (one more). The tribute itself (honour or memory, of whom)
    stays for the receipt and staff. Returns how many gifts were erased."""
    cutoff = (now or timezone.now()) - ERASE_AFTER
    erased = (
        Donation.objects.filter(tribute_notified_at__lt=cutoff)
        .exclude(tribute_notify_name="", tribute_notify_email="", tribute_notify_message="")
        .update(tribute_notify_name="", tribute_notify_email="", tribute_notify_message="")
    )
    OutboundEmail.objects.filter(template=CARD_TEMPLATE, created_at__lt=cutoff).exclude(
        to=""
    ).update(to="", context={})
    return erased


@shared_task(name="donations.tasks.erase_tribute_contacts")
def erase_tribute_contacts_task():
    """The beat's daily `erase_tribute_contacts`; returns how many gifts were erased."""
    return erase_tribute_contacts()
