"""A supporter opens their own fundraiser page from the public site."""

import html
import io
import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, Workflow, WorkflowState, WorkflowTask

from campaigns.models import FundraiserPage, TeamPage
from northstar.models import OutboundEmail
from tests.campaigns.factories import FundraiserPageFactory, TeamPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter(maria):
    """Maria, signed in (`signed_in`) to start her page."""
    return maria


def start_url(campaign):
    return reverse("campaigns:start-fundraiser", args=[campaign.pk])


def page_form(**overrides):
    data = {
        "title": "Maria's walk for survivors",
        "goal_cents": "500",
        "story": "I walk.\n\nJoin me.",
    }
    data.update(overrides)
    return data


def png(width=400, height=300, fmt="PNG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 120, 110)).save(buffer, fmt)
    return SimpleUploadedFile("maria.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def approval_workflow(campaign):
    task = GroupApprovalTask.objects.create(name="Staff review")
    workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    campaign.approval_workflow = workflow
    campaign.save()
    return workflow


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, campaign):
    response = client.get(start_url(campaign))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={start_url(campaign)}"


def test_the_form_starts_from_the_campaigns_default_goal_and_story(signed_in, campaign):
    campaign.default_fundraiser_goal_cents = 75_000
    campaign.default_fundraiser_story = "Survivors need a safe month."
    campaign.save()

    html = signed_in.get(start_url(campaign)).content.decode()

    assert 'value="750.00"' in html
    assert "Survivors need a safe month." in html


def test_without_a_workflow_the_page_goes_live_at_once(signed_in, campaign, supporter):
    response = signed_in.post(start_url(campaign), page_form())

    fundraiser = FundraiserPage.objects.get()
    assert fundraiser.live
    assert fundraiser.get_parent().pk == campaign.pk
    assert fundraiser.goal_cents == 50_000
    assert fundraiser.slug == "marias-walk-for-survivors"
    assert response["Location"] == reverse("campaigns:fundraiser-opened", args=[fundraiser.pk])
    assert "Your page is live" in signed_in.get(response["Location"]).content.decode()


def test_the_owner_is_stored_on_the_pages_own_row(signed_in, campaign, supporter):
    signed_in.post(start_url(campaign), page_form())

    fundraiser = FundraiserPage.objects.get()
    assert fundraiser.supporter == supporter
    assert fundraiser.revisions.get().user == supporter


def test_with_a_workflow_the_page_waits_for_approval_unseen(
    signed_in, client, campaign, approval_workflow
):
    response = signed_in.post(start_url(campaign), page_form())

    fundraiser = FundraiserPage.objects.get()
    assert not fundraiser.live
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(fundraiser.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == approval_workflow
    assert "Waiting for approval" in signed_in.get(response["Location"]).content.decode()
    signed_in.logout()
    assert client.get(f"{campaign.url}marias-walk-for-survivors/").status_code == 404


def test_a_page_waiting_for_approval_takes_no_gifts(signed_in, campaign, approval_workflow):
    signed_in.post(start_url(campaign), page_form())
    fundraiser = FundraiserPage.objects.get()

    response = signed_in.post(reverse("donations:give", args=[fundraiser.pk]), {"amount": "50"})

    assert response.status_code == 404
    assert not fundraiser.accepts_donations


def test_a_photo_is_stored_as_a_wagtail_image(signed_in, campaign, supporter):
    signed_in.post(start_url(campaign), page_form(photo=png()))

    fundraiser = FundraiserPage.objects.get()
    assert fundraiser.photo.uploaded_by_user == supporter
    assert (fundraiser.photo.width, fundraiser.photo.height) == (400, 300)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Please give your page a title."),
        ({"title": "   "}, "Please give your page a title."),
        ({"goal_cents": "0"}, "Your goal must be at least $1."),
        ({"goal_cents": "-50"}, "Please enter an amount"),
        ({"goal_cents": "five hundred"}, "Please enter an amount"),
        ({"goal_cents": ""}, "Please enter your goal, like 500."),
        ({"story": ""}, "Please tell your story in a few words."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(signed_in, campaign, overrides, message):
    response = signed_in.post(start_url(campaign), page_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FundraiserPage.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(signed_in, campaign):
    fake = SimpleUploadedFile("maria.png", b"%PDF-1.4 not a photo", content_type="image/png")

    response = signed_in.post(start_url(campaign), page_form(photo=fake))

    assert "This file is not a photo we can use." in response.content.decode()
    assert not FundraiserPage.objects.exists()
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"\xff\xd8\xffnot really a photo", "cut"],
    ids=["JPEG header only", "JPEG cut to 300 bytes"],
)
def test_a_damaged_photo_is_refused_with_a_message(signed_in, campaign, content):
    if content == "cut":
        buffer = io.BytesIO()
        PILImage.new("RGB", (400, 300), "teal").save(buffer, format="JPEG")
        content = buffer.getvalue()[:300]
    damaged = SimpleUploadedFile("maria.jpg", content, content_type="image/jpeg")

    response = signed_in.post(start_url(campaign), page_form(photo=damaged))

    assert response.status_code == 200
    assert "This file is not a photo we can use." in response.content.decode()
    assert not FundraiserPage.objects.exists()
    assert not get_image_model().objects.exists()


def test_a_photo_in_a_format_the_form_does_not_name_is_refused_in_its_words(signed_in, campaign):
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), "teal").save(buffer, format="GIF")
    gif = SimpleUploadedFile("maria.gif", buffer.getvalue(), content_type="image/gif")

    response = signed_in.post(start_url(campaign), page_form(photo=gif))

    page = response.content.decode()
    assert "Please choose a JPEG, PNG or WebP image." in page
    assert "AVIF" not in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert not FundraiserPage.objects.exists()


