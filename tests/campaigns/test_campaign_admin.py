"""Staff type a campaign's goal in dollars in the Wagtail admin; the page stores cents."""

from datetime import date

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from campaigns.models import FundraisingCampaignPage
from tests.campaigns.factories import peer_to_peer_admin_fields

pytestmark = pytest.mark.django_db


def edit_url(campaign):
    return f"/admin/pages/{campaign.pk}/edit/"


def edit_form(campaign, goal, **peer_to_peer):
    """What the admin's edit form posts for `campaign`, with the goal typed as `goal` (and
    the peer-to-peer tab's fields as given)."""
    return nested_form_data(
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "intro": campaign.intro,
            "body": streamfield([]),
            "goal_cents": goal,
            "currency": campaign.currency,
            "deadline": campaign.deadline.isoformat(),
            "ask_text": campaign.ask_text,
            "comments": inline_formset([]),
            **peer_to_peer_admin_fields(**peer_to_peer),
        }
    )


def saved_goal(campaign):
    """The goal in the campaign's latest revision (what publishing it would make live)."""
    page = FundraisingCampaignPage.objects.get(pk=campaign.pk)
    return page.get_latest_revision_as_object().goal_cents


def test_the_edit_form_shows_the_goal_in_dollars_with_its_currency(staff_client, campaign):
    html = staff_client.get(edit_url(campaign)).content.decode()

    assert campaign.goal_cents == 1_000_000
    assert 'value="10,000.00"' in html
    assert "Goal (USD)" in html
    assert "in US dollars" in html


def test_a_goal_typed_in_dollars_is_stored_in_cents(staff_client, campaign):
    response = staff_client.post(edit_url(campaign), edit_form(campaign, "25,000"))

    assert response.status_code == 302
    assert saved_goal(campaign) == 2_500_000


def test_a_goal_with_cents_and_a_dollar_sign_is_stored_to_the_cent(staff_client, campaign):
    staff_client.post(edit_url(campaign), edit_form(campaign, "$25,000.50"))
    assert saved_goal(campaign) == 2_500_050


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25,000.005", "at most two digits after the point"),
        ("-5", "Please enter an amount in dollars and cents"),
        ("abc", "Please enter an amount in dollars and cents"),
        ("२५०००", "with the digits 0 to 9"),
        ("２５０００", "with the digits 0 to 9"),
        ("0", "The goal must be at least $1."),
        ("99999999999", "The goal can be at most"),
        ("99999999999999999999999", "The goal can be at most"),
        ("$999,999,999,999,999,999,999,999", "The goal can be at most"),
        ("", "Please enter the amount to raise"),
    ],
)
def test_a_goal_that_is_not_an_amount_is_refused_with_a_message(
    staff_client, campaign, typed, message
):
    response = staff_client.post(edit_url(campaign), edit_form(campaign, typed))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert saved_goal(campaign) == 1_000_000


def test_a_new_campaign_takes_its_goal_in_dollars(staff_client, home_page):
    data = nested_form_data(
        {
            "title": "Summer of Safety",
            "slug": "summer-of-safety",
            "intro": "Safe housing for the summer.",
            "body": streamfield([]),
            "goal_cents": "7,500.50",
            "currency": "usd",
            "deadline": "2031-08-31",
            "ask_text": "",
            "comments": inline_formset([]),
            **peer_to_peer_admin_fields(),
        }
    )
    add_url = f"/admin/pages/add/campaigns/fundraisingcampaignpage/{home_page.pk}/"

    response = staff_client.post(add_url, data)

    assert response.status_code == 302
    assert FundraisingCampaignPage.objects.get(slug="summer-of-safety").goal_cents == 750_050


def post_start_date(staff_client, campaign, start_date):
    """Staff save `campaign`, ending April 15, 2027, with the peer-to-peer `start_date` typed."""
    campaign.deadline = date(2027, 4, 15)
    campaign.save_revision().publish()
    return staff_client.post(
        edit_url(campaign), edit_form(campaign, "10,000", start_date=start_date)
    )


def saved_start_date(campaign):
    """The start date in the campaign's latest revision."""
    page = FundraisingCampaignPage.objects.get(pk=campaign.pk)
    return page.get_latest_revision_as_object().start_date


def test_a_start_date_after_the_deadline_is_refused_with_a_message(staff_client, campaign):
    response = post_start_date(staff_client, campaign, "2027-05-01")

    assert response.status_code == 200
    assert "The start date must be on or before the deadline (April 15, 2027)." in (
        response.content.decode()
    )
    assert saved_start_date(campaign) is None


def test_a_start_date_on_the_deadline_is_taken(staff_client, campaign):
    response = post_start_date(staff_client, campaign, "2027-04-15")

    assert response.status_code == 302
    assert saved_start_date(campaign) == date(2027, 4, 15)
