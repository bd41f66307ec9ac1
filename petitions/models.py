"""Petitions: the page staff write, the decision makers it goes to, and the signatures.

Counts live in `SignatureCount`, never on the page: Wagtail stores page fields
in every revision, and publishing an old draft would write back a stale count.
"""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.log_actions import log
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from northstar.blocks import BaseStreamBlock
from northstar.counters import ShardedCounter
from northstar.log_actions import DELIVERY_POSTED, DELIVERY_RESENT, delivery_data
from northstar.memo import Memo

from .admin_forms import PetitionPageForm, PetitionUpdateForm, state_codes
from .jurisdictions import JURISDICTION_CHOICES, jurisdiction_name, place_name

delivery_log = logging.getLogger("petitions.delivery")

# What signing reads about petitions and targets may be this old (see northstar.memo).
recent_petitions = Memo(seconds=1)
recent_targets = Memo(seconds=1)

# The signature goals a petition page shows next ("Help us reach 5,000").
SIGNATURE_GOALS = (100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000)


def next_milestone(count):
    """The first milestone above `count`: 100, 500, 1,000, 5,000, 10,000, 50,000, ..."""
    for milestone in SIGNATURE_GOALS:
        if count < milestone:
            return milestone
    return (count // 1_000_000 + 1) * 1_000_000


class DeliverySchedule(models.TextChoices):
    OFF = "off", "Off (staff deliver by hand)"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    THRESHOLD = "threshold", "When enough signatures for one target have gathered"


class TargetGroup(models.TextChoices):
    ATTORNEYS_GENERAL = "attorneys_general", "Your state's Attorney General"


# The title of each group's office holders, for an office named before its target exists.
GROUP_TITLES = {TargetGroup.ATTORNEYS_GENERAL: "Attorney General"}


class Target(index.Indexed, models.Model):
    """A decision maker who receives signatures: one office in one jurisdiction."""

    group = models.CharField(
        max_length=40, choices=TargetGroup, default=TargetGroup.ATTORNEYS_GENERAL
    )
    jurisdiction = models.CharField(
        max_length=2, choices=JURISDICTION_CHOICES, help_text="State or territory code."
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="The office holder. Empty while the office is vacant."
    )
    title = models.CharField(max_length=120, default="Attorney General")
    office = models.CharField(
        max_length=200, blank=True, help_text="e.g. Office of the Texas Attorney General."
    )
    email = models.EmailField(
        blank=True, help_text="Leave empty if the office takes no email: delivery is then by post."
    )
    postal_address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    term_end = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="For staff: what to check or complete.")
    source = models.CharField(max_length=300, blank=True, help_text="Where the row came from.")
    active = models.BooleanField(default=True)
    loaded_values = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The values of the last data-set load, to tell staff edits from stale data.",
    )

    panels = [
        FieldRowPanel([FieldPanel("jurisdiction"), FieldPanel("group")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
        FieldPanel("office"),
        MultiFieldPanel(
            [
                FieldPanel("email"),
                FieldPanel("postal_address"),
                FieldPanel("phone"),
                FieldPanel("website"),
            ],
            heading="Contact",
        ),
        FieldRowPanel([FieldPanel("term_end"), FieldPanel("active")]),
        FieldPanel("note"),
        FieldPanel("source", read_only=True),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("office"),
        index.AutocompleteField("name"),
        index.FilterField("jurisdiction"),
    ]

    class Meta:
        ordering = ["jurisdiction"]
        constraints = [
            models.UniqueConstraint(fields=["group", "jurisdiction"], name="one_target_per_office"),
        ]

    def __str__(self):
        who = self.name or "(vacant)"
        return f"{self.office_title}: {who}"

    @classmethod
    def office_for(cls, group, state):
        """The active target for `state` in `group`, else its `stand_in`: what to name."""
        return cls.for_state(group, state) or cls.stand_in(group, state)

    @classmethod
    def stand_in(cls, group, state):
        """An unsaved target for `state` in `group` with no office holder, to name the office
        when no target exists yet ("the Attorney General of Texas")."""
        return cls(group=group, jurisdiction=state, title=GROUP_TITLES.get(group, ""))

    @property
    def jurisdiction_name(self):
        """The jurisdiction's bare name ("District of Columbia"), for lists and sorting."""
        return jurisdiction_name(self.jurisdiction)

    @property
    def place(self):
        """The jurisdiction as it reads in a sentence: "the District of Columbia", "Texas"."""
        return place_name(self.jurisdiction)

    @property
    def display_title(self):
        """The office holder's title ("Attorney General"), else the title of the target group's."""
        return self.title.strip() or GROUP_TITLES.get(self.group, "Decision maker")

    @property
    def office_title(self):
        """ "Attorney General of the District of Columbia": the title and the place as it reads
        in a sentence (`petitions.jurisdictions.place_name`)."""
        return f"{self.display_title} of {self.place}"

    def addressed_as(self, with_name=True):
        """The one way to name this office in a sentence, wherever the site names it.

        "the Attorney General of the District of Columbia"; with the office
        holder's name when asked and known: "the Attorney General of Texas, Ken Paxton".
        """
        who = f", {self.name.strip()}" if with_name and self.name.strip() else ""
        return f"the {self.office_title}{who}"

    @property
    def delivery_channel(self):
        """How signatures reach this office: `Delivery.Channel.EMAIL` to its `email`, or
        `Delivery.Channel.POST` (a packet staff print) when it takes no email."""
        return Delivery.Channel.EMAIL if self.email else Delivery.Channel.POST

    @classmethod
    def for_state(cls, group, state):
        """The active target for `state` in `group`, as of at most a second ago."""
        return recent_targets.get(
            (group, state),
            lambda: cls.objects.filter(group=group, jurisdiction=state, active=True).first(),
        )


class PetitionPageQuerySet(PageQuerySet):
    """Petitions by whether they take signatures, in SQL, as `PetitionPage.is_open` decides.

    Close dates are stored as aware times, so "now" is the same instant in the
    site's time zone and in the database's.
    """

    def open(self, now=None):
        """Petitions that take signatures at `now` (default: this moment): status open and
        no close date, or one still ahead."""
        now = now or timezone.now()
        return self.filter(
            models.Q(close_date__isnull=True) | models.Q(close_date__gt=now),
            status=PetitionPage.Status.OPEN,
        )

    def closed(self, now=None):
        """Petitions that no longer take signatures at `now`: closed, won, or past their
        close date."""
        now = now or timezone.now()
        return self.filter(
            ~models.Q(status=PetitionPage.Status.OPEN) | models.Q(close_date__lte=now)
        )


class PetitionPage(RoutablePageMixin, Page):
    """A petition to decision makers, signed by supporters on the public site."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        VICTORY = "victory", "Victory"

    summary = models.TextField(
        max_length=500, help_text="One or two sentences: shown under the title and when shared."
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A wide photograph for the top of the petition.",
    )
    hero_credit = models.CharField(
        max_length=200, blank=True, help_text="Photo credit shown under the image."
    )
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)
    letter = models.TextField(
        help_text=(
            "The letter sent to each decision maker with the signatures. "
            "Start with the request; the greeting is added for you."
        )
    )
    target_group = models.CharField(
        max_length=40,
        choices=TargetGroup,
        default=TargetGroup.ATTORNEYS_GENERAL,
        help_text="Who receives each signature.",
    )
    signature_goal = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Leave empty to show the next milestone (100, 500, 1,000, 5,000 ...).",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    victory_text = RichTextField(
        blank=True, features=["bold", "italic", "link"], help_text="Shown in the victory banner."
    )
    close_date = models.DateTimeField(
        null=True, blank=True, help_text="The petition closes itself at this time."
    )
    require_confirmation = models.BooleanField(
        default=True,
        help_text="Signers confirm by email before their signature counts (recommended).",
    )
    thank_you_text = models.TextField(
        blank=True,
        default="Thank you for adding your name. Now help it grow: share this petition.",
    )
    share_text = models.CharField(
        max_length=280, blank=True, help_text="Suggested text when a signer shares the petition."
    )
    delivery_schedule = models.CharField(
        max_length=10,
        choices=DeliverySchedule,
        default=DeliverySchedule.WEEKLY,
        help_text="When confirmed signatures are delivered to their decision makers.",
    )
    delivery_threshold = models.PositiveIntegerField(
        default=100,
        help_text="With 'when enough have gathered': deliver once a target has this many waiting.",
    )
    share_signer_emails = models.BooleanField(
        default=False,
        help_text=(
            "Offer signers the choice to include their email address in what the decision "
            "maker receives. Off: deliveries carry names, ZIP codes, states and comments only."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_credit")], heading="Image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("target_group"),
                FieldPanel("letter"),
                FieldPanel("delivery_schedule"),
                FieldPanel("delivery_threshold"),
                FieldPanel("share_signer_emails"),
            ],
            heading="Delivery",
        ),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("victory_text"),
                FieldPanel("close_date"),
                FieldPanel("signature_goal"),
                FieldPanel("require_confirmation"),
            ],
            heading="Status and signing",
        ),
        MultiFieldPanel(
            [FieldPanel("thank_you_text"), FieldPanel("share_text")], heading="After signing"
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["northstar.HomePage"]
    subpage_types = []

    base_form_class = PetitionPageForm

    objects = PageManager.from_queryset(PetitionPageQuerySet)()

    @property
    def is_open(self):
        """Whether this petition takes signatures now; `PetitionPage.objects.open()` agrees."""
        if self.status != self.Status.OPEN:
            return False
        return self.close_date is None or self.close_date > timezone.now()

    @property
    def is_victory(self):
        return self.status == self.Status.VICTORY

    def recipient_line(self, state):
        """ "Your signature goes to ..." for a signer from `state` (`Target.addressed_as`)."""
        office = Target.office_for(self.target_group, state)
        return f"Your signature goes to {office.addressed_as()}."

    def sign_url(self):
        """Where the sign form posts: the one address that takes a signature."""
        return reverse("petitions:sign", args=[self.pk])

    def thank_you_url(self):
        return recent_petitions.get(
            ("thank-you", self.pk), lambda: self.url + self.reverse_subpage("thank_you")
        )

    def signature_count(self):
        return SignatureCount.objects.total(petition=self.pk).count

    def goal_for(self, count):
        return self.signature_goal or next_milestone(count)

    def recent_public_signatures(self, limit=10):
        return (
            Signature.objects.filter(
                petition_id=self.pk, status__in=Signature.COUNTED_STATES, show_publicly=True
            )
            .only("first_name", "last_name", "state", "comment", "confirmed_at")
            .order_by("-confirmed_at")[:limit]
        )

    def published_updates(self):
        return self.updates.filter(show_on_page=True).select_related("target", "document")

    def get_context(self, request, *args, **kwargs):
        """The count, goal, recent signers and updates; the view adds the sign form."""
        context = super().get_context(request, *args, **kwargs)
        count = self.signature_count()
        goal = self.goal_for(count)
        context.update(
            signature_count=count,
            goal=goal,
            goal_percent=min(100, count * 100 // goal) if goal else 0,
            recent_signatures=self.recent_public_signatures(),
            updates=self.published_updates(),
        )
        return context

    @path("")
    def petition(self, request):
        from .views import petition_page

        return petition_page(request, self)

    @path("thank-you/")
    def thank_you(self, request):
        from .views import thank_you

        return thank_you(request, self)

    @path("recipient/")
    def lookup_recipient(self, request):
        from .views import lookup_recipient

        return lookup_recipient(request, self)


def signable_petition(petition_id):
    """The live, unrestricted petition `petition_id` (or None), as of at most a second ago."""

    def find():
        petition = PetitionPage.objects.live().filter(pk=petition_id).first()
        if petition is None or petition.get_view_restrictions().exists():
            return None
        return petition

    return recent_petitions.get(petition_id, find)


class SignatureQuerySet(models.QuerySet):
    def awaiting_confirmation_email(self):
        """Pending signatures whose confirmation email has not been queued yet."""
        return self.filter(
            status=Signature.Status.PENDING, confirmation_sent_at__isnull=True
        ).order_by("created_at")


class Signature(models.Model):
    """One supporter's signature on one petition (one per email address)."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting email confirmation"
        CONFIRMED = "confirmed", "Confirmed"

    COUNTED_STATES = (Status.CONFIRMED,)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    petition = models.ForeignKey(
        PetitionPage,
        on_delete=models.CASCADE,
        related_name="signatures",
        db_index=False,  # (petition, email) and `signature_confirmed` lead with it
    )
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        # Only a staff member deleting an office reads signatures by target alone (a scan,
        # once); delivery reads them through `signature_awaiting_delivery`.
        db_index=False,
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    zip_code = models.CharField("ZIP code", max_length=10)
    state = models.CharField(max_length=2, choices=JURISDICTION_CHOICES)
    comment = models.TextField(max_length=500, blank=True)
    show_publicly = models.BooleanField(default=False)
    opt_in_updates = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    share_email_with_target = models.BooleanField(
        default=False, help_text="The signer agreed that the decision maker may see their email."
    )
    delivery = models.ForeignKey(
        "Delivery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="The one delivery that carries this signature (set once, never changed).",
        db_index=False,  # `signature_in_delivery`: only the rows a delivery holds
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "email"], name="one_signature_per_email"),
        ]
        # Every index that holds a new signature costs each signing an insertion; a new
        # signature is pending and undelivered, so the partial indexes below on confirmed or
        # delivered rows cost it nothing. Everything that reads by `confirmed_at` reads
        # counted (confirmed) signatures only: the page's recent signers, the reports and the
        # update recipients. The daily purge of expired pending signatures scans the table
        # rather than every signing keeping a (status, created_at) index for it.
        indexes = [
            models.Index(
                fields=["petition", "confirmed_at"],
                condition=models.Q(status="confirmed"),
                name="signature_confirmed",
            ),
            models.Index(
                fields=["petition", "target"],
                condition=models.Q(status="confirmed", delivery__isnull=True),
                name="signature_awaiting_delivery",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending", confirmation_sent_at__isnull=True),
                name="signature_awaiting_email",
            ),
            models.Index(
                fields=["delivery"],
                condition=models.Q(delivery__isnull=False),
                name="signature_in_delivery",
            ),
        ]

    def __str__(self):
        return f"{self.public_name} on {self.petition_id}"

    @property
    def is_counted(self):
        return self.status in self.COUNTED_STATES

    @property
    def public_name(self):
        """First name and last initial: all that any public page shows of a signer."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    @property
    def state_name(self):
        return jurisdiction_name(self.state)

    @property
    def office(self):
        """The `Target` this signature goes to: its own, else the office its state's target
        will hold (`Target.stand_in`). Name it with `office.addressed_as`."""
        return self.target or Target.stand_in(self.petition.target_group, self.state)


class SignatureCount(ShardedCounter):
    """Confirmed signatures of one petition from one state, spread over `SHARDS` rows.

    `SignatureCount.objects.add(petition_id, state, count=1)` when a signature
    is confirmed; `total(petition=...)` for the page's "Join 2,424
    supporters"; `totals(by=["state"], petition=...)` for the report.
    """

    key_fields = ("petition", "state")
    amount_fields = ("count",)

    petition = models.ForeignKey(PetitionPage, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=2)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "state", "shard"], name="one_count_row_per_shard"
            ),
        ]

    @classmethod
    def true_values(cls, **key):
        """{(petition_id, state): {"count": n}} from the counted signatures matching `key`."""
        rows = (
            Signature.objects.filter(status__in=Signature.COUNTED_STATES, **key)
            .values_list("petition_id", "state")
            .annotate(total=models.Count("pk"))
            .order_by()
        )
        return {(petition_id, state): {"count": n} for petition_id, state, n in rows}

    @classmethod
    def describe_key(cls, key):
        petition_id, state = key
        title = PetitionPage.objects.filter(pk=petition_id).values_list("title", flat=True).first()
        return f"{title or '?'} ({petition_id}), {jurisdiction_name(state)}"

    @classmethod
    def describe_drift(cls, was, now):
        return f"counted {was.count}, signatures {now.count}"


class Delivery(models.Model):
    """One batch of signatures for one target of one petition.

    Written, with the exact signatures it carries (`Signature.delivery`), in
    the transaction that claims them, before anything is sent. A signature
    belongs to at most one delivery: the claim only takes signatures whose
    `delivery` is empty, and the column is never rewritten. The packet's files
    (PDF and CSV) are made in that transaction too and kept in the default
    storage: what was emailed or posted is what staff download ever after.
    """

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        READY = "ready", "Ready to post"
        POSTED = "posted", "Posted"
        HAND_DELIVERED = "hand_delivered", "Hand-delivered"

    # In the office's hands (or on the way there): a packet ready to post is not yet.
    DELIVERED_STATES = (Status.SENT, Status.POSTED, Status.HAND_DELIVERED)
    IN_FLIGHT_STATES = (Status.PENDING, Status.SENDING)
    PACKET_DIRECTORY = "deliveries/%Y/%m/"

    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Idempotency key carried in the message, the same on every attempt.",
    )
    petition = models.ForeignKey(PetitionPage, on_delete=models.PROTECT, related_name="deliveries")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=5, choices=Channel)
    status = models.CharField(max_length=15, choices=Status, default=Status.PENDING)
    signature_count = models.PositiveIntegerField(default=0)
    include_emails = models.BooleanField(default=False)
    recipient_email = models.EmailField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    posted_note = models.TextField(blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    packet_pdf = models.FileField(
        upload_to=PACKET_DIRECTORY,
        max_length=255,
        blank=True,
        editable=False,
        help_text="The printable packet as made when the delivery was claimed.",
    )
    packet_csv = models.FileField(
        upload_to=PACKET_DIRECTORY,
        max_length=255,
        blank=True,
        editable=False,
        help_text="The signatures as CSV, as made when the delivery was claimed.",
    )
    undrawn_names = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text='Names the packet\'s fonts could not draw: [{"row": 4, "name": "…"}].',
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.signature_count} signatures to {self.target} ({self.get_status_display()})"

    # State changes, as pretix's orders make them: each checks the state it
    # starts from in the UPDATE itself (so two workers, or a worker and staff,
    # cannot both make it), changes the row and this instance, and logs it; a change
    # made by staff also writes its entry in the petition's Wagtail history.

    def change_status(self, to, *, start, **fields):
        """Move from one of the `start` states to `to`, writing `fields` too; True if it moved.

        One conditional UPDATE: a row already moved on by someone else is left
        alone and False is returned (this instance unchanged).
        """
        moved = Delivery.objects.filter(pk=self.pk, status__in=start).update(status=to, **fields)
        if not moved:
            return False
        was, self.status = self.status, to
        for name, value in fields.items():
            setattr(self, name, value)
        delivery_log.info("Delivery %s (%s): %s -> %s", self.pk, self.channel, was, to)
        return True

    def mark_ready(self):
        """A postal delivery's packet is made: it waits for staff to print and post it.

        True if it moved from pending; False for an email delivery or any other state.
        """
        if self.channel != self.Channel.POST:
            return False
        return self.change_status(self.Status.READY, start=(self.Status.PENDING,))

    def start_sending(self):
        """Record one more attempt at emailing: pending or sending -> sending; True if it may go.

        Call it with the row locked (`select_for_update`), as
        `petitions.delivery.services.start_sending` does: the attempt count is
        read and written here. False for a postal delivery or one no longer in flight.
        """
        if self.channel != self.Channel.EMAIL or self.status not in self.IN_FLIGHT_STATES:
            return False
        return self.change_status(
            self.Status.SENDING, start=self.IN_FLIGHT_STATES, attempts=self.attempts + 1
        )

    def mark_sent(self):
        """The provider accepted the email: sending -> sent, now; True if it moved."""
        return self.change_status(
            self.Status.SENT, start=(self.Status.SENDING,), sent_at=timezone.now(), last_error=""
        )

    def mark_failed(self, reason):
        """The email cannot go (a permanent failure, or retries ran out): sending -> failed.

        `reason` (an exception or text) is kept, cut to 2,000 characters, for staff.
        """
        return self.change_status(
            self.Status.FAILED, start=(self.Status.SENDING,), last_error=str(reason)[:2000]
        )

    def mark_for_resend(self, by=None):
        """Staff send a failed email again: failed -> pending (same signatures, same key).

        True if it moved; then `DELIVERY_RESENT` is in the petition's history, as `by` (the
        staff user; None for a command), in the same transaction.
        """
        with transaction.atomic():
            moved = self.change_status(
                self.Status.PENDING, start=(self.Status.FAILED,), last_error=""
            )
            if moved:
                log(self.petition, DELIVERY_RESENT, user=by, data=delivery_data(self))
        return moved

    def mark_posted(self, by, posted_on, note="", by_hand=False):
        """Staff posted (or handed over) a ready packet on `posted_on` (a date); True if it moved.

        `by` is the staff user (None for a command or the demo loader); `note` what they
        wrote (tracking number, ...). A move writes `DELIVERY_POSTED` in the petition's
        history, with the date, note and how, in the same transaction.
        """
        status = self.Status.HAND_DELIVERED if by_hand else self.Status.POSTED
        with transaction.atomic():
            moved = self.change_status(
                status,
                start=(self.Status.READY,),
                posted_on=posted_on,
                posted_note=note,
                posted_by=by,
            )
            if moved:
                how = {"posted_on": posted_on.isoformat(), "note": note, "by_hand": by_hand}
                log(self.petition, DELIVERY_POSTED, user=by, data=delivery_data(self, **how))
        return moved


class PetitionUpdate(models.Model):
    """News about a petition: shown on its page and/or emailed once to signers who opted in.

    A target's response is an update with `target` set; a victory is announced
    with one automatically when the petition is published as victorious.
    """

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        RESPONSE = "response", "Response from a decision maker"
        VICTORY = "victory", "Victory"

    petition = models.ForeignKey(PetitionPage, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.UPDATE)
    title = models.CharField(max_length=200)
    published_on = models.DateField(default=timezone.localdate)
    body = RichTextField(features=["bold", "italic", "link", "ol", "ul"])
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a response: the decision maker who answered.",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a response: the letter or statement received.",
    )
    show_on_page = models.BooleanField(default=True, help_text="Publish it on the petition page.")
    email_signers = models.BooleanField(
        default=False,
        help_text=(
            "Email it to confirmed signers who opted in to updates. Saving with this ticked "
            "sends it, once; it cannot be unsent."
        ),
    )
    states = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Only signers from these states (codes, e.g. TX, IN). Empty: all states, or for a "
            "response, the responding office's state."
        ),
    )
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("petition"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("published_on")]),
        FieldPanel("title"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("target"), FieldPanel("document")], heading="Response"),
        FieldPanel("show_on_page"),
        MultiFieldPanel(
            [FieldPanel("email_signers"), FieldPanel("states"), FieldPanel("send_now")],
            heading="Email",
        ),
    ]
    base_form_class = PetitionUpdateForm

    class Meta:
        ordering = ["-published_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition"],
                condition=models.Q(kind="victory"),
                name="one_victory_announcement_per_petition",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def heading(self):
        if self.kind == self.Kind.RESPONSE and self.target_id:
            return f"{capfirst(self.target.addressed_as(with_name=False))} responded"
        return self.title

    def clean(self):
        """Normalise the states to upper-case codes; ValidationError naming unknown ones."""
        super().clean()
        try:
            self.states = state_codes(self.states)
        except ValidationError as error:
            raise ValidationError({"states": error.messages}) from error

    def recipient_states(self):
        """The state codes the email goes to; [] for every state."""
        if self.states:
            return sorted({str(code).strip().upper() for code in self.states})
        if self.kind == self.Kind.RESPONSE and self.target_id:
            return [self.target.jurisdiction]
        return []

    def recipients(self):
        """Confirmed signers of the petition who opted in, from the chosen states."""
        signatures = self.petition.signatures.filter(
            status__in=Signature.COUNTED_STATES, opt_in_updates=True
        )
        if states := self.recipient_states():
            signatures = signatures.filter(state__in=states)
        return signatures


class UpdateRecipient(models.Model):
    """A record that one signer was sent one update: each is sent at most once."""

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    update = models.ForeignKey(PetitionUpdate, on_delete=models.CASCADE, related_name="+")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    outbound_email = models.ForeignKey(
        "northstar.OutboundEmail", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "signature"], name="one_email_per_update"),
        ]

    def __str__(self):
        return f"update {self.update_id} to signature {self.signature_id}"
