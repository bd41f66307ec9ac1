"""Titles are unique in a campaign as a reader sees them: a look-alike of another page's or
team's title is refused on opening a page, on editing it, as a new team's name and in the
admin; a word mixing look-alike alphabets is refused; titles a reader tells apart open."""

import pytest
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.editing import page_version
from campaigns.models import FundraiserPage, TeamPage
from campaigns.services import FundraiserRefused, open_fundraiser
from tests.campaigns.factories import (
    ApprovalWorkflowFactory,
    FundraiserPageFactory,
    TeamPageFactory,
)
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Jordan's spring 10K for survivors"
TAKEN = "A page in this campaign already has this title."
TEAM_TAKEN = "A team or page in this campaign already has this name."
CYRILLIC_O = "\u043e"

# The issue's five look-alikes of TITLE, each of which opened a second page.
ISSUE_CASES = {
    "two spaces before 'for'": "Jordan's spring 10K  for survivors",
    "a no-break space before 'survivors'": "Jordan's spring 10K for\u00a0survivors",
    "a trailing zero-width joiner": TITLE + "\u200d",
    "a curly apostrophe": "Jordan’s spring 10K for survivors",
}
CYRILLIC = f"J{CYRILLIC_O}rdan's spring 10K for survivors"
MIXED = f"“J{CYRILLIC_O}rdan” mixes letters of different alphabets that look alike"

# Their neighbours: other spaces, invisible characters, compatibility forms and quotes.
NEIGHBOURS = {
    "a tab": "Jordan's spring 10K for\tsurvivors",
    "an em space": "Jordan's spring 10K for\u2003survivors",
    "an ideographic space": "Jordan's spring 10K for\u3000survivors",
    "a zero-width space": "Jordan's spr\u200bing 10K for survivors",
    "a soft hyphen": "Jordan's spr\u00ading 10K for survivors",
    "bidi marks": "\u200fJordan's spring 10K for survivors\u200e",
    "an isolate": "\u2066Jordan's spring 10K for survivors\u2069",
    "a word joiner": "Jordan's\u2060 spring 10K for survivors",
    "fullwidth letters": "Ｊｏｒｄａｎ's spring １０Ｋ for survivors",
    "a modifier letter apostrophe": "Jordanʼs spring 10K for survivors",
    "a left single quote": "Jordan‘s spring 10K for survivors",
    "a prime": "Jordan′s spring 10K for survivors",
    "a backtick": "Jordan`s spring 10K for survivors",
    "capitals": "JORDAN'S SPRING 10K FOR SURVIVORS",
}
LOOK_ALIKES = {**ISSUE_CASES, **NEIGHBOURS}


@pytest.fixture
def jordans_page(campaign):
    return FundraiserPageFactory(
        parent=campaign,
        title=TITLE,
        supporter=UserFactory(first_name="Jordan", last_name="Ellis"),
    )


@pytest.fixture
def supporter(maria):
    """Maria, signed in (`signed_in`) to start her page."""
    return maria


def start(client, campaign, **overrides):
    data = {"title": "Maria's walk", "goal_cents": "500", "story": "I walk."}
    data.update(overrides)
    return client.post(reverse("campaigns:start-fundraiser", args=[campaign.pk]), data)


def edit(client, page, **overrides):
    data = {
        "title": page.title,
        "goal_cents": "500",
        "story": "I walk.",
        "opened_version": page_version(FundraiserPage.objects.get(pk=page.pk)),
    }
    data.update(overrides)
    return client.post(reverse("dashboard:edit-page", args=[page.pk]), data)


def revisions(page):
    return Revision.objects.filter(object_id=str(page.pk)).count()


# --- opening a page ---


