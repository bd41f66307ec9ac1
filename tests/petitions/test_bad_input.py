"""Whatever a visitor types or sends, they get a clear message and nothing changes."""

import pytest
from django.test import override_settings

from northstar.models import OutboundEmail
from petitions.forms import SignatureForm
from petitions.models import Signature
from tests.petitions.factories import SignatureFactory, form_data

pytestmark = pytest.mark.django_db


def post(client, petition, **overrides):
    return client.post(petition.sign_url(), form_data(**overrides))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Please enter your first name."),
        ("first_name", "   ", "Please enter your first name."),
        ("first_name", "x" * 101, "Please shorten this to at most 100 characters (it has 101)."),
        ("first_name", "<script>alert(1)</script>", "can contain letters"),
        ("last_name", "Robert'); DROP TABLE petitions_signature;--", "can contain letters"),
        # Control characters are removed before validation: nothing is left of this one.
        ("last_name", "\x00", "Please enter your last name."),
        ("email", "not-an-email", "Please enter a valid email address, like name@example.org."),
        ("email", "a@b", "Please enter a valid email address"),
        ("email", "x" * 250 + "@example.org", "at most 254 characters"),
        ("zip_code", "", "Please enter your ZIP code."),
        ("zip_code", "7870", "five-digit ZIP code"),
        ("zip_code", "ABCDE", "five-digit ZIP code"),
        ("zip_code", "78701' OR '1'='1", "at most 10 characters"),
        ("zip_code", "७८७०१", "Please type your ZIP code with the digits 0 to 9, like 78701."),
        ("zip_code", "７８７０１", "Please type your ZIP code with the digits 0 to 9, like 78701."),
        ("zip_code", "٧٨٧٠١-١٢٣٤", "Please type your ZIP code with the digits 0 to 9, like 78701."),
        ("state", "ZZ", "Select a valid choice."),
        ("comment", "y" * 501, "at most 500 characters"),
    ],
)
def test_an_invalid_field_is_explained_and_nothing_is_saved(
    client, petition, field, value, message
):
    response = post(client, petition, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Signature.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_missing_fields_are_explained_and_nothing_is_saved(client, petition):
    response = client.post(petition.sign_url(), {})
    assert response.status_code == 200
    html = response.content.decode()
    for what in ("your first name", "your last name", "your email address", "your ZIP code"):
        assert f"Please enter {what}." in html
    assert "This field is required." not in html
    assert not Signature.objects.exists()


def test_names_in_any_alphabet_are_accepted(client, petition):
    post(client, petition, first_name="José-María", last_name="Nguyễn O’Brien")
    assert Signature.objects.get().last_name == "Nguyễn O’Brien"


def test_bidi_overrides_and_control_characters_are_removed_from_a_comment(client, petition):
    post(client, petition, comment="Free them\u202e now\x1b[2J\r\nPlease\u2066 act\u2069.\x07")
    assert Signature.objects.get().comment == "Free them now[2J\nPlease act."


def test_a_comment_keeps_its_line_breaks_and_text_in_every_script(client, petition):
    post(client, petition, comment="  Line one\r\n\r\nסוף — नमस्ते\tเพื่อน  ")
    assert Signature.objects.get().comment == "Line one\n\nסוף — नमस्ते\tเพื่อน"


def test_a_zip_code_in_other_digits_is_not_routed_by_the_recipient_lookup(client, petition):
    for value in ("७८७०१", "７８７０１", "٧٨٧٠١"):
        response = client.get(f"{petition.url}recipient/", {"zip": value})
        assert response.json() == {"state": None, "choices": []}


def test_a_comment_with_html_is_stored_as_text_and_shown_escaped(client, home_page, texas_ag):
    from tests.petitions.factories import PetitionPageFactory

    petition = PetitionPageFactory(require_confirmation=False)
    post(client, petition, comment="<b>bold</b><script>x()</script>", show_publicly="on")
    html = client.get(petition.url).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()" not in html


def test_a_filled_honeypot_saves_nothing(client, petition):
    response = post(client, petition, website="http://spam.example")
    assert "Something went wrong" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_sign_form_carries_the_honeypot_hidden_from_people(client, petition):
    html = client.get(petition.url).content.decode()
    assert '<label for="id_website">Leave this empty</label>' in html
    assert '<input type="text" name="website" id="id_website" tabindex="-1"' in html
    assert '<div class="honeypot" aria-hidden="true">' in html


@pytest.mark.parametrize(
    ("options", "name", "input_id"),
    [
        ({}, "website", "id_website"),
        ({"prefix": "sign"}, "sign-website", "id_sign-website"),
        ({"auto_id": "field_%s"}, "website", "field_website"),
        ({"auto_id": False}, "website", ""),
    ],
)
def test_the_honeypot_is_named_and_labelled_as_django_names_a_field(
    petition, options, name, input_id
):
    form = SignatureForm(petition=petition, **options)

    assert (form.honeypot_name, form.honeypot_id) == (name, input_id)
    assert form.honeypot_id == form["first_name"].auto_id.replace("first_name", "website")


def test_a_honeypot_of_spaces_only_is_no_bot(client, petition):
    post(client, petition, website="   ")
    assert Signature.objects.filter(petition=petition).count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, petition, method):
    response = getattr(client, method)(petition.url)
    assert response.status_code == 405


