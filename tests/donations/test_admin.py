"""Staff see gifts in the Wagtail admin, read-only: only payments change a gift."""

import pytest

from donations.models import Donation
from tests.campaigns.factories import paid_gift
from tests.donations.factories import DonationFactory

pytestmark = pytest.mark.django_db


def test_staff_see_each_gift_with_its_amount_donor_status_and_page(staff_client, campaign):
    DonationFactory(page=campaign, amount_cents=12550, first_name="Grace", last_name="Okafor")

    response = staff_client.get("/admin/donation/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "$125.50" in html
    assert "Grace Okafor" in html
    assert "Pending" in html
    assert "Spring into Action" in html


def test_staff_cannot_add_edit_or_delete_a_gift(staff_client, campaign):
    donation = DonationFactory(page=campaign)

    html = staff_client.get("/admin/donation/").content.decode()
    assert "/admin/donation/new/" not in html
    for url in (
        "/admin/donation/new/",
        f"/admin/donation/edit/{donation.pk}/",
        f"/admin/donation/delete/{donation.pk}/",
    ):
        assert staff_client.get(url).status_code in (302, 403)
    staff_client.post(f"/admin/donation/delete/{donation.pk}/")
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_staff_can_inspect_a_gift(staff_client, campaign):
    donation = DonationFactory(page=campaign, email="inspect@example.org")
    response = staff_client.get(f"/admin/donation/inspect/{donation.pk}/")
    assert response.status_code == 200
    assert "inspect@example.org" in response.content.decode()


def test_the_public_cannot_see_the_gifts_list(client, campaign):
    DonationFactory(page=campaign)
    response = client.get("/admin/donation/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_page_that_received_gifts_cannot_be_deleted(staff_client, campaign):
    paid_gift(campaign, 5000)
    DonationFactory.create_batch(2, page=campaign)  # checkouts started, never paid

    response = staff_client.post(f"/admin/pages/{campaign.pk}/delete/", follow=True)

    assert (
        "cannot be deleted: it holds 1 gift and 2 checkouts not completed."
        in response.content.decode()
    )
    assert type(campaign).objects.filter(pk=campaign.pk).exists()
