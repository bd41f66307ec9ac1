"""What the public petition page shows: the count, the goal, the banners, and whose names."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from northstar.memo import clear_all
from northstar.pagecache import CSRF_PLACEHOLDER
from petitions.models import PetitionPage, Signature, next_milestone
from petitions.views import render_petition
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, form_data

pytestmark = pytest.mark.django_db


def queries_to_render(client, petition):
    clear_all()  # past the page cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(petition.url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_many_signers_it_lists(client, petition):
    SignatureFactory(petition=petition, confirmed=True, show_publicly=True)
    queries_to_render(client, petition)  # site root paths and settings, read once
    with_one = queries_to_render(client, petition)
    SignatureFactory.create_batch(
        10, petition=petition, confirmed=True, show_publicly=True, first_name="Ana"
    )
    assert queries_to_render(client, petition) == with_one


def test_the_page_invites_visitors_to_join_the_live_count(client, petition):
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    html = client.get(petition.url).content.decode()
    assert "Join 3 supporters" in html


@pytest.mark.parametrize(
    ("count", "milestone"), [(0, 100), (99, 100), (100, 500), (2424, 5000), (60_000, 100_000)]
)
def test_without_a_goal_the_next_milestone_is_shown(count, milestone):
    assert next_milestone(count) == milestone


def test_a_staff_goal_replaces_the_milestone(client, home_page):
    petition = PetitionPageFactory(signature_goal=3000)
    assert "Next goal: 3,000" in client.get(petition.url).content.decode()


def test_a_closed_petition_says_how_many_supported_it_and_has_no_form(client, home_page):
    petition = PetitionPageFactory()
    SignatureFactory.create_batch(2, petition=petition, confirmed=True)
    petition.status = PetitionPage.Status.CLOSED
    petition.save_revision().publish()
    html = client.get(petition.url).content.decode()
    assert "Petition closed" in html
    assert "This petition had 2 supporters." in html
    assert 'name="email"' not in html


def test_a_victorious_petition_shows_the_victory_text_and_no_form(client, home_page):
    petition = PetitionPageFactory(
        status=PetitionPage.Status.VICTORY,
        victory_text="<p>Texas now posts the hotline in every bus station.</p>",
    )
    html = client.get(petition.url).content.decode()
    assert "Victory!" in html
    assert "Texas now posts the hotline in every bus station." in html
    assert 'name="email"' not in html


def test_recent_signers_show_only_those_who_chose_to_be_public(client, petition):
    SignatureFactory(
        petition=petition,
        first_name="Ana",
        last_name="Lopez",
        show_publicly=True,
        comment="For my sister.",
        confirmed=True,
    )
    SignatureFactory(petition=petition, first_name="Hidden", last_name="Person", confirmed=True)
    html = client.get(petition.url).content.decode()
    assert "Ana L." in html
    assert "Lopez" not in html
    assert "For my sister." in html
    assert "Hidden" not in html


def test_no_signer_email_appears_on_the_public_page(client, petition):
    SignatureFactory.create_batch(2, petition=petition, confirmed=True, show_publicly=True)
    html = client.get(petition.url).content.decode()
    assert "@example.org" not in html


def test_unconfirmed_signers_are_not_listed(client, petition):
    SignatureFactory(petition=petition, first_name="Pending", show_publicly=True)
    assert "Pending" not in client.get(petition.url).content.decode()


def test_the_home_page_lists_open_petitions_only(client, home_page):
    PetitionPageFactory(title="Open one")
    PetitionPageFactory(title="Closed one", status=PetitionPage.Status.CLOSED)
    html = client.get("/").content.decode()
    assert "Open one" in html
    assert "Closed one" not in html


def test_the_home_page_leaves_out_a_petition_past_its_close_date(client, home_page):
    PetitionPageFactory(title="Still open", close_date=timezone.now() + timedelta(days=1))
    PetitionPageFactory(title="Ran out", close_date=timezone.now() - timedelta(minutes=1))
    html = client.get("/").content.decode()
    assert "Still open" in html
    assert "Ran out" not in html


OPEN_AND_CLOSED = [
    pytest.param({}, True, id="open"),
    pytest.param({"status": PetitionPage.Status.CLOSED}, False, id="closed-by-staff"),
    pytest.param({"status": PetitionPage.Status.VICTORY}, False, id="victory"),
    pytest.param({"close_date": timedelta(minutes=-1)}, False, id="past-close-date"),
    pytest.param({"close_date": timedelta(days=1)}, True, id="future-close-date"),
    pytest.param(
        {"status": PetitionPage.Status.CLOSED, "close_date": timedelta(days=1)},
        False,
        id="closed-with-future-close-date",
    ),
]


@pytest.mark.parametrize(("fields", "is_open"), OPEN_AND_CLOSED)
def test_the_open_and_closed_queries_agree_with_the_petition_itself(home_page, fields, is_open):
    if "close_date" in fields:
        fields = {**fields, "close_date": timezone.now() + fields["close_date"]}
    petition = PetitionPageFactory(**fields)
    assert petition.is_open is is_open
    assert PetitionPage.objects.open().filter(pk=petition.pk).exists() is is_open
    assert PetitionPage.objects.closed().filter(pk=petition.pk).exists() is not is_open


def test_a_petition_leaves_the_open_query_the_moment_its_close_date_passes(home_page):
    close_date = timezone.now() + timedelta(hours=1)
    petition = PetitionPageFactory(close_date=close_date)
    just_before = close_date - timedelta(microseconds=1)
    assert list(PetitionPage.objects.open(now=just_before)) == [petition]
    assert list(PetitionPage.objects.closed(now=close_date)) == [petition]
    assert not PetitionPage.objects.open(now=close_date).exists()


def test_staff_previewing_a_petition_see_its_sign_form(petition):
    response = petition.make_preview_request()
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{petition.sign_url()}"' in html
    assert 'name="email"' in html
    assert CSRF_PLACEHOLDER not in html


def test_a_petition_nobody_has_signed_invites_the_first_signer(client, petition):
    html = client.get(petition.url).content.decode()
    assert "Be the first to sign" in html
    assert "Join 0" not in html


def test_one_supporter_reads_in_the_singular(client, petition):
    SignatureFactory(petition=petition, confirmed=True)
    html = client.get(petition.url).content.decode()
    assert "Join 1 supporter<" in html
    assert "1 supporters" not in html


def test_a_victory_with_one_supporter_reads_in_the_singular(client, home_page):
    petition = PetitionPageFactory(status=PetitionPage.Status.VICTORY)
    SignatureFactory(petition=petition, confirmed=True)
    assert "1 supporter made this happen." in client.get(petition.url).content.decode()


def test_a_signer_confirmed_seconds_ago_was_signed_just_now(client, petition):
    SignatureFactory(petition=petition, confirmed=True, show_publicly=True)
    html = client.get(petition.url).content.decode()
    assert "· just now" in html
    assert "0\xa0minutes" not in html


def test_a_signer_confirmed_an_hour_ago_reads_in_the_singular(client, petition):
    SignatureFactory(petition=petition, confirmed=True, show_publicly=True)
    Signature.objects.update(confirmed_at=timezone.now() - timedelta(minutes=61))
    assert "· 1\xa0hour ago" in client.get(petition.url).content.decode()


def test_a_comment_with_a_right_to_left_override_cannot_reverse_the_text_after_it(client, petition):
    SignatureFactory(
        petition=petition,
        confirmed=True,
        show_publicly=True,
        first_name="\u202eAna",
        comment="\u202eevil comment",
    )
    html = client.get(petition.url).content.decode()
    assert "<strong><bdi>\u202eAna G.</bdi></strong>" in html
    assert "<q><bdi>\u202eevil comment</bdi></q>" in html


def test_the_home_page_counts_one_supporter_in_the_singular(client, petition):
    SignatureFactory(petition=petition, confirmed=True)
    html = client.get("/").content.decode()
    assert '1 <span class="count__label">supporter</span>' in html


# Answers that carry what a visitor typed are never stored, by any cache.


def test_a_sign_form_with_errors_is_never_stored_by_a_cache(client, petition):
    response = client.post(petition.sign_url(), form_data(email="maria@example.org", zip_code="1"))
    assert response.status_code == 200
    assert "maria@example.org" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_page_cache_keeps_no_answer_its_view_marked_no_store(client, petition, monkeypatch):
    def typed_page(request, petition):
        response = render_petition(request, petition, cache_seconds=60)
        response.content = response.content.replace(b"</main>", b"Maria's page</main>")
        add_never_cache_headers(response)  # as never_cache does
        return response

    monkeypatch.setattr("petitions.views.petition_page", typed_page)
    first = Client().get(petition.url)
    assert "no-store" in first["Cache-Control"]
    monkeypatch.undo()

    assert "Maria's page" not in Client().get(petition.url).content.decode()


def test_the_recipient_lookup_is_never_stored_by_a_cache(client, petition):
    response = client.get(f"{petition.url}recipient/", {"zip": "78701"})
    assert "no-store" in response["Cache-Control"]
