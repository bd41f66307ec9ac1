"""The petition's admin form says what publishing will do, and to how many, before it happens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from petitions.models import DeliverySchedule, PetitionPage, PetitionUpdate
from tests.petitions.factories import SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db


def petition_form(petition, **overrides):
    """What the edit form posts for `petition`, with `overrides`; publishing unless told not to."""
    data = {
        "title": petition.title,
        "slug": petition.slug,
        "summary": petition.summary,
        "hero_credit": "",
        "body": streamfield([]),
        "letter": petition.letter,
        "target_group": petition.target_group,
        "delivery_schedule": petition.delivery_schedule,
        "delivery_threshold": petition.delivery_threshold,
        "status": petition.status,
        "victory_text": rich_text(""),
        "close_date": "",
        "signature_goal": "",
        "require_confirmation": "on",
        "thank_you_text": petition.thank_you_text,
        "share_text": "",
        "comments": {
            "TOTAL_FORMS": 0,
            "INITIAL_FORMS": 0,
            "MIN_NUM_FORMS": 0,
            "MAX_NUM_FORMS": 1000,
        },
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def edit(client, petition, **overrides):
    url = reverse("wagtailadmin_pages:edit", args=[petition.pk])
    return client.post(url, petition_form(petition, **overrides))


def form_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def help_text(client, url, field):
    return client.get(url).context["form"].fields[field].help_text


def edit_url(petition):
    return reverse("wagtailadmin_pages:edit", args=[petition.pk])


def test_an_open_petition_with_a_close_date_already_past_is_refused(staff_client, petition):
    response = edit(staff_client, petition, close_date="2020-01-31 17:00")

    assert response.status_code == 200
    (error,) = form_errors(response)["close_date"]
    assert "has passed: published like this, the petition would be closed at once" in error
    assert "or set the status to Closed" in error
    petition.refresh_from_db()
    assert petition.close_date is None
    assert petition.is_open


def test_a_closed_petition_may_keep_a_past_close_date(staff_client, petition):
    response = edit(
        staff_client, petition, status=PetitionPage.Status.CLOSED, close_date="2020-01-31 17:00"
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionPage.Status.CLOSED


def test_an_open_petition_may_set_a_future_close_date(staff_client, petition):
    later = timezone.localtime(timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")

    response = edit(staff_client, petition, close_date=later)

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.is_open


def test_an_open_petition_past_its_close_date_says_it_has_closed_itself(staff_client, petition):
    petition.close_date = timezone.now() - timedelta(days=2)
    petition.save()

    text = help_text(staff_client, edit_url(petition), "close_date")

    assert text.startswith("This petition closed itself on ")
    assert "although the status above says Open" in text


def test_the_status_says_how_many_signers_a_victory_will_email(staff_client, petition):
    SignatureFactory(petition=petition, email="a@example.org", confirmed=True, opt_in_updates=True)
    SignatureFactory(petition=petition, email="b@example.org", confirmed=True, opt_in_updates=True)
    SignatureFactory(petition=petition, email="quiet@example.org", confirmed=True)
    SignatureFactory(petition=petition, email="pending@example.org", opt_in_updates=True)

    text = help_text(staff_client, edit_url(petition), "status")

    assert text == (
        "Publishing with “Victory” emails the victory text, once, to the 2 signers who opted "
        "in to updates (as of now). Saving a draft sends nothing."
    )


def test_the_victory_warning_is_on_the_page_staff_see(staff_client, petition):
    html = staff_client.get(edit_url(petition)).content.decode()

    assert "Publishing with “Victory” emails the victory text, once, to the 0 signers" in html


def test_after_a_victory_was_emailed_the_status_says_it_is_not_sent_again(staff_client, petition):
    PetitionUpdate.objects.create(
        petition=petition,
        kind=PetitionUpdate.Kind.VICTORY,
        title="Victory",
        body="<p>We won.</p>",
        emailed_at=timezone.now(),
    )

    text = help_text(staff_client, edit_url(petition), "status")

    assert "The victory was emailed to signers on" in text
    assert "it is never emailed again" in text


def test_the_delivery_schedule_says_when_and_to_how_many_offices(staff_client, petition, texas_ag):
    texas_ag.email = "ag@texas.example"
    texas_ag.save()
    indiana = TargetFactory(jurisdiction="IN", name="Todd Rokita")
    SignatureFactory(petition=petition, email="a@example.org", confirmed=True, target=texas_ag)
    SignatureFactory(petition=petition, email="b@example.org", confirmed=True, target=texas_ag)
    SignatureFactory(
        petition=petition, email="c@example.org", state="IN", confirmed=True, target=indiana
    )

    text = help_text(staff_client, edit_url(petition), "delivery_schedule")

    assert text.startswith(
        "Waiting now: 3 confirmed signatures for 2 offices (1 by email, 1 by post). Daily or "
        "Weekly: within 15 minutes of publishing, each office with confirmed signatures "
        "waiting and no delivery in the last day or week receives them, even a single signature"
    )


def test_a_new_petition_says_its_weekly_default_delivers_within_15_minutes(staff_client, home_page):
    url = reverse("wagtailadmin_pages:add", args=["petitions", "petitionpage", home_page.pk])

    text = help_text(staff_client, url, "delivery_schedule")

    assert text.startswith("New petitions deliver weekly. Daily or Weekly: within 15 minutes of")
    assert PetitionPage._meta.get_field("delivery_schedule").default == DeliverySchedule.WEEKLY
