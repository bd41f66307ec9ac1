"""Every email template, rendered with the context its real sender gives, has no blank placeholder.

Each scenario makes its email the way the site does (a form posted, a service
called) and takes the message from the outbox, rendered by the one mail path
(`build_message`, or `delivery_message` for an office). `assert_no_blanks`
then fails on what a missing value leaves behind: "Hello from !", "register an
account on .", "[]", "None", "( )", a `{{` left over, a link with no host.
Every template under templates/email/ must have a scenario here.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from donations.models import LOCAL_SESSION_PREFIX, Donation
from donations.services import fulfil_checkout_session
from northstar.emails import build_message, email_message
from northstar.models import OutboundEmail
from petitions.delivery.services import deliver_signatures, delivery_message
from petitions.models import DeliverySchedule, PetitionUpdate, Signature
from petitions.services import (
    confirm_signature,
    notify_signed_again,
    queue_due_confirmations,
    record_signature,
)
from petitions.updates import queue_update_batch
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.donations.factories import DonationFactory
from tests.petitions.factories import PetitionPageFactory, TargetFactory, signer
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
PASSWORD = "a long and unusual passphrase"

# What a missing or empty value leaves in rendered text, by the reason a test gives.
BLANKS = {
    "a template tag left in": r"\{\{|\}\}|\{%|%\}",
    "None printed": r"\bNone\b",
    "an empty bracket": r"\[\s*\]|\(\s*\)",
    "a space before punctuation (a blank value)": r"\S[ \t]+[.,!?;:)](?=\s|$)",
    "doubled spaces before punctuation": r" {2,}[.,!?;:]",
    "a currency sign without an amount": r"\$(?!\d)",
    "a link with no host": r"https?://(?=[/\s]|$)",
}


class Html(HTMLParser):
    """An HTML email's visible text and its links."""

    def __init__(self, html):
        super().__init__()
        self.text, self.links = [], []
        self.feed(html)

    BLOCKS = {"p", "br", "div", "table", "tr", "td", "li", "ul", "ol", "h1", "h2", "h3", "title"}

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.text.append("\n")
        for name, value in attrs:
            if name in ("href", "src"):
                self.links.append(value or "")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.text.append("\n")

    def handle_data(self, data):
        self.text.append(data)


def assert_no_blanks(subject, text, html, where):
    """Fail, naming `where` and the reason, if any part of an email shows an empty placeholder."""
    assert subject.strip(), f"{where}: empty subject"
    assert "\n" not in subject, f"{where}: subject on more than one line"
    assert not subject.startswith("["), f"{where}: subject prefixed with a host: {subject!r}"
    parsed = Html(html)
    # What a reader sees: inline elements run on, whitespace collapses to one space.
    visible_html = " ".join("".join(parsed.text).split())
    for part, content in (("subject", subject), ("text", text), ("html", visible_html)):
        for reason, pattern in BLANKS.items():
            found = re.search(pattern, content)
            assert found is None, (
                f"{where} ({part}): {reason}: "
                f"...{content[max(found.start() - 60, 0) : found.end() + 30]!r}..."
            )
    for link in parsed.links:
        assert link.strip(), f"{where} (html): an empty link"
        assert not re.match(r"https?://(?=[/\s]|$)", link), f"{where} (html): {link!r} has no host"
    for reason, pattern in (("a template tag left in", r"\{\{|\{%"), ("None", r">None<")):
        assert not re.search(pattern, html), f"{where} (html source): {reason}"


def rendered(email):
    """(subject, text, html) of an `EmailMultiAlternatives`."""
    [(html, _mimetype)] = email.alternatives
    return email.subject, email.body, html


def outbox_since(before_pk):
    """Each message queued after outbox row `before_pk`, as (template, subject, text, html)."""
    rows = OutboundEmail.objects.filter(pk__gt=before_pk).order_by("pk")
    return [(row.template, *rendered(build_message(row))) for row in rows]


def last_pk():
    return OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# The scenarios: each sends its email through the real sender and returns what it sent.


def petition_with_texas():
    TargetFactory(jurisdiction="TX", name="Ken Paxton", email="")
    return PetitionPageFactory(title="Stop human traffickers in Texas")


