"""Campaign forms: the admin's edit forms (money typed in dollars, stored as cents), and
the public "start a fundraiser" form a supporter fills in."""

import re

from django import forms
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm

from donations.forms import MAXIMUM_CENTS
from donations.money import (
    DEFAULT_CURRENCY,
    CurrencyField,
    InvalidAmount,
    MoneyField,
    amount_cents,
    currency_name,
    format_money,
    minor_units,
    normalise_currency,
)
from northstar.forms import NameFields, OpenedVersionMixin, TypedTextMixin
from northstar.images import ImageFileField, media_types

MAXIMUM_GOAL_CENTS = 100_000_000_000  # $1,000,000,000: a typo guard, far above any real goal
MAXIMUM_PERSONAL_GOAL_CENTS = 100_000_000  # $1,000,000 for one supporter's page
MAXIMUM_SUGGESTED_AMOUNTS = 6
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MIN_SIDE = 200  # pixels: smaller looks broken beside the story
PHOTO_MAX_SIDE = 8000
# "25, 50, 100" or "25 50 100": a comma followed by a space, or spaces, separate
# amounts; a comma inside a number ("1,000") is a thousands separator.
AMOUNT_SEPARATORS = re.compile(r"(?:,[ \t]+|[ \t;]+)")


class SuggestedAmountsField(forms.CharField):
    """Whole amounts typed in the currency's ordinary unit ("25, 50, 100, 250"), cleaned to
    a list of minor units ([2500, 5000, 10000, 25000]), in the order typed, at most six.

    Whole units only: the donate form offers each as a whole number of dollars.
    """

    def __init__(self, *, currency=DEFAULT_CURRENCY, **kwargs):
        self.currency = currency
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            unit = minor_units(self.currency)
            return ", ".join(f"{cents // unit:,}" for cents in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value).strip()
        if not text:
            return []
        amounts = []
        unit = minor_units(self.currency)
        for part in AMOUNT_SEPARATORS.split(text.strip(",; ")):
            try:
                cents = amount_cents(part, self.currency)
            except InvalidAmount as exc:
                raise forms.ValidationError(
                    f"“{part}” is not an amount: {exc} Separate amounts with a comma and a space."
                ) from exc
            if cents < unit or cents % unit:
                raise forms.ValidationError(
                    f"“{part}”: suggested amounts are whole numbers, at least "
                    f"{format_money(unit, self.currency)}."
                )
            if cents > MAXIMUM_CENTS:
                raise forms.ValidationError(
                    f"“{part}”: gifts online are at most "
                    f"{format_money(MAXIMUM_CENTS, self.currency)}, so it cannot be suggested."
                )
            amounts.append(cents)
        if len(amounts) > MAXIMUM_SUGGESTED_AMOUNTS:
            raise forms.ValidationError(
                f"Please suggest at most {MAXIMUM_SUGGESTED_AMOUNTS} amounts."
            )
        if len(set(amounts)) != len(amounts):
            raise forms.ValidationError("Each suggested amount should appear once.")
        return amounts


