from django import template

from donations.money import format_money

register = template.Library()


@register.filter
def money(cents, currency="usd"):
    """{{ donation.amount_cents|money:donation.currency }} -> "$50" (or "$50.25")."""
    return format_money(cents, currency)
