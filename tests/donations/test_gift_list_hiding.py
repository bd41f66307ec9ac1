"""Staff hide a gift's public name or message after the fact (issue 29): a confirm step, a
History entry, "Anonymous" and no message on the public page, and back again."""

import pytest
from wagtail.models import ModelLogEntry

from donations.hiding import PUBLIC_TEXT_CHANGED, set_public_text
from donations.models import Donation
from tests.campaigns.factories import paid_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_gift(campaign, fundraiser):
    return paid_gift(
        fundraiser,
        5000,
        first_name="Ana",
        last_name="Ruiz",
        name_shown=Donation.NameShown.PUBLIC,
        message="Go Maria, you rock",
    )


def url(gift):
    return f"/admin/donations/public-text/{gift.pk}/"


def test_hiding_a_name_asks_first_and_changes_nothing_until_confirmed(staff_client, named_gift):
    response = staff_client.post(url(named_gift), {"name_hidden": "on"})

    assert "The donor&#x27;s name will be hidden from public pages." in response.content.decode()
    named_gift.refresh_from_db()
    assert named_gift.name_hidden is False


def test_hiding_a_name_makes_the_campaign_page_show_anonymous_and_logs_it(
    client, staff_client, staff, campaign, named_gift
):
    before = client.get(campaign.url).content.decode()
    assert "Ana R." in before and "Go Maria, you rock" in before

    response = staff_client.post(url(named_gift), {"name_hidden": "on", "confirm": "yes"})

    assert response.status_code == 302
    after = client.get(campaign.url).content.decode()
    assert "Ana R." not in after
    assert "Anonymous" in after
    assert "Go Maria, you rock" not in after  # a message is shown only beside a name
    entry = ModelLogEntry.objects.get(action=PUBLIC_TEXT_CHANGED)
    assert (entry.object_id, entry.user, entry.data) == (
        str(named_gift.pk),
        staff,
        {"name_hidden": True},
    )


def test_hiding_the_message_keeps_the_name_and_drops_the_message(client, campaign, named_gift):
    set_public_text(named_gift, name_hidden=False, message_hidden=True, by=None)

    html = client.get(campaign.url).content.decode()

    assert "Ana R." in html
    assert "Go Maria, you rock" not in html


def test_hiding_is_undone_by_showing_again(client, staff_client, campaign, named_gift):
    set_public_text(named_gift, name_hidden=True, message_hidden=True, by=None)

    staff_client.post(url(named_gift), {"confirm": "yes"})

    named_gift.refresh_from_db()
    assert (named_gift.name_hidden, named_gift.message_hidden) == (False, False)
    html = client.get(campaign.url).content.decode()
    assert "Ana R." in html and "Go Maria, you rock" in html
    assert ModelLogEntry.objects.filter(action=PUBLIC_TEXT_CHANGED).count() == 2


def test_the_fundraiser_page_drops_a_hidden_name_from_its_donors(client, fundraiser, named_gift):
    set_public_text(named_gift, name_hidden=True, message_hidden=False, by=None)

    html = client.get(fundraiser.url).content.decode()

    assert "Ana R." not in html
    assert "Go Maria, you rock" not in html


def test_staff_without_the_permission_may_not_hide(client, django_user_model, named_gift):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(email="editor@example.org", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.post(url(named_gift), {"name_hidden": "on", "confirm": "yes"})

    assert response.status_code in (302, 403)  # Wagtail's admin sends a refusal home
    assert response.headers.get("Location", "/admin/") == "/admin/"
    named_gift.refresh_from_db()
    assert named_gift.name_hidden is False