def test_a_photo_over_five_megabytes_is_refused(signed_in, campaign):
    noise = PILImage.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")  # noise does not compress: about 5.9 MB
    assert buffer.tell() > 5 * 1024 * 1024
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")

    response = signed_in.post(start_url(campaign), page_form(photo=big))

    assert "Please choose one of at most 5 MB." in response.content.decode()
    assert not FundraiserPage.objects.exists()


def test_a_tiny_photo_is_refused(signed_in, campaign):
    response = signed_in.post(start_url(campaign), page_form(photo=png(40, 40)))

    assert "This photo is too small (40×40 pixels)." in response.content.decode()
    assert not FundraiserPage.objects.exists()


def test_the_form_sent_twice_opens_one_page_and_answers_both_alike(signed_in, campaign):
    first = signed_in.post(start_url(campaign), page_form())
    second = signed_in.post(start_url(campaign), page_form())  # a double click

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert FundraiserPage.objects.count() == 1


def test_a_title_the_supporter_used_long_ago_is_refused_as_any_other(
    signed_in, campaign, supporter
):
    FundraiserPageFactory(parent=campaign, title="Maria's walk for survivors", supporter=supporter)
    FundraiserPage.objects.update(latest_revision_created_at=timezone.now() - timedelta(days=2))

    response = signed_in.post(start_url(campaign), page_form())

    assert "A page in this campaign already has this title." in response.content.decode()
    assert FundraiserPage.objects.count() == 1


def test_a_title_already_taken_in_the_campaign_is_refused(signed_in, campaign):
    FundraiserPageFactory(parent=campaign, title="Maria's walk for survivors")

    response = signed_in.post(start_url(campaign), page_form(title="MARIA'S WALK FOR SURVIVORS"))

    assert "A page in this campaign already has this title." in response.content.decode()
    assert FundraiserPage.objects.count() == 1


def test_a_title_whose_slug_is_taken_gets_a_numbered_slug(signed_in, campaign):
    FundraiserPageFactory(parent=campaign, title="Marias walk", slug="marias-walk")

    signed_in.post(start_url(campaign), page_form(title="Maria's walk"))

    assert FundraiserPage.objects.get(title="Maria's walk").slug == "marias-walk-1"


def test_a_campaign_past_its_deadline_takes_no_new_pages(signed_in, campaign):
    campaign.deadline = timezone.localdate() - timedelta(days=1)
    campaign.save()

    get = signed_in.get(start_url(campaign))
    post = signed_in.post(start_url(campaign), page_form())

    assert "New fundraiser pages can no longer be opened" in get.content.decode()
    assert "New fundraiser pages can no longer be opened" in post.content.decode()
    assert not FundraiserPage.objects.exists()


def test_a_supporter_joins_a_team_of_the_campaign(signed_in, campaign):
    team = TeamPageFactory(parent=campaign, title="Grace Church")

    signed_in.post(start_url(campaign), page_form(team=str(team.pk)))

    assert FundraiserPage.objects.get().team == team


def test_a_supporter_creates_a_team_and_captains_it(signed_in, campaign, supporter):
    signed_in.post(start_url(campaign), page_form(new_team_title="Lincoln High School"))

    team = TeamPage.objects.get()
    assert (team.title, team.captain, team.live) == ("Lincoln High School", supporter, True)
    assert FundraiserPage.objects.get().team == team