def test_a_post_without_the_csrf_token_is_refused(petition):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(petition.sign_url(), form_data())
    assert response.status_code == 403
    assert not Signature.objects.exists()


@override_settings(PETITION_SIGNS_PER_IP_PER_HOUR=3)
def test_too_many_signatures_from_one_address_are_refused(client, petition):
    for n in range(3):
        post(client, petition, email=f"person{n}@example.org")
    response = post(client, petition, email="person4@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Signature.objects.count() == 3


@pytest.mark.parametrize("victim_had_signed", [False, True], ids=["new", "had signed"])
@override_settings(PETITION_SIGNS_PER_IP_PER_HOUR=3)
def test_the_limit_counts_an_address_that_had_signed_as_it_counts_a_new_one(
    client, petition, victim_had_signed
):
    """Which of a visitor's own signings pass the limit cannot tell if another address signed."""
    if victim_had_signed:
        SignatureFactory(petition=petition, email="victim@example.org")
    emails = ["own0@example.org", "victim@example.org", "own1@example.org", "own2@example.org"]

    statuses = [post(client, petition, email=email).status_code for email in emails]

    assert statuses == [302, 302, 302, 429]
    own = Signature.objects.filter(email__startswith="own").values_list("email", flat=True)
    assert sorted(own) == ["own0@example.org", "own1@example.org"]


def test_addresses_behind_one_trusted_proxy_are_limited_one_by_one(client, petition, settings):
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 2
    settings.NUM_PROXIES = 1

    def from_address(address, email):
        return client.post(
            petition.sign_url(), form_data(email=email), HTTP_X_FORWARDED_FOR=address
        ).status_code

    assert [from_address("198.51.100.7", f"a{n}@example.org") for n in range(3)] == [302, 302, 429]
    assert from_address("198.51.100.8", "b@example.org") == 302


@override_settings(PETITION_SIGNS_PER_EMAIL_PER_HOUR=2)
def test_signing_again_and_again_with_one_email_answers_as_a_first_signing(client, petition):
    # The per-email limit only skips emails (tests/petitions/test_signing.py): a 429 here
    # would tell the visitor that the address has signed.
    first = post(client, petition, email="same@example.org")
    for _ in range(3):
        response = post(client, petition, email="same@example.org")
        assert (response.status_code, response["Location"]) == (302, first["Location"])
    assert Signature.objects.count() == 1


def test_a_malformed_recipient_lookup_answers_without_error(client, petition):
    for value in ("", "abc", "1" * 500, "<script>"):
        response = client.get(f"{petition.url}recipient/", {"zip": value})
        assert response.status_code == 200
        assert response.json() == {"state": None, "choices": []}


def test_a_malformed_confirmation_link_answers_400(client, petition):
    for token in ("x", "a" * 300, "%00"):
        assert client.get(f"/petitions/confirm/{token}/").status_code in (400, 404)


def test_signers_behind_the_load_balancer_are_each_counted_as_themselves(
    client, petition, settings
):
    # 72 signers whose requests all reach the site from the load balancer's address: without
    # NUM_PROXIES the 61st would be "Too many attempts from your connection".
    settings.NUM_PROXIES = 1
    statuses = [
        client.post(
            petition.sign_url(),
            form_data(email=f"signer{n}@example.org"),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(72)
    ]

    assert statuses == [302] * 72
    assert Signature.objects.count() == 72


def test_an_address_the_signer_adds_to_x_forwarded_for_does_not_dodge_the_limit(
    client, petition, settings
):
    # The client sends its own X-Forwarded-For; the load balancer appends the address it saw.
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 2
    settings.NUM_PROXIES = 1

    def spoofing(n):
        return client.post(
            petition.sign_url(),
            form_data(email=f"spoof{n}@example.org"),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        ).status_code

    assert [spoofing(n) for n in range(3)] == [302, 302, 429]
