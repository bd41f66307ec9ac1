"""Supporters sign up and log in with their email address (django-allauth)."""

import re

import pytest

from northstar.models import OutboundEmail, User
from tests.site.factories import UserFactory


def signup(client, email, password="a long and unusual passphrase", **names):
    names = {"first_name": "Maria", "last_name": "López", **names}
    return client.post(
        "/accounts/signup/",
        {**names, "email": email, "password1": password, "password2": password},
    )


@pytest.mark.django_db
def test_signing_up_creates_a_user_whose_login_is_the_email(client, home_page):
    signup(client, "New.Supporter@Example.org")
    user = User.objects.get()
    assert user.email == "new.supporter@example.org"
    assert not user.is_staff


@pytest.mark.django_db
def test_signing_up_queues_a_verification_email_with_a_confirmation_link(client, home_page):
    signup(client, "verify@example.org")
    message = OutboundEmail.objects.get(to="verify@example.org")
    assert re.search(r"/accounts/confirm-email/\S+/", message.context["body"])


@pytest.mark.django_db
def test_signing_up_with_an_email_in_use_creates_nothing_and_reveals_nothing(client, home_page):
    UserFactory(email="taken@example.org")
    response = signup(client, "TAKEN@example.org")
    assert User.objects.count() == 1
    assert response["Location"] == "/accounts/confirm-email/"
    # The address's owner is told instead of the visitor.
    assert OutboundEmail.objects.filter(to="taken@example.org").exists()


