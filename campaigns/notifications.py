"""Telling a fundraiser page's owner about its gifts: "someone gave" and goal milestones.

Every paid gift reaches `gift_paid_received` (connected to `donations.signals.gift_paid`
in `CampaignsConfig.ready`) inside the transaction that marks it paid, after `count_gift`
changed the totals. For a gift to a `FundraiserPage` it:

1. locks the page's `FundraiserNotice` row (made on the first gift), so gifts to one page
   take this step one at a time, each seeing the gifts that took it before (committed);
2. records the gift as not yet told (`GiftNotice`) and, if no notice is already waiting,
   notes when the first untold gift arrived and queues the task `email_gift_notice`
   on commit, `gift_notice_delay()` later: the gifts of those minutes go out as ONE email;
3. reads the page's total and, for each of `OWNER_EMAIL_MILESTONES` (percent of the
   personal goal) it has reached, inserts a `FundraiserMilestone` row (unique per page and
   percent) in a savepoint; only the transaction whose insert succeeded queues the
   milestone email (`send_email`, so it is sent after commit or not at all).

Why the lock: the total is a sharded counter (`DonationTotal`), whose shard rows a
concurrent gift may have changed but not committed. Each gift takes the lock only after
its own `count_gift`, so the last gift to take it sees every earlier one's amount: a
milestone reached by concurrent gifts is never missed, and never recorded twice. (This
relies on READ COMMITTED, PostgreSQL's default and the project's: each statement after
the lock reads what committed before it.) The lock is a row of its own, not the page's:
staff saving the page in the admin never hold up its gifts.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from donations.models import Donation, DonationTotal
from donations.signals import gift_paid
from northstar.emails import public_url, send_email

from .models import FundraiserMilestone, FundraiserNotice, FundraiserPage, GiftNotice

# A waiting notice whose task should have run this long ago is sent by the sweep
# (`send_overdue_gift_notices`): a task lost by the broker delays a notice, never drops it.
OVERDUE_GRACE = timedelta(minutes=10)
# The personal goal's milestones the owner is told of, each once.
OWNER_EMAIL_MILESTONES = (50, 100)


def gift_notice_delay():
    """How long after the first untold gift its page's "someone gave" email is sent: gifts
    in that time go out together. settings.GIFT_NOTICE_DELAY_SECONDS (default 300)."""
    return timedelta(seconds=settings.GIFT_NOTICE_DELAY_SECONDS)


def overdue_after():
    """How old a waiting notice is when its task must have been lost."""
    return gift_notice_delay() + OVERDUE_GRACE


def locked_notice(page_id):
    """The page's `FundraiserNotice`, made if missing and locked FOR UPDATE (call it in a
    transaction). Two statements: an insert that does nothing if the row exists, a select."""
    FundraiserNotice.objects.bulk_create([FundraiserNotice(page_id=page_id)], ignore_conflicts=True)
    return FundraiserNotice.objects.select_for_update().get(page_id=page_id)


def gift_paid_received(sender, donation, **kwargs):
    """`gift_paid` receiver: for a gift to a fundraiser page, record it for the owner's next
    "someone gave" email and record (and email) any milestone its page has now reached.

    Runs in the gift's transaction; emails and tasks happen only if it commits.
    Gifts to any other page (a campaign itself) are left alone. The page is the one
    `Donation.mark_paid` read and kept on the gift (`donation.page`, as its own type): no
    query here; its owner is read only when a milestone email needs them.
    """
    page = donation.page.specific
    if not isinstance(page, FundraiserPage):
        return
    notice = locked_notice(page.pk)
    record_gift(notice, donation)
    record_milestones(page)


def record_gift(notice, donation):
    """Note `donation` as not yet told; if nothing was waiting (or the waiting notice is
    overdue), queue the notice task `gift_notice_delay()` after commit. `notice` is locked."""
    GiftNotice.objects.create(donation=donation, page_id=notice.page_id)
    now = timezone.now()
    if notice.first_untold_at is None or notice.first_untold_at < now - overdue_after():
        notice.first_untold_at = now
        notice.save(update_fields=["first_untold_at"])
        page_id, countdown = notice.page_id, gift_notice_delay().total_seconds()
        email_gift_notice.apply_async_on_commit(args=[page_id], countdown=countdown)


def reached_milestones(page):
    """(raised, reached) for a fundraiser page: its total in cents (`DonationTotal`) and the
    `OWNER_EMAIL_MILESTONES` (percents of its personal goal) that total has reached; none
    without a goal."""
    raised = DonationTotal.objects.total(page=page.pk).amount_cents
    goal = page.goal_cents
    return raised, [
        percent for percent in OWNER_EMAIL_MILESTONES if goal and raised * 100 >= goal * percent
    ]


def record_milestones(page):
    """Record, once each, the `OWNER_EMAIL_MILESTONES` the page's total has reached, and
    queue one email for the highest of those this call recorded: a gift that takes a page
    from 40% past its goal says "reached its goal", not also "50% of the way". Call it with
    the page's notice row locked, after the gift was counted."""
    raised, reached = reached_milestones(page)
    if not reached:
        return
    recorded = set(
        FundraiserMilestone.objects.filter(page=page, percent__in=reached).values_list(
            "percent", flat=True
        )
    )
    newly_recorded = []
    for percent in reached:
        if percent in recorded:
            continue
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the gift's work intact
                FundraiserMilestone.objects.create(page=page, percent=percent, raised_cents=raised)
        except IntegrityError:
            continue  # another transaction recorded it: that one sends the email
        newly_recorded.append(percent)
    if newly_recorded:
        send_email(
            "campaigns/milestone",
            page.supporter.email,
            {**page_context(page), "percent": max(newly_recorded), "raised_cents": raised},
        )


