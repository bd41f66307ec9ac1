"""The demo campaign for `manage.py load_demo_data`: Spring into Action, with supporters' pages.

What it makes, each part found by its title or address and left alone on a
later run (so loading twice changes nothing):

- the campaign, $10,000 by the next April 15 at least 60 days away, with its
  steps, suggested amounts and Wagtail's "Moderators approval" workflow for
  new fundraiser pages, and 15 gifts to the campaign itself;
- two teams (Grace Church, Eastside High School) and a dozen live fundraiser
  pages, eight of them in a team, each with a few paid gifts;
- one page waiting for approval, opened as a supporter opens one
  (`campaigns.services.open_fundraiser`, which starts the workflow);
- the demo supporter login (`DEMO_SUPPORTER_EMAIL` / `DEMO_SUPPORTER_PASSWORD`),
  email verified, owning one of the live pages, with a few invitations.

The gifts and invitations are made up (addresses at example.org), written
directly (no checkout, no email sent); the totals are then rebuilt from the
paid gifts (`DonationTotal.objects.rebuild()`). Then a gift in each newer state
(`load_gifts_in_every_state`), made through the real services so every total
moves as it would: two monthly donors with a few installments, a partly refunded
gift, a disputed one and one held for review; a gift in memory of someone with
the fee covered and a person told; an offline cheque a page's owner reported and
staff confirmed, and a cash gift an owner reported that waits for staff. Every
counted gift's receipt is numbered by the worker that sends it.
"""

import calendar
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

from donations.disputes import dispute_changed
from donations.fees import fee_rule, fee_to_cover
from donations.models import Donation, DonationTotal, RecurringGift
from donations.offline import confirm_offline_gifts, report_offline_gift
from donations.recurring import bill_installment, complete_local_checkout, start_monthly_gift
from donations.refunds import refund
from donations.services import (
    fulfil_checkout_session,
    local_payment_intent,
    start_donation,
    stripe_enabled,
)
from northstar.days import organisation_today, start_of_day
from northstar.demo import DEMO_STAFF_EMAIL
from northstar.models import HomePage, User
from northstar.text import readable_slug

from .models import FundraiserPage, FundraisingCampaignPage, Invitation, TeamPage
from .notifications import FundraiserMilestone, reached_milestones
from .services import open_fundraiser

SPRING_INTO_ACTION_SLUG = "spring-into-action"
DEMO_SUPPORTER_EMAIL = "supporter@northstar.test"
DEMO_SUPPORTER_PASSWORD = "northstar-demo"  # noqa: S105 (documented demo login)
DEADLINE_AT_LEAST_DAYS_AWAY = 60
MODERATORS_APPROVAL = "Moderators approval"  # Wagtail's default workflow (migration 0048)

# Gifts to the campaign itself: (first name, last name, dollars, show name, message)
DEMO_GIFTS = [
    ("Grace", "Okafor", 1000, True, "For every survivor starting over this spring."),
    ("Daniel", "Kim", 750, True, ""),
    ("Priya", "Patel", 250, True, "A safe bed and a warm meal: thank you for this work."),
    ("Luis", "Martinez", 250, False, ""),
    ("Hannah", "Brown", 250, True, ""),
    ("Wei", "Chen", 200, False, ""),
    ("Fatima", "Ali", 150, True, "In honour of my sister."),
    ("Noah", "Wilson", 100, True, ""),
    ("Emily", "Davis", 100, False, ""),
    ("Ahmed", "Hernandez", 100, True, ""),
    ("Sofia", "Lopez", 100, True, "Proud to help."),
    ("James", "Smith", 75, False, ""),
    ("Mei", "Young", 50, True, ""),
    ("Isaac", "Clark", 50, True, ""),
    ("Olivia", "Johnson", 25, True, "Every little bit."),
]  # $3,450 in all

