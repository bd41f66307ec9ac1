from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value):
    """'3 hours ago': the largest unit only, as lists of people read best."""
    return f"{timesince(value, depth=1)} ago"