def page_context(page):
    """What every owner email says about the page: owner's first name, title, link, goal."""
    return {
        "first_name": page.supporter.first_name,
        "page_title": page.title,
        "page_url": public_url(page),
        "dashboard_url": public_url("/dashboard/"),
        "goal_cents": page.goal_cents,
        "currency": page.currency,
    }


def gift_line(donation):
    """One gift as the owner's email lists it: the donor's name as the owner may see it
    (`Donation.name_for_owner`: "Ana R." or "Anonymous"), the amount in minor units with its
    currency, and the donor's message (the owner reads every gift's message, unless staff
    hid it: `Donation.shown_message`)."""
    return {
        "name": donation.name_for_owner,
        "amount_cents": donation.amount_cents,
        "currency": donation.currency,
        "message": donation.shown_message,
    }


@shared_task(name="campaigns.tasks.send_gift_notice")
def email_gift_notice(page_id: int) -> int | None:
    """The task of `send_gift_notice`: the id of the `OutboundEmail` it queued, or None."""
    message = send_gift_notice(page_id)
    return message.pk if message else None


@transaction.atomic
def send_gift_notice(page_id, now=None):
    """Email the owner of page `page_id` ONE "someone gave to your page" message listing every
    gift not yet told, and mark them told; returns the `OutboundEmail` (None: nothing to tell).

    Under the page's notice lock, so two runs never tell the same gifts twice: the second
    finds nothing left. `now` (a datetime, default the current time) is when they are told.
    """
    now = now or timezone.now()
    notice = FundraiserNotice.objects.select_for_update().filter(page_id=page_id).first()
    if notice is None:
        return None
    untold = list(
        GiftNotice.objects.filter(page_id=page_id, told_at__isnull=True)
        .select_related("donation")
        .order_by("donation__paid_at", "donation_id")
    )
    notice.first_untold_at = None
    if not untold:
        notice.save(update_fields=["first_untold_at"])
        return None
    page = FundraiserPage.objects.select_related("supporter").get(pk=page_id)
    gifts = [gift_line(gift.donation) for gift in untold]
    message = send_email(
        "campaigns/gifts_received",
        page.supporter.email,
        {
            **page_context(page),
            "gifts": gifts,
            "total_cents": sum(gift["amount_cents"] for gift in gifts),
            "raised_cents": DonationTotal.objects.total(page=page_id).amount_cents,
        },
    )
    GiftNotice.objects.filter(pk__in=[gift.pk for gift in untold]).update(
        told_at=now, email=message
    )
    notice.last_sent_at = now
    notice.save(update_fields=["first_untold_at", "last_sent_at"])
    return message


def overdue_gift_notices(now=None):
    """Ids of pages whose waiting notice should have been sent `OVERDUE_GRACE` ago (a lost task)."""
    now = now or timezone.now()
    return list(
        FundraiserNotice.objects.filter(first_untold_at__lt=now - overdue_after()).values_list(
            "page_id", flat=True
        )[:1000]
    )


def connect_owner_notifications():
    """Connect `gift_paid_received` to `donations.signals.gift_paid` (`CampaignsConfig.ready`)."""
    gift_paid.connect(
        gift_paid_received, sender=Donation, dispatch_uid="campaigns.owner_notifications"
    )


@shared_task(name="campaigns.tasks.send_overdue_gift_notices")
def send_overdue_gift_notices() -> int:
    """For beat (every 5 minutes): queue again the "someone gave" notices whose task was
    lost (`overdue_gift_notices`); how many."""
    pages = overdue_gift_notices()
    for page_id in pages:
        email_gift_notice.delay_on_commit(page_id)
    return len(pages)
