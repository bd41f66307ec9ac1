"""Site-wide models: the user, the home page, the organisation's settings and the email outbox."""

import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from .blocks import BaseStreamBlock


def normalise_email(email):
    """The form every email address is stored and compared in: trimmed, NFC and lower-case.

    "  Zoe\\u0308@Exämple.org " -> "zoë@exämple.org" (precomposed ë). An
    internationalised domain is kept in Unicode, as typed; NFC is applied on
    both sides of lower-casing, so the result is NFC whatever was typed.
    """
    email = unicodedata.normalize("NFC", (email or "").strip())
    return unicodedata.normalize("NFC", email.lower())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """A superuser whose address counts as verified: the operator who made it vouches for it.

        Staff log in through allauth's login (the only one), which requires a
        verified address; without this, `createsuperuser` would make an account
        that cannot log in until it confirms its address by email.
        """
        from allauth.account.models import EmailAddress

        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def get_by_natural_key(self, email):
        return self.get(email=normalise_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login: staff, or a supporter with a fundraising page.

    The email address is the login and is stored lower-case, unique.
    """

    email = models.EmailField("email address", max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the user can log in to the Wagtail admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email.split("@")[0]


# The home page shows what the feature apps have open (petitions, campaigns) without naming
# them: each registers, under this Wagtail hook, `tiles(home_page) -> dict` of context names
# for templates/northstar/home_page.html (`petition_tiles`, `campaign_tiles`).
HOME_PAGE_TILES_HOOK = "home_page_tiles"


class HomePage(Page):
    """The front door: what the organisation does, and where to act now."""

    headline = models.CharField(max_length=160, help_text="The large line at the top of the page.")
    intro = models.TextField(blank=True, help_text="One or two sentences under the headline.")
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A wide photograph for the top of the page (at least 1600 pixels wide).",
    )
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("headline"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("headline"),
        index.SearchField("intro"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    def get_context(self, request, *args, **kwargs):
        """The page's context and each app's tiles (`HOME_PAGE_TILES_HOOK`)."""
        context = super().get_context(request, *args, **kwargs)
        for tiles in hooks.get_hooks(HOME_PAGE_TILES_HOOK):
            context.update(tiles(self))
        return context


class DefaultSiteSetting(BaseSiteSetting):
    """A Wagtail site setting that code without a request can read (`for_default_site`)."""

    class Meta:
        abstract = True

    @classmethod
    def for_default_site(cls):
        """The default site's settings, or the unsaved defaults if no site exists yet.

        For what has no request to ask (email, a 400 for a host that is not allowed).
        """
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else cls()


@register_setting(icon="site")
class SiteSettings(DefaultSiteSetting):
    """The organisation's details, shown in every footer and on every receipt."""

    organisation_name = models.CharField(max_length=120, default="North Star")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header; a square or wide logo on a transparent background.",
    )
    hotline_name = models.CharField(max_length=120, default="National Human Trafficking Hotline")
    hotline_phone = models.CharField(max_length=40, default="1-888-373-7888")
    hotline_text_number = models.CharField(
        max_length=40, blank=True, default="233733", help_text="The number to text, if any."
    )
    quick_exit_url = models.URLField(
        default="https://www.google.com/search?q=weather",
        help_text="Where the Quick exit button goes: a neutral site that reveals nothing.",
    )
    legal_name = models.CharField(max_length=200, blank=True)
    ein = models.CharField("EIN", max_length=20, blank=True, help_text="Tax ID, e.g. 12-3456789.")
    postal_address = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    receipt_wording = models.TextField(
        blank=True,
        help_text="Printed on every donation receipt (tax-deductibility statement).",
    )
    monthly_giving_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "The organisation's own giving page: monthly gifts count here once the page they "
            "were given to has passed its deadline."
        ),
    )
    default_share_text = models.CharField(
        max_length=280,
        blank=True,
        help_text="Suggested text when a supporter shares a page, unless the page sets its own.",
    )
    email_from_name = models.CharField(
        "sender name",
        max_length=120,
        blank=True,
        help_text="The name every email comes from. Empty: the organisation's name.",
    )
    email_from_address = models.EmailField(
        "sender address",
        blank=True,
        help_text=(
            "The address every email comes from, on a domain your email provider has verified. "
            "Empty: the server's default sender (DEFAULT_FROM_EMAIL)."
        ),
    )
    reply_to_email = models.EmailField(
        "reply-to address",
        blank=True,
        help_text="Where replies to any email go. Empty: the contact email above, if any.",
    )
    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo"), FieldPanel("contact_email")],
            heading="Organisation",
        ),
        MultiFieldPanel(
            [
                FieldPanel("hotline_name"),
                FieldPanel("hotline_phone"),
                FieldPanel("hotline_text_number"),
                FieldPanel("quick_exit_url"),
            ],
            heading="Safety: hotline and quick exit",
        ),
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldPanel("ein"),
                FieldPanel("postal_address"),
                FieldPanel("receipt_wording"),
                FieldPanel("monthly_giving_page"),
            ],
            heading="Receipts and monthly gifts",
        ),
        MultiFieldPanel(
            [
                FieldPanel("email_from_name"),
                FieldPanel("email_from_address"),
                FieldPanel("reply_to_email"),
            ],
            heading="Email sender",
        ),
        FieldPanel("default_share_text"),
    ]

    class Meta:
        verbose_name = "site settings"