@pytest.mark.parametrize("title", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_a_pages_title_opens_no_second_page(
    signed_in, campaign, jordans_page, title
):
    response = start(signed_in, campaign, title=title)

    assert TAKEN in response.content.decode()
    assert FundraiserPage.objects.count() == 1


@pytest.mark.parametrize("title", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_a_teams_name_opens_no_page(signed_in, campaign, title):
    TeamPageFactory(parent=campaign, title=TITLE)

    response = start(signed_in, campaign, title=title)

    assert TAKEN in response.content.decode()
    assert not FundraiserPage.objects.exists()


def test_a_title_with_a_cyrillic_letter_among_latin_ones_is_refused_with_a_message(
    signed_in, campaign, jordans_page
):
    html = start(signed_in, campaign, title=CYRILLIC).content.decode()

    assert f"{MIXED} (“{CYRILLIC_O}” is a Cyrillic letter). Please type your title in" in html
    assert FundraiserPage.objects.count() == 1


def test_a_mixed_alphabet_look_alike_is_refused_even_when_no_page_has_the_title(
    signed_in, campaign
):
    response = start(signed_in, campaign, title=CYRILLIC)

    assert MIXED in response.content.decode()
    assert not FundraiserPage.objects.exists()


def test_the_service_refuses_a_look_alike_that_the_form_would_have_tidied(
    campaign, jordans_page, supporter
):
    data = {"title": "Jordan's\u200b spring 10K for survivors", "goal_cents": 50_000, "story": "x"}

    with pytest.raises(FundraiserRefused, match=TAKEN):
        open_fundraiser(campaign, supporter, data)


def test_the_refusal_tells_nothing_about_the_other_page(signed_in, campaign, jordans_page):
    html = start(signed_in, campaign, title=ISSUE_CASES["a curly apostrophe"]).content.decode()

    assert (
        "A page in this campaign already has this title. "
        "Please choose another, for example with your name in it."
    ) in html
    assert "Ellis" not in html
    assert jordans_page.url not in html


def test_a_title_taken_by_a_rename_waiting_for_approval_is_refused(
    client, signed_in, campaign, jordans_page
):
    campaign.approval_workflow = ApprovalWorkflowFactory()
    campaign.save()
    client.force_login(jordans_page.supporter)
    edit(client, jordans_page, title="Jordan runs for Casa Segura")
    signed_in.force_login(UserFactory())

    response = start(signed_in, campaign, title="Jordan runs for Casa Segura")

    assert TAKEN in response.content.decode()
    assert FundraiserPage.objects.count() == 1


@pytest.mark.parametrize(
    "title",
    [
        "Jordan spring 10K for survivors",  # no apostrophe: another title
        "Jordans spring 10K for survivors",
        "Jordan's spring 5K for survivors",
    ],
)
def test_a_title_a_reader_tells_apart_opens_a_page(signed_in, campaign, jordans_page, title):
    response = start(signed_in, campaign, title=title)

    assert response.status_code == 302
    assert FundraiserPage.objects.get(title=title)


@pytest.mark.parametrize(
    "title, other",
    [
        ("می\u200cخواهم بدوم", "میخواهم بدوم"),  # Persian, the ZWNJ between letters
        ("क्\u200dष के लिए दौड़", "क्ष के लिए दौड़"),  # Hindi, the ZWJ shows the half form
        ("Иван бежит", "Ivan bezhit"),  # Cyrillic only
    ],
)
def test_a_title_in_a_joining_or_other_script_opens_beside_one_that_reads_otherwise(
    signed_in, campaign, title, other
):
    FundraiserPageFactory(parent=campaign, title=other, slug="other")

    response = start(signed_in, campaign, title=title)

    assert response.status_code == 302
    assert FundraiserPage.objects.get(title=title)


def test_a_title_wholly_in_one_non_latin_script_opens_with_a_readable_slug(signed_in, campaign):
    start(signed_in, campaign, title="Иван бежит за выживших")

    assert FundraiserPage.objects.get().slug == "ivan-bezhit-za-vyzhivshikh"


def test_spaces_typed_twice_are_stored_once(signed_in, campaign):
    start(signed_in, campaign, title="Maria's\u00a0 walk\u3000 for  survivors")

    assert FundraiserPage.objects.get().title == "Maria's walk for survivors"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Łukasz idzie dla ocalałych", "lukasz-idzie-dla-ocalalych"),
        ("Søren cykler for Ørsted-holdet", "soren-cykler-for-orsted-holdet"),
    ],
)
def test_a_pages_slug_is_a_readable_transliteration_of_its_title(signed_in, campaign, title, slug):
    start(signed_in, campaign, title=title)

    assert FundraiserPage.objects.get().slug == slug


# --- editing a page ---


@pytest.fixture
def marias_page(campaign, supporter):
    return FundraiserPageFactory(
        parent=campaign, title="Maria's walk", slug="marias-walk", supporter=supporter
    )


