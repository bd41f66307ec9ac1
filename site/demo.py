"""Demo content for `manage.py load_demo_data`: an anti-trafficking nonprofit.

Each function is idempotent: it finds what an earlier run made and leaves it.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Site

from .models import HomePage, SiteSettings
from .site_setup import ensure_home_page, ensure_root_collection, point_default_site

DEMO_STAFF_EMAIL = "staff@northstar.test"
DEMO_STAFF_PASSWORD = "northstar-demo"  # noqa: S105 (documented demo login)
DEMO_LEGAL_NAME = "Harbor Light Coalition, Inc."


class RealSiteError(Exception):
    """The database holds a site set up for a real organisation (`set_up_site`)."""


def real_organisation() -> str:
    """The legal name of the organisation the default Site was set up for, or "" (none, or the
    demo's)."""
    legal_name = (
        SiteSettings.objects.filter(site__is_default_site=True)
        .values_list("legal_name", flat=True)
        .first()
    )
    return "" if legal_name in (None, "", DEMO_LEGAL_NAME) else legal_name


def load_root_collection():
    ensure_root_collection()


def load_home_page():
    """The home page at the site root, replacing Wagtail's placeholder welcome page."""
    if (home := HomePage.objects.first()) is not None:
        return home
    home = ensure_home_page(
        HomePage(
            title="Home",
            slug="home",
            headline="Stand with survivors. Stop human trafficking.",
            intro=(
                "We work with survivors, advocates and lawmakers to end human "
                "trafficking. Add your name, give, or start your own fundraiser."
            ),
            body=[
                (
                    "paragraph",
                    "<p>Harbor Light Coalition funds transitional housing, legal help "
                    "and job training for survivors, and campaigns for laws that put "
                    "the hotline where people who need it will see it.</p>",
                ),
                ("hotline_callout", {"heading": "If you or someone you know needs help"}),
            ],
        )
    )
    site = Site.objects.get(is_default_site=True)
    point_default_site(
        home, hostname=site.hostname, port=site.port, site_name="Harbor Light Coalition"
    )
    return home


def load_site_settings():
    site = Site.objects.get(is_default_site=True)
    org = SiteSettings.for_site(site)
    if org.legal_name:
        return org
    org.organisation_name = "Harbor Light Coalition"
    org.legal_name = DEMO_LEGAL_NAME
    org.ein = "12-3456789"
    org.postal_address = "PO Box 1200\nAustin, TX 78767"
    org.contact_email = "hello@harborlight.test"
    # Every receipt prints the legal name, EIN and the no-goods sentence itself.
    org.receipt_wording = (
        "Harbor Light Coalition, Inc. is a 501(c)(3) nonprofit organisation: your gift is "
        "tax-deductible to the extent the law allows. Please keep this receipt for your "
        "tax records."
    )
    org.default_share_text = "I just took action to stop human trafficking. Will you join me?"
    org.save()
    return org


def load_staff_user():
    User = get_user_model()
    user = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(
            DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, first_name="Sam", last_name="Rivera"
        )
    # Staff log in at the site's one login, which wants a verified address; a
    # database made before that rule holds the demo account without one.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def load_petitions():
    from petitions.demo import load_petitions

    load_petitions()


def load_campaigns():
    from campaigns.demo import load_campaigns

    load_campaigns()


LOADERS = [
    load_root_collection,
    load_home_page,
    load_site_settings,
    load_staff_user,
    load_petitions,
    load_campaigns,
]


def load_demo_data():
    """Load the demo; raises `RealSiteError` on a site set up for a real organisation (the demo
    adds a staff login whose password is published and thousands of made-up signatures)."""
    if organisation := real_organisation():
        raise RealSiteError(organisation)
    with transaction.atomic():
        for loader in LOADERS:
            loader()
