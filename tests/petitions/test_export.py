"""The staff CSV export of a petition's confirmed signatures, in the Wagtail admin."""

import csv
import io
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from petitions.reports import EXPORT_COLUMNS
from tests.petitions.factories import SignatureFactory, make_petition
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


def local(year, month, day, hour=12, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def export_url(petition, **filters):
    url = reverse("petitions_admin:export", args=[petition.pk])
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_holds_only_confirmed_signatures_under_a_header(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="confirmed@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
    )
    SignatureFactory(petition=petition, email="pending@example.org")

    response = staff_client.get(export_url(petition))

    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == list(EXPORT_COLUMNS)
    assert [row[2] for row in rows[1:]] == ["confirmed@example.org"]


def test_export_row_has_every_column_with_an_iso_confirmation_time(home_page, staff_client):
    petition = make_petition(home_page)
    confirmed_at = local(2025, 3, 1, 9, 30)
    SignatureFactory(
        petition=petition,
        email="maria@example.org",
        confirmed=True,
        confirmed_at=confirmed_at,
        comment="For my sister.",
        show_publicly=True,
        opt_in_updates=False,
    )

    rows = read_csv(staff_client.get(export_url(petition)))

    assert rows[1] == [
        "Maria",
        "Garcia",
        "maria@example.org",
        "78701",
        "TX",
        "For my sister.",
        "yes",
        "no",
        timezone.localtime(confirmed_at).isoformat(),
    ]


def test_export_leaves_out_other_petitions_signatures(home_page, staff_client):
    petition = make_petition(home_page)
    other = make_petition(home_page, slug="another-petition")
    SignatureFactory(
        petition=petition, email="mine@example.org", confirmed=True, confirmed_at=local(2025, 3, 1)
    )
    SignatureFactory(
        petition=other, email="theirs@example.org", confirmed=True, confirmed_at=local(2025, 3, 1)
    )

    rows = read_csv(staff_client.get(export_url(petition)))

    assert [row[2] for row in rows[1:]] == ["mine@example.org"]


def test_export_is_streamed_as_a_csv_attachment_named_for_the_petition(home_page, staff_client):
    petition = make_petition(home_page)

    response = staff_client.get(export_url(petition))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="signatures-stop-trafficking-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]


def test_export_filters_by_state(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="texan@example.org",
        state="TX",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
    )
    SignatureFactory(
        petition=petition,
        email="ohioan@example.org",
        state="OH",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
    )

    rows = read_csv(staff_client.get(export_url(petition, state="OH")))

    assert [row[2] for row in rows[1:]] == ["ohioan@example.org"]


def test_export_accepts_a_lower_case_state_code(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="texan@example.org",
        state="TX",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
    )
    SignatureFactory(
        petition=petition,
        email="ohioan@example.org",
        state="OH",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
    )

    rows = read_csv(staff_client.get(export_url(petition, state="tx")))

    assert [row[2] for row in rows[1:]] == ["texan@example.org"]


def test_export_filters_by_confirmation_dates_inclusive_of_both_days(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="before@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 1, 23, 59),
    )
    SignatureFactory(
        petition=petition,
        email="first-day@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 2, 0, 0),
    )
    SignatureFactory(
        petition=petition,
        email="last-day@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 5, 23, 59),
    )
    SignatureFactory(
        petition=petition,
        email="after@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 6, 0, 0),
    )

    rows = read_csv(
        staff_client.get(export_url(petition, date_from="2025-03-02", date_to="2025-03-05"))
    )

    assert [row[2] for row in rows[1:]] == ["first-day@example.org", "last-day@example.org"]


def test_export_with_only_a_from_date_has_everything_since(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition, email="old@example.org", confirmed=True, confirmed_at=local(2025, 1, 1)
    )
    SignatureFactory(
        petition=petition, email="new@example.org", confirmed=True, confirmed_at=local(2025, 6, 1)
    )

    rows = read_csv(staff_client.get(export_url(petition, date_from="2025-03-01")))

    assert [row[2] for row in rows[1:]] == ["new@example.org"]


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
)
def test_export_neutralises_a_cell_a_spreadsheet_would_run_as_a_formula(
    home_page, staff_client, value
):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="maria@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
        comment=value,
    )

    rows = read_csv(staff_client.get(export_url(petition)))

    assert rows[1][EXPORT_COLUMNS.index("comment")] == "'" + value


def test_export_neutralises_formulas_in_names_too(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="maria@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
        first_name="=cmd|' /C calc'!A0",
    )

    rows = read_csv(staff_client.get(export_url(petition)))

    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_export_leaves_ordinary_text_alone(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="maria@example.org",
        confirmed=True,
        confirmed_at=local(2025, 3, 1),
        comment="Thanks = hope",
    )

    rows = read_csv(staff_client.get(export_url(petition)))

    assert rows[1][EXPORT_COLUMNS.index("comment")] == "Thanks = hope"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"state": "ZZ"}, "is not a state or territory"),
        ({"state": "Texas"}, "is not a state or territory"),
        ({"date_from": "yesterday"}, "Enter the from date as YYYY-MM-DD."),
        ({"date_to": "2025-13-40"}, "Enter the to date as YYYY-MM-DD."),
        (
            {"date_from": "2025-03-05", "date_to": "2025-03-01"},
            "The to date must be on or after the from date.",
        ),
    ],
)
def test_export_answers_bad_filters_with_400_and_says_why(
    home_page, staff_client, filters, message
):
    petition = make_petition(home_page)

    response = staff_client.get(export_url(petition, **filters))

    assert response.status_code == 400
    assert not response.streaming
    assert message in response.content.decode()


def test_export_redirects_a_logged_out_visitor_to_the_login(home_page, client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition, email="maria@example.org", confirmed=True, confirmed_at=local(2025, 3, 1)
    )

    response = client.get(export_url(petition))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_export_turns_away_a_supporter_without_admin_access(home_page, client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition, email="maria@example.org", confirmed=True, confirmed_at=local(2025, 3, 1)
    )
    client.force_login(UserFactory())

    response = client.get(export_url(petition))

    assert response.status_code == 302
    assert b"maria@example.org" not in response.content


def test_export_forbids_admin_users_who_cannot_edit_the_petition(home_page, client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition, email="maria@example.org", confirmed=True, confirmed_at=local(2025, 3, 1)
    )
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)

    response = client.get(export_url(petition))

    assert response.status_code == 403
    assert b"maria@example.org" not in response.content


def test_export_of_a_missing_page_is_not_found(home_page, staff_client):
    response = staff_client.get(reverse("petitions_admin:export", args=[999_999]))

    assert response.status_code == 404


def test_export_of_a_page_that_is_not_a_petition_is_not_found(home_page, staff_client):
    response = staff_client.get(reverse("petitions_admin:export", args=[home_page.pk]))

    assert response.status_code == 404
