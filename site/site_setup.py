"""A site's first set-up: the home page at the root of the Site, and the organisation's details.

`manage.py set_up_site` (a real site) and `manage.py load_demo_data` (the demo)
both make the home page and point the default Site at it with these functions.
After `migrate` alone Wagtail serves its "Welcome to your new Wagtail site!"
placeholder from a Site on `localhost:80`; `set_up_site` replaces both.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from .models import HomePage, SiteSettings, normalise_email
from .text import normalise_text

# An EIN as the IRS writes it: two digits, a hyphen, seven digits (ASCII digits only).
EIN_FORMAT = re.compile(r"[0-9]{2}-[0-9]{7}")
# A host name as a browser sends it: letters, digits and hyphens in dot-separated labels.
HOST_FORMAT = re.compile(
    r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
)


def create_root_page():
    """The tree's root and default locale, which Wagtail's migrations make (and a flush removes)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    return Page.add_root(instance=Page(title="Root", slug="root"))


def ensure_root_collection():
    """The root collection images go in, which Wagtail's migrations make (and a flush removes)."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def ensure_home_page(home: HomePage) -> HomePage:
    """The site's one HomePage: the existing one, or `home` (unsaved) added under the root.

    A new home page takes the slug "home" from Wagtail's placeholder welcome page,
    which is deleted once the default Site (made here on localhost:80 if there is
    none) points at the new page. An existing home page is returned unchanged.
    """
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    root = Page.get_first_root_node() or create_root_page()
    placeholder = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
    if placeholder is not None:
        placeholder.slug = "welcome-placeholder"
        placeholder.save()
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save(update_fields=["root_page"])
    if placeholder is not None:
        placeholder.delete()
    return home


def point_default_site(home: HomePage, *, hostname: str, port: int, site_name: str) -> Site:
    """The default Site, serving `home` on `hostname`:`port` under `site_name`."""
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = hostname
    site.port = port
    site.site_name = site_name
    site.save()
    return site


@dataclass
class Organisation:
    """What a receipt needs: the organisation's names, postal address and EIN (NN-NNNNNNN)."""

    name: str
    legal_name: str
    postal_address: str
    ein: str
    contact_email: str = ""


@dataclass
class SiteSetup:
    """Everything `set_up_site` asks for.

    `hostname` is the public host (no scheme, no port), `port` the port browsers
    use (443 behind HTTPS). `staff_password` may be empty when the staff account
    already exists (its password is then left as it is).
    """

    hostname: str
    port: int
    organisation: Organisation
    staff_email: str
    staff_password: str = ""


@dataclass
class SetUpReport:
    site: Site
    home_created: bool
    staff_created: bool
    targets_summary: str


def site_setup_from_input(
    *,
    host: str,
    port: int | None,
    name: str,
    legal_name: str,
    address: str,
    ein: str,
    contact_email: str,
    staff_email: str,
    staff_password: str,
) -> SiteSetup:
    """A checked `SiteSetup` from what the operator typed.

    Text is normalised (NFC, no control characters; the address keeps its line
    breaks); `port` None means 443 when SITE_URL is https, 80 otherwise.
    Raises `ValidationError` with one message per field that is wrong.
    """
    errors = {}
    hostname = host.strip().lower().rstrip(".")
    if not HOST_FORMAT.fullmatch(hostname):
        errors["host"] = f"{host!r} is not a host name (e.g. act.example.org: no scheme, no port)."
    if port is None:
        port = 443 if urlsplit(settings.SITE_URL).scheme == "https" else 80
    elif not 0 < port < 65536:
        errors["port"] = f"{port} is not a port number."
    legal_name = normalise_text(legal_name).strip()
    name = normalise_text(name).strip() or legal_name
    address = "\n".join(
        line.strip() for line in normalise_text(address, multiline=True).strip().splitlines()
    )
    ein = ein.strip()
    if not legal_name:
        errors["legal_name"] = "The legal name is required: receipts print it."
    if len(legal_name) > SiteSettings._meta.get_field("legal_name").max_length:
        errors["legal_name"] = "The legal name is longer than 200 characters."
    if len(name) > SiteSettings._meta.get_field("organisation_name").max_length:
        errors["name"] = "The organisation's name is longer than 120 characters."
    if not address:
        errors["address"] = "The postal address is required: receipts print it."
    if not EIN_FORMAT.fullmatch(ein):
        errors["ein"] = f"{ein!r} is not an EIN: two digits, a hyphen, seven digits (12-3456789)."
    for field, value in (("contact_email", contact_email), ("staff_email", staff_email)):
        if value or field == "staff_email":
            try:
                validate_email(value)
            except ValidationError:
                errors[field] = f"{value!r} is not an email address."
    staff_email = normalise_email(staff_email.strip())
    exists = get_user_model().objects.filter(email=staff_email).exists()
    if not exists and "staff_email" not in errors:
        if not staff_password:
            errors["staff_password"] = "A password is required for the new staff account."  # noqa: S105
        else:
            try:
                validate_password(staff_password, get_user_model()(email=staff_email))
            except ValidationError as error:
                errors["staff_password"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return SiteSetup(
        hostname=hostname,
        port=port,
        organisation=Organisation(
            name=name,
            legal_name=legal_name,
            postal_address=address,
            ein=ein,
            contact_email=contact_email.strip(),
        ),
        staff_email=staff_email,
        staff_password=staff_password,
    )


def set_up_site(setup: SiteSetup) -> SetUpReport:
    """From an empty (migrated) database to a working, empty site; safe to run again.

    In one transaction: the home page at the root of the default Site on
    `setup.hostname`:`setup.port` (an existing home page is kept), the
    organisation's details in SiteSettings (written each run), the 56 Attorneys
    General (staff edits kept, as `load_attorneys_general` does), and a staff
    superuser with a verified address (an existing account is made staff and
    otherwise left alone, its password included).
    """
    from allauth.account.models import EmailAddress

    from petitions.attorneys_general import load_attorneys_general

    org = setup.organisation
    with transaction.atomic():
        ensure_root_collection()
        home_created = not HomePage.objects.exists()
        home = ensure_home_page(HomePage(title="Home", slug="home", headline=org.name))
        site = point_default_site(
            home, hostname=setup.hostname, port=setup.port, site_name=org.name
        )
        details = SiteSettings.for_site(site)
        details.organisation_name = org.name
        details.legal_name = org.legal_name
        details.postal_address = org.postal_address
        details.ein = org.ein
        if org.contact_email:
            details.contact_email = org.contact_email
        details.save()
        targets = load_attorneys_general()
        User = get_user_model()
        user = User.objects.filter(email=setup.staff_email).first()
        staff_created = user is None
        if user is None:
            user = User.objects.create_superuser(setup.staff_email, setup.staff_password)
        elif not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return SetUpReport(
        site=site,
        home_created=home_created,
        staff_created=staff_created,
        targets_summary=targets.summary(),
    )
