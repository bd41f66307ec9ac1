"""The campaign's edit form in the Wagtail admin: money typed in dollars, stored as cents."""

from wagtail.admin.forms import WagtailAdminPageForm

from donations.money import (
    DEFAULT_CURRENCY,
    CurrencyField,
    MoneyField,
    currency_name,
    normalise_currency,
)

MAXIMUM_GOAL_CENTS = 100_000_000_000  # $1,000,000,000: a typo guard, far above any real goal


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
