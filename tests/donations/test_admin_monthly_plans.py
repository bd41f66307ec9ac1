"""Monthly plans in the admin, read-only as gifts are: a list (donor, amount, page, status,
next installment, installments paid) filtered by status, and a plan's screen listing its
installments."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission

from donations.models import RecurringGift
from donations.recurring import bill_installment, complete_local_checkout
from tests.donations.admin_kit import cells
from tests.donations.monthly_support import RecurringGiftFactory
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/monthly-gifts/"


@pytest.fixture
def plan(fundraiser, no_stripe):
    """Ana Ruiz's $25 a month to Maria's walk, two installments paid (today's, through the
    local checkout, and July 3, 2026's), the next on August 3, 2026."""
    plan = RecurringGiftFactory(page=fundraiser, first_name="Ana", last_name="Ruiz")
    complete_local_checkout(plan)
    bill_installment(RecurringGift.objects.get(pk=plan.pk), datetime.date(2026, 7, 3))
    RecurringGift.objects.filter(pk=plan.pk).update(next_installment_on=datetime.date(2026, 8, 3))
    plan.refresh_from_db()
    return plan


def row_of(html, text):
    start = html.rindex("<tr", 0, html.index(text))
    return html[start : html.index("</tr>", start)]


def test_the_list_shows_each_plans_donor_amount_page_status_next_day_and_installments(
    staff_client, plan
):
    html = staff_client.get(LIST).content.decode()

    texts = [" ".join(text.split()) for text in cells(row_of(html, "Ana Ruiz"))]
    assert texts[-6:] == ["Ana Ruiz", "$25", "Maria's walk", "Active", "Aug. 3, 2026", "2"]


def test_the_list_filters_plans_by_status(staff_client, plan, fundraiser):
    RecurringGiftFactory(
        page=fundraiser, first_name="Ben", last_name="Ended", status=RecurringGift.Status.CANCELED
    )

    active = staff_client.get(LIST, {"status": "active"}).content.decode()
    canceled = staff_client.get(LIST, {"status": "canceled"}).content.decode()

    assert "Ana Ruiz" in active and "Ben Ended" not in active
    assert "Ben Ended" in canceled and "Ana Ruiz" not in canceled


def test_a_plans_screen_lists_its_installments_each_linked_to_its_gift(staff_client, plan):
    installments = list(plan.installments.order_by("-created_at"))

    html = staff_client.get(f"/admin/monthly-gifts/inspect/{plan.pk}/").content.decode()

    section = html[html.index('id="plan-installments"') :]
    links = [f'href="/admin/donation/inspect/{gift.pk}/"' for gift in installments]
    assert len(installments) == 2
    assert all(link in section for link in links)
    assert section.count(">Paid") == 2


def test_nobody_adds_edits_or_deletes_a_plan(staff_client, plan):
    html = staff_client.get(LIST).content.decode()

    assert "/admin/monthly-gifts/new/" not in html
    for url in (
        "/admin/monthly-gifts/new/",
        f"/admin/monthly-gifts/edit/{plan.pk}/",
        f"/admin/monthly-gifts/delete/{plan.pk}/",
    ):
        assert staff_client.get(url).status_code in (302, 403)
    staff_client.post(f"/admin/monthly-gifts/delete/{plan.pk}/")
    assert RecurringGift.objects.filter(pk=plan.pk).exists()


def test_staff_who_may_view_plans_see_them_and_others_do_not(client, plan):
    viewers = Group.objects.create(name="Plan viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_recurringgift"),
    )
    viewer, stranger = UserFactory(), UserFactory()
    viewer.groups.add(viewers)
    stranger.groups.add(Group.objects.create(name="Admin only"))
    stranger.groups.get().permissions.add(Permission.objects.get(codename="access_admin"))

    client.force_login(viewer)
    assert client.get(LIST).status_code == 200
    client.force_login(stranger)
    assert client.get(LIST).status_code in (302, 403)
