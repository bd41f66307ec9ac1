"""One way to name an office: every surface says "the Attorney General of the District of
Columbia" and "the Attorney General of Texas, Ken Paxton" in the words of `Target.addressed_as`.

The sign form's lookup, the confirmation email, the thank-you page, the staff
deliveries screen, the delivery email and its packet, and a response update
each show the phrase for a vacant office in the District of Columbia (read with
"the") and for Texas with its office holder.
"""

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from northstar.emails import email_message, render_email
from petitions.delivery.services import deliver_signatures, delivery_message, stored_pdf
from petitions.models import DeliverySchedule, PetitionUpdate, Target, TargetGroup
from petitions.services import (
    confirm_signature,
    confirmation_context,
    confirmation_token,
    record_signature,
)
from tests.petitions.factories import PetitionPageFactory, TargetFactory, signer
from tests.site.factories import StaffUserFactory
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.django_db

# (state, a ZIP code there, the office holder, the phrase, the phrase without the name)
DC = ("DC", "20001", "", "the Attorney General of the District of Columbia")
TEXAS = ("TX", "78701", "Ken Paxton", "the Attorney General of Texas, Ken Paxton")
OFFICES = pytest.mark.parametrize(
    ("state", "zip_code", "holder", "phrase"), [DC, TEXAS], ids=["DC", "TX"]
)


def office(state, holder):
    return TargetFactory(jurisdiction=state, name=holder, email=f"ag@{state.lower()}.example.gov")


def confirmed_signature(petition, target, zip_code):
    """A confirmed signature routed, as the sign view routes it, to `target`."""
    state = target.jurisdiction
    signature = record_signature(
        petition,
        signer(email=f"{state.lower()}@example.org", state=state, zip_code=zip_code),
        target=target,
    ).signature
    confirm_signature(signature)
    return signature


@pytest.fixture
def petition(home_page):
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)


def test_an_office_is_named_with_its_place_read_as_in_a_sentence_and_its_holder():
    assert Target(jurisdiction="DC").addressed_as() == DC[3]
    assert Target(jurisdiction="TX", name="Ken Paxton").addressed_as() == TEXAS[3]
    assert Target(jurisdiction="VI").addressed_as() == (
        "the Attorney General of the U.S. Virgin Islands"
    )
    assert Target(jurisdiction="MP").office_title == (
        "Attorney General of the Northern Mariana Islands"
    )


def test_without_the_name_only_the_office_is_named():
    texas = Target(jurisdiction="TX", name="Ken Paxton")
    assert texas.addressed_as(with_name=False) == "the Attorney General of Texas"


def test_an_office_without_a_title_takes_its_groups_title():
    untitled = Target(group=TargetGroup.ATTORNEYS_GENERAL, jurisdiction="DC", title=" ")
    assert untitled.addressed_as() == DC[3]


def test_an_office_with_another_title_is_named_by_it():
    governor = Target(jurisdiction="DC", title="Mayor", name="Muriel Bowser")
    assert governor.addressed_as() == "the Mayor of the District of Columbia, Muriel Bowser"


@OFFICES
def test_the_sign_forms_lookup_names_the_office(client, petition, state, zip_code, holder, phrase):
    office(state, holder)
    response = client.get(f"{petition.url}recipient/", {"zip": zip_code})
    assert response.json()["recipient"] == f"Your signature goes to {phrase}."


def test_the_sign_forms_lookup_names_an_office_that_has_no_target_yet(client, petition):
    response = client.get(f"{petition.url}recipient/", {"zip": DC[1]})
    assert response.json()["recipient"] == f"Your signature goes to {DC[3]}."


@OFFICES
def test_the_confirmation_email_names_the_office(petition, state, zip_code, holder, phrase):
    target = office(state, holder)
    pending = record_signature(
        petition, signer(state=state, zip_code=zip_code), target=target
    ).signature
    _, text, html = render_email("petitions/confirm_signature", confirmation_context(pending))
    assert f"goes to {phrase}." in text
    assert f"goes to {phrase}." in html


def test_the_confirmation_email_names_an_office_that_has_no_target_yet(petition):
    pending = record_signature(petition, signer(state="DC", zip_code="20001")).signature
    assert pending.target is None
    _, text, _ = render_email("petitions/confirm_signature", confirmation_context(pending))
    assert f"goes to {DC[3]}." in text


@OFFICES
def test_the_thank_you_page_names_the_office(client, petition, state, zip_code, holder, phrase):
    signature = confirmed_signature(petition, office(state, holder), zip_code)
    response = client.get(reverse("petitions:confirm", args=[confirmation_token(signature)]))
    assert f"It will be delivered to {phrase}." in response.content.decode()


@OFFICES
def test_the_staff_deliveries_screen_names_the_office(
    client, petition, state, zip_code, holder, phrase
):
    confirmed_signature(petition, office(state, holder), zip_code)
    deliver_signatures(petition, force=True)
    client.force_login(StaffUserFactory())
    response = client.get(reverse("petitions_admin:deliveries", args=[petition.pk]))
    html = response.content.decode()
    assert html.count(capfirst(phrase)) == 2  # the per-office table and the history


@OFFICES
def test_the_delivery_email_and_its_packet_name_the_office_and_place(
    petition, settings, tmp_path, state, zip_code, holder, phrase
):
    settings.MEDIA_ROOT = tmp_path / "media"
    target = office(state, holder)
    confirmed_signature(petition, target, zip_code)
    [delivery] = deliver_signatures(petition, force=True)
    email = email_message(delivery_message(delivery))
    assert email.subject.endswith(f"from {target.place})")
    assert f"1 resident of {target.place} has signed" in email.body
    packet = " ".join(pdf_text(stored_pdf(delivery)).split())
    assert target.addressed_as(with_name=False) == f"the {target.office_title}"
    assert target.office_title in packet


@OFFICES
def test_a_response_update_is_headed_with_the_office(petition, state, zip_code, holder, phrase):
    target = office(state, holder)
    update = PetitionUpdate(petition=petition, kind=PetitionUpdate.Kind.RESPONSE, target=target)
    assert update.heading == f"{capfirst(target.addressed_as(with_name=False))} responded"
    assert phrase.startswith(target.addressed_as(with_name=False))