CAMPAIGN_STEPS = ["Create your page", "Ask five friends", "Thank your donors"]
SUGGESTED_DOLLARS = [25, 50, 100, 250]
DEFAULT_STORY = (
    "This spring I am raising money for Spring into Action, so that survivors of human "
    "trafficking have a safe place to sleep, food and clothing for a month while they "
    "rebuild their lives.\n\n"
    "Every gift on this page counts toward the campaign's goal. Thank you for helping."
)

# (title, captain's email, goal in dollars, description)
DEMO_TEAMS = [
    (
        "Grace Church",
        "ana.souza@example.org",
        2500,
        "The congregation of Grace Church, Austin, raising a month of shelter together.",
    ),
    (
        "Eastside High School",
        "aisha.bello@example.org",
        1500,
        "Students and teachers of Eastside High, one bake sale and car wash at a time.",
    ),
]

# The live pages: owner (email, first, last), title, goal in dollars, team title or None,
# and its gifts: (first name, last name, dollars, show name, message).
DEMO_PAGES = [
    {
        "owner": (DEMO_SUPPORTER_EMAIL, "Jordan", "Ellis"),
        "title": "Jordan's spring 10K for survivors",
        "goal": 500,
        "team": "Grace Church",
        "gifts": [
            ("Alex", "Morgan", 150, True, "Run fast, Jordan!"),
            ("Karen", "Ellis", 100, True, "So proud of you."),
            ("Brian", "Foster", 50, False, ""),
            ("Tanya", "Reed", 20, True, ""),
        ],
    },
    {
        "owner": ("ana.souza@example.org", "Ana", "Souza"),
        "title": "Ana's birthday fundraiser",
        "goal": 500,
        "team": "Grace Church",
        "gifts": [
            ("Lucas", "Souza", 250, True, "Happy birthday, Ana!"),
            ("Joanne", "Price", 100, False, ""),
            ("Mark", "Daniels", 50, True, ""),
            ("Irene", "Walsh", 50, True, "For the shelter."),
            ("Omar", "Said", 25, False, ""),
        ],
    },
    {
        "owner": ("david.nguyen@example.org", "David", "Nguyen"),
        "title": "David bikes 100 miles",
        "goal": 500,
        "team": None,
        "gifts": [
            ("Linh", "Tran", 500, True, "Every mile counts."),
            ("Chris", "Hall", 100, False, ""),
        ],
    },
    {
        "owner": ("aisha.bello@example.org", "Aisha", "Bello"),
        "title": "Eastside High stands with survivors",
        "goal": 1000,
        "team": "Eastside High School",
        "gifts": [
            ("Grace", "Bello", 100, True, "Go Eastside!"),
            ("Paul", "Meyer", 75, True, ""),
            ("Jenny", "Cho", 25, False, ""),
        ],
    },
    {
        "owner": ("tom.becker@example.org", "Tom", "Becker"),
        "title": "Mr. Becker's class challenge",
        "goal": 500,
        "team": "Eastside High School",
        "gifts": [
            ("Rita", "Gomez", 50, True, "From room 12's parents."),
            ("Steve", "Olsen", 50, False, ""),
            ("Maya", "Brooks", 35, True, ""),
        ],
    },
    {
        "owner": ("rosa.jimenez@example.org", "Rosa", "Jimenez"),
        "title": "Rosa's quilt raffle",
        "goal": 400,
        "team": None,
        "gifts": [("Elena", "Ruiz", 250, True, "I hope I win the quilt!")],
    },
    {
        "owner": ("kevin.obrien@example.org", "Kevin", "O'Brien"),
        "title": "Kevin's coffee for a cause",
        "goal": 250,
        "team": "Grace Church",
        "gifts": [
            ("Sean", "Murphy", 60, True, ""),
            ("Claire", "Dunn", 40, False, ""),
        ],
    },
    {
        "owner": ("lena.fischer@example.org", "Lena", "Fischer"),
        "title": "Lena runs the Austin half marathon",
        "goal": 750,
        "team": None,
        "gifts": [
            ("Jonas", "Weber", 180, True, "See you at the finish line."),
            ("Amy", "Lin", 20, True, ""),
        ],
    },
    {
        "owner": ("samuel.adeyemi@example.org", "Samuel", "Adeyemi"),
        "title": "Samuel's choir concert",
        "goal": 500,
        "team": "Grace Church",
        "gifts": [
            ("Ruth", "Okoro", 100, True, "Beautiful singing for a beautiful cause."),
            ("Peter", "Lang", 50, False, ""),
            ("Dora", "Vance", 25, True, ""),
            ("Felix", "Baum", 25, True, ""),
        ],
    },
    {
        "owner": ("chloe.martin@example.org", "Chloe", "Martin"),
        "title": "Chloe's lemonade stand",
        "goal": 200,
        "team": "Eastside High School",
        "gifts": [("Nina", "Martin", 150, True, "Best lemonade on the block.")],
    },
    {
        "owner": ("ben.carter@example.org", "Ben", "Carter"),
        "title": "Ben's book sale",
        "goal": 300,
        "team": None,
        "gifts": [
            ("Gail", "Porter", 50, True, ""),
            ("Victor", "Hale", 30, False, ""),
        ],
    },
    {
        "owner": ("yusuf.demir@example.org", "Yusuf", "Demir"),
        "title": "Yusuf's board game night",
        "goal": 250,
        "team": "Eastside High School",
        "gifts": [("Selin", "Demir", 50, True, "Good luck, Yusuf!")],
    },
]  # $2,760 in 30 gifts; with the campaign's own, $6,210 of $10,000 in 45

