"""A donate form sent back with a mistake starts with a summary of the errors, linked to fields."""

import pytest

from tests.donations.factories import donate_form
from tests.support.error_summary import assert_summary_links_to, error_summary

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["30000", "0.49", "ten"])
def test_a_mistaken_amount_on_a_fundraiser_page_is_summarised_and_linked_to_the_amount_box(
    client, fundraiser, no_stripe, amount
):
    response = client.post(
        f"/donations/give/{fundraiser.pk}/", donate_form(amount="other", other_amount=amount)
    )
    assert response.status_code == 200
    summary = assert_summary_links_to(response, "id_other_amount")
    [(_, message)] = summary["links"]
    assert message in response.content.decode().split('id="id_other_amount_error"')[1]


def test_several_mistakes_on_the_campaign_page_are_listed_in_the_forms_order(
    client, campaign, no_stripe
):
    response = client.post(
        f"/donations/give/{campaign.pk}/",
        donate_form(amount=None, first_name="", email="not an address"),
    )
    assert_summary_links_to(response, "id_amount_0", "id_first_name", "id_email")


def test_the_summary_has_a_heading_and_the_form_has_no_summary_before_it_is_sent(
    client, campaign, no_stripe
):
    response = client.post(f"/donations/give/{campaign.pk}/", donate_form(email=""))
    assert 'id="error-summary-title">There is a problem</h2>' in response.content.decode()
    assert error_summary(client.get(campaign.url))["attrs"] is None