class FundraisingCampaignPageForm(WagtailAdminPageForm):
    """Staff type the goal as "25,000" or "25,000.00"; the page stores 2500000 (cents).

    The column stays `goal_cents` (integer minor units, as every money field);
    only what staff see and type changes, so old revisions read as before.
    """

    goal_cents = MoneyField(
        label="Goal",
        min_cents=100,
        max_cents=MAXIMUM_GOAL_CENTS,
        error_messages={
            "required": "Please enter the amount to raise, like 25,000.",
            "min_cents": "The goal must be at least %(limit)s.",
            "max_cents": "The goal can be at most %(limit)s.",
        },
    )

    currency = CurrencyField(
        label="Currency",
        help_text="What gifts to this campaign are paid in.",
        error_messages={"required": "Please choose the currency of the campaign."},
    )

    suggested_amounts = SuggestedAmountsField(
        label="Suggested amounts",
        help_text=(
            "The amounts the donate forms offer, in whole units, e.g. 25, 50, 100, 250. "
            "Leave empty for the usual ones."
        ),
    )

    default_fundraiser_goal_cents = MoneyField(
        label="Default personal goal",
        min_cents=100,
        max_cents=MAXIMUM_PERSONAL_GOAL_CENTS,
        error_messages={
            "required": "Please enter the goal a supporter's page starts with, like 500.",
            "min_cents": "The default personal goal must be at least %(limit)s.",
            "max_cents": "The default personal goal can be at most %(limit)s.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = normalise_currency(getattr(self.instance, "currency", "")) or DEFAULT_CURRENCY
        field = self.fields["goal_cents"]
        field.currency = currency
        field.label = f"Goal ({currency.upper()})"
        field.help_text = (
            f"The amount to raise, in {currency_name(currency)}, "
            "e.g. 25,000 or 25,000.00 (at most two digits after the point)."
        )
        for name in ("suggested_amounts", "default_fundraiser_goal_cents"):
            if name in self.fields:
                self.fields[name].currency = currency


class GoalPageForm(WagtailAdminPageForm):
    """A team's or a supporter's page in the admin: the goal typed in dollars, stored as cents.

    (The currency is the campaign's; in the admin, the goal reads in dollars.)

    Its title is checked as the public forms check it: unique in the campaign among teams
    and fundraiser pages as a reader sees it, and not mixing look-alike alphabets
    (`campaigns.services.title_refusal`), so staff creating or renaming a page in the
    admin cannot make a look-alike either.
    """

    goal_cents = MoneyField(
        label="Goal",
        min_cents=100,
        max_cents=MAXIMUM_PERSONAL_GOAL_CENTS,
        error_messages={
            "required": "Please enter the goal, like 500.",
            "min_cents": "The goal must be at least %(limit)s.",
            "max_cents": "The goal can be at most %(limit)s.",
        },
    )

    def clean(self):
        from campaigns.models import FundraisingCampaignPage
        from campaigns.services import title_refusal

        cleaned = super().clean()
        title = cleaned.get("title")
        parent = self.parent_page.specific if self.parent_page else None
        if title and isinstance(parent, FundraisingCampaignPage):
            page = self.instance if self.instance.pk else None
            refusal = title_refusal(parent, title, page=page)
            if refusal:
                self.add_error("title", refusal)
        return cleaned


class PhotoField(ImageFileField):
    """An image upload checked as the admin checks one (a real image Pillow can decode, in
    one of WAGTAILIMAGES_EXTENSIONS), and also at most `PHOTO_MAX_BYTES` and between
    `PHOTO_MIN_SIDE` and `PHOTO_MAX_SIDE` pixels a side, each with its own message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_upload_size = PHOTO_MAX_BYTES
        self.max_upload_size_text = "5 MB"
        self.error_messages["file_too_large"] = (
            "This photo is too big (%(file_size)s). Please choose one of at most 5 MB."
        )
        self.error_messages["invalid_image"] = (
            "This file is not a photo we can use. Please choose a JPEG, PNG or WebP image."
        )
        # The formats of WAGTAILIMAGES_EXTENSIONS (the ones the help text names), as the
        # browser's file picker offers them: image/jpeg,image/png,image/webp.
        self.help_text = "Optional. A JPEG, PNG or WebP image of at most 5 MB."
        self.widget.attrs["accept"] = ",".join(media_types(self.allowed_image_extensions))
        self.error_messages["invalid_image_extension"] = self.error_messages["invalid_image"]
        self.error_messages["invalid_image_known_format"] = (
            "This file's name does not match what is in it. Please choose a JPEG, PNG or WebP "
            "image, named as it is."
        )

    def to_python(self, data):
        f = super().to_python(data)  # a damaged file is refused there ("invalid_image")
        if f is None:
            return f
        width, height = f.image.get_size()
        if min(width, height) < PHOTO_MIN_SIDE:
            raise forms.ValidationError(
                f"This photo is too small ({width}×{height} pixels). "
                f"Please choose one at least {PHOTO_MIN_SIDE} pixels on each side."
            )
        if max(width, height) > PHOTO_MAX_SIDE:
            raise forms.ValidationError(
                f"This photo is too large ({width}×{height} pixels). "
                f"Please choose one at most {PHOTO_MAX_SIDE} pixels on each side."
            )
        return f


class FundraiserPageFields(TypedTextMixin, forms.Form):
    """What a supporter types for their own page in `campaign`, to open it or to edit it
    (the fields and checks both forms share).

    Valid data: `title` (str), `goal_cents` (int, minor units of the campaign's
    currency), `story` (str, plain paragraphs), `photo` (an uploaded image file
    or None), `team` (a live `TeamPage` of the campaign or None) and
    `new_team_title` (str, "" unless the supporter creates a team). Without
    teams allowed in the campaign, `team` and `new_team_title` are left out.
    """

    PHOTO_AGAIN = "Please choose your photo again: it could not be kept while the form had errors."

    title = forms.CharField(
        label="Your page's title",
        max_length=80,
        help_text="For example, “Maria's walk for Spring into Action”.",
        error_messages={"required": "Please give your page a title."},
    )
    goal_cents = MoneyField(
        label="Your goal",
        min_cents=100,
        max_cents=MAXIMUM_PERSONAL_GOAL_CENTS,
        error_messages={
            "required": "Please enter your goal, like 500.",
            "min_cents": "Your goal must be at least %(limit)s.",
            "max_cents": "Your goal can be at most %(limit)s.",
        },
    )
    story = forms.CharField(
        label="Your story",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Why this matters to you. Separate paragraphs with an empty line.",
        error_messages={"required": "Please tell your story in a few words."},
    )
    photo = PhotoField(label="Your photo", required=False)
    team = forms.ModelChoiceField(
        label="Join a team",
        queryset=None,
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": "Please choose one of the teams listed."},
    )
    new_team_title = forms.CharField(
        label="Or create a team",
        max_length=80,
        required=False,
        help_text="Its name, e.g. your church, school or company.",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        goal = self.fields["goal_cents"]
        goal.currency = campaign.currency
        goal.label = f"Your goal ({currency_name(campaign.currency)})"
        self.fields["team"].queryset = self.team_choices()
        if not campaign.teams_allowed:
            del self.fields["team"]
            del self.fields["new_team_title"]

    def team_choices(self):
        """The teams the supporter may join: the campaign's live teams."""
        return self.campaign.live_teams()

    def ask_for_photo_again(self):
        """After a failed post that carried a photo, tell the supporter to choose it again
        (a browser never sends a file back): an error on the photo field, unless it already
        has one. Call it once the form (or the service) refused the post."""
        if self.files.get("photo") and "photo" in self.fields and not self.has_error("photo"):
            self.add_error("photo", self.PHOTO_AGAIN)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())  # every run of spaces one space
        if not any(char.isalnum() for char in title):
            raise forms.ValidationError("Please use some letters or digits in your title.")
        return title

    def clean_new_team_title(self):
        return " ".join(self.cleaned_data["new_team_title"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("team") and cleaned.get("new_team_title"):
            self.add_error("new_team_title", "Please either join a team or create one, not both.")
        return cleaned


class StartFundraiserForm(NameFields, FundraiserPageFields):
    """What a supporter types to open their own page in `campaign` (`FundraiserPageFields`),
    and first their "first_name" and "last_name" (`NameFields`) when `owner` (the signed-in
    user) lacks either, as an account from before sign-up asked may: `open_fundraiser`
    stores them on the owner."""

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        if owner.first_name.strip() and owner.last_name.strip():
            self.forget_names()
        else:
            self.order_fields(["first_name", "last_name"])
            self.initial.setdefault("first_name", owner.first_name)
            self.initial.setdefault("last_name", owner.last_name)

    def preselect_team(self, team_id: str | None) -> None:
        """Start the "Join a team" choice on `team_id` (as a link's `?team=` gives it: a str
        or None) when it is one of the teams offered (`team_choices`); anything else (no
        teams, an unknown, foreign or waiting team, not a number) changes nothing."""
        field = self.fields.get("team")
        digits = team_id or ""
        if field is None or not (digits.isascii() and digits.isdigit() and len(digits) < 19):
            return
        if field.queryset.filter(pk=int(digits)).exists():
            self.initial["team"] = int(digits)


class EditFundraiserForm(OpenedVersionMixin, FundraiserPageFields):
    """What the owner of `page` changes on it from the dashboard: the fields of
    `FundraiserPageFields`, starting from `page`'s latest revision (pass it as `page`); the
    photo is kept unless a new one is chosen, and the page's own team stays offered even
    when it is not live yet. It carries the page's `version` it was opened on
    (`editing.page_version`; `OpenedVersionMixin`), so a save over a newer one is refused."""

    CONFLICT_MESSAGE = (
        "This page was changed since you opened it, in another tab, on another device or "
        "by our staff. Nothing was saved. The form below still holds what you typed, and "
        "“Your page now” shows the current version: check the two, then save again to "
        "keep your changes."
    )
    UNKNOWN_VERSION_MESSAGE = (
        "This form was opened before our last update, so we cannot tell whether your page "
        "was changed since. Nothing was saved. The form below still holds what you typed, "
        "and “Your page now” shows the current version: check the two, then save again to "
        "keep your changes."
    )

    def __init__(self, *args, page, **kwargs):
        self.page = page
        kwargs.setdefault(
            "initial",
            {
                "title": page.title,
                "goal_cents": page.goal_cents,
                "story": page.story,
                "team": page.team_id,
            },
        )
        super().__init__(*args, **kwargs)
        photo = self.fields["photo"]
        photo.label = "Replace your photo" if page.photo_id else "Your photo"
        photo.help_text = (
            "Optional: leave empty to keep your photo. A JPEG, PNG or WebP image of at most 5 MB."
            if page.photo_id
            else photo.help_text
        )

    def team_choices(self):
        teams = super().team_choices()
        if self.page.team_id:
            team_model = teams.model
            teams = (
                team_model.objects.child_of(self.campaign)
                .filter(Q(live=True) | Q(pk=self.page.team_id))
                .order_by("title")
            )
        return teams
