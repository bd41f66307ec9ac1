"""Staff set a campaign's peer-to-peer settings in the Wagtail admin: money in dollars."""

import pytest
from wagtail.test.utils.form_data import streamfield

from campaigns.models import FundraisingCampaignPage
from tests.campaigns.test_campaign_admin import edit_form, edit_url

pytestmark = pytest.mark.django_db


def latest(campaign):
    return FundraisingCampaignPage.objects.get(pk=campaign.pk).get_latest_revision_as_object()


def test_suggested_amounts_typed_in_dollars_are_stored_in_cents(staff_client, campaign):
    staff_client.post(
        edit_url(campaign), edit_form(campaign, "10,000", suggested_amounts="25, 50, 1,000")
    )

    assert latest(campaign).suggested_amounts == [2_500, 5_000, 100_000]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25.50", "suggested amounts are whole numbers"),
        ("25, abc", "is not an amount"),
        ("25, 25", "Each suggested amount should appear once."),
        ("25, 30,000", "“30,000”: gifts online are at most $25,000, so it cannot be suggested."),
        ("1 2 3 4 5 6 7", "Please suggest at most 6 amounts."),
    ],
)
def test_suggested_amounts_that_are_not_whole_amounts_are_refused(
    staff_client, campaign, typed, message
):
    response = staff_client.post(
        edit_url(campaign), edit_form(campaign, "10,000", suggested_amounts=typed)
    )

    assert message in response.content.decode()
    assert latest(campaign).suggested_amounts == []


def test_the_default_personal_goal_typed_in_dollars_is_stored_in_cents(staff_client, campaign):
    staff_client.post(
        edit_url(campaign), edit_form(campaign, "10,000", default_fundraiser_goal_cents="750")
    )

    assert latest(campaign).default_fundraiser_goal_cents == 75_000


def test_the_steps_staff_write_are_shown_on_the_campaign_page(client, campaign):
    campaign.steps = [("step", "Create your page"), ("step", "Ask five friends")]
    campaign.save()

    html = client.get(campaign.url).content.decode()

    assert '<ol class="steps"><li>Create your page</li><li>Ask five friends</li></ol>' in html


def test_the_steps_are_saved_from_the_admin(staff_client, campaign):
    steps = streamfield([("step", "Create your page"), ("step", "Thank your donors")])

    staff_client.post(edit_url(campaign), edit_form(campaign, "10,000", steps=steps))

    assert [block.value for block in latest(campaign).steps] == [
        "Create your page",
        "Thank your donors",
    ]