def confirmation_email(client):
    record_signature(petition_with_texas(), signer(), target=None)
    queue_due_confirmations()


def signed_again_while_pending(client):
    signature = record_signature(petition_with_texas(), signer(), target=None).signature
    queue_due_confirmations()
    Signature.objects.filter(pk=signature.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(hours=2)
    )
    notify_signed_again(signature.pk)


def signed_again_once_confirmed(client):
    signature = record_signature(petition_with_texas(), signer(), target=None).signature
    confirm_signature(signature)
    notify_signed_again(signature.pk)


def petition_update(client):
    petition = petition_with_texas()
    signature = record_signature(
        petition, signer(opt_in_updates=True, state="TX"), target=None
    ).signature
    confirm_signature(signature)
    update = PetitionUpdate.objects.create(
        petition=petition, title="We delivered your signatures", body="<p>Thank you.</p>"
    )
    queue_update_batch(update.pk)


def paid_gift(session_id):
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    donation = DonationFactory(page=campaign, checkout_session_id=session_id)
    fulfil_checkout_session(
        session_id=session_id,
        payment_intent_id="pi_123",
        amount_total=donation.amount_cents,
        currency=donation.currency,
    )


def donation_receipt(client):
    paid_gift("cs_test_receipt")


def local_checkout_receipt(client):
    paid_gift(f"{LOCAL_SESSION_PREFIX}receipt")


def refunded(client):
    from donations.models import Donation
    from donations.refunds import refund

    paid_gift("cs_test_refund")
    donation = Donation.objects.get(checkout_session_id="cs_test_refund")
    refund(donation, 1000, by=None, reason="The donor asked")


def dispute_opened(client):
    from donations.disputes import dispute_changed
    from tests.support.stripe_events import stripe_object

    UserFactory(email="finance@example.org", is_superuser=True)
    paid_gift("cs_test_dispute")
    dispute_changed(
        stripe_object(
            "dispute",
            id="dp_1Dispute",
            amount=2500,
            currency="usd",
            charge="ch_1Charge",
            payment_intent="pi_123",
            status="needs_response",
        )
    )


def payments_to_review(client):
    from donations.review import remind_staff_of_payments_to_review

    UserFactory(email="finance@example.org", is_superuser=True)
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    donation = DonationFactory(page=campaign, checkout_session_id="cs_test_review")
    fulfil_checkout_session("cs_test_review", "pi_123", 4500, donation.currency)
    remind_staff_of_payments_to_review()


def monthly_receipt(client):
    from donations.recurring import complete_local_checkout
    from tests.donations.monthly_support import RecurringGiftFactory

    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    complete_local_checkout(RecurringGiftFactory(page=campaign, checkout_session_id="cs_local_1"))


