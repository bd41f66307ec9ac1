"""Demo content for `manage.py load_demo_data`: an anti-trafficking nonprofit.

Each function is idempotent: it finds what an earlier run made and leaves it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from .models import HomePage, SiteSettings

DEMO_STAFF_EMAIL = "staff@northstar.test"
DEMO_STAFF_PASSWORD = "northstar-demo"  # noqa: S105 (documented demo login)


def create_root_page():
    """The tree's root and default locale, which Wagtail's migrations make (and a flush removes)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    return Page.add_root(instance=Page(title="Root", slug="root"))


def load_root_collection():
    """The root collection images go in, which Wagtail's migrations make (and a flush removes)."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def load_home_page():
    """The home page at the site root, replacing Wagtail's placeholder welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or create_root_page()
        placeholder = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save()
        home = root.add_child(
            instance=HomePage(
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
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.root_page = home
            site.site_name = "Harbor Light Coalition"
            site.save()
        if placeholder is not None:
            placeholder.delete()
    return home


def load_site_settings():
    site = Site.objects.get(is_default_site=True)
    org = SiteSettings.for_site(site)
    if org.legal_name:
        return org
    org.organisation_name = "Harbor Light Coalition"
    org.legal_name = "Harbor Light Coalition, Inc."
    org.ein = "12-3456789"
    org.postal_address = "PO Box 1200\nAustin, TX 78767"
    org.contact_email = "hello@harborlight.test"
    org.receipt_wording = (
        "Harbor Light Coalition, Inc. is a 501(c)(3) nonprofit organisation (EIN 12-3456789). "
        "No goods or services were provided in exchange for this gift. Please keep this "
        "receipt for your tax records."
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
    with transaction.atomic():
        for loader in LOADERS:
            loader()
