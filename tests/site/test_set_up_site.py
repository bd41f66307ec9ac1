"""`manage.py set_up_site`: the README's first deploy, from an empty database to a working site.

The test database is what `migrate` alone makes: Wagtail's welcome page on a Site on
localhost:80, no home page, no targets, no staff.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from northstar.models import HomePage, SiteSettings, User
from petitions.models import Target, TargetGroup
from tests.petitions.factories import PetitionPageFactory

HOST = "act.example.org"
PASSWORD = "a long staff passphrase 2026"  # noqa: S105 (a test's password)
ARGUMENTS = {
    "host": HOST,
    "legal_name": "Lantern Project, Inc.",
    "address": "PO Box 1200\\nAustin, TX 78767",
    "ein": "12-3456789",
    "staff_email": "Director@Example.org",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


def set_up_site(monkeypatch, **overrides):
    monkeypatch.setenv("NORTHSTAR_STAFF_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("set_up_site", **{**ARGUMENTS, **overrides}, stdout=out)
    return out.getvalue()


def test_migrate_alone_leaves_wagtails_welcome_page():
    assert not HomePage.objects.exists()
    assert Site.objects.get(is_default_site=True).hostname == "localhost"


def test_the_first_deploy_ends_with_the_home_page_as_the_sites_root_on_its_host(
    client, monkeypatch
):
    set_up_site(monkeypatch)

    site = Site.objects.get()
    assert (site.hostname, site.port, site.site_name) == (HOST, 80, "Lantern Project, Inc.")
    assert site.root_page.specific == HomePage.objects.get()
    assert not Page.objects.filter(slug="welcome-placeholder").exists()
    response = client.get("/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.templates[0].name == "northstar/home_page.html"
    assert "Welcome to your new Wagtail site" not in response.content.decode()


def test_the_first_deploy_loads_the_56_attorneys_general(monkeypatch):
    set_up_site(monkeypatch)

    assert Target.objects.filter(group=TargetGroup.ATTORNEYS_GENERAL).count() == 56


def test_the_first_deploy_writes_what_receipts_need(monkeypatch):
    set_up_site(monkeypatch)

    details = SiteSettings.for_site(Site.objects.get())
    assert details.legal_name == "Lantern Project, Inc."
    assert details.postal_address == "PO Box 1200\nAustin, TX 78767"
    assert details.ein == "12-3456789"
    assert details.organisation_name == "Lantern Project, Inc."


def test_the_first_staff_account_logs_in_to_the_admin(client, monkeypatch):
    set_up_site(monkeypatch)

    response = client.post(
        "/accounts/login/",
        {"login": "director@example.org", "password": PASSWORD, "next": "/admin/"},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "Dashboard" in client.get("/admin/", HTTP_HOST=HOST).content.decode()


def test_a_petition_made_under_the_new_home_page_renders(client, monkeypatch):
    set_up_site(monkeypatch)
    petition = PetitionPageFactory(
        title="Post the hotline in every station", target_group=TargetGroup.ATTORNEYS_GENERAL
    )

    response = client.get(petition.url, HTTP_HOST=HOST)

    assert petition.url == "/post-the-hotline-in-every-station/"
    assert response.status_code == 200
    assert "Post the hotline in every station" in response.content.decode()


def test_setting_up_twice_duplicates_nothing_and_keeps_the_staff_password(monkeypatch):
    set_up_site(monkeypatch)
    HomePage.objects.update(headline="Edited by staff")
    monkeypatch.setenv("NORTHSTAR_STAFF_PASSWORD", "another password entirely")

    out = io.StringIO()
    call_command("set_up_site", **{**ARGUMENTS, "ein": "98-7654321"}, stdout=out)

    assert HomePage.objects.get().headline == "Edited by staff"
    assert Site.objects.count() == 1
    assert Target.objects.count() == 56
    assert SiteSettings.for_site(Site.objects.get()).ein == "98-7654321"
    assert User.objects.get().check_password(PASSWORD)
    assert "home page kept" in out.getvalue()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("ein", "123456789", "is not an EIN"),
        ("ein", "１２-3456789", "is not an EIN"),  # full-width digits
        ("host", "https://act.example.org/", "is not a host name"),
        ("legal_name", "  ", "The legal name is required"),
        ("address", "", "The postal address is required"),
        ("staff_email", "director", "is not an email address"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    monkeypatch, option, value, message
):
    with pytest.raises(CommandError, match=message) as refused:
        set_up_site(monkeypatch, **{option: value})

    assert str(refused.value).startswith("Nothing changed")
    assert not HomePage.objects.exists()
    assert not Target.objects.exists()
    assert not User.objects.exists()
    assert SiteSettings.objects.count() == 0
    assert Site.objects.get().hostname == "localhost"


def test_a_new_staff_account_without_a_password_is_refused(monkeypatch):
    monkeypatch.delenv("NORTHSTAR_STAFF_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="NORTHSTAR_STAFF_PASSWORD"):
        call_command("set_up_site", **ARGUMENTS)

    assert not HomePage.objects.exists()


def test_a_weak_staff_password_is_refused(monkeypatch):
    monkeypatch.setenv("NORTHSTAR_STAFF_PASSWORD", "password")

    with pytest.raises(CommandError, match="too common"):
        call_command("set_up_site", **ARGUMENTS)

    assert not User.objects.exists()


def test_the_demo_data_is_refused_on_a_site_set_up_for_real(monkeypatch):
    set_up_site(monkeypatch)

    with pytest.raises(CommandError, match="never load it on a real site"):
        call_command("load_demo_data")

    assert not User.objects.filter(email="staff@northstar.test").exists()
    assert SiteSettings.for_site(Site.objects.get()).legal_name == "Lantern Project, Inc."


def test_a_host_the_settings_would_refuse_is_named_in_a_warning(monkeypatch, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    monkeypatch.setenv("NORTHSTAR_STAFF_PASSWORD", PASSWORD)
    err = io.StringIO()

    call_command("set_up_site", **ARGUMENTS, stdout=io.StringIO(), stderr=err)

    assert "ALLOWED_HOSTS does not allow act.example.org" in err.getvalue()


def test_at_a_terminal_the_new_staff_password_is_typed_twice_never_an_argument(monkeypatch):
    monkeypatch.delenv("NORTHSTAR_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))

    call_command("set_up_site", **ARGUMENTS, stdout=io.StringIO())

    assert User.objects.get().check_password(PASSWORD)
