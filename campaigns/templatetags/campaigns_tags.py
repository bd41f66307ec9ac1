from django import template

from campaigns.models import ask_to_give_context

register = template.Library()


@register.inclusion_tag("campaigns/includes/ask_to_give.html")
def ask_to_give():
    """A gentle card asking to give to the live campaign; nothing when none is live."""
    return ask_to_give_context() or {}