class OutboundEmailQuerySet(models.QuerySet):
    def claim_for_sending(self, pk):
        """Lock the message and mark it sending; None if someone else may be sending it.

        A queued message is claimed. A message `sending` is claimed only once its
        claim has expired (`OutboundEmail.CLAIM_EXPIRES` after it was made: the
        worker that made it died), so a task running twice, or a sweep racing a
        slow but live worker, sends it once. None too if it is gone, sent or failed.
        """
        with transaction.atomic():
            message = self.select_for_update().filter(pk=pk).first()
            if message is None or not message.claimable(timezone.now()):
                return None
            message.status = OutboundEmail.Status.SENDING
            message.attempts += 1
            message.save(update_fields=["status", "attempts", "updated_at"])
        return message

    def stalled(self, now=None):
        """Messages whose task was lost, to enqueue again (`requeue_stalled_email`).

        Queued and never tried for `LOST_AFTER` (the first task never reached a
        worker, or its worker was killed holding it); `sending` past
        `CLAIM_EXPIRES` (its worker died mid-send); queued for a retry past
        `STALL_AFTER` (longer than the longest backoff).
        """
        now = now or timezone.now()
        queued = models.Q(status=OutboundEmail.Status.QUEUED)
        return self.filter(
            (queued & models.Q(attempts=0, updated_at__lt=now - OutboundEmail.LOST_AFTER))
            | models.Q(
                status=OutboundEmail.Status.SENDING,
                updated_at__lt=now - OutboundEmail.CLAIM_EXPIRES,
            )
            | (queued & models.Q(updated_at__lt=now - OutboundEmail.STALL_AFTER))
        )


class OutboundEmail(models.Model):
    """One email to one address: written in the sender's transaction, sent by a worker.

    The row is the outbox. It makes sending idempotent (a sent message is never
    sent again by a redelivered task) and gives every message a stable
    Message-ID, so a copy sent twice in the one remaining window (a worker
    killed during the provider's call) is recognisable as the same message.
    Its context, which may hold one-time links, is emptied once sent.
    """

    wagtail_reference_index_ignore = True  # a supporter's record, not content (see README)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    SENDABLE_STATES = (Status.QUEUED, Status.SENDING)
    # A queued message never tried this long ago lost its task: beat sends it again.
    LOST_AFTER = timedelta(minutes=2)
    # A claim (`sending`) this old was made by a worker that died: another may send. A live
    # send ends well before: the provider's call times out (ANYMAIL_REQUESTS_TIMEOUT, 30 s
    # to connect and 30 s to read) and the task is killed at SEND_TIME_LIMIT.
    CLAIM_EXPIRES = timedelta(minutes=3)
    SEND_TIME_LIMIT = 120  # seconds
    # A message queued again for a retry waits at most the longest backoff (10 minutes).
    STALL_AFTER = timedelta(minutes=15)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.CharField(max_length=100)
    to = models.EmailField(max_length=254)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"

    @property
    def message_id(self):
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
        return f"<{self.uuid}@{domain}>"

    def claimable(self, now):
        """Whether a worker may claim the message now (see `claim_for_sending`)."""
        if self.status == self.Status.QUEUED:
            return True
        return self.status == self.Status.SENDING and self.updated_at < now - self.CLAIM_EXPIRES

    def release(self):
        """Give up this worker's claim after a failed try: queued again, for the retry."""
        self.status = self.Status.QUEUED
        self.save(update_fields=["status", "updated_at"])

    def mark_sent(self):
        self.status = self.Status.SENT
        self.sent_at = timezone.now()
        self.context = {}
        self.save(update_fields=["status", "sent_at", "context", "updated_at"])

    def mark_failed(self, error):
        self.status = self.Status.FAILED
        self.error = error[:2000]
        self.save(update_fields=["status", "error", "updated_at"])


class Heartbeat(models.Model):
    """When each background process last showed that it works, for `/healthz`.

    "worker": a worker ran `northstar.tasks.record_worker_heartbeat`, which beat
    sends every `HEARTBEAT_SECONDS` (so a worker connected to nothing, or gone,
    falls silent). "beat": Celery beat's scheduler ticked
    (`northstar.celery.BeatScheduler`). One row per process kind.
    """

    process = models.CharField(max_length=20, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, process):
        """Note that `process` ("worker" or "beat") is working now."""
        cls.objects.update_or_create(process=process, defaults={"beat_at": timezone.now()})