def yearly_statement(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from donations.models import Donation
    from donations.statements import send_yearly_statements

    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    for month, fee in ((3, 0), (9, 175)):
        DonationFactory(
            page=campaign,
            email="statement.reader@example.org",
            status=Donation.Status.PAID,
            paid_at=datetime(2025, month, 1, 12, tzinfo=ZoneInfo("America/New_York")),
            fee_cents=fee,
            tribute="honour",
            tribute_name="Rosa Diaz",
        )
    send_yearly_statements(2025)


def monthly_event(kind):
    from donations.recurring import installment_failed, subscription_changed
    from tests.donations.monthly_support import RecurringGiftFactory, invoice, subscription

    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    plan = RecurringGiftFactory(page=campaign, status="active")
    if kind == "failed":
        installment_failed(invoice(plan, "in_1", type="invoice.payment_failed")["data"]["object"])
    else:
        subscription_changed(subscription(plan, status="canceled")["data"]["object"])
    return plan


def monthly_payment_failed(client):
    monthly_event("failed")


def monthly_ended(client):
    monthly_event("ended")


def monthly_manage_link(client):
    from donations.recurring import email_manage_links

    plan = monthly_event("failed")
    email_manage_links(plan.email)


def giving_link(client):
    from donations.giving import email_giving_link

    paid_gift("cs_test_giving")
    email_giving_link(Donation.objects.get(checkout_session_id="cs_test_giving").email)


def friend_invited(client, reminder=False):
    from campaigns.invitations import invite, remind
    from tests.campaigns.factories import FundraiserPageFactory

    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    owner = UserFactory(first_name="Maria")
    page = FundraiserPageFactory(parent=campaign, title="Maria's walk", supporter=owner)
    [invitation] = invite(page, owner, [("Ana Ruiz", "ana@example.net")])
    if reminder:
        invitation.sent_at -= timedelta(days=4)
        invitation.save()
        remind(invitation, owner)


def friend_reminded(client):
    friend_invited(client, reminder=True)


def tribute_card(**fields):
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    values = {
        "tribute": Donation.Tribute.MEMORY,
        "tribute_name": "Rosa Diaz",
        "tribute_notify_name": "Carlos Diaz",
        "tribute_notify_email": "carlos@example.org",
        "tribute_notify_message": "Rosa loved this work.",
        "name_shown": Donation.NameShown.PUBLIC,
        "tribute_notify_amount": True,
        **fields,
    }
    donation = DonationFactory(page=campaign, **values)
    fulfil_checkout_session(donation.checkout_session_id, "pi_1", donation.amount_cents, "usd")


def tribute_card_in_memory(client):
    tribute_card()


def tribute_card_in_honour_from_someone(client):
    tribute_card(
        tribute=Donation.Tribute.HONOUR,
        tribute_notify_name="",
        tribute_notify_message="",
        name_shown=Donation.NameShown.ANONYMOUS,
        tribute_notify_amount=False,
    )


def maria_page(goal_cents=50_000):
    """Maria's live fundraiser page ($500 goal) in Spring into Action."""
    from tests.campaigns.factories import FundraiserPageFactory

    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    owner = UserFactory(first_name="Maria", email="maria@example.org")
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", supporter=owner, goal_cents=goal_cents
    )


def give_to(page, amount_cents, **fields):
    donation = DonationFactory(page=page, amount_cents=amount_cents, **fields)
    fulfil_checkout_session(donation.checkout_session_id, "pi_1", amount_cents, "usd")


def gifts_told_to_owner(client):
    from campaigns.notifications import send_gift_notice

    page = maria_page()
    give_to(page, 5000, name_shown=Donation.NameShown.PUBLIC, message="Walk on!")
    give_to(page, 2500)
    send_gift_notice(page.pk)


def half_of_goal(client):
    give_to(maria_page(), 25_000)


def goal_reached(client):
    give_to(maria_page(), 50_000)


def page_in_moderation(action=None, comment=""):
    """Maria's page submitted to a one-step workflow; a superuser (a moderator) then takes
    `action` ("approve", "reject") on it, through Wagtail's workflow API."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from campaigns.services import open_fundraiser
    from tests.site.factories import StaffUserFactory

    staff = StaffUserFactory(first_name="Sam")
    campaign = FundraisingCampaignPageFactory(title="Spring into Action")
    task = GroupApprovalTask.objects.create(name="Staff review")
    campaign.approval_workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=campaign.approval_workflow, task=task, sort_order=0)
    campaign.save()
    owner = UserFactory(first_name="Maria", email="maria@example.org")
    page = open_fundraiser(
        campaign, owner, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    )
    if action:
        task.on_action(page.current_workflow_task_state, staff, action, comment=comment)


def page_submitted(client):
    page_in_moderation()


def page_approved(client):
    page_in_moderation("approve")


def page_changes_requested(client):
    page_in_moderation("reject", comment="Please take out your phone number.")


def petition_in_moderation(action=None, comment=""):
    """A petition Sam (an editor) sent to a one-step workflow whose group holds Jo (a
    moderator); a superuser then takes `action` ("approve", "reject") on it, through
    Wagtail's workflow API. Petitions are claimed by no app: northstar's own mail."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from tests.site.factories import StaffUserFactory

    group = Group.objects.create(name="Petition moderators")
    UserFactory(first_name="Jo", email="jo@northstar.test", is_staff=True).groups.add(group)
    editor = UserFactory(first_name="Sam", email="sam@northstar.test", is_staff=True)
    task = GroupApprovalTask.objects.create(name="Petition review")
    task.groups.add(group)
    workflow = Workflow.objects.create(name="Approve petitions")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    petition = PetitionPageFactory(title="Post the hotline number")
    petition.save_revision(user=editor)
    workflow.start(petition, editor)
    if action:
        task.on_action(
            petition.current_workflow_task_state, StaffUserFactory(), action, comment=comment
        )


