from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from donations.money import DEFAULT_CURRENCY, format_money

register = template.Library()


@register.filter
def ago(value):
    """'3 hours ago': the largest unit only, as lists of people read best; 'just now' under
    a minute (or for a time a little ahead of this server's clock)."""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.filter
def money(cents, currency=DEFAULT_CURRENCY):
    """`{{ cents|money:currency }}`: an amount in minor units as people read it ("$3,450",
    "$3,450.50", "-$25"), by `donations.money.format_money`, the project's one money format.
    Every template shows money through this filter; none writes a currency sign itself."""
    return format_money(cents, currency)


@register.simple_tag
def public_url(page):
    """`{% public_url page %}`: the page's absolute URL on the public site (SITE_URL), as
    share links and email carry it (`northstar.emails.public_url`), whatever host and port
    Wagtail's Site record holds."""
    from northstar.emails import public_url as page_public_url

    return page_public_url(page)
