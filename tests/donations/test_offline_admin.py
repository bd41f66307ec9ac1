"""Staff record, confirm, correct and void offline gifts in the admin: dollars typed, a
confirm step that says the amount and the totals it changes, permission
`donations.record_offline_donation`; bad input gets a message and changes nothing."""

import pytest
from django.contrib.auth.models import Group, Permission

from donations.models import Donation
from tests.donations import offline_kit
from tests.donations.offline_kit import record, recount_agrees, report, totals, yesterday
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

team = offline_kit.team
page = offline_kit.page

RECORD = "/admin/offline-gifts/record/"
AWAITING = "/admin/offline-gifts/"
CONFIRM = "/admin/offline-gifts/confirm/"


def record_form(page, **overrides):
    data = {
        "page": str(page.pk),
        "amount": "40",
        "method": "cheque",
        "received_on": yesterday().isoformat(),
        "first_name": "May",
        "last_name": "Parker",
        "email": "",
        "reference": "Cheque 1042",
        "name_shown": "anonymous",
    }
    data.update(overrides)
    return data


def test_the_record_step_says_what_it_will_count_where_and_records_nothing(
    staff_client, page, team, campaign
):
    response = staff_client.post(RECORD, record_form(page))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This records a cheque of $40.00 from May Parker" in html
    assert "added to the totals of Maria&#x27;s walk, Grace Church and Spring into Action" in html
    assert not Donation.objects.exists()


def test_confirming_the_record_step_counts_the_gift_on_every_level(
    staff_client, staff, page, team, campaign
):
    response = staff_client.post(RECORD, record_form(page, confirm="yes"))

    gift = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/donation/inspect/{gift.pk}/"
    assert (gift.amount_cents, gift.recorded_by, gift.status) == (4000, staff, "paid")
    assert totals(page, team, campaign) == [(4000, 1)] * 3
    assert recount_agrees()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0", "Please enter an amount more than zero."),
        ("-5", "Please enter an amount in dollars and cents"),
        ("1e3", "Please enter an amount in dollars and cents"),
        ("٤٠", "Please type the amount with the digits 0 to 9"),
        ("40.005", "Please round the amount to the cent"),
        ("1000000.01", "An offline gift can be at most $1,000,000."),
    ],
)
def test_a_typed_bad_amount_gets_a_message_and_records_nothing(staff_client, page, typed, says):
    response = staff_client.post(RECORD, record_form(page, amount=typed, confirm="yes"))

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Donation.objects.exists()


def test_a_date_in_the_future_gets_a_message(staff_client, page):
    response = staff_client.post(RECORD, record_form(page, received_on="2999-01-01"))

    assert "cannot be in the future" in response.content.decode()


def test_an_offline_gifts_screen_offers_correct_and_void_and_no_refund(staff_client, staff, page):
    gift = record(page, staff)

    html = staff_client.get(f"/admin/donation/inspect/{gift.pk}/").content.decode()

    assert f"/admin/offline-gifts/{gift.pk}/correct/" in html
    assert f"/admin/offline-gifts/{gift.pk}/void/" in html
    assert f"/admin/donations/refund/{gift.pk}/" not in html


def test_correcting_says_how_each_total_moves_then_moves_it(
    staff_client, staff, page, team, campaign
):
    gift = record(page, staff, 4000)
    url = f"/admin/offline-gifts/{gift.pk}/correct/"
    form = {
        "amount": "45",
        "method": "cheque",
        "received_on": yesterday().isoformat(),
        "reference": "Cheque 1042",
        "reason": "Misread the cheque",
    }

    html = staff_client.post(url, form).content.decode()
    assert "The amount changes from $40.00 to $45.00." in html
    assert "Grace Church and Spring into Action go up by $5.00" in html
    assert totals(page, team, campaign) == [(4000, 1)] * 3

    staff_client.post(url, {**form, "confirm": "yes"})
    assert totals(page, team, campaign) == [(4500, 1)] * 3
    assert recount_agrees()


