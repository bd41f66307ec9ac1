"""A fundraiser page's owner hears of its gifts: batched "someone gave", milestones once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns.notifications import (
    FundraiserMilestone,
    GiftNotice,
    gift_notice_delay,
    send_gift_notice,
)
from donations.models import Donation, DonationTotal
from donations.services import fulfil_checkout_session
from northstar.models import OutboundEmail
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.donations.factories import DonationFactory
from tests.site.factories import UserFactory
from tests.support.services import require_postgresql
from tests.support.threads import run_at_once


def pay(donation, n=0):
    """Pay `donation` through the checkout fulfilment, as Stripe's webhook would."""
    assert fulfil_checkout_session(
        donation.checkout_session_id, f"pi_{donation.pk}_{n}", donation.amount_cents, "usd"
    )


def give(page, amount_cents=5000, **fields):
    """A paid gift of `amount_cents` to `page`, committed."""
    donation = DonationFactory(page=page, amount_cents=amount_cents, **fields)
    pay(donation)
    return donation


def emails(template, to=None):
    found = OutboundEmail.objects.filter(template=template)
    return found.filter(to=to) if to else found


@pytest.fixture
def owner(db):
    return UserFactory(email="maria@example.org", first_name="Maria", last_name="Lopez")


@pytest.fixture
def page(campaign, owner):
    return FundraiserPageFactory(parent=campaign, supporter=owner, goal_cents=50_000)


@pytest.fixture(autouse=True)
def read_the_outbox(request):
    """These tests read what was queued (`mail_kept_queued`), except the one that asks for
    the worker."""
    if "worker_outbox" not in request.fixturenames:
        request.getfixturevalue("mail_kept_queued")


@pytest.fixture
def queued_notices():
    """The page ids `send_gift_notice` was queued for, with their countdowns (no broker)."""
    with mock.patch("campaigns.notifications.email_gift_notice.apply_async") as apply_async:
        yield apply_async


@pytest.mark.django_db(transaction=True)
def test_fifty_gifts_paid_at_once_to_one_team_are_counted_and_each_milestone_emailed_once(
    campaign,
):
    require_postgresql()
    team = TeamPageFactory(parent=campaign)
    first = FundraiserPageFactory(parent=campaign, team=team, goal_cents=50_000)
    second = FundraiserPageFactory(parent=campaign, team=team, goal_cents=100_000)
    # 30 gifts of $20 to the first page ($600 of $500: 50% and 100% reached),
    # 20 of $30 to the second ($600 of $1,000: 50% only).
    donations = [DonationFactory(page=first, amount_cents=2000) for _ in range(30)]
    donations += [DonationFactory(page=second, amount_cents=3000) for _ in range(20)]

    run_at_once(lambda i: pay(donations[i]), len(donations))

    paid = Donation.objects.filter(status=Donation.Status.PAID)
    assert paid.count() == 50
    assert DonationTotal.objects.total(page=first.pk) == (60_000, 30)
    assert DonationTotal.objects.total(page=second.pk) == (60_000, 20)
    assert DonationTotal.objects.total(page=team.pk) == (120_000, 50)
    assert DonationTotal.objects.total(page=campaign.pk) == (120_000, 50)
    sent = [(email.to, email.context["percent"]) for email in emails("campaigns/milestone")]
    # The first page's 50% is emailed only if a gift reached it before another reached 100%.
    assert (first.supporter.email, 100) in sent
    assert (second.supporter.email, 50) in sent
    assert len(sent) == len(set(sent)) <= 3
    assert FundraiserMilestone.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_milestone_reached_by_concurrent_gifts_is_not_missed(campaign):
    require_postgresql()
    page = FundraiserPageFactory(parent=campaign, goal_cents=50_000)
    # Ten $25 gifts: only all ten together reach 50% ($250 of $500).
    donations = [DonationFactory(page=page, amount_cents=2500) for _ in range(10)]

    run_at_once(lambda i: pay(donations[i]), len(donations))

    assert [e.context["percent"] for e in emails("campaigns/milestone")] == [50]
    assert emails("campaigns/milestone").get().context["raised_cents"] == 25_000


@pytest.mark.django_db(transaction=True)
def test_three_gifts_within_the_window_are_told_in_one_email(page, owner, queued_notices):
    give(
        page,
        5000,
        first_name="Ana",
        last_name="Ruiz",
        name_shown=Donation.NameShown.PUBLIC,
        message="Go!",
    )
    give(page, 2500, first_name="Ben", last_name="Cho")
    give(page, 1000, first_name="Cleo", last_name="Diaz", name_shown=Donation.NameShown.PUBLIC)

    assert queued_notices.call_count == 1
    assert queued_notices.call_args.kwargs == {
        "args": [page.pk],
        "countdown": 300.0,
    }
    send_gift_notice(page.pk)  # what the queued task runs, five minutes later

    (email,) = emails("campaigns/gifts_received")
    assert email.to == owner.email
    assert email.context["gifts"] == [
        {"name": "Ana R.", "amount_cents": 5000, "currency": "usd", "message": "Go!"},
        {"name": "Anonymous", "amount_cents": 2500, "currency": "usd", "message": ""},
        {"name": "Cleo D.", "amount_cents": 1000, "currency": "usd", "message": ""},
    ]
    assert email.context["total_cents"] == 8500