WAITING_PAGE = {
    "owner": ("ruth.adler@example.org", "Ruth", "Adler"),
    "title": "Ruth's spring bake sale",
    "goal": 300,
}

# Friends the demo supporter asked: (name, email, gave with the gift of this donor or None).
DEMO_INVITATIONS = [
    ("Alex Morgan", "alex.morgan@example.org", ("Alex", "Morgan")),
    ("Sam Okafor", "sam.okafor@example.org", None),
    ("Priya Shah", "priya.shah@example.org", None),
]


def next_april_15(today=None, at_least_days=DEADLINE_AT_LEAST_DAYS_AWAY):
    """The first April 15 at least `at_least_days` days after `today` (default: the site's
    today), so a freshly loaded demo campaign always has weeks to run."""
    today = today or organisation_today()
    deadline = date(today.year, 4, 15)
    while (deadline - today).days < at_least_days:
        deadline = date(deadline.year + 1, 4, 15)
    return deadline


def load_campaigns():
    """Spring into Action and everything in it (see the module's docstring); returns it."""
    campaign = load_spring_into_action()
    teams = {title: load_team(campaign, title, *rest) for title, *rest in DEMO_TEAMS}
    pages = [load_fundraiser(campaign, spec, teams) for spec in DEMO_PAGES]
    load_waiting_page(campaign)
    load_invitations(pages[0])
    DonationTotal.objects.rebuild()
    for page in pages:
        record_reached_milestones(page)
    load_gifts_in_every_state(campaign)
    return campaign


def record_reached_milestones(page):
    """Record the milestones the page's seeded gifts have reached, without emailing its owner
    (the gifts are made up and were never announced): the first real gift after them then
    tells of the next milestone, not one passed long ago."""
    raised, reached = reached_milestones(page)
    FundraiserMilestone.objects.bulk_create(
        [
            FundraiserMilestone(page=page, percent=percent, raised_cents=raised)
            for percent in reached
        ],
        ignore_conflicts=True,
    )


