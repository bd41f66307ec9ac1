"""A signature sent back with mistakes starts with a summary of them, linked to the fields."""

import pytest

from tests.petitions.factories import form_data
from tests.support.error_summary import assert_summary_links_to

pytestmark = pytest.mark.django_db


def test_a_signature_with_mistakes_links_each_message_to_its_field(client, petition):
    response = client.post(petition.sign_url(), form_data(first_name="", zip_code="7870"))
    assert_summary_links_to(response, "id_first_name", "id_zip_code")
