"""Signing up, logging in and resetting a password: mistakes are summarised at the top, linked."""

import pytest

from tests.support.error_summary import assert_summary_links_to, error_summary

pytestmark = pytest.mark.django_db


def test_signing_up_with_mismatched_passwords_links_the_summary_to_the_second_password(
    client, home_page
):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Maria",
            "last_name": "López",
            "email": "maria@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "another long passphrase",
        },
    )
    assert_summary_links_to(response, "id_password2")


def test_logging_in_with_a_wrong_password_is_summarised_as_text(client, home_page):
    response = client.post(
        "/accounts/login/", {"login": "nobody@example.org", "password": "wrong password"}
    )
    summary = error_summary(response)
    assert summary["attrs"]["role"] == "alert"
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_logging_in_with_nothing_typed_links_to_both_fields(client, home_page):
    response = client.post("/accounts/login/", {"login": "", "password": ""})
    assert_summary_links_to(response, "id_login", "id_password")


def test_a_password_reset_with_no_address_links_to_the_address(client, home_page):
    response = client.post("/accounts/password/reset/", {"email": ""})
    assert_summary_links_to(response, "id_email")
