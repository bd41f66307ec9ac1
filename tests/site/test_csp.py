"""The Content Security Policy every public page carries, and the looser one of Wagtail's admin."""

import json

import pytest

from donations.models import Donation
from petitions.models import PetitionPage
from petitions.services import confirmation_token, record_signature
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.donations.factories import donate_form
from tests.petitions.factories import PetitionPageFactory, TargetFactory, form_data, signer
from tests.site.factories import StaffUserFactory
from tests.site.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(response):
    """The response's Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} given twice in {header!r}"
        parsed[name] = sources
    return parsed


@pytest.fixture
def petition(home_page):
    TargetFactory()
    return PetitionPageFactory()


@pytest.fixture
def campaign(home_page):
    return FundraisingCampaignPageFactory()


@pytest.fixture
def gift(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.post(f"/donations/give/{campaign.pk}/", donate_form(amount="50"))
    return Donation.objects.get()


def public_pages(client, petition, campaign, gift):
    """Every public page a visitor can reach, by name: (response, expected status)."""
    closed = PetitionPageFactory(title="A closed petition", status=PetitionPage.Status.CLOSED)
    pending = record_signature(petition, signer(email="sam@example.org")).signature
    signed = client.post(f"/petitions/{petition.pk}/sign/", form_data())
    return {
        "home": (client.get("/"), 200),
        "open petition": (client.get(petition.url), 200),
        "closed petition": (client.get(closed.url), 200),
        "thank-you": (client.get(signed["Location"]), 200),
        "confirm": (client.get(f"/petitions/confirm/{confirmation_token(pending)}/"), 200),
        "campaign": (client.get(campaign.url), 200),
        "test checkout": (client.get(f"/donations/test-checkout/{gift.checkout_token}/"), 200),
        "donate thank-you": (client.get(f"/donations/thank-you/{gift.checkout_token}/"), 200),
        "login": (client.get("/accounts/login/"), 200),
        "signup": (client.get("/accounts/signup/"), 200),
        "404": (client.get("/no-such-page/"), 404),
    }


def test_every_public_page_carries_the_strict_policy(client, petition, campaign, gift):
    pages = public_pages(client, petition, campaign, gift)

    assert {name: response.status_code for name, (response, _) in pages.items()} == {
        name: status for name, (_, status) in pages.items()
    }
    policies = {name: directives(response) for name, (response, _) in pages.items()}
    assert policies == dict.fromkeys(pages, PUBLIC_POLICY)


def test_a_page_served_from_the_page_cache_carries_the_policy_too(client, petition):
    first = client.get(petition.url)
    second = client.get(petition.url)

    assert directives(first) == directives(second) == PUBLIC_POLICY


def test_no_public_policy_allows_inline_or_evaluated_script(client, petition):
    policy = directives(client.get(petition.url))

    assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(
        policy["script-src"] + policy["default-src"]
    )


def test_the_admin_allows_the_inline_script_wagtail_writes_and_frames_only_itself(client, petition):
    client.force_login(StaffUserFactory())

    policy = directives(client.get(f"/admin/pages/{petition.pk}/edit/"))

    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_a_changed_policy_setting_takes_effect_at_once(client, petition, settings):
    client.get(petition.url)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**PUBLIC_POLICY, "img-src": ["'self'"]}}

    assert directives(client.get(petition.url))["img-src"] == ["'self'"]


def policy_with(env):
    """The CONTENT_SECURITY_POLICY directives a fresh process reads from `env`."""
    result = run_manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_stripe_configured_forms_may_post_to_stripe_checkout_and_portal_only():
    """Checkout for a gift; the customer portal, where "Update my card" redirects a monthly
    donor (a form's redirect is held to form-action too)."""
    policy = policy_with({**PRODUCTION_ENV, "STRIPE_SECRET_KEY": "sk_live_x"})

    assert policy["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
    ]


def test_without_stripe_forms_post_only_to_the_site():
    policy = policy_with(
        {**PRODUCTION_ENV, "STRIPE_SECRET_KEY": "", "ALLOW_EMBEDDED_DEFAULTS": "true"}
    )

    assert policy["form-action"] == ["'self'"]


def test_images_may_come_from_the_media_domain_when_one_is_set():
    policy = policy_with({**PRODUCTION_ENV, "AWS_S3_CUSTOM_DOMAIN": "media.northstar.example"})

    assert policy["img-src"] == ["'self'", "data:", "https://media.northstar.example"]