def load_spring_into_action():
    """The campaign, made once; a campaign from before supporters' pages gains their settings."""
    campaign = FundraisingCampaignPage.objects.filter(slug=SPRING_INTO_ACTION_SLUG).first()
    if campaign is None:
        campaign = FundraisingCampaignPage(
            title="Spring into Action",
            slug=SPRING_INTO_ACTION_SLUG,
            intro=(
                # The goal and deadline are shown beside it, composed from the fields
                # (`goal_line`): the text never repeats them.
                "A month of transitional housing, food and clothing for survivors of "
                "human trafficking."
            ),
            body=[
                (
                    "paragraph",
                    "<p>Leaving a trafficking situation is only the first step. The weeks "
                    "after are when survivors most need a safe place to sleep, food on the "
                    "table and clothes for job interviews, and when shelters are fullest.</p>"
                    "<p>This spring our partners can house survivors for a month while they "
                    "see a lawyer, a doctor and a counsellor, and make a plan. "
                    "<b>The goal covers the whole month</b>: every gift brings the next "
                    "survivor a step closer to a home of their own.</p>",
                ),
                (
                    "quote",
                    {
                        "text": "The month in the shelter gave me time to breathe, and then to "
                        "plan.",
                        "attribution": "A survivor supported by our partners",
                    },
                ),
                ("hotline_callout", {"heading": "If you or someone you know needs help"}),
            ],
            goal_cents=1_000_000,
            currency="usd",
            deadline=next_april_15(),
            ask_text="Help survivors find safety: give to Spring into Action",
        )
        set_peer_to_peer_settings(campaign)
        HomePage.objects.get().add_child(instance=campaign)
        campaign.save_revision().publish()
        add_gifts(campaign, DEMO_GIFTS, hours_apart=5)
    elif not campaign.steps:
        set_peer_to_peer_settings(campaign)
        campaign.save_revision().publish()
    return campaign


def set_peer_to_peer_settings(campaign):
    """Steps, suggested amounts, what a supporter's page starts with, approval by moderators."""
    today = organisation_today()
    campaign.start_date = today - timedelta(days=14)
    campaign.steps = [("step", step) for step in CAMPAIGN_STEPS]
    campaign.suggested_amounts = [dollars * 100 for dollars in SUGGESTED_DOLLARS]
    campaign.default_fundraiser_goal_cents = 50_000
    campaign.default_fundraiser_story = DEFAULT_STORY
    campaign.approval_workflow = moderators_approval()
    campaign.teams_allowed = True


