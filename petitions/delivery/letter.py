"""The letter a delivery carries to its decision maker, in plain text, and the dates it gives.

The same text is the body of the delivery email and page 1 of the printed
packet. The office is named by `Target.addressed_as` / `Target.office_title`,
as everywhere on the site.
"""

from wagtail.models import Site

from northstar.days import organisation_date
from northstar.models import SiteSettings

from ..jurisdictions import place_name

DEFAULT_ORGANISATION = "North Star"
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}


def organisation_name():
    """The organisation named in the site settings of the default site."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return DEFAULT_ORGANISATION
    return SiteSettings.for_site(site).organisation_name.strip() or DEFAULT_ORGANISATION


def delivery_date(delivery):
    """The organisation's day on which the delivery was claimed: the packet's date."""
    return organisation_date(delivery.created_at)


def long_date(day):
    """ "November 29, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


def last_name(full_name):
    """ "Ken Paxton" -> "Paxton"; "John Smith Jr." -> "Smith"."""
    words = full_name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def greeting(target):
    """ "Dear Attorney General Paxton," (`Target.display_title`, as the office is named)."""
    title = target.display_title
    surname = last_name(target.name)
    return f"Dear {title} {surname}," if surname else f"Dear {title},"


def count_paragraph(delivery):
    count = delivery.signature_count
    place = place_name(delivery.target.jurisdiction)
    if count == 1:
        return f"1 resident of {place} has signed this petition, listed in the attached pages."
    return (
        f"{count:,} residents of {place} have signed this petition, listed in the attached pages."
    )


def delivery_letter(delivery):
    """The petition's letter to the target, in plain text: greeting, letter, count, closing."""
    body = delivery.petition.letter.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [
        greeting(delivery.target),
        body,
        count_paragraph(delivery),
        f"Sincerely,\n{organisation_name()}",
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"
