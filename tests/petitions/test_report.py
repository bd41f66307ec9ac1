"""The staff signatures report on one petition, in the Wagtail admin."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from northstar.charts import bar_chart
from petitions.reports import confirmation_rate, signatures_per_day
from tests.petitions.factories import SignatureFactory, make_petition
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db


def noon(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def report_url(petition):
    return reverse("petitions_admin:report", args=[petition.pk])


def text_of(response, section=None):
    """The page's text (or one report section's) without tags, white space collapsed."""
    html = response.content.decode()
    if section:
        html = html[html.index(f'id="{section}"') :]
        html = html[: html.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_lists_confirmed_signatures_per_state(home_page, staff_client):
    petition = make_petition(home_page)
    yesterday = noon(timezone.localdate() - timedelta(days=1))
    for n in range(3):
        SignatureFactory(
            petition=petition,
            email=f"texan{n}@example.org",
            state="TX",
            confirmed=True,
            confirmed_at=yesterday,
        )
    SignatureFactory(
        petition=petition,
        email="ohioan@example.org",
        state="OH",
        confirmed=True,
        confirmed_at=yesterday,
    )
    SignatureFactory(petition=petition, email="pending@example.org", state="CA")

    response = staff_client.get(report_url(petition))

    assert response.status_code == 200
    text = text_of(response, "report-per-state")
    assert "Texas 3" in text
    assert "Ohio 1" in text
    assert "California" not in text
    assert "All states 4" in text


def test_report_shows_the_confirmation_rate_with_both_numbers(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="a@example.org",
        confirmed=True,
        confirmed_at=noon(timezone.localdate()),
    )
    SignatureFactory(
        petition=petition,
        email="b@example.org",
        confirmed=True,
        confirmed_at=noon(timezone.localdate()),
    )
    SignatureFactory(petition=petition, email="c@example.org")

    text = text_of(staff_client.get(report_url(petition)))

    assert "66.7%" in text
    assert "2 confirmed of 3 signatures" in text


def test_report_of_a_petition_without_signatures_says_so(home_page, staff_client):
    petition = make_petition(home_page)

    text = text_of(staff_client.get(report_url(petition)))

    assert "No signatures yet" in text
    assert "No confirmed signatures yet." in text


def test_report_draws_signatures_per_day_as_an_inline_svg_bar_chart(home_page, staff_client):
    petition = make_petition(home_page)
    SignatureFactory(
        petition=petition,
        email="a@example.org",
        confirmed=True,
        confirmed_at=noon(timezone.localdate()),
    )

    html = staff_client.get(report_url(petition)).content.decode()

    chart = html[html.index('<svg class="chart"') :]
    svg = chart[: chart.index("</svg>")]
    assert 'role="img"' in svg
    assert svg.count('<rect class="bar"') == 60
    assert "<script" not in html.split('<main class="content-wrapper')[1].split("</main>")[0]


def test_report_offers_the_export_form_with_its_filters(home_page, staff_client):
    petition = make_petition(home_page)

    html = staff_client.get(report_url(petition)).content.decode()

    assert f'action="{reverse("petitions_admin:export", args=[petition.pk])}"' in html
    assert 'name="state"' in html
    assert 'name="date_from"' in html
    assert 'name="date_to"' in html


def test_report_forbids_admin_users_who_cannot_edit_the_petition(home_page, client):
    petition = make_petition(home_page)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)

    response = client.get(report_url(petition))

    assert response.status_code == 403


def test_petition_edit_page_links_to_its_signatures_report(home_page, staff_client):
    petition = make_petition(home_page)

    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk]))

    assert report_url(petition) in response.content.decode()


def test_home_page_in_the_admin_has_no_signatures_report(home_page, staff_client):
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))

    assert "Signatures report" not in response.content.decode()


def test_page_listing_offers_the_signatures_report_for_a_petition(home_page, staff_client):
    petition = make_petition(home_page)

    response = staff_client.get(reverse("wagtailadmin_explore", args=[home_page.pk]))

    assert report_url(petition) in response.content.decode()


def test_signatures_per_day_counts_confirmations_on_each_day_and_zero_on_quiet_days(home_page):
    petition = make_petition(home_page)
    today = timezone.localdate()
    SignatureFactory(
        petition=petition, email="a@example.org", confirmed=True, confirmed_at=noon(today)
    )
    SignatureFactory(
        petition=petition, email="b@example.org", confirmed=True, confirmed_at=noon(today)
    )
    SignatureFactory(
        petition=petition,
        email="c@example.org",
        confirmed=True,
        confirmed_at=noon(today - timedelta(days=2)),
    )
    SignatureFactory(
        petition=petition,
        email="too-old@example.org",
        confirmed=True,
        confirmed_at=noon(today - timedelta(days=60)),
    )
    SignatureFactory(petition=petition, email="pending@example.org")

    days = signatures_per_day(petition, days=60, today=today)

    assert len(days) == 60
    assert days[0].day == today - timedelta(days=59)
    assert [(day.day, day.count) for day in days[-3:]] == [
        (today - timedelta(days=2), 1),
        (today - timedelta(days=1), 0),
        (today, 2),
    ]
    assert sum(day.count for day in days) == 3


def test_confirmation_rate_of_no_signatures_has_no_percent(home_page):
    petition = make_petition(home_page)

    rate = confirmation_rate(petition)

    assert (rate.confirmed, rate.total, rate.percent) == (0, 0, None)


def test_bar_chart_scales_the_busiest_day_to_the_top_of_the_plot(home_page):
    petition = make_petition(home_page)
    today = timezone.localdate()
    for n in range(5):
        SignatureFactory(
            petition=petition, email=f"s{n}@example.org", confirmed=True, confirmed_at=noon(today)
        )

    chart = bar_chart(signatures_per_day(petition, days=60, today=today))

    assert chart.top == 5
    assert chart.bars[-1].y == chart.plot_top
    assert chart.bars[0].height == 0
