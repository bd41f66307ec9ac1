"""Find a fundraiser: a donor told "give on Maria's page" finds it from the campaign page.

A GET form (`campaigns.forms.FindFundraiserForm`, shown by `campaigns.views.find_fundraiser`;
it works without JavaScript) searches the campaign's LIVE, public
fundraiser pages by title and by the owner's first and last name, ignoring
case, accents, apostrophes and punctuation on every database: each page keeps
its folded text in `FundraiserPage.search_text`, and the query is folded the
same way (`northstar.text.fold_for_search`: "Jordan’s" and "jordans" alike,
"Łukasz" as "lukasz", "Jordan E." as the results print a name) and matched
word by word with `contains`. One query for
the pages, their owners and their totals, however many pages there are.

Live teams are found by name too (`find_teams`): a campaign has few teams, so their
titles are folded the same way in Python (no stored column): one query for the titles,
one more for the matching teams' totals when any match.
"""

from northstar.text import fold_for_search

from .models import RANKING, TeamPage, with_raised

MAX_RESULTS = 20


def find_fundraisers(campaign, query, limit=MAX_RESULTS):
    """The live, public fundraiser pages of `campaign` whose title or owner's first or last
    name contain every word of `query` (a str), folded as they are (`fold_for_search`);
    each with its `supporter`, `raised_cents` and `gift_count`; most raised first, at most
    `limit`.
    One query. An empty query finds nothing."""
    words = fold_for_search(query).split()
    if not words:
        return []
    pages = campaign.live_fundraisers()
    for word in words[:10]:
        pages = pages.filter(search_text__contains=word)
    return list(with_raised(pages).order_by("-raised_cents", "title", "pk")[:limit])


def find_teams(campaign, query, limit=MAX_RESULTS):
    """The live, public teams of `campaign` whose name contains every word of `query` (a
    str), both folded (`fold_for_search`), each with `raised_cents` and `gift_count` (its
    members' gifts); most raised first, at most `limit`. An empty query finds nothing.

    The campaign's team names are read in one query and folded here; the matches' totals
    in one more (none when nothing matches)."""
    words = fold_for_search(query).split()[:10]
    if not words:
        return []
    teams = TeamPage.objects.child_of(campaign).live().public().values_list("pk", "title")
    folded = ((pk, fold_for_search(title)) for pk, title in teams)
    matching = [pk for pk, text in folded if all(word in text for word in words)]
    if not matching:
        return []
    return list(with_raised(TeamPage.objects.filter(pk__in=matching)).order_by(*RANKING)[:limit])
