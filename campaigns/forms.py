"""Campaign forms a supporter fills in: start and edit a fundraiser page, ask friends,
find a fundraiser. The admin's forms are in `campaigns.admin_forms`."""

from django import forms
from django.db.models import Q
from django.forms import formset_factory

from donations.models import Donation
from donations.money import (
    MoneyField,
    currency_name,
)
from donations.offline import MAX_OFFLINE_GIFT_CENTS, OWNER_METHODS
from northstar.forms import NameFields, OpenedVersionMixin, TypedTextMixin
from northstar.images import ImageFileField, media_types
from northstar.text import fold_for_search

from .admin_forms import MAXIMUM_PERSONAL_GOAL_CENTS
from .invitations import FRIENDS_PER_BATCH, NOTE_MAX_LENGTH

MAX_QUERY_LENGTH = 100  # characters typed in Find a fundraiser
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MIN_SIDE = 200  # pixels: smaller looks broken beside the story
PHOTO_MAX_SIDE = 8000


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


# --- Ask five friends ---


class FriendForm(TypedTextMixin, forms.Form):
    """One friend: their name and email address (a row left empty is skipped)."""

    name = forms.CharField(
        label="Friend's name",
        max_length=100,
        error_messages={"required": "Please enter your friend's name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Their email",
        max_length=254,
        error_messages={
            "required": "Please enter your friend's email address.",
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class NoteForm(TypedTextMixin, forms.Form):
    """The owner's optional note to the friends of one batch: plain text, up to
    NOTE_MAX_LENGTH characters, shown in each email as the owner's own words."""

    note = forms.CharField(
        label="A note from you",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        help_text=(
            f"Plain text, up to {NOTE_MAX_LENGTH} characters. Each friend reads it in your "
            "invitation, with your name. Leave it empty and we send our usual words."
        ),
        error_messages={
            "max_length": (
                f"Your note can be up to {NOTE_MAX_LENGTH} characters long (it has %(show_value)d)."
            ),
        },
    )


class BaseFriendFormSet(forms.BaseFormSet):
    """Up to FRIENDS_PER_BATCH friends; valid data is `friends()`: [(name, email)]."""

    default_error_messages = {
        "too_many_forms": f"You can invite up to {FRIENDS_PER_BATCH} friends at a time.",
        "missing_management_form": "Something went wrong with the form. Please try again.",
    }

    def friends(self):
        """[(name, email)] of the rows filled in, in order (after `is_valid()`)."""
        return [
            (form.cleaned_data["name"], form.cleaned_data["email"])
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]

    def clean(self):
        if any(self.errors):
            return
        friends = self.friends()
        if not friends:
            raise forms.ValidationError("Please enter a friend's name and email address.")
        addresses = [email.strip().lower() for _, email in friends]
        if len(set(addresses)) < len(addresses):
            raise forms.ValidationError("The same email address is in the list twice.")


FriendFormSet = formset_factory(
    FriendForm,
    formset=BaseFriendFormSet,
    extra=FRIENDS_PER_BATCH,
    max_num=FRIENDS_PER_BATCH,
    absolute_max=FRIENDS_PER_BATCH,
    validate_max=True,
)


# --- Find a fundraiser ---


class FindFundraiserForm(TypedTextMixin, forms.Form):
    """The search box: a name or a page title, 1 to MAX_QUERY_LENGTH characters."""

    q = forms.CharField(
        label="Find a fundraiser",
        max_length=MAX_QUERY_LENGTH,
        help_text="A supporter's name, their page's title or a team's name.",
        error_messages={
            "required": "Type a name or a page title to search for.",
            "max_length": (
                f"That is too long to search for: use at most {MAX_QUERY_LENGTH} characters, "
                "e.g. a first name."
            ),
        },
    )

    def clean_q(self):
        words = fold_for_search(self.cleaned_data["q"])
        if not words:
            raise forms.ValidationError("Type a name or a page title to search for.")
        return self.cleaned_data["q"]


# --- Report a gift given offline (`donations.offline.report_offline_gift`) ---


class ReportOfflineGiftForm(TypedTextMixin, forms.Form):
    """A gift given to the owner's page offline ("Aunt May gave $40 in cash"): the amount in
    dollars, how it came, the day, who gave (optional) and a note for staff. It counts once
    staff confirm it."""

    amount = MoneyField(
        label="Amount",
        min_cents=1,
        max_cents=MAX_OFFLINE_GIFT_CENTS,
        error_messages={
            "required": "Please enter the amount, like 40 or 40.50.",
            "min_cents": "Please enter an amount more than zero.",
            "max_cents": "A gift given offline can be at most %(limit)s.",
        },
        help_text="In dollars, like 40 or 40.50.",
    )
    method = forms.ChoiceField(
        label="How it was given",
        choices=[(m.value, m.label) for m in Donation.Method if m in OWNER_METHODS],
        widget=forms.RadioSelect,
        initial=Donation.Method.CASH,
        error_messages={"required": "Please say how it was given: cash, cheque or other."},
    )
    received_on = forms.DateField(
        label="Date you received it",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Please enter the date you received it.",
            "invalid": "Please enter a date, like 2026-03-14.",
        },
    )
    donor_name = forms.CharField(
        label="Who gave it",
        max_length=100,
        required=False,
        help_text="Only you and our staff see the name.",
    )
    note = forms.CharField(
        label="A note for our staff",
        max_length=120,
        required=False,
        help_text="A cheque number, or where the money is now.",
    )