@pytest.mark.parametrize("title", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_an_edit_to_a_look_alike_of_another_pages_title_is_refused(
    signed_in, jordans_page, marias_page, title
):
    response = edit(signed_in, marias_page, title=title)

    assert TAKEN in response.content.decode()
    assert revisions(marias_page) == 0


def test_an_edit_to_a_title_with_a_cyrillic_letter_is_refused(signed_in, marias_page):
    response = edit(signed_in, marias_page, title=CYRILLIC)

    assert MIXED in response.content.decode()
    assert revisions(marias_page) == 0


def test_an_owner_may_change_their_titles_spacing_and_quotes(signed_in, marias_page):
    response = edit(signed_in, marias_page, title="MARIA’S  WALK")

    assert response.status_code == 302
    assert FundraiserPage.objects.get(pk=marias_page.pk).title == "MARIA’S WALK"


# --- a new team's name ---


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_a_pages_title_makes_no_team(signed_in, campaign, jordans_page, name):
    response = start(signed_in, campaign, new_team_title=name)

    assert TEAM_TAKEN in response.content.decode()
    assert not TeamPage.objects.exists()


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_look_alike_of_a_teams_name_makes_no_second_team(signed_in, campaign, name):
    TeamPageFactory(parent=campaign, title=TITLE)

    response = start(signed_in, campaign, new_team_title=name)

    assert TEAM_TAKEN in response.content.decode()
    assert TeamPage.objects.count() == 1


def test_a_team_named_as_a_look_alike_of_the_new_page_is_refused(signed_in, campaign):
    response = start(
        signed_in, campaign, title=TITLE, new_team_title=ISSUE_CASES["a curly apostrophe"]
    )

    assert TEAM_TAKEN in response.content.decode()
    assert not TeamPage.objects.exists()


def test_a_team_name_with_a_cyrillic_letter_is_refused_with_a_message(signed_in, campaign):
    html = start(signed_in, campaign, new_team_title=f"Gr{CYRILLIC_O}ce Church").content.decode()

    assert f"“Gr{CYRILLIC_O}ce” mixes letters of different alphabets" in html
    assert "Please type the team&#x27;s name in one alphabet." in html
    assert not TeamPage.objects.exists()


def test_an_edit_that_creates_a_look_alike_team_is_refused(signed_in, jordans_page, marias_page):
    response = edit(signed_in, marias_page, new_team_title=ISSUE_CASES["two spaces before 'for'"])

    assert TEAM_TAKEN in response.content.decode()
    assert not TeamPage.objects.exists()


# --- the admin ---


def admin_team_form(title, captain, slug="a-team"):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "captain": str(captain.pk),
            "goal_cents": "2,500",
            "description": "",
            "comments": inline_formset([]),
        }
    )


@pytest.mark.parametrize(
    "title, message",
    [
        (ISSUE_CASES["a curly apostrophe"], TAKEN),
        (ISSUE_CASES["a no-break space before 'survivors'"], TAKEN),
        (CYRILLIC, MIXED),
    ],
)
def test_staff_cannot_add_a_look_alike_team_in_the_admin(
    staff_client, campaign, jordans_page, title, message
):
    add_url = f"/admin/pages/add/campaigns/teampage/{campaign.pk}/"

    response = staff_client.post(add_url, admin_team_form(title, jordans_page.supporter))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeamPage.objects.exists()


def test_staff_add_a_team_of_a_title_of_its_own_in_the_admin(staff_client, campaign, jordans_page):
    add_url = f"/admin/pages/add/campaigns/teampage/{campaign.pk}/"

    response = staff_client.post(
        add_url, admin_team_form("Grace Church", jordans_page.supporter, slug="grace-church")
    )

    assert response.status_code == 302
    assert TeamPage.objects.get().title == "Grace Church"


def test_staff_cannot_rename_a_page_to_a_look_alike_in_the_admin(
    staff_client, campaign, jordans_page
):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")

    response = staff_client.post(
        f"/admin/pages/{team.pk}/edit/",
        admin_team_form(ISSUE_CASES["a curly apostrophe"], team.captain, slug="grace-church"),
    )

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert TeamPage.objects.get().draft_title == "Grace Church"


def test_staff_save_a_page_under_its_own_title_in_the_admin(staff_client, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church", slug="grace-church")

    response = staff_client.post(
        f"/admin/pages/{team.pk}/edit/",
        admin_team_form("GRACE  CHURCH", team.captain, slug="grace-church"),
    )

    assert response.status_code == 302
