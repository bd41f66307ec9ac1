"""What a fundraiser page's or a team's title may be in its campaign, as a reader sees it.

Rules that only read: a title is refused if one of its words mixes look-alike alphabets
("Jоrdan" with a Cyrillic "о"), or another page of the campaign already has it as a reader
sees it. The public start and edit forms ask them under the campaign's lock
(`campaigns.services.check_title_free`); the admin's page form asks `title_refusal` too, so
staff cannot make a look-alike either.
"""

from northstar.text import look_alike_key, mixed_script_look_alike, script_name

TITLE_TAKEN = (
    "A page in this campaign already has this title. "
    "Please choose another, for example with your name in it."
)


def title_refusal(campaign, title: str, *, page=None) -> str | None:
    """Why `title` cannot be the title of `page` (None: a new page) under `campaign`, in
    words for the supporter: it mixes look-alike alphabets (`look_alike_refusal`), or
    another page of the campaign already has it as a reader sees it (`title_taken`); None
    if it can. Reads only; `check_title_free` is the same under the campaign's lock."""
    refusal = look_alike_refusal(title, what="your title")
    if refusal:
        return refusal
    if title_taken(campaign, title, exclude=page):
        return TITLE_TAKEN
    return None


def title_taken(campaign, title: str, *, exclude=None) -> bool:
    """Whether a page (a fundraiser or a team) under `campaign` already has `title`, as a
    reader sees it (`northstar.text.look_alike_key`: case, spaces, invisible characters,
    quote marks and look-alike letters aside); the page `exclude` (a page or None) does not
    count. Each page's live title and its latest draft's title both count, so a rename
    waiting for approval holds its title too.

    Compared in Python over the campaign's pages' titles, read in one query, so that the
    comparison is the same on every database."""
    key = look_alike_key(title)
    titles = campaign.get_children().values_list("pk", "title", "draft_title")
    exclude_pk = exclude.pk if exclude is not None else None
    return any(
        pk != exclude_pk and key in (look_alike_key(live), look_alike_key(draft or live))
        for pk, live, draft in titles
    )


def look_alike_refusal(title: str, *, what: str) -> str | None:
    """Why `title` cannot be used, in words for the supporter, if one of its words mixes
    alphabets with a letter that looks like another's ("Jоrdan" with a Cyrillic "о");
    None otherwise. `what` names it in the message: "your title", "the team's name"."""
    found = mixed_script_look_alike(title)
    if found is None:
        return None
    word, letter, script = found
    return (
        f"“{word}” mixes letters of different alphabets that look alike "
        f"(“{letter}” is a {script_name(script)} letter). "
        f"Please type {what} in one alphabet."
    )
