"""Taking a fundraiser page down, and putting it back, writes the page's history whoever
calls it: the service writes the entry, not the admin's view."""

import pytest
from wagtail.models import PageLogEntry

from campaigns.models import FundraiserPage
from campaigns.takedown import PUT_BACK, TAKEN_DOWN, put_back, take_down
from tests.campaigns.factories import FundraiserPageFactory
from tests.site.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "The story names a survivor."


@pytest.fixture
def page(campaign):
    owner = UserFactory(first_name="Maria")
    page = FundraiserPageFactory(parent=campaign, supporter=owner, title="Maria's walk")
    page.save_revision(user=owner).publish(user=owner, skip_permission_checks=True)
    return FundraiserPage.objects.get(pk=page.pk)


def test_taking_a_page_down_outside_the_admin_writes_it_in_the_pages_history(page):
    staff = StaffUserFactory()

    take_down(page, staff, REASON)

    entry = PageLogEntry.objects.get(page=page, action=TAKEN_DOWN)
    assert (entry.user_id, entry.data["reason"]) == (staff.pk, REASON)
    assert entry.message == f"Taken down; Maria was emailed the reason: {REASON}"


def test_putting_a_page_back_outside_the_admin_writes_it_in_the_pages_history(page):
    staff = StaffUserFactory()
    take_down(page, staff, REASON)

    put_back(page, staff)

    entry = PageLogEntry.objects.get(page=page, action=PUT_BACK)
    assert entry.user_id == staff.pk
    assert entry.message == "Put back up after a take-down; its latest version was published."
