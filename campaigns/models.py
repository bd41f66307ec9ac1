"""Fundraising campaigns: the page staff write, with a goal, a deadline and a donate form.

The total raised lives in `donations.DonationTotal`, never on the page: Wagtail
stores page fields in every revision, and publishing an old draft would write
back a stale total.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from wagtail import blocks
from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PagePermissionTester
from wagtail.query import PageQuerySet
from wagtail.search import index

from campaigns.admin_forms import FundraisingCampaignPageForm, GoalPageForm
from donations.forms import OTHER, DonationForm
from donations.models import Donation, DonationTotal, standing_gifts
from donations.money import (
    CURRENCY_CHOICES,
    DEFAULT_CURRENCY,
    format_money,
    minor_units,
    normalise_currency,
)
from donations.services import stripe_enabled
from northstar.blocks import BaseStreamBlock
from northstar.days import organisation_today
from northstar.emails import public_url
from northstar.memo import Memo
from northstar.pagecache import serve_for_cache
from northstar.sharing import share_links
from northstar.text import fold_for_search

# What the "ask to give" card after signing shows may be this old (see northstar.memo).
recent_asks = Memo(seconds=1)

# The campaign milestones a banner celebrates (percent of the goal), highest first,
# with the words it opens with.
BANNER_MILESTONES = (
    (100, "Goal reached!"),
    (75, "Three quarters of the way there!"),
    (50, "Halfway there!"),
    (25, "A quarter of the way there!"),
)


def day_as_read(day):
    """A date as a supporter reads it, the one date format of campaign pages: "April 15"
    in the organisation's current year, else "April 15, 2027"."""
    fmt = "F j" if day.year == organisation_today().year else "F j, Y"
    return format_date(day, fmt)


def public_name_of(user):
    """A supporter as public pages name them: first name and last initial ("Maria L."), as
    donors are named; their first name alone without a last name; "" if they gave no name.
    Never their email."""
    first, last = user.first_name.strip(), user.last_name.strip()
    return f"{first} {last[:1]}." if first and last else first


def search_text_of(title, *names):
    """What "find a fundraiser" stores for a page of `title` whose owner has `names` (first
    and last): all of them folded (`fold_for_search`) into one string."""
    return fold_for_search(" ".join([title or "", *names]))


def with_raised(pages):
    """`pages` (a queryset of pages) annotated with `raised_cents` and `gift_count`: the
    page's `DonationTotal` shard rows summed in SQL (0 for a page with none), so a board
    can order by them in the same single query."""
    shards = DonationTotal.objects.filter(page=OuterRef("pk")).values("page")
    return pages.annotate(
        raised_cents=Coalesce(Subquery(shards.annotate(sum=Sum("amount_cents")).values("sum")), 0),
        gift_count=Coalesce(Subquery(shards.annotate(sum=Sum("donation_count")).values("sum")), 0),
    )


# How a leaderboard orders its pages: most raised first, ties by title, then by id.
RANKING = ("-raised_cents", "title", "pk")


def ranked_by_raised(pages, limit):
    """Ids of the `limit` pages of `pages` (a page queryset) that raised the most (more than
    nothing), as a subquery ordered as `RANKING` orders pages. Each page's `DonationTotal`
    shard rows are summed ONCE (one GROUP BY over the shard rows of `pages`): the filter
    (HAVING) and the order read that one sum, however many pages there are."""
    return (
        DonationTotal.objects.filter(page__in=pages.values("pk"))
        .values("page")
        .annotate(raised=Sum("amount_cents"))
        .filter(raised__gt=0)
        .order_by("-raised", "page__title", "page")
        .values("page")[:limit]
    )


class GivingPageMixin:
    """A page that takes gifts (a campaign, a team, a fundraiser page), served with its
    donate form through the anonymous page cache (`northstar.pagecache`), as petitions are.
    Visitors with a session (an owner viewing their page) always get a fresh render; the
    cache's key is the full query without tracking parameters, so a page rendered for one
    `?invitation=` token is never served for another or for none."""

    def serve(self, request, *args, **kwargs):
        """Wagtail's override point: the page with its empty donate form."""
        return serve_for_cache(request, self, self.donation_form())


class CampaignQuerySet(PageQuerySet):
    def accepting_gifts(self):
        """Campaigns whose last day for gifts is today or later, in the site's time zone."""
        return self.filter(deadline__gte=organisation_today())


