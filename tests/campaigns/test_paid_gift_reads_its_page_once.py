"""A paid gift reads the page it was given to once: the totals, the invitation it came by,
the owner's notice and milestones all use that one read, and all still happen. The receipt
is numbered and written by its own task after commit (`receipt_task_after_commit`: the
webhook's transaction as it runs), which reads the page there."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.invitations import Invitation
from campaigns.notifications import FundraiserMilestone, FundraiserNotice, GiftNotice
from donations.models import DonationTotal
from donations.services import fulfil_checkout_session
from northstar.emails import render_email
from northstar.models import OutboundEmail
from tests.campaigns.factories import (
    FundraiserPageFactory,
    InvitationFactory,
    TeamPageFactory,
    paid_gift,
)
from tests.donations.factories import DonationFactory
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE_URL = "http://testserver/spring-into-action/marias-walk/"


@pytest.fixture
def owner():
    return UserFactory(email="maria@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def team(campaign):
    return TeamPageFactory(parent=campaign, title="Grace Church")


@pytest.fixture
def page(campaign, team, owner):
    return FundraiserPageFactory(
        parent=campaign, team=team, supporter=owner, title="Maria's walk", goal_cents=50_000
    )


def pay(donation):
    """Statements made paying `donation` as Stripe's webhook and the test checkout do."""
    with CaptureQueriesContext(connection) as statements:
        assert fulfil_checkout_session(
            donation.checkout_session_id, f"pi_{donation.pk}", donation.amount_cents, "usd"
        )
    return [statement["sql"] for statement in statements.captured_queries]


def reads_of(page, statements):
    """The statements that read `page`'s own row (its page row or its specific row)."""
    row = re.compile(
        rf'"(wagtailcore_page"\."id"|campaigns_fundraiserpage"\."page_ptr_id") '
        rf"(= {page.pk}\b|IN \({page.pk}\))"
    )
    return [sql for sql in statements if sql.startswith("SELECT") and row.search(sql)]


def emails(template):
    return list(OutboundEmail.objects.filter(template=template))


def test_a_gift_to_a_team_members_page_reads_the_page_once(page, receipt_task_after_commit):
    donation = DonationFactory(page=page, amount_cents=5000)

    statements = pay(donation)

    assert len(reads_of(page, statements)) == 1


def test_a_gift_that_reaches_a_milestone_still_reads_the_page_once(page, receipt_task_after_commit):
    paid_gift(page, 20_000)
    donation = DonationFactory(page=page, amount_cents=30_000)

    statements = pay(donation)

    assert len(reads_of(page, statements)) == 1
    assert FundraiserMilestone.objects.filter(page=page, percent=100).exists()


def test_a_gift_to_the_campaign_itself_reads_the_campaign_once(campaign):
    donation = DonationFactory(page=campaign, amount_cents=5000)

    statements = pay(donation)

    campaign_reads = [
        sql for sql in statements if f'"wagtailcore_page"."id" = {campaign.pk}' in sql
    ]
    assert len(campaign_reads) == 1
    assert DonationTotal.objects.total(page=campaign.pk) == (5000, 1)
    assert not GiftNotice.objects.exists()


def test_the_gift_still_counts_on_the_page_its_team_and_its_campaign(page, team, campaign):
    pay(DonationFactory(page=page, amount_cents=5000))

    assert DonationTotal.objects.total(page=page.pk) == (5000, 1)
    assert DonationTotal.objects.total(page=team.pk) == (5000, 1)
    assert DonationTotal.objects.total(page=campaign.pk) == (5000, 1)


def test_the_gift_still_marks_the_invitation_it_came_by_gave(page):
    invitation = InvitationFactory(page=page)
    donation = DonationFactory(page=page, referral=invitation.token)

    pay(donation)

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.GAVE
    assert invitation.donation_id == donation.pk


def test_the_gift_is_still_noted_for_the_owners_someone_gave_email(page):
    donation = DonationFactory(page=page)

    pay(donation)

    assert GiftNotice.objects.filter(donation=donation, page=page, told_at=None).exists()
    assert FundraiserNotice.objects.get(page=page).first_untold_at is not None


def test_the_milestone_email_still_greets_the_owner_and_names_the_page(page):
    paid_gift(page, 20_000)

    pay(DonationFactory(page=page, amount_cents=5000))  # $250 of $500

    [milestone] = emails("campaigns/milestone")
    assert milestone.to == "maria@example.org"
    assert milestone.context["first_name"] == "Maria"
    assert milestone.context["page_title"] == "Maria's walk"
    assert milestone.context["page_url"] == PAGE_URL
    assert milestone.context["percent"] == 50
    assert milestone.context["raised_cents"] == 25_000
    assert milestone.context["currency"] == "usd"


def test_the_receipt_still_names_the_page_given_to(page):
    donation = DonationFactory(page=page, email="donor@example.net")

    pay(donation)

    [receipt] = emails("donation_receipt")
    assert receipt.to == "donor@example.net"
    assert receipt.context["page_title"] == "Maria's walk"
    assert receipt.context["page_url"] == PAGE_URL
    subject, text, html = render_email(receipt.template, receipt.context)
    assert f"See the page you gave to: {PAGE_URL}" in text
    assert "See the campaign" not in text  # a fundraiser page, not the campaign