def test_voiding_says_what_comes_off_then_takes_it_off(staff_client, staff, page, team, campaign):
    gift = record(page, staff, 4000)
    url = f"/admin/offline-gifts/{gift.pk}/void/"

    html = staff_client.post(url, {"reason": "Cheque bounced"}).content.decode()
    assert "$40.00 and one gift come off the totals of Maria&#x27;s walk" in html
    assert Donation.objects.get().status == "paid"

    staff_client.post(url, {"reason": "Cheque bounced", "confirm": "yes"})
    assert Donation.objects.get().status == "voided"
    assert totals(page, team, campaign) == [(0, 0)] * 3


def test_voiding_twice_in_the_admin_says_so_and_changes_nothing(staff_client, staff, page):
    gift = record(page, staff, 4000)
    url = f"/admin/offline-gifts/{gift.pk}/void/"
    staff_client.post(url, {"reason": "Cheque bounced", "confirm": "yes"})

    response = staff_client.post(url, {"reason": "Again", "confirm": "yes"})

    assert response.status_code == 200
    assert "voided already" in response.content.decode()
    assert Donation.objects.get().void_reason == "Cheque bounced"


def test_the_awaiting_list_shows_owner_reported_gifts(staff_client, page, owner):
    report(page, owner, 4000, donor_name="Aunt May")

    html = staff_client.get(AWAITING).content.decode()

    assert "Aunt May" in html and "$40<" in html


def test_bulk_confirm_says_how_many_how_much_and_where_then_counts_each_once(
    staff_client, page, team, campaign, owner
):
    gifts = [report(page, owner, cents) for cents in (4000, 5000, 3000)]
    chosen = {"gift": [str(g.pk) for g in gifts]}

    html = staff_client.post(CONFIRM, chosen).content.decode()
    assert (
        "Confirm 3 gifts totalling $120.00 — they will count on Maria&#x27;s walk, "
        "Grace Church and Spring into Action." in html
    )
    assert totals(page, team, campaign) == [(0, 0)] * 3

    staff_client.post(CONFIRM, {**chosen, "confirm": "yes"})
    staff_client.post(CONFIRM, {**chosen, "confirm": "yes"})
    assert totals(page, team, campaign) == [(12000, 3)] * 3
    assert recount_agrees()


def test_confirm_one_confirms_only_that_gift(staff_client, page, campaign, owner):
    first, second = report(page, owner, 4000), report(page, owner, 5000)

    staff_client.post(
        f"{CONFIRM}?one={second.pk}", {"gift": [str(first.pk), str(second.pk)], "confirm": "yes"}
    )

    assert totals(page, campaign) == [(5000, 1)] * 2


def test_staff_without_the_permission_are_refused_with_the_admins_403(client, staff, page):
    viewers = Group.objects.create(name="Gift viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_donation"),
    )
    viewer = UserFactory()
    viewer.groups.add(viewers)
    client.force_login(viewer)
    gift = record(page, staff, 4000)

    responses = [
        client.post(RECORD, record_form(page, confirm="yes")),
        client.post(f"/admin/offline-gifts/{gift.pk}/void/", {"reason": "x", "confirm": "yes"}),
        client.get(AWAITING),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "You need permission to record offline gifts" in responses[0].content.decode()
    assert Donation.objects.get().status == "paid"


def test_no_one_can_delete_an_offline_gift_in_the_admin(staff_client, staff, page):
    gift = record(page, staff, 4000)

    response = staff_client.post(f"/admin/donation/delete/{gift.pk}/")

    assert response.status_code in (302, 403, 404)
    assert Donation.objects.filter(pk=gift.pk).exists()


def test_the_menu_says_how_many_reported_gifts_wait_for_staff(staff_client, page, owner):
    assert "Offline gifts (" not in staff_client.get("/admin/").content.decode()

    report(page, owner)
    report(page, owner, cents=2500)

    assert "Offline gifts (2)" in staff_client.get("/admin/").content.decode()