class FundraisingCampaignPage(GivingPageMixin, Page):
    """A campaign with a money goal and a deadline: its story, progress and donate form."""

    intro = models.TextField(
        max_length=500, help_text="One or two sentences: shown under the title and when shared."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A wide photograph for the top of the campaign (at least 1600 pixels wide).",
    )
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)
    # Stored in minor units (cents); staff type it in the currency's ordinary unit
    # ("25,000"), as campaigns.forms says, so the help text speaks of that.
    goal_cents = models.PositiveBigIntegerField(
        "goal",
        help_text="The amount to raise, in the campaign's currency, e.g. 25,000 or 25,000.00.",
    )
    currency = models.CharField(
        max_length=3,
        choices=CURRENCY_CHOICES,
        default=DEFAULT_CURRENCY,
        help_text="What gifts to this campaign are paid in.",
    )
    deadline = models.DateField(
        help_text="The last day gifts count. The donate form closes after it."
    )
    ask_text = models.CharField(
        max_length=160,
        blank=True,
        help_text=(
            "The one-line ask shown to supporters after they sign a petition, e.g. "
            "'Help survivors find safety: give to Spring into Action'."
        ),
    )
    start_date = models.DateField(
        null=True,
        blank=True,
        help_text="The first day of the campaign (leave empty if it has already begun).",
    )
    steps = StreamField(
        [("step", blocks.CharBlock(max_length=80, label="Step"))],
        blank=True,
        max_num=6,
        use_json_field=True,
        help_text=(
            "What supporters are asked to do, in order, e.g. 'Create your page', "
            "'Ask five friends', 'Thank your donors'."
        ),
    )
    # Whole units of the currency in minor units ([2500, 5000, 10000]); empty: the
    # donate form's own presets. Staff type "25, 50, 100" (campaigns.forms).
    suggested_amounts = models.JSONField(
        default=list,
        blank=True,
        help_text="The amounts the donate forms offer, e.g. 25, 50, 100, 250.",
    )
    default_fundraiser_goal_cents = models.PositiveBigIntegerField(
        "default personal goal",
        default=50_000,
        help_text="The goal a supporter's own page starts with, e.g. 500.",
    )
    default_fundraiser_story = models.TextField(
        "default story",
        blank=True,
        help_text=(
            "The story a supporter's own page starts from; they can change it. "
            "Plain paragraphs, separated by an empty line."
        ),
    )
    approval_workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "The workflow a supporter's new page goes through before it is public. "
            "Leave empty to publish new pages at once."
        ),
    )
    teams_allowed = models.BooleanField(
        default=True,
        help_text="Supporters may create teams (a church, a school, a company) and join them.",
    )

    objects = PageManager.from_queryset(CampaignQuerySet)()

    # A gift to any page under the campaign (its fundraiser pages, its teams) counts on the
    # campaign's total too (`donations.models.gift_levels`).
    counts_gifts_below = True

    # Shows the goal in dollars ("10,000.00") and reads what staff type back into cents.
    base_form_class = FundraisingCampaignPageForm

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("goal_cents"), FieldPanel("currency")]),
                FieldPanel("deadline"),
            ],
            heading="Goal and deadline",
        ),
        FieldPanel("ask_text"),
    ]

    fundraising_panels = [
        FieldPanel("start_date"),
        FieldPanel("steps"),
        FieldPanel("suggested_amounts"),
        MultiFieldPanel(
            [FieldPanel("default_fundraiser_goal_cents"), FieldPanel("default_fundraiser_story")],
            heading="Supporters' own pages start with",
        ),
        FieldPanel("approval_workflow"),
        FieldPanel("teams_allowed"),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(fundraising_panels, heading="Peer-to-peer"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["northstar.HomePage"]
    subpage_types = ["campaigns.FundraiserPage", "campaigns.TeamPage"]

    class Meta:
        verbose_name = "fundraising campaign"

    def clean_fields(self, exclude=None):
        """The currency is stored as Stripe writes it ("USD" is kept as "usd") before it is
        checked against the currencies the project takes (anything else: ValidationError)."""
        self.currency = normalise_currency(self.currency)
        super().clean_fields(exclude=exclude)

    def clean(self):
        """A campaign opens to supporters' pages no later than its deadline: a start date after
        it would leave "Start your own fundraiser" leading to "come back then" for good."""
        super().clean()
        if self.start_date and self.deadline and self.start_date > self.deadline:
            raise ValidationError(
                {
                    "start_date": (
                        f"The start date must be on or before the deadline "
                        f"({format_date(self.deadline, 'F j, Y')})."
                    )
                }
            )

    @property
    def accepts_donations(self):
        """Gifts are taken up to and including the deadline's day, in the site's time zone.

        (Only live pages are given to: `donations.views.givable_page` asks for one.)
        """
        return self.deadline >= organisation_today()

    @property
    def ask_line(self):
        return self.ask_text or f"Can you help? Give to {self.title}."

    def goal_line(self):
        """The campaign's goal and deadline in one sentence, composed from the fields so that
        a new goal or deadline changes every page that shows it: "Raise $10,000 by April
        15" (`format_money`, `day_as_read`); "The goal was $10,000 by April 15" once the
        deadline has passed. Staff texts (intro, body) are not to repeat the figures."""
        values = {
            "goal": format_money(self.goal_cents, self.currency),
            "deadline": day_as_read(self.deadline),
        }
        if self.deadline < organisation_today():
            return gettext("The goal was %(goal)s by %(deadline)s") % values
        return gettext("Raise %(goal)s by %(deadline)s") % values

    def deadline_line(self):
        """ "Ends April 15", "Last day today" or "This campaign has ended"."""
        today = organisation_today()
        if self.deadline < today:
            return "This campaign has ended"
        if self.deadline == today:
            return "Last day today"
        return f"Ends {day_as_read(self.deadline)}"

    def days_left(self):
        return max(0, (self.deadline - organisation_today()).days)

    def totals(self):
        return DonationTotal.objects.total(page=self.pk)

    def progress(self):
        """The total raised toward the goal: amounts in cents with their currency (templates
        show them with `|money:progress.currency`), the number of gifts and a percentage."""
        return progress_toward(self.totals(), self.goal_cents, self.currency)

    def recent_public_donations(self, limit=10):
        """Paid gifts whose donors agreed to show their name (never their email; the amount
        only if they agreed to that too)."""
        return recent_public_donations(self.pk, limit)

    def donation_form(self, data=None):
        """The donate form for this campaign or a page in it (`data`: a POST or None):
        `donations.forms.DonationForm` in the campaign's currency, offering the campaign's
        suggested amounts if staff set them."""
        return donation_form_for(self, data)

    def accepts_fundraisers(self):
        """New fundraiser pages are opened up to and including the deadline's day."""
        return self.accepts_donations

    def donor_share_text(self):
        """What a donor shares after giving to the campaign: "I just gave to Spring into
        Action"."""
        return gettext("I just gave to %(title)s") % {"title": self.title}

    def live_teams(self):
        """The campaign's live teams, by title (for the "join a team" choice)."""
        return TeamPage.objects.child_of(self).live().order_by("title")

    def live_fundraisers(self):
        """The campaign's live, public fundraiser pages (never one waiting for approval or
        unpublished), with their owner (`supporter`) fetched in the same query."""
        return FundraiserPage.objects.child_of(self).live().public().select_related("supporter")

    def top_fundraisers(self, limit=10):
        """The `limit` live fundraiser pages that raised the most (more than nothing), most
        first (ties by title, then id), each with `raised_cents`, `gift_count` and its owner:
        one query however many pages, summing each page's shard rows once to rank them
        (`ranked_by_raised`); only the pages shown are read and annotated."""
        ranked = ranked_by_raised(self.live_fundraisers(), limit)
        pages = FundraiserPage.objects.filter(pk__in=ranked).select_related("supporter")
        return with_raised(pages).order_by(*RANKING)

    def top_teams(self, limit=5):
        """The `limit` live teams that raised the most (more than nothing), most first, each
        with `raised_cents` and `gift_count` (their members' gifts): one query, ranked as
        `top_fundraisers` ranks pages."""
        ranked = ranked_by_raised(TeamPage.objects.child_of(self).live().public(), limit)
        return with_raised(TeamPage.objects.filter(pk__in=ranked)).order_by(*RANKING)

    def recent_gifts(self, limit=10):
        """The latest paid gifts to the campaign and to its live pages, newest first, each
        with its `page` (one query). The template names each donor by `Donation.public_name`
        ("Anonymous" unless they chose to show their name publicly); emails are never shown,
        amounts only when the donor agreed (`show_amount_publicly`)."""
        return (
            standing_gifts(
                Donation.objects.filter(
                    page__path__startswith=self.path,
                    page__depth__lte=self.depth + 1,
                    page__live=True,
                    status__in=Donation.COUNTED_STATES,
                )
            )
            .select_related("page")
            .order_by("-paid_at", "-pk")[:limit]
        )

    def milestone(self, progress=None):
        """The highest milestone the campaign reached (`BANNER_MILESTONES`), as {"percent",
        "headline"}, or None below 25% or with no goal. Exact: $2,500 of $10,000 is 25%."""
        progress = progress or self.progress()
        raised, goal = progress["raised_cents"], progress["goal_cents"]
        if not goal:
            return None
        for percent, headline in BANNER_MILESTONES:
            if raised * 100 >= goal * percent:
                return {"percent": percent, "headline": headline}
        return None

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        progress = self.progress()
        context.update(
            progress=progress,
            milestone=self.milestone(progress),
            recent_donations=self.recent_gifts(),
            top_fundraisers=self.top_fundraisers(),
            top_teams=self.top_teams(),
            payments_by_stripe=stripe_enabled(),
        )
        return context


def donation_form_for(campaign, data=None, *, page_has_owner=False):
    """`DonationForm` bound to `data` (or unbound) in `campaign`'s currency; its preset
    amounts are `campaign.suggested_amounts` (minor units, whole units of the currency)
    when set, else the form's own. The middle suggestion is chosen to start with.
    `page_has_owner`: the form is for a supporter's page (offer "only the page's owner")."""

    form = DonationForm(data, currency=campaign.currency, page_has_owner=page_has_owner)
    if campaign.suggested_amounts:
        unit = minor_units(campaign.currency)
        presets = [str(cents // unit) for cents in campaign.suggested_amounts]
        field = form.fields["amount"]
        field.choices = [
            (units, format_money(int(units) * unit, campaign.currency)) for units in presets
        ] + [(OTHER, "Other amount")]
        if field.initial not in presets:
            field.initial = presets[(len(presets) - 1) // 2]
    return form


def recent_public_donations(page_id, limit=10):
    """Paid gifts to page `page_id` whose donors chose to show their name publicly (first
    name and last initial, by `Donation.public_name`), newest first; never their email, and
    the amount only if they agreed (`show_amount_publicly`)."""
    return (
        standing_gifts(
            Donation.objects.filter(
                page_id=page_id,
                status__in=Donation.COUNTED_STATES,
                name_shown=Donation.NameShown.PUBLIC,
                name_hidden=False,  # staff hid the name since
            )
        )
        .only(
            "first_name",
            "last_name",
            "name_shown",
            "name_hidden",
            "message_hidden",
            "show_amount_publicly",
            "amount_cents",
            "currency",
            "message",
            "paid_at",
        )
        .order_by("-paid_at")[:limit]
    )


def progress_toward(total, goal_cents, currency):
    """{"raised_cents", "goal_cents", "currency", "donation_count", "percent"} for a
    `DonationTotal` reading `total` against `goal_cents` (cents), percent capped at 100."""
    return {
        "raised_cents": total.amount_cents,
        "goal_cents": goal_cents,
        "currency": currency,
        "donation_count": total.donation_count,
        "percent": min(100, total.amount_cents * 100 // goal_cents) if goal_cents else 0,
    }


class TeamPage(GivingPageMixin, Page):
    """A group of supporters' pages under one campaign (a church, a school, a company),
    with its own goal. Its members are the fundraiser pages whose `team` is this page."""

    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="captained_teams",
        help_text="The supporter who created the team.",
    )
    goal_cents = models.PositiveBigIntegerField(
        "goal", help_text="The amount the team means to raise, in the campaign's currency."
    )
    description = models.TextField(
        blank=True, max_length=2000, help_text="Who the team is, in a few sentences."
    )

    base_form_class = GoalPageForm

    content_panels = Page.content_panels + [
        FieldPanel("captain"),
        FieldPanel("goal_cents"),
        FieldPanel("description"),
    ]

    search_fields = Page.search_fields + [index.SearchField("description")]

    parent_page_types = ["campaigns.FundraisingCampaignPage"]
    subpage_types = []

    class Meta:
        verbose_name = "fundraising team"

    @property
    def campaign(self):
        """The campaign this team is part of (its parent), cached per instance."""
        if not hasattr(self, "_campaign"):
            self._campaign = FundraisingCampaignPage.objects.ancestor_of(self).first()
        return self._campaign

    @property
    def currency(self):
        """Gifts to the team are in its campaign's currency (the donate form and `give` read it)."""
        return self.campaign.currency

    @property
    def accepts_donations(self):
        """Gifts are taken while the team is live and its campaign takes gifts. A gift to the
        team counts on the team and its campaign (`counts_gifts_below`), as its members'
        gifts do."""
        return self.live and self.campaign is not None and self.campaign.accepts_donations

    def donation_form(self, data=None):
        """The campaign's donate form (its currency and suggested amounts). No "only the
        page's owner" choice: the captain is not told of gifts to the team."""
        return donation_form_for(self.campaign, data)

    @property
    def captain_public_name(self):
        """The captain as public pages name them (`public_name_of`): "Jordan E."."""
        return public_name_of(self.captain)

    def visitor_share_text(self):
        """What a visitor shares, in their own voice: "Help Grace Church raise $2,000 for
        Spring into Action" (the team's goal in the campaign's currency, `format_money`)."""
        return gettext("Help %(team)s raise %(goal)s for %(campaign)s") % {
            "team": self.title,
            "goal": format_money(self.goal_cents, self.campaign.currency),
            "campaign": self.campaign.title,
        }

    def donor_share_text(self):
        """What a donor shares after giving to the team: "I just gave to Grace Church"."""
        return gettext("I just gave to %(title)s") % {"title": self.title}

    def share_links(self, request=None):
        """(label, href) pairs sharing the team's public address in the visitor's voice."""

        return share_links(public_url(self, request), self.visitor_share_text())

    def live_members(self):
        """The team's live, public fundraiser pages with their owners, each with
        `raised_cents` and `gift_count`, most raised first: one query however many."""
        members = self.member_pages.live().public().select_related("supporter")
        return with_raised(members).order_by("-raised_cents", "title", "pk")

    def progress(self):
        """Raised toward the team's goal, by gifts to the team and to its members' pages, as
        `progress_toward` gives it (`DonationTotal` counts a member page's gifts on its team:
        `FundraiserPage.gift_level_fields`)."""
        total = DonationTotal.objects.total(page=self.pk)
        return progress_toward(total, self.goal_cents, self.campaign.currency)

    def get_context(self, request, *args, **kwargs):
        """The team, its members with their totals, its progress, and its donate form
        (`form`: one posted with errors, else the team's own empty one)."""

        context = super().get_context(request, *args, **kwargs)
        context.update(
            campaign=self.campaign,
            members=self.live_members(),
            progress=self.progress(),
            recent_donations=recent_public_donations(self.pk),
            payments_by_stripe=stripe_enabled(),
            share_url=public_url(self, request),
            share_links=self.share_links(request),
        )
        return context


class FundraiserPage(GivingPageMixin, Page):
    """A supporter's own page in a campaign: their photo, story and goal, and a donate form.

    Opened and edited by its owner from the public site (`campaigns.services`),
    never the Wagtail admin; each change is a revision, so staff moderate it
    with the campaign's workflow. The owner is this row's `supporter`, not
    Wagtail's `owner` (which staff can change and a revision can rewrite).
    No total is stored here: `DonationTotal.objects.total(page=...)` reads it.
    """

    # PROTECT: a page that collected gifts under a person's name is never left
    # ownerless by deleting their account; staff unpublish or reassign it first.
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fundraiser_pages",
        verbose_name="owner",
        help_text="The supporter whose page this is.",
    )
    goal_cents = models.PositiveBigIntegerField(
        "personal goal", help_text="The amount the supporter means to raise."
    )
    story = models.TextField(max_length=5000, help_text="Plain paragraphs, in the owner's words.")
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The owner's photo, shown beside their story.",
    )
    team = models.ForeignKey(
        "campaigns.TeamPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_pages",
        help_text="The team this page raises money with, if any.",
    )
    # What "find a fundraiser" searches: the title and the owner's first and last name,
    # folded (`fold_for_search`), so "jose" finds "José Álvarez" on any database. Kept
    # up to date by `save`.
    search_text = models.TextField(blank=True, default="", editable=False)
    # When staff took the page down (`campaigns.takedown`), until they put it back; None
    # otherwise. Not content: `with_content_json` keeps the row's value whatever revision is
    # restored, so no approval, schedule, old revision or edit of the owner's brings the page
    # back, and `publish` refuses while it is set.
    taken_down_at = models.DateTimeField(null=True, blank=True, editable=False)

    base_form_class = GoalPageForm

    # A gift to the page counts on its team's total too, and on its campaign's
    # (`counts_gifts_below`): `donations.models.gift_levels`. `campaigns.signals` rebuilds
    # the two teams' totals when a page changes team.
    gift_level_fields = ("team",)

    content_panels = Page.content_panels + [
        FieldPanel("supporter"),
        FieldPanel("goal_cents"),
        FieldPanel("story"),
        FieldPanel("photo"),
        FieldPanel("team"),
    ]

    search_fields = Page.search_fields + [index.SearchField("story")]

    parent_page_types = ["campaigns.FundraisingCampaignPage"]
    subpage_types = []
    exclude_fields_in_copy = ["taken_down_at"]

    class Meta:
        verbose_name = "fundraiser page"

    def save(self, *args, **kwargs):
        """Save, with `search_text` refolded from the title and the owner's names (and
        saved too when `update_fields` names the title or owner)."""
        self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "supporter", "supporter_id"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        """The page as a revision's `content` has it, with the row's take-down kept (see
        `taken_down_at`)."""
        page = super().with_content_json(content)
        page.taken_down_at = self.taken_down_at
        return page

    @property
    def status_string(self):
        """Wagtail's status, and "taken down" while staff hold the page down (the admin's
        listings would otherwise call it "draft", like a page never published)."""
        if self.taken_down_at is not None:
            return "taken down"
        return super().status_string

    def permissions_for_user(self, user):
        """Wagtail's permissions on the page, with the take-down rules of
        `FundraiserPagePermissionTester`."""
        return FundraiserPagePermissionTester(user, self)

    def publish(self, revision, *args, **kwargs):
        """Publish `revision` as Wagtail does, unless staff took the page down: every way a
        page goes live (the edit view, a workflow's approval, a schedule, a bulk action, the
        owner's edit) comes here. The row is locked first, so a take-down and a publish
        never cross. Raises `PageTakenDown` (a Wagtail `PublishPermissionError`) while the
        page is down; `campaigns.takedown.put_back` lifts the take-down first."""
        with transaction.atomic():
            held = (
                FundraiserPage.objects.select_for_update()
                .filter(pk=self.pk, taken_down_at__isnull=False)
                .exists()
            )
            if held:
                raise PageTakenDown(
                    f"{self.title} was taken down by staff: put it back up before publishing it."
                )
            return super().publish(revision, *args, **kwargs)

    def searchable_text(self):
        """The folded title and owner's first and last name (`fold_for_search`)."""
        owner = self.supporter if self.supporter_id else None
        names = (owner.first_name, owner.last_name) if owner else ()
        return search_text_of(self.title, *names)

    @property
    def campaign(self):
        """The campaign this page is part of (its parent), cached per instance."""
        if not hasattr(self, "_campaign"):
            self._campaign = FundraisingCampaignPage.objects.ancestor_of(self).first()
        return self._campaign

    @property
    def owner_public_name(self):
        """The owner as the public page names them: first name and last initial ("Maria L."),
        as donors are named; "" if they gave no name. Never their email."""
        return public_name_of(self.supporter)

    @property
    def currency(self):
        """Gifts to the page are in its campaign's currency (the donate form and `give` read it)."""
        return self.campaign.currency

    @property
    def accepts_donations(self):
        """Gifts are taken while the page is live and its campaign takes gifts."""
        return self.live and self.campaign is not None and self.campaign.accepts_donations

    def donation_form(self, data=None):
        """The campaign's donate form (its currency and suggested amounts) for this page,
        which has an owner to show a donor's name to."""
        return donation_form_for(self.campaign, data, page_has_owner=True)

    def progress(self):
        """Raised toward the personal goal, as `progress_toward` gives it."""
        total = DonationTotal.objects.total(page=self.pk)
        return progress_toward(total, self.goal_cents, self.currency)

    # Share text by voice: the public page speaks as its visitor, the owner's dashboard as
    # the owner, the thank-you page as the donor. `northstar.sharing.share_links` builds the
    # links from whichever the caller picks.

    def visitor_share_text(self):
        """What a visitor to the page shares: "Help Jordan raise $500 for Spring into Action"
        (the owner's first name, the page's goal by `format_money`); "Help raise $500 for
        Spring into Action: <title>" when the owner gave no first name. Never "Help me"."""
        values = {
            "name": self.supporter.first_name.strip(),
            "goal": format_money(self.goal_cents, self.currency),
            "campaign": self.campaign.title,
            "title": self.title,
        }
        if values["name"]:
            return gettext("Help %(name)s raise %(goal)s for %(campaign)s") % values
        return gettext("Help raise %(goal)s for %(campaign)s: %(title)s") % values

    def owner_share_text(self):
        """What the owner shares from their dashboard: "Help me raise $500 for Spring into
        Action: Jordan's spring 10K for survivors"."""
        return gettext("Help me raise %(goal)s for %(campaign)s: %(title)s") % {
            "goal": format_money(self.goal_cents, self.currency),
            "campaign": self.campaign.title,
            "title": self.title,
        }

    def donor_share_text(self):
        """What a donor shares after giving: "I just gave to Jordan's spring 10K for
        survivors"."""
        return gettext("I just gave to %(title)s") % {"title": self.title}

    def share_links(self, request=None, text=None):
        """(label, href) pairs sharing the page's public address with `text`; the visitor's
        voice (`visitor_share_text`) unless the caller picks another."""

        url = public_url(self, request)
        return share_links(url, text or self.visitor_share_text())

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        campaign = self.campaign
        context.update(
            campaign=campaign,
            progress=self.progress(),
            campaign_progress=campaign.progress(),
            recent_donations=recent_public_donations(self.pk),
            payments_by_stripe=stripe_enabled(),
            share_url=public_url(self, request),
            share_links=self.share_links(request),
        )
        return context


class PageTakenDown(PublishPermissionError):
    """A fundraiser page staff took down cannot be published until they put it back."""


class FundraiserPagePermissionTester(PagePermissionTester):
    """Wagtail's permissions on a fundraiser page, with the take-down rules: Wagtail's plain
    Unpublish is never offered (staff take a page down with a reason, which its owner is
    emailed: `can_take_down`), and while staff hold a page down nothing offers to publish
    it, submit it for moderation or schedule it, until staff put it back (`can_put_back`)."""

    def can_unpublish(self):
        return False

    def can_take_down(self):
        # Who may publish the page may take it down, even while it is locked or scheduled
        # (Wagtail's can_unpublish refuses both): a take-down is for safety and wins over them.
        return (
            self.user.is_active
            and self.page.live
            and (self.user.is_superuser or "publish" in self.permissions)
        )

    def can_publish(self):
        return self.page.taken_down_at is None and super().can_publish()

    def can_submit_for_moderation(self):
        return self.page.taken_down_at is None and super().can_submit_for_moderation()

    def can_put_back(self):
        return self.page.taken_down_at is not None and super().can_publish()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def refold_owners_pages(sender, instance, update_fields=None, raw=False, **kwargs):
    """When a supporter's name changes, their pages' `search_text` follows (one UPDATE per
    page they own; nothing when a save names other fields only, as a login's does)."""
    if raw or (update_fields is not None and not {"first_name", "last_name"} & set(update_fields)):
        return
    pages = FundraiserPage.objects.filter(supporter=instance).only("pk", "title", "search_text")
    for page in pages:
        page.supporter = instance
        text = page.searchable_text()
        if text != page.search_text:
            FundraiserPage.objects.filter(pk=page.pk).update(search_text=text)


def refold_search_text(pages=None) -> int:
    """Refold the `search_text` of `pages` (a `FundraiserPage` queryset, of the current or a
    migration's historical model; None: every page) from their titles and owners' names by
    the current `fold_for_search`, after the folding changed. Reads in batches of 500 with
    the owners in the same query; one UPDATE per page whose text changes. Returns how many
    changed."""
    if pages is None:
        pages = FundraiserPage.objects.all()
    pages = pages.select_related("supporter").only(
        "pk", "title", "search_text", "supporter__first_name", "supporter__last_name"
    )
    changed = 0
    for page in pages.order_by("pk").iterator(chunk_size=500):
        owner = page.supporter
        text = search_text_of(page.title, owner.first_name, owner.last_name)
        if text != page.search_text:
            type(page).objects.filter(pk=page.pk).update(search_text=text)
            changed += 1
    return changed


def live_campaign():
    """The campaign to ask supporters to give to: live, public, taking gifts, ending soonest."""
    return (
        FundraisingCampaignPage.objects.live()
        .public()
        .accepting_gifts()
        .order_by("deadline", "pk")
        .first()
    )


def ask_to_give_context():
    """What the "ask to give" card shows (None: no campaign is live), a second old at most."""

    def find():
        campaign = live_campaign()
        if campaign is None:
            return None
        return {"campaign": campaign, "progress": campaign.progress()}

    return recent_asks.get("ask", find)


# --- Ask five friends: one friend asked by a page's owner (services: `campaigns.invitations`) ---


def new_invitation_token():
    """The unguessable part of an invitation's link (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def of_campaign(self, campaign):
        """The invitations sent from the fundraiser pages of `campaign` (a campaign page)."""
        return self.filter(page__path__startswith=campaign.path, page__depth=campaign.depth + 1)

    def counts(self):
        """{"sent": invitations sent, "gave": those that led to a paid gift} of this queryset.

        Erased invitations count too: erasure blanks the address, not the state. Invitations
        still held (their page never went live) were not sent and are not counted.
        """
        return self.aggregate(
            sent=models.Count("pk", filter=models.Q(state__in=Invitation.SENT_STATES)),
            gave=models.Count("pk", filter=models.Q(state=Invitation.State.GAVE)),
        )


class Invitation(models.Model):
    """One friend asked by a fundraiser page's owner to give, with their own link."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class State(models.TextChoices):
        HELD = "held", "Will be sent when your page is live"
        SENT = "sent", "Sent"
        GAVE = "gave", "Gave"
        BOUNCED = "bounced", "Bounced"  # ready for when bounces are tracked; unused yet
        STOPPED = "stopped", "Asked for no more emails"

    # The states in which the owner may remind the friend (`remind` says why not, otherwise).
    REMINDABLE_STATES = (State.SENT, State.BOUNCED)
    # The states of an invitation whose email went out.
    SENT_STATES = (State.SENT, State.GAVE, State.BOUNCED, State.STOPPED)

    page = models.ForeignKey(
        "campaigns.FundraiserPage",
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The fundraiser page whose owner sent the invitation.",
    )
    # Blank once erased (30 days after the campaign's deadline).
    name = models.CharField("friend's name", max_length=100, blank=True)
    email = models.EmailField("friend's email", max_length=254, blank=True)
    # The owner's own words to the friend (blank: the default wording alone). Blank once erased.
    note = models.TextField("owner's note", max_length=500, blank=True, default="")
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    state = models.CharField(max_length=10, choices=State, default=State.SENT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitation was queued in the outbox."
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    gave_at = models.DateTimeField(null=True, blank=True)
    donation = models.ForeignKey(
        "donations.Donation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The paid gift made through the invitation's link.",
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the friend's name and email were blanked."
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One invitation per address per page, compared without regard to case
            # (erased rows, whose email is blank, are left out).
            models.UniqueConstraint(
                "page",
                Lower("email"),
                condition=~models.Q(email=""),
                name="one_invitation_per_address_per_page",
            ),
        ]

    def __str__(self):
        return f"Invitation {self.pk} ({self.get_state_display()})"

    @property
    def may_be_reminded(self):
        """The friend neither gave nor asked for no more emails, and their address is kept."""
        return self.state in self.REMINDABLE_STATES and bool(self.email)


# --- Owner notices: gifts told and milestones reached (services: `campaigns.notifications`) ---


class FundraiserNotice(models.Model):
    """A fundraiser page's notice state: the row gifts to the page lock one at a time, and
    when the first gift not yet told to its owner arrived (None: nothing waiting)."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    page = models.OneToOneField(
        "campaigns.FundraiserPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    first_untold_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "fundraiser notice state"

    def __str__(self):
        return f"Notices for page {self.page_id}"


class GiftNotice(models.Model):
    """One paid gift to a fundraiser page, and the "someone gave" email that told its owner
    (`told_at` None: not told yet)."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    donation = models.OneToOneField(
        Donation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    page = models.ForeignKey("campaigns.FundraiserPage", on_delete=models.CASCADE, related_name="+")
    told_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        "northstar.OutboundEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["page", "told_at"])]

    def __str__(self):
        return f"Gift {self.donation_id} to page {self.page_id}"


class FundraiserMilestone(models.Model):
    """A page's total reached `percent` of its personal goal: its owner was emailed once."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    page = models.ForeignKey("campaigns.FundraiserPage", on_delete=models.CASCADE, related_name="+")
    percent = models.PositiveSmallIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)
    raised_cents = models.BigIntegerField(help_text="The page's total when it was reached.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "percent"], name="one_milestone_per_percent"),
        ]

    def __str__(self):
        return f"{self.percent}% of page {self.page_id}"