def petition_submitted(client):
    petition_in_moderation()


def petition_approved(client):
    petition_in_moderation("approve")


def petition_rejected(client):
    petition_in_moderation("reject", comment="Add the hotline's text number.")


def petition_rejected_without_comment(client):
    petition_in_moderation("reject")


def page_taken_down(client):
    from campaigns.takedown import take_down
    from tests.site.factories import StaffUserFactory

    take_down(maria_page(), StaffUserFactory(), "The story asks for gifts to a bank account.")


def taken_down_page_edited(client):
    from campaigns.editing import edit_fundraiser, page_version
    from campaigns.takedown import take_down
    from tests.site.factories import StaffUserFactory

    page = maria_page()
    take_down(page, StaffUserFactory(), "The story asks for gifts to a bank account.")
    page.refresh_from_db()
    edit_fundraiser(
        page,
        page.supporter,
        {"title": page.title, "goal_cents": page.goal_cents, "story": "I took it out."},
        opened_version=page_version(page),
    )


def signup_confirmation(client):
    client.post(
        "/accounts/signup/",
        {
            "first_name": "Ana",
            "last_name": "Silva",
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def account_already_exists(client):
    UserFactory(email="taken@example.org")
    client.post(
        "/accounts/signup/",
        {
            "first_name": "Ana",
            "last_name": "Silva",
            "email": "taken@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def password_reset(client):
    user = UserFactory(email="forgetful@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})


def unknown_account(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})


ACCOUNT_SCENARIOS = [signup_confirmation, account_already_exists, password_reset, unknown_account]
OUTBOX_SCENARIOS = {
    "petitions/confirm_signature": [confirmation_email],
    "petitions/signed_again": [signed_again_while_pending, signed_again_once_confirmed],
    "petitions/update": [petition_update],
    "donation_receipt": [donation_receipt, local_checkout_receipt, monthly_receipt],
    "donations/payments_to_review": [payments_to_review],
    "donations/refund": [refunded],
    "donations/dispute_opened": [dispute_opened],
    "donations/monthly_payment_failed": [monthly_payment_failed],
    "donations/monthly_ended": [monthly_ended],
    "donations/monthly_manage_link": [monthly_manage_link],
    "donations/giving_link": [giving_link],
    "donations/tribute_card": [tribute_card_in_memory, tribute_card_in_honour_from_someone],
    "donations/yearly_statement": [yearly_statement],
    "campaigns/invitation": [friend_invited, friend_reminded],
    "campaigns/gifts_received": [gifts_told_to_owner],
    "campaigns/milestone": [half_of_goal, goal_reached],
    "campaigns/moderation_submitted": [page_submitted],
    "campaigns/page_received": [page_submitted],
    "campaigns/moderation_approved": [page_approved],
    "campaigns/moderation_changes_requested": [page_changes_requested],
    "campaigns/page_taken_down": [page_taken_down],
    "campaigns/taken_down_page_edited": [taken_down_page_edited],
    "northstar/moderation_submitted": [petition_submitted],
    "northstar/moderation_approved": [petition_approved],
    "northstar/moderation_rejected": [petition_rejected, petition_rejected_without_comment],
    "account_message": [
        signup_confirmation,
        account_already_exists,
        password_reset,
        unknown_account,
    ],
}


def office_delivery():
    TargetFactory(jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov")
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    signature = record_signature(
        petition, signer(state="AK", zip_code="99501"), target=None
    ).signature
    confirm_signature(signature)
    [delivery] = deliver_signatures(petition, force=True)
    return rendered(email_message(delivery_message(delivery)))


OTHER_SCENARIOS = {"petitions/delivery": office_delivery}


def email_templates():
    """Every email under templates/email/, named as its sender names it ("petitions/update")."""
    return sorted(
        str(path.relative_to(EMAIL_TEMPLATES)).removesuffix("_subject.txt")
        for path in EMAIL_TEMPLATES.rglob("*_subject.txt")
    )


@pytest.fixture(params=["full", "bare"])
def organisation(request, site_settings):
    """The organisation's settings: every field filled in, or only the defaults."""
    if request.param == "full":
        site_settings.organisation_name = "Harbor Light Coalition"
        site_settings.legal_name = "Harbor Light Coalition, Inc."
        site_settings.ein = "12-3456789"
        site_settings.postal_address = "PO Box 1200\nAustin, TX 78767"
        site_settings.contact_email = "hello@harborlight.test"
        site_settings.receipt_wording = "No goods or services were provided for this gift."
        site_settings.save()
    return site_settings


def test_every_email_template_has_a_scenario_in_this_file():
    covered = set(OUTBOX_SCENARIOS) | set(OTHER_SCENARIOS)
    assert set(email_templates()) - covered == set()


@pytest.mark.parametrize(
    "template,scenario",
    [(template, s) for template, scenarios in OUTBOX_SCENARIOS.items() for s in scenarios],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_an_email_from_the_outbox_has_no_blank_placeholder(
    template, scenario, organisation, client
):
    before = last_pk()
    scenario(client)
    sent = [message for message in outbox_since(before) if message[0] == template]
    assert sent, f"{scenario.__name__} sent no {template} email"
    for _template, subject, text, html in sent:
        assert_no_blanks(subject, text, html, f"{template} ({scenario.__name__})")
        assert organisation.organisation_name in text


@pytest.mark.parametrize("template", sorted(OTHER_SCENARIOS))
def test_an_email_to_an_office_has_no_blank_placeholder(template, organisation):
    subject, text, html = OTHER_SCENARIOS[template]()
    assert_no_blanks(subject, text, html, template)
    assert organisation.organisation_name in text


@pytest.mark.parametrize("scenario", ACCOUNT_SCENARIOS)
def test_an_account_email_names_the_organisation_and_links_to_the_public_site(
    scenario, organisation, client
):
    before = last_pk()
    scenario(client)
    [(_template, subject, text, _html)] = outbox_since(before)
    assert organisation.organisation_name in subject
    assert f"Hello from {organisation.organisation_name}." in text
    links = re.findall(r"https?://\S+", text)
    assert links
    assert all(link.startswith(f"{settings.SITE_URL}/accounts/") for link in links)


@pytest.mark.parametrize("scenario", ACCOUNT_SCENARIOS)
def test_an_account_email_names_the_organisation_and_never_a_host(scenario, organisation, client):
    before = last_pk()
    with override_settings(SITE_URL="http://localhost:8321"):  # as `make run` serves it
        scenario(client)
    [(_template, subject, text, html)] = outbox_since(before)
    host = "localhost:8321"
    assert f"{host}/accounts/" in text  # the links are on the public site, as they must be
    words = re.sub(r"https?://\S+", "", text)
    assert f"with {organisation.organisation_name}" in words
    for shown in (subject, words, re.sub(r'href="[^"]*"|https?://[^\s<"]+', "", html)):
        assert host not in shown
        assert "localhost" not in shown
        assert not re.search(r"\b[a-z][\w.-]*:[0-9]{2,5}\b", shown, re.I), shown


@pytest.mark.parametrize(
    "text,reason",
    [
        ("Hello from !", "a space before punctuation"),
        ("register an account on .", "a space before punctuation"),
        ("[] Please confirm", "an empty bracket"),
        ("Dear None,", "None printed"),
        ("EIN ( )", "an empty bracket"),
        ("Thank you for your gift of $ to us", "a currency sign"),
        ("Thanks, {{ first_name }}", "a template tag"),
        ("Open http:///accounts/confirm/", "a link with no host"),
        ("Thank you  .", "punctuation"),
    ],
)
def test_the_check_fails_on_each_kind_of_blank(text, reason):
    with pytest.raises(AssertionError, match=re.escape(reason)):
        assert_no_blanks("A subject", text, "<p>fine</p>", "example")