def test_teams_are_not_offered_when_the_campaign_allows_none(signed_in, campaign):
    campaign.teams_allowed = False
    campaign.save()

    signed_in.post(start_url(campaign), page_form(new_team_title="Lincoln High School"))

    assert not TeamPage.objects.exists()
    assert FundraiserPage.objects.get().team is None


def test_the_campaign_page_links_to_the_start_form(client, campaign):
    html = client.get(campaign.url).content.decode()

    assert f'href="{start_url(campaign)}">Start your own fundraiser</a>' in html


def test_only_the_owner_sees_the_page_that_says_what_happens_next(client, signed_in, campaign):
    signed_in.post(start_url(campaign), page_form())
    fundraiser = FundraiserPage.objects.get()
    client.force_login(UserFactory(email="someone.else@example.org"))

    response = client.get(reverse("campaigns:fundraiser-opened", args=[fundraiser.pk]))

    assert response.status_code == 404


def test_a_title_typed_in_decomposed_unicode_is_stored_composed(signed_in, campaign):
    signed_in.post(start_url(campaign), page_form(title="Jose\u0301's walk"))

    assert FundraiserPage.objects.get().title == "Jos\u00e9's walk"


def test_staff_open_a_fundraiser_page_in_the_admin_with_its_goal_in_dollars(client, campaign):
    fundraiser = FundraiserPageFactory(parent=campaign, goal_cents=50_000)
    client.force_login(StaffUserFactory())

    response = client.get(f"/admin/pages/{fundraiser.pk}/edit/")

    assert response.status_code == 200
    assert 'value="500.00"' in response.content.decode()


def test_a_campaign_before_its_start_date_takes_no_new_pages(signed_in, campaign):
    campaign.start_date = timezone.localdate() + timedelta(days=3)
    campaign.save()

    get = signed_in.get(start_url(campaign))
    post = signed_in.post(start_url(campaign), page_form())

    assert "Fundraiser pages can be opened from" in get.content.decode()
    assert "Spring into Action has not started yet" in post.content.decode()
    assert not FundraiserPage.objects.exists()


def test_the_service_refuses_a_page_before_the_start_date(campaign, supporter):
    from campaigns.services import FundraiserRefused, open_fundraiser

    campaign.start_date = timezone.localdate() + timedelta(days=1)
    campaign.save()

    with pytest.raises(FundraiserRefused, match="Fundraiser pages can be opened from that day"):
        open_fundraiser(campaign, supporter, {"title": "Walk", "goal_cents": 500, "story": "I."})
    assert not FundraiserPage.objects.exists()


def test_a_campaign_on_its_start_date_takes_new_pages(signed_in, campaign):
    campaign.start_date = timezone.localdate()
    campaign.save()

    signed_in.post(start_url(campaign), page_form())

    assert FundraiserPage.objects.exists()


def test_a_chosen_photo_is_asked_for_again_when_another_field_failed(signed_in, campaign):
    response = signed_in.post(start_url(campaign), page_form(goal_cents="0", photo=png()))

    assert "Please choose your photo again" in response.content.decode()
    assert not get_image_model().objects.exists()


def link_to_confirm(address):
    [message] = OutboundEmail.objects.filter(to=address)
    [link] = re.findall(r"https?://\S+", message.context["body"])
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def hidden_next(response):
    return re.search(r'name="next" value="([^"]*)"', response.content.decode()).group(1)


@pytest.mark.parametrize("same_browser", [True, False], ids=["same browser", "another browser"])
def test_a_new_supporter_who_signs_up_to_start_a_page_comes_back_to_its_form(
    client, campaign, same_browser
):
    login_page = client.get(start_url(campaign), follow=True)
    signup_link = re.search(r'href="(/accounts/signup/[^"]*)"', login_page.content.decode())
    signup_page = client.get(html.unescape(signup_link.group(1)))
    assert hidden_next(signup_page) == start_url(campaign)
    client.post(
        "/accounts/signup/",
        {
            "first_name": "Maria",
            "last_name": "Lopez",
            "email": "new.owner@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
            "next": hidden_next(signup_page),
        },
    )
    browser = client if same_browser else Client()  # a phone's mail app opens a browser of its own

    link = link_to_confirm("new.owner@example.org")
    confirm_page = browser.get(link)
    confirmed = browser.post(urlsplit(link).path, {"next": hidden_next(confirm_page)}, follow=True)
    if not same_browser:  # there, confirming asks to log in first
        confirmed = browser.post(
            confirmed.redirect_chain[-1][0],
            {"login": "new.owner@example.org", "password": "a long and unusual passphrase"},
            follow=True,
        )

    assert confirmed.redirect_chain[-1][0] == start_url(campaign)
    assert "Start your own fundraiser" in confirmed.content.decode()
