"""Text in every script: what a person types is stored in NFC, names in any alphabet are accepted,
and control characters never reach the database."""

import pytest

from donations.forms import DonationForm
from donations.models import Donation
from northstar.forms import normalise_text
from northstar.models import normalise_email
from petitions.forms import SignatureForm
from petitions.models import Signature
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.donations.factories import donate_form
from tests.petitions.factories import PetitionPageFactory, TargetFactory, form_data

# (typed first name, typed last name, stored first name, stored last name)
NAMES_IN_EVERY_SCRIPT = [
    pytest.param("अंकिता", "शर्मा", "अंकिता", "शर्मा", id="devanagari"),
    pytest.param("สมศักดิ์", "ใจดี", "สมศักดิ์", "ใจดี", id="thai"),
    pytest.param("Zoe\u0308", "Lefe\u0300vre", "Zo\u00eb", "Lef\u00e8vre", id="decomposed-latin"),
    pytest.param("Zo\u00eb", "O’Brien", "Zo\u00eb", "O’Brien", id="precomposed-latin"),
    pytest.param("محمد", "عبدالله", "محمد", "عبدالله", id="arabic"),
    pytest.param("דוד", "כהן", "דוד", "כהן", id="hebrew"),
    pytest.param("Mehr\u200cnaz", "Hosseini", "Mehr\u200cnaz", "Hosseini", id="zwnj-kept"),
]

NAMES_WITH_DIGITS = [
    pytest.param("Anna2", id="ascii"),
    pytest.param("Anna٣", id="arabic-indic"),
    pytest.param("अंकिता७", id="devanagari"),
    pytest.param("Anna７", id="fullwidth"),
    pytest.param("Anna²", id="superscript"),
]


@pytest.fixture
def petition(home_page):
    TargetFactory(jurisdiction="TX", name="Ken Paxton")
    return PetitionPageFactory(require_confirmation=False)


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory()


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "last", "stored_first", "stored_last"), NAMES_IN_EVERY_SCRIPT)
def test_a_signer_named_in_any_script_signs_and_the_name_is_stored_in_nfc(
    client, petition, first, last, stored_first, stored_last
):
    client.post(petition.sign_url(), form_data(first_name=first, last_name=last))
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name) == (stored_first, stored_last)


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "last", "stored_first", "stored_last"), NAMES_IN_EVERY_SCRIPT)
def test_the_donate_form_accepts_a_name_in_any_script_and_cleans_it_to_nfc(
    first, last, stored_first, stored_last
):
    form = DonationForm(donate_form(first_name=first, last_name=last))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["first_name"], form.cleaned_data["last_name"]) == (
        stored_first,
        stored_last,
    )


@pytest.mark.django_db
def test_a_donor_named_with_a_decomposed_letter_is_stored_precomposed(client, campaign, no_stripe):
    client.post(
        f"/donations/give/{campaign.pk}/",
        donate_form(first_name="Zoe\u0308", last_name="अंकिता शर्मा"),
    )
    donation = Donation.objects.get()
    assert (donation.first_name, donation.last_name) == ("Zo\u00eb", "अंकिता शर्मा")


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES_WITH_DIGITS)
def test_a_name_with_digits_of_any_script_is_refused_on_the_sign_form(petition, name):
    form = SignatureForm(form_data(first_name=name), petition=petition)
    assert not form.is_valid()
    assert form.errors["first_name"] == [
        "Your first name can contain letters (in any alphabet), spaces, hyphens, apostrophes "
        "and full stops, and must start with a letter."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES_WITH_DIGITS)
def test_a_name_with_digits_of_any_script_is_refused_on_the_donate_form(name):
    form = DonationForm(donate_form(last_name=name))
    assert not form.is_valid()
    assert "Your last name can contain letters" in form.errors["last_name"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u0308Zoe", "-Anna", "'Anna", "Anna \u0301"])
def test_a_name_must_start_with_a_letter_and_marks_must_follow_one(petition, name):
    form = SignatureForm(form_data(first_name=name), petition=petition)
    assert not form.is_valid()
    assert "must start with a letter" in form.errors["first_name"][0]


@pytest.mark.django_db
def test_control_and_bidi_characters_are_removed_from_a_name_before_it_is_checked(client, petition):
    client.post(
        petition.sign_url(), form_data(first_name="\u202eAn\x1bna\u200f", last_name="Lee\u2066")
    )
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name) == ("Anna", "Lee")


@pytest.mark.django_db
def test_a_tab_or_line_break_in_a_one_line_field_becomes_a_space(client, petition):
    client.post(petition.sign_url(), form_data(first_name="Anna\tMaria", last_name="de\r\nla Cruz"))
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name) == ("Anna Maria", "de la Cruz")


@pytest.mark.django_db
def test_an_email_with_an_international_domain_is_stored_nfc_and_lower_case(client, petition):
    client.post(petition.sign_url(), form_data(email="Maria@Exa\u0308mple.ORG"))
    assert Signature.objects.get().email == "maria@ex\u00e4mple.org"


@pytest.mark.django_db
def test_the_donate_form_cleans_an_email_to_nfc_and_lower_case():
    form = DonationForm(donate_form(email=" Jordan@Mu\u0308nchen.example "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "jordan@m\u00fcnchen.example"


@pytest.mark.django_db
def test_one_address_typed_decomposed_and_precomposed_is_one_signer(client, petition):
    client.post(petition.sign_url(), form_data(email="ana@exa\u0308mple.org"))
    client.post(petition.sign_url(), form_data(email="ana@ex\u00e4mple.org"))
    assert Signature.objects.count() == 1


def test_normalise_email_gives_the_same_address_for_every_way_of_typing_it():
    typed = [
        "  Zoe\u0308@Exa\u0308mple.org ",
        "ZO\u00cb@EX\u00c4MPLE.ORG",
        "zo\u00eb@ex\u00e4mple.org",
    ]
    assert {normalise_email(address) for address in typed} == {"zo\u00eb@ex\u00e4mple.org"}


def test_a_multi_line_text_keeps_its_line_breaks_and_tabs_but_loses_controls():
    typed = "First line\u202e\r\nsecond\tline\x1b[2J\u2028third\x00"
    assert normalise_text(typed, multiline=True) == "First line\nsecond\tline[2J\nthird"


def test_a_one_line_text_loses_line_breaks_and_every_bidi_control():
    bidi = "".join(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    typed = f"a\u200e{bidi}b\u200f\nc\x7f\x9bd"
    assert normalise_text(typed) == "ab cd"


@pytest.mark.django_db
def test_the_donate_forms_message_keeps_its_line_breaks_and_loses_bidi_overrides():
    form = DonationForm(donate_form(message="For Maria\u202e!\x1b\r\nWith love"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == "For Maria!\nWith love"
