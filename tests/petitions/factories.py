import contextlib

import factory
import time_machine
from django.utils import timezone
from django.utils.text import slugify

from petitions.models import PetitionPage, Signature, Target, TargetGroup
from petitions.services import confirm_signature
from tests.site.factories import PageFactory


class PetitionPageFactory(PageFactory):
    """A live petition under the home page (pass `parent=` to put it elsewhere)."""

    class Meta:
        model = PetitionPage

    title = factory.Sequence(lambda n: f"Stop human traffickers, petition {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Post the national hotline number in every bus and train station."
    letter = "We ask you to require the hotline number to be posted in public places."


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        django_get_or_create = ("group", "jurisdiction")

    group = TargetGroup.ATTORNEYS_GENERAL
    jurisdiction = "TX"
    name = "Ken Paxton"
    office = factory.LazyAttribute(lambda o: f"Office of the Attorney General ({o.jurisdiction})")


class SignatureFactory(factory.django.DjangoModelFactory):
    """A signature from Texas awaiting confirmation, as a signer leaves it before the email.

    `confirmed=True` (or `status=Signature.Status.CONFIRMED`) inserts it pending and
    then confirms it through `petitions.services.confirm_signature`, the service a
    signer's click runs, so it is counted in `SignatureCount` as in production.
    `confirmed_at=` goes with it: the moment the clock reads while it confirms
    (the signature was made at that moment too). Pass `petition=` (the default is
    a new live petition under the home page, which must exist) and, for a routed
    signature, `target=`. Raises ValueError for `confirmed_at=` without a
    confirmation, and for a confirmed `build()` (only a saved row can be confirmed).
    """

    class Meta:
        model = Signature

    class Params:
        confirmed = factory.Trait(status=Signature.Status.CONFIRMED)

    petition = factory.SubFactory(PetitionPageFactory)
    first_name = "Maria"
    last_name = "Garcia"
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    zip_code = "78701"
    state = "TX"
    status = Signature.Status.PENDING
    confirmed_at = None
    created_at = factory.LazyAttribute(lambda o: o.confirmed_at or timezone.now())

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        if kwargs.get("status") == Signature.Status.CONFIRMED:
            raise ValueError("A confirmed signature is confirmed in the database: use create().")
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        confirm = kwargs.get("status") == Signature.Status.CONFIRMED
        when = kwargs.pop("confirmed_at")
        if when is not None and not confirm:
            raise ValueError("confirmed_at= needs confirmed=True: only confirming sets it.")
        kwargs["status"] = Signature.Status.PENDING if confirm else kwargs["status"]
        signature = super()._create(model_class, *args, **kwargs)
        if confirm:
            with time_machine.travel(when, tick=False) if when else contextlib.nullcontext():
                confirm_signature(signature)
        return signature


def signer(**overrides):
    """Cleaned sign-form data for `record_signature`."""
    data = {
        "first_name": "Maria",
        "last_name": "Garcia",
        "email": "maria@example.org",
        "zip_code": "78701",
        "state": "TX",
        "comment": "",
        "show_publicly": False,
        "opt_in_updates": False,
    }
    data.update(overrides)
    return data


def form_data(**overrides):
    """What a browser posts from the sign form."""
    data = {
        "first_name": "Maria",
        "last_name": "Garcia",
        "email": "maria@example.org",
        "zip_code": "78701",
        "state": "",
        "comment": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_petition(home_page, slug="stop-trafficking"):
    petition = PetitionPage(
        title="Stop human traffickers",
        slug=slug,
        summary="Post the hotline number.",
        letter="Please post the national hotline number in public places.",
    )
    home_page.add_child(instance=petition)
    return petition
