"""Starting, editing and asking friends: a form sent back with mistakes starts with its summary."""

import pytest
from django.urls import reverse

from tests.campaigns.test_edit_fundraiser import edit_form, edit_url
from tests.campaigns.test_invitations import friends_form, friends_url
from tests.campaigns.test_start_fundraiser import page_form
from tests.support.error_summary import assert_summary_links_to

pytestmark = pytest.mark.django_db


def test_starting_a_page_with_no_title_links_the_summary_to_the_title(signed_in, campaign):
    response = signed_in.post(
        reverse("campaigns:start-fundraiser", args=[campaign.pk]), page_form(title="")
    )
    assert_summary_links_to(response, "id_title")


def test_editing_a_page_with_no_title_links_the_summary_to_the_title(signed_in, fundraiser):
    response = signed_in.post(edit_url(fundraiser), edit_form(fundraiser, title=""))
    assert_summary_links_to(response, "id_title")


def test_asking_friends_with_a_bad_address_names_the_friend_and_links_to_the_address(
    signed_in, fundraiser
):
    response = signed_in.post(
        friends_url(fundraiser), friends_form([("Ana", "ana@example.org"), ("Ben", "not an email")])
    )
    summary = assert_summary_links_to(response, "id_friends-1-email")
    assert summary["links"][0][1].startswith("Friend 2: ")
    assert "Nothing was sent." in response.content.decode()