@pytest.mark.django_db
def test_a_mismatched_password_changes_nothing_and_says_why(client, home_page):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Maria",
            "last_name": "López",
            "email": "x@example.org",
            "password1": "first passphrase 1",
            "password2": "other 2",
        },
    )
    assert response.status_code == 200
    assert "same password" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_verified_user_logs_in_with_their_email_in_any_case(client, home_page):
    user = UserFactory(email="login@example.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": "LOGIN@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_the_login_form_labels_every_field(client, home_page):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert '<label for="id_remember">Remember me</label>' in html
    assert "Quick exit" in html


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_reveals_nothing(client, home_page):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


@pytest.mark.django_db
def test_signing_up_with_a_decomposed_international_address_stores_it_nfc(client, home_page):
    signup(client, "Zoe@Exa\u0308mple.org")
    user = User.objects.get()
    assert user.email == "zoe@ex\u00e4mple.org"
    assert user.emailaddress_set.get().email == "zoe@ex\u00e4mple.org"


@pytest.mark.django_db
def test_a_user_logs_in_with_their_address_typed_in_decomposed_form(client, home_page):
    user = UserFactory(email="ana@ex\u00e4mple.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": "Ana@Exa\u0308mple.org", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_password_is_checked_exactly_as_typed_never_normalised(client, home_page):
    user = UserFactory(email="zoe@example.org", password="Zoe\u0308 keeps a long passphrase")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": "zoe@example.org", "password": "Zoe\u0308 keeps a long passphrase"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_password_reset_finds_an_address_typed_in_decomposed_form(client, home_page):
    user = UserFactory(email="ana@ex\u00e4mple.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "ana@exa\u0308mple.org"})
    assert OutboundEmail.objects.filter(to="ana@ex\u00e4mple.org").exists()


def link_in(message):
    [link] = re.findall(r"https?://\S+", message.context["body"])
    return link


def emailed_password_link(client, address):
    """The link that "Reset your password" emails to `address`, the login of a verified user."""
    user = UserFactory(email=address)
    user.emailaddress_set.create(email=address, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": address})
    return link_in(OutboundEmail.objects.get(to=address))


@pytest.mark.django_db
def test_the_confirmation_link_in_the_signup_email_opens_the_confirm_page(client, home_page):
    signup(client, "confirm-link@example.org")
    link = link_in(OutboundEmail.objects.get(to="confirm-link@example.org"))

    assert link.startswith("http://testserver/accounts/confirm-email/")
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert "confirm-link@example.org" in response.content.decode()


@pytest.mark.django_db
def test_the_link_in_the_password_reset_email_lets_the_owner_choose_a_new_password(
    client, home_page
):
    link = emailed_password_link(client, "forgetful@example.org")

    assert link.startswith("http://testserver/accounts/password/reset/key/")
    response = client.get(link.removeprefix("http://testserver"), follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


@pytest.mark.django_db
def test_account_emails_name_the_organisation_and_carry_no_host_prefix(client, site_settings):
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.save()
    signup(client, "named@example.org")

    message = OutboundEmail.objects.get(to="named@example.org")
    assert message.context["subject"] == "Confirm your email address for Harbor Light Coalition"
    assert message.context["body"].startswith("Hello from Harbor Light Coalition.")
    assert "open an account with Harbor Light Coalition." in message.context["body"]


@pytest.mark.django_db
def test_signing_up_stores_the_first_and_last_name_exactly_as_typed(client, home_page):
    signup(client, "names@example.org", first_name="Zoë", last_name="देवनागरी")

    user = User.objects.get()
    assert (user.first_name, user.last_name) == ("Zoë", "देवनागरी")


@pytest.mark.django_db
def test_signing_up_keeps_a_decomposed_accent_as_one_character(client, home_page):
    signup(client, "zoe@example.org", first_name="Zoe\u0308")

    assert User.objects.get().first_name == "Zo\u00eb"


@pytest.mark.django_db
def test_signing_up_without_a_last_name_creates_nothing_and_asks_for_it(client, home_page):
    response = signup(client, "nameless@example.org", last_name="")

    assert response.status_code == 200
    assert "Please enter your last name." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signing_up_with_a_too_long_first_name_says_how_long_it_may_be(client, home_page):
    response = signup(client, "long@example.org", first_name="a" * 151)

    assert response.status_code == 200
    assert "Please shorten this to at most 150 characters (it has 151)." in (
        response.content.decode()
    )
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signing_up_with_digits_for_a_first_name_creates_nothing_and_says_why(client, home_page):
    response = signup(client, "digits@example.org", first_name="R2D2")

    assert response.status_code == 200
    assert "Your first name can contain letters" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_signup_form_asks_for_first_and_last_name_before_the_email(client, home_page):
    html = client.get("/accounts/signup/").content.decode()

    assert (
        html.index('name="first_name"')
        < html.index('name="last_name"')
        < html.index('name="email"')
    )
    assert 'autocomplete="given-name"' in html


@pytest.mark.django_db
def test_adding_an_address_to_an_account_asks_to_confirm_it_not_to_open_an_account(
    client, home_page
):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="maria@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)

    client.post("/accounts/email/", {"email": "second@example.org", "action_add": ""})

    body = OutboundEmail.objects.get(to="second@example.org").context["body"]
    assert (
        "asked to use this address (second@example.org) for their account with North Star" in body
    )
    assert "open an account" not in body


@pytest.mark.django_db
def test_after_signing_up_the_page_says_to_check_email_in_plain_words(client, home_page):
    response = signup(client, "check-mail@example.org")
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Check your email</h1>" in page
    assert "it works in any browser" in page


@pytest.mark.django_db
def test_a_used_or_broken_confirmation_link_says_so_and_offers_a_new_one_through_log_in(
    client, home_page
):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    page = response.content.decode()
    assert "This link has expired or has been used already." in page
    assert 'href="/accounts/login/"' in page


@pytest.mark.django_db
def test_a_password_link_that_no_longer_works_says_so_and_offers_a_new_one(client, home_page):
    link = emailed_password_link(client, "forgetful@example.org")
    path = link.removeprefix("http://testserver")
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )

    again = client.get(path, follow=True).content.decode()

    assert "<h1>This link no longer works</h1>" in again
    assert 'href="/accounts/password/reset/"' in again


@pytest.mark.django_db
def test_choosing_a_new_password_says_it_is_changed_and_the_new_one_logs_in(client, home_page):
    link = emailed_password_link(client, "forgetful@example.org")
    form_page = client.get(link.removeprefix("http://testserver"), follow=True)
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
        follow=True,
    )

    assert "<h1>Your password is changed</h1>" in done.content.decode()
    assert client.login(email="forgetful@example.org", password="a brand new passphrase")
