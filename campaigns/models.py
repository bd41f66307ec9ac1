"""Fundraising campaigns: the page staff write, with a goal, a deadline and a donate form.

The total raised lives in `donations.DonationTotal`, never on the page: Wagtail
stores page fields in every revision, and publishing an old draft would write
back a stale total.
"""

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from campaigns.forms import FundraisingCampaignPageForm
from donations.models import Donation, DonationTotal
from donations.money import CURRENCY_CHOICES, DEFAULT_CURRENCY, normalise_currency
from northstar.blocks import BaseStreamBlock
from northstar.memo import Memo

# What the "ask to give" card after signing shows may be this old (see northstar.memo).
recent_asks = Memo(seconds=1)


class CampaignQuerySet(PageQuerySet):
    def accepting_gifts(self):
        """Campaigns whose last day for gifts is today or later, in the site's time zone."""
        return self.filter(deadline__gte=timezone.localdate())


class FundraisingCampaignPage(Page):
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

    objects = PageManager.from_queryset(CampaignQuerySet)()

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

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["northstar.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "fundraising campaign"

    def clean_fields(self, exclude=None):
        """The currency is stored as Stripe writes it ("USD" is kept as "usd") before it is
        checked against the currencies the project takes (anything else: ValidationError)."""
        self.currency = normalise_currency(self.currency)
        super().clean_fields(exclude=exclude)

    @property
    def accepts_donations(self):
        """Gifts are taken up to and including the deadline's day, in the site's time zone.

        (Only live pages are given to: `donations.views.givable_page` asks for one.)
        """
        return self.deadline >= timezone.localdate()

    @property
    def ask_line(self):
        return self.ask_text or f"Can you help? Give to {self.title}."

    def deadline_line(self):
        """ "Ends April 15", "Last day today" or "This campaign has ended"."""
        today = timezone.localdate()
        if self.deadline < today:
            return "This campaign has ended"
        if self.deadline == today:
            return "Last day today"
        fmt = "F j" if self.deadline.year == today.year else "F j, Y"
        return f"Ends {format_date(self.deadline, fmt)}"

    def days_left(self):
        return max(0, (self.deadline - timezone.localdate()).days)

    def totals(self):
        return DonationTotal.objects.total(page=self.pk)

    def progress(self):
        """The total raised toward the goal: amounts in cents with their currency (templates
        show them with `|money:progress.currency`), the number of gifts and a percentage."""
        totals = self.totals()
        goal = self.goal_cents
        return {
            "raised_cents": totals.amount_cents,
            "goal_cents": goal,
            "currency": self.currency,
            "donation_count": totals.donation_count,
            "percent": min(100, totals.amount_cents * 100 // goal) if goal else 0,
        }

    def recent_public_donations(self, limit=10):
        """Paid gifts whose donors agreed to show their name (never their email or amount)."""
        return (
            Donation.objects.filter(
                page_id=self.pk, status__in=Donation.COUNTED_STATES, show_name_publicly=True
            )
            .only("first_name", "last_name", "message", "paid_at")
            .order_by("-paid_at")[:limit]
        )

    def get_context(self, request, *args, form=None, **kwargs):
        from donations.forms import DonationForm
        from donations.services import stripe_enabled

        context = super().get_context(request, *args, **kwargs)
        context.update(
            progress=self.progress(),
            recent_donations=self.recent_public_donations(),
            form=form or DonationForm(currency=self.currency),
            payments_by_stripe=stripe_enabled(),
        )
        return context


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
