"""What the donate form says about monthly gifts."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

from northstar.models import SiteSettings

register = template.Library()


@register.simple_tag
def monthly_after_deadline(page):
    """Under "Monthly": where installments go once the campaign of `page` (a campaign, a team
    or a fundraiser page) has passed its deadline, the organisation's giving page named in the
    site settings (donations.recurring.installment_page); "" when the page has no deadline or
    no giving page is set."""
    campaign = getattr(page, "campaign", None) or page
    deadline = getattr(campaign, "deadline", None)
    giving_page = SiteSettings.for_default_site().monthly_giving_page
    if deadline is None or giving_page is None or giving_page.pk == campaign.pk:
        return ""
    return gettext(
        "This campaign ends on %(deadline)s. After that, your monthly gift continues to "
        "%(giving_page)s."
    ) % {"deadline": date_format(deadline, "F j, Y"), "giving_page": giving_page.title}