def moderators_approval():
    """Wagtail's default "Moderators approval" workflow (its migrations make it; a flush
    removes it, so it is made again then: one task for the Moderators group)."""
    workflow = Workflow.objects.filter(name=MODERATORS_APPROVAL, active=True).first()
    if workflow is None:
        moderators, _ = Group.objects.get_or_create(name="Moderators")
        task = GroupApprovalTask.objects.create(name=MODERATORS_APPROVAL)
        task.groups.set([moderators])
        workflow = Workflow.objects.create(name=MODERATORS_APPROVAL)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def load_supporter(email, first_name, last_name):
    """A supporter's account. The demo supporter can log in (verified address, documented
    password); the others cannot (no usable password)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        password = DEMO_SUPPORTER_PASSWORD if email == DEMO_SUPPORTER_EMAIL else None
        user = User.objects.create_user(email, password, first_name=first_name, last_name=last_name)
    if email == DEMO_SUPPORTER_EMAIL:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user


def child_titled(campaign, model, title):
    return model.objects.child_of(campaign).filter(title=title).first()


def publish_as(page, owner):
    """Save `page`'s first revision as its owner and publish it, as `open_fundraiser` does
    for a campaign without approval (the demo's pages are live as if approved)."""
    revision = page.save_revision(user=owner, log_action=True)
    revision.publish(user=owner, skip_permission_checks=True)


def load_team(campaign, title, captain_email, goal_dollars, description):
    team = child_titled(campaign, TeamPage, title)
    if team is None:
        (owner,) = [spec["owner"] for spec in DEMO_PAGES if spec["owner"][0] == captain_email]
        captain = load_supporter(*owner)
        team = TeamPage(
            title=title,
            slug=title_slug(title),
            captain=captain,
            goal_cents=goal_dollars * 100,
            description=description,
            live=False,
            owner=captain,
        )
        campaign.add_child(instance=team)
        publish_as(team, captain)
    return team


def load_fundraiser(campaign, spec, teams):
    """A live fundraiser page and its gifts (the gifts only if the page has none yet)."""
    page = child_titled(campaign, FundraiserPage, spec["title"])
    if page is None:
        owner = load_supporter(*spec["owner"])
        page = FundraiserPage(
            title=spec["title"],
            slug=title_slug(spec["title"]),
            supporter=owner,
            goal_cents=spec["goal"] * 100,
            story=DEFAULT_STORY,
            team=teams[spec["team"]] if spec["team"] else None,
            live=False,
            owner=owner,
        )
        campaign.add_child(instance=page)
        publish_as(page, owner)
    if not Donation.objects.filter(page=page).exists():
        add_gifts(page, spec["gifts"], hours_apart=7, first_hours_ago=DEMO_PAGES.index(spec) + 1)
    return page


def load_waiting_page(campaign):
    """A page opened through the public site's service, waiting in the approval workflow."""
    page = child_titled(campaign, FundraiserPage, WAITING_PAGE["title"])
    if page is None:
        owner = load_supporter(*WAITING_PAGE["owner"])
        page = open_fundraiser(
            campaign,
            owner,
            {
                "title": WAITING_PAGE["title"],
                "goal_cents": WAITING_PAGE["goal"] * 100,
                "story": DEFAULT_STORY,
            },
        )
    return page


def load_invitations(page):
    """The demo supporter's friends asked from their page; one gave (through their link)."""
    if Invitation.objects.filter(page=page).exists():
        return
    now = timezone.now()
    for index, (name, email, donor) in enumerate(DEMO_INVITATIONS):
        sent_at = now - timedelta(days=6 - index)
        invitation = Invitation.objects.create(
            page=page, name=name, email=email, created_at=sent_at, sent_at=sent_at
        )
        if donor is not None:
            gift = Donation.objects.filter(
                page=page, first_name=donor[0], last_name=donor[1]
            ).first()
            if gift is not None:
                gift.referral = invitation.token
                gift.save(update_fields=["referral"])
                invitation.state = Invitation.State.GAVE
                invitation.gave_at = gift.paid_at
                invitation.donation = gift
                invitation.save(update_fields=["state", "gave_at", "donation"])


def title_slug(title):
    return readable_slug(title)[:200]


def add_gifts(page, gifts, hours_apart, first_hours_ago=1):
    """Paid gifts to `page`, newest first, `hours_apart` apart (counted by the final rebuild).
    No demo donor shows their amount: the donate form's preset amounts ("$50") are then the
    only amounts on a page's donate panel."""
    now = timezone.now()
    Donation.objects.bulk_create(
        Donation(
            page=page,
            amount_cents=dollars * 100,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org",
            name_shown=Donation.NameShown.PUBLIC if public else Donation.NameShown.ANONYMOUS,
            message=message,
            status=Donation.Status.PAID,
            created_at=now - timedelta(hours=hours_apart * index + first_hours_ago),
            paid_at=now - timedelta(hours=hours_apart * index + first_hours_ago),
        )
        for index, (first, last, dollars, public, message) in enumerate(gifts)
    )


# --- Gifts in every state: monthly, partly refunded, disputed, held for review -----------
# Made through the services real gifts go through (the local test checkout, the monthly
# billing, the refund, Stripe's dispute event, the review hold), so every total moves as it
# would and `manage.py recount` finds no drift. Each is found by its donor's address and
# left alone on a later run. Their emails (receipts, the refund email, staff's dispute email)
# go through the outbox as real ones do: `make run`'s worker prints them.

# Monthly donors: (first, last, dollars a month, page title or None for the campaign,
# months since the first installment: one installment that month and each month since).
DEMO_MONTHLY_DONORS = [
    ("Marcus", "Lee", 20, "Mr. Becker's class challenge", 2),
    ("Helen", "Park", 50, None, 1),
]
# (first, last, dollars given, dollars refunded, page title, reason)
DEMO_PARTLY_REFUNDED = (
    "Nora",
    "Quinn",
    100,
    40,
    "Lena runs the Austin half marathon",
    "Meant to give $60 and typed $100; asked us by email to refund the difference.",
)
# (first, last, dollars, page title, dispute reason as Stripe spells it)
DEMO_DISPUTED = ("Victor", "Stone", 75, "Rosa's quilt raffle", "fraudulent")
# (first, last, dollars of the gift, dollars Stripe collected, page title or None)
DEMO_NEEDS_REVIEW = ("Tessa", "Wong", 50, 45, None)
# In memory of someone, the fee covered, a person told: (first, last, dollars, page title or
# None for the campaign, the person remembered, the person told and their address).
DEMO_TRIBUTE = (
    "Priya",
    "Shah",
    50,
    None,
    "Rosa Diaz",
    ("Carlos Diaz", "carlos.diaz@example.org"),
)
# Offline gifts a page's owner reported: (page title, dollars, method, who gave, reference or
# note, confirmed by staff or left waiting).
DEMO_OFFLINE_GIFTS = [
    (
        "Jordan's spring 10K for survivors",
        100,
        "cheque",
        "Grace Church youth group",
        "No. 1042",
        True,
    ),
    ("Jordan's spring 10K for survivors", 25, "cash", "Uncle Ray", "At the bake sale", False),
]
DISPUTE_EVIDENCE_DAYS = 7
DISPUTE_FEE_CENTS = 1500  # Stripe's US dispute fee


def load_gifts_in_every_state(campaign):
    """Two monthly donors with a few installments, a partly refunded gift, a disputed one and
    one held for review (see the block's comment); each only once. Not with Stripe set up:
    these go through the local test checkout, and a refund would ask Stripe for real."""
    if stripe_enabled():
        return
    pages = {page.title: page for page in FundraiserPage.objects.child_of(campaign)}
    for first, last, dollars, title, months in DEMO_MONTHLY_DONORS:
        load_monthly_donor(pages.get(title, campaign), first, last, dollars * 100, months)
    first, last, dollars, refunded, title, reason = DEMO_PARTLY_REFUNDED
    if (gift := load_paid_gift(pages[title], first, last, dollars * 100)) is not None:
        refund(gift, refunded * 100, by=demo_staff(), reason=reason)
    first, last, dollars, title, why = DEMO_DISPUTED
    if (gift := load_paid_gift(pages[title], first, last, dollars * 100)) is not None:
        dispute_changed(demo_dispute(gift, why))
    first, last, dollars, collected, title = DEMO_NEEDS_REVIEW
    load_paid_gift(pages.get(title, campaign), first, last, dollars * 100, collected * 100)
    load_tribute_gift(campaign, pages)
    load_offline_gifts(pages)


def load_tribute_gift(campaign, pages):
    """`DEMO_TRIBUTE`: given through the donate form's path with the fee covered (the
    organisation's fee rule), paid through the local test checkout: its card to the person
    told and its receipt go through the outbox."""
    first, last, dollars, title, remembered, (told, told_email) = DEMO_TRIBUTE
    page = pages.get(title, campaign)
    data = {
        **donor_form(page, first, last, dollars * 100),
        "fee_cents": fee_to_cover(dollars * 100, fee_rule(page.currency)),
        "tribute": Donation.Tribute.MEMORY,
        "tribute_name": remembered,
        "tribute_notify_name": told,
        "tribute_notify_email": told_email,
        "tribute_notify_message": "Rosa would have loved this run.",
    }
    load_paid_gift(page, first, last, dollars * 100, data=data)


def load_offline_gifts(pages):
    """`DEMO_OFFLINE_GIFTS`, reported by each page's owner from their dashboard's service;
    those marked confirmed are then confirmed by the demo staff member."""
    for title, dollars, method, donor, note, confirmed in DEMO_OFFLINE_GIFTS:
        page = pages[title]
        if Donation.objects.filter(page=page, reported_by__isnull=False, first_name=donor).exists():
            continue
        gift = report_offline_gift(
            page=page,
            owner=page.supporter,
            amount_cents=dollars * 100,
            method=method,
            received_on=organisation_today() - timedelta(days=3),
            donor_name=donor,
            note=note,
        )
        if confirmed:
            confirm_offline_gifts([gift], by=demo_staff())


def demo_email(first, last):
    return f"{first.lower()}.{last.lower()}@example.org"


def donor_known(email):
    return (
        Donation.objects.filter(email=email).exists()
        or RecurringGift.objects.filter(email=email).exists()
    )


def demo_staff():
    return User.objects.filter(email=DEMO_STAFF_EMAIL).first()


def donor_form(page, first, last, amount_cents):
    """What the donate form hands its service, cleaned."""
    return {
        "amount_cents": amount_cents,
        "first_name": first,
        "last_name": last,
        "email": demo_email(first, last),
        "name_shown": Donation.NameShown.PUBLIC,
        "show_amount_publicly": False,
        "message": "",
    }


def load_paid_gift(page, first, last, amount_cents, collected_cents=None, *, data=None):
    """A one-time gift through the local test checkout, as `donations.views.test_checkout`
    completes it; Stripe "collected" `collected_cents` (default: what the donor gave, the
    fee included; another amount holds it for review). `data`: the donate form's cleaned data
    when more than `donor_form`'s (a fee covered, a tribute). The gift, or None if its donor
    gave in an earlier run."""
    email = demo_email(first, last)
    if donor_known(email):
        return None
    start_donation(page, data or donor_form(page, first, last, amount_cents))
    gift = Donation.objects.get(email=email)
    fulfil_checkout_session(
        gift.checkout_session_id,
        payment_intent_id=local_payment_intent(gift),
        amount_total=gift.given_cents if collected_cents is None else collected_cents,
        currency=gift.currency,
    )
    gift.refresh_from_db()
    return gift


def load_monthly_donor(page, first, last, amount_cents, months):
    """A monthly gift started `months` months ago through the local monthly checkout, and each
    month's installment since billed by `bill_monthly_gifts`' service on its own day."""
    email = demo_email(first, last)
    if donor_known(email):
        return None
    today = organisation_today()
    first_day = months_before(today, months)
    start_monthly_gift(page, donor_form(page, first, last, amount_cents))
    plan = RecurringGift.objects.get(email=email)
    RecurringGift.objects.filter(pk=plan.pk).update(created=start_of_day(first_day))
    plan.refresh_from_db()
    complete_local_checkout(plan, today=first_day, paid_at=midday(first_day))
    plan.refresh_from_db()
    while plan.next_installment_on <= today:
        bill_installment(plan, plan.next_installment_on, paid_at=midday(plan.next_installment_on))
        plan.refresh_from_db()
    return plan


def months_before(day, months):
    """The same day `months` months before `day` (or that month's last day, if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def midday(day):
    """Noon of `day` in the organisation's time zone, or now if that is still to come."""
    return min(start_of_day(day) + timedelta(hours=12), timezone.now())


def demo_dispute(gift, reason):
    """A Stripe dispute object (as `charge.dispute.created` carries it) on the whole of `gift`:
    needing a response, its evidence due in a week, Stripe's fee withdrawn."""
    now = timezone.now()
    return {
        "id": f"dp_demo{gift.uuid.hex[:20]}",
        "object": "dispute",
        "amount": gift.amount_cents,
        "currency": gift.currency,
        "charge": f"ch_demo{gift.uuid.hex[:20]}",
        "payment_intent": gift.payment_intent_id,
        "reason": reason,
        "status": "needs_response",
        "created": int(now.timestamp()),
        "evidence_details": {
            "due_by": int((now + timedelta(days=DISPUTE_EVIDENCE_DAYS)).timestamp()),
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "balance_transactions": [
            {
                "object": "balance_transaction",
                "amount": -gift.amount_cents - DISPUTE_FEE_CENTS,
                "fee": DISPUTE_FEE_CENTS,
                "type": "adjustment",
            }
        ],
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
    }
