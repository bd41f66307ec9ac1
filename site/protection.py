"""One rule for deleting what supporters' records hang on: refuse, say why, say what to do instead.

Signatures, deliveries and gifts must outlive any staff click: deleting a
petition would cascade its signatures away, and a page or snippet that a
protected row points at would end in a 500. Each app answers one question,
"which supporters' records would deleting this object destroy?", by
registering a function under the Wagtail hook `RECORDS_HOOK`:

    @hooks.register(RECORDS_HOOK)
    def petition_records(obj) -> KeptRecords | None: ...

A function answers None for objects it knows nothing about. For a page the
answer covers its descendants too, since deleting a page deletes its subtree.
`northstar.wagtail_hooks` asks that question before every way the admin
deletes (a page, pages in bulk, the admin API's delete action, a snippet,
snippets in bulk) and refuses with `refusal_message`.
"""

from typing import NamedTuple

from django.contrib.humanize.templatetags.humanize import intcomma
from wagtail import hooks
from wagtail.models import Page

RECORDS_HOOK = "describe_supporter_records"

UNPUBLISH_INSTEAD = "Unpublish it instead: it leaves the public site and the records stay."


class KeptRecords(NamedTuple):
    """What deleting an object would destroy, and what staff can do instead.

    `records`: phrases such as "2,426 signatures" or "1 delivery".
    `instead`: one sentence offering the alternative (unpublish, mark inactive...).
    """

    records: tuple[str, ...]
    instead: str = UNPUBLISH_INSTEAD


def counted(number: int, singular: str, plural: str) -> str:
    """ "1 signature", "2,426 signatures": a number with its noun in the right form."""
    return f"{intcomma(number)} {singular if number == 1 else plural}"


def kept_records(obj) -> KeptRecords | None:
    """Every app's answer for `obj` merged into one, or None if deleting it loses nothing.

    The first app's `instead` is kept (for pages every app offers unpublishing).
    """
    records: list[str] = []
    instead = None
    for describe in hooks.get_hooks(RECORDS_HOOK):
        answer = describe(obj)
        if answer and answer.records:
            records.extend(answer.records)
            instead = instead or answer.instead
    if not records:
        return None
    return KeptRecords(tuple(records), instead)


def display_name(obj) -> str:
    if isinstance(obj, Page):
        return obj.get_admin_display_title()
    return str(obj)


def refusal_message(obj, kept: KeptRecords) -> str:
    """The message staff read when `obj` cannot be deleted: what it holds, why, and what instead."""
    if len(kept.records) > 1:
        held = ", ".join(kept.records[:-1]) + " and " + kept.records[-1]
    else:
        held = kept.records[0]
    return (
        f"“{display_name(obj)}” cannot be deleted: it holds {held}. These are supporters' "
        f"records and must be kept, so nothing was deleted. {kept.instead}"
    )


def refusals(objects) -> list[str]:
    """The refusal message of each object in `objects` that holds supporters' records."""
    messages = []
    for obj in objects:
        kept = kept_records(obj)
        if kept:
            messages.append(refusal_message(obj, kept))
    return messages