@pytest.mark.django_db(transaction=True)
def test_gifts_far_apart_are_told_in_two_emails(page, owner, queued_notices):
    give(page, 5000)
    send_gift_notice(page.pk)  # the first gift's notice goes out after its window
    give(page, 2000)
    send_gift_notice(page.pk)

    assert queued_notices.call_count == 2
    sent = emails("campaigns/gifts_received").order_by("pk")
    assert [[g["amount_cents"] for g in e.context["gifts"]] for e in sent] == [[5000], [2000]]


@pytest.mark.django_db(transaction=True)
def test_a_second_run_of_the_notice_task_sends_nothing_again(page, queued_notices):
    give(page, 5000)

    send_gift_notice(page.pk)
    send_gift_notice(page.pk)

    assert emails("campaigns/gifts_received").count() == 1
    assert not GiftNotice.objects.filter(told_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_notice_tasks_at_once_tell_each_gift_once(page, queued_notices):
    require_postgresql()
    for _ in range(3):
        give(page, 1000)

    run_at_once(lambda i: send_gift_notice(page.pk), 4)

    (email,) = emails("campaigns/gifts_received")
    assert len(email.context["gifts"]) == 3


@pytest.mark.django_db(transaction=True)
def test_the_owners_emails_go_only_to_the_owner(page, owner, queued_notices):
    give(page, 30_000, email="donor@example.org")  # 60%: a milestone too
    send_gift_notice(page.pk)

    owner_mail = OutboundEmail.objects.exclude(template="donation_receipt")
    assert sorted(owner_mail.values_list("template", "to")) == [
        ("campaigns/gifts_received", owner.email),
        ("campaigns/milestone", owner.email),
    ]
    assert emails("donation_receipt").get().to == "donor@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_gift_to_the_campaign_itself_tells_no_fundraiser(campaign, queued_notices):
    give(campaign, 5000)

    assert queued_notices.call_count == 0
    assert not GiftNotice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_gift_rolled_back_records_no_milestone_and_no_email(page, queued_notices):
    donation = DonationFactory(page=page, amount_cents=50_000)

    with pytest.raises(RuntimeError), transaction.atomic():
        pay(donation)
        raise RuntimeError("the request failed after the gift was marked paid")

    assert not FundraiserMilestone.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert queued_notices.call_count == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_finds_a_notice_whose_task_was_lost(page, queued_notices):
    from campaigns.notifications import overdue_gift_notices

    give(page, 5000)
    later = timezone.now() + gift_notice_delay() + timedelta(minutes=11)

    assert overdue_gift_notices() == []
    assert overdue_gift_notices(now=later) == [page.pk]


@pytest.mark.django_db(transaction=True)
def test_the_someone_gave_email_lists_each_gift_as_the_owner_reads_it(page, queued_notices):
    from northstar.emails import outbound_message

    give(
        page,
        5000,
        first_name="Ana",
        last_name="Ruiz",
        name_shown=Donation.NameShown.PUBLIC,
        message="Go!",
    )
    give(page, 2500, first_name="Ben", last_name="Cho")

    message = outbound_message(send_gift_notice(page.pk))

    assert message.subject == f"2 gifts, $75, to your page: {page.title}"
    assert "Hi Maria," in message.text
    assert '- Ana R.: $50\n  "Go!"' in message.text
    assert "- Anonymous: $25" in message.text
    assert "Ben" not in message.text


@pytest.mark.django_db(transaction=True)
def test_a_gift_that_reaches_the_goal_at_once_sends_only_the_goal_email(page, queued_notices):
    from northstar.emails import outbound_message

    give(page, 50_000)

    [sent] = emails("campaigns/milestone")
    assert FundraiserMilestone.objects.filter(page=page).count() == 2  # 50% is recorded too
    message = outbound_message(sent)

    assert message.subject == f"You reached your goal: {page.title}"
    assert "$500 raised of $500" in message.text


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_owner_one_email_for_gifts_close_together(
    campaign, worker_outbox, settings
):
    # An address of this test's own: the worker serves the whole session's outbox.
    owner = UserFactory(email="maria.worker-notice@example.org", first_name="Maria")
    page = FundraiserPageFactory(parent=campaign, supporter=owner, goal_cents=50_000)
    settings.GIFT_NOTICE_DELAY_SECONDS = 3
    give(page, 5000, first_name="Ana", last_name="Ruiz", name_shown=Donation.NameShown.PUBLIC)
    give(page, 2500)

    [message] = worker_outbox.wait_for(owner.email)

    assert message["Subject"] == f"2 gifts, $75, to your page: {page.title}"
    assert OutboundEmail.objects.filter(template="campaigns/gifts_received").count() == 1
