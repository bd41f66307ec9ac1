"""The staff delivery view of one petition, in the Wagtail admin."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from petitions.delivery.services import deliver_petition, deliver_signatures, process_delivery
from petitions.models import Delivery, DeliverySchedule, Signature
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory
from tests.site.factories import UserFactory
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.django_db

ZIP_CODES = {"TX": "78701", "AK": "99501", "OH": "43215"}


@pytest.fixture
def targets(db):
    return {
        "TX": TargetFactory(jurisdiction="TX", name="Ken Paxton", email=""),
        "AK": TargetFactory(
            jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov"
        ),
        "OH": TargetFactory(jurisdiction="OH", name="Dave Yost", email=""),
    }


@pytest.fixture
def petition(home_page, targets):
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)


@pytest.fixture
def admin_without_edit(client):
    """A user who may use the Wagtail admin but not edit pages."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    return client


def add_signers(petition, state, count, start=0, confirm=True, **fields):
    for i in range(start, start + count):
        SignatureFactory(
            petition=petition,
            email=f"{state.lower()}{i}@example.org",
            state=state,
            zip_code=ZIP_CODES[state],
            confirmed=confirm,
            **fields,
        )


def deliver(petition, state):
    """Deliver `state`'s waiting signatures and run the delivery's task in-process."""
    [delivery] = [
        d for d in deliver_signatures(petition, force=True) if d.target.jurisdiction == state
    ]
    process_delivery.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    return delivery


def url(name, petition, *args):
    return reverse(f"petitions_admin:{name}", args=[petition.pk, *args])


def text_of(response, section=None):
    """The page's text (or one section's) without tags, white space collapsed."""
    html = response.content.decode()
    if section:
        html = html[html.index(f'id="{section}"') :]
        html = html[: html.index("</section>")]
    return plain(html)


def plain(markup):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))).strip()


def follow_messages(client, response):
    """The text of the Wagtail messages shown on the page a response redirects to."""
    shown = client.get(response["Location"]).context["messages"]
    return " ".join(plain(str(message)) for message in shown)


def post_it(staff_client, petition, delivery):
    staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": timezone.localdate().isoformat()},
    )


def test_the_page_counts_delivered_ready_in_flight_and_waiting_signatures_per_target(
    petition, staff_client
):
    add_signers(petition, "TX", 3)
    add_signers(petition, "AK", 2)
    add_signers(petition, "OH", 1)
    post_it(staff_client, petition, deliver(petition, "TX"))  # posted: delivered
    ohio = Delivery.objects.get(target__jurisdiction="OH")
    process_delivery.apply(args=[ohio.pk])  # ready to post, not yet posted
    add_signers(petition, "TX", 2, start=10)  # waiting
    Delivery.objects.filter(target__jurisdiction="AK").update(status=Delivery.Status.FAILED)

    response = staff_client.get(url("deliveries", petition))

    assert response.status_code == 200
    text = text_of(response, "deliveries-per-target")
    assert "The Attorney General of Alaska, Stephen Cox Email 0 0 2 0" in text
    assert "The Attorney General of Ohio, Dave Yost Post 0 1 0 0" in text
    assert "The Attorney General of Texas, Ken Paxton Post 3 0 0 2" in text
    assert "All decision makers 3 1 2 2" in text


def test_a_packet_ready_but_not_posted_is_not_counted_as_delivered(petition, staff_client):
    add_signers(petition, "TX", 3)
    deliver(petition, "TX")

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert "Delivered 0 sent by email, posted or hand-delivered" in text
    assert "Ready to post 3 in packets printed, not yet marked posted" in text


def test_a_packet_counts_as_delivered_once_marked_posted(petition, staff_client):
    add_signers(petition, "TX", 3)
    post_it(staff_client, petition, deliver(petition, "TX"))

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert "Delivered 3 sent by email, posted or hand-delivered" in text
    assert "Ready to post 0" in text


def test_the_page_counts_signatures_per_status(petition, staff_client):
    add_signers(petition, "TX", 2)
    add_signers(petition, "TX", 1, start=5, confirm=False)

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert "Awaiting email confirmation 1" in text
    assert "Confirmed 2" in text
    assert "Waiting 2" in text


def test_the_page_counts_waiting_signatures_from_a_state_without_a_target(
    petition, staff_client, targets
):
    add_signers(petition, "OH", 1)
    targets["OH"].delete()

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert "1 waiting signature from states with no active decision maker" in text


def test_deliver_now_says_first_how_many_signatures_go_to_how_many_offices(
    petition, staff_client, targets
):
    add_signers(petition, "TX", 2)  # Texas takes post, Alaska email, Ohio post
    add_signers(petition, "AK", 1)
    add_signers(petition, "OH", 1)

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert (
        "4 signatures, by email to 1 office that takes it "
        "and in a printable packet for 2 that do not." in text
    )


def test_deliver_now_says_when_nothing_is_waiting(petition, staff_client, targets):
    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-totals")

    assert "every waiting signature now, whatever the schedule: nothing is waiting." in text


def test_deliver_now_enqueues_a_forced_delivery_after_commit_and_says_so(
    petition, staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)
    enqueued = []
    monkeypatch.setattr(
        deliver_petition, "delay", lambda *args, **kwargs: enqueued.append((args, kwargs))
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(url("deliver-now", petition))

    assert response.status_code == 302
    assert response["Location"] == url("deliveries", petition)
    assert len(callbacks) == 1
    assert enqueued == [((petition.pk,), {"force": True})]
    assert "Delivery started: 3 waiting signatures for 2 decision makers." in follow_messages(
        staff_client, response
    )


def test_deliver_now_with_nothing_waiting_enqueues_nothing(
    petition, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(url("deliver-now", petition))

    assert callbacks == []
    assert "Nothing to deliver" in follow_messages(staff_client, response)


def test_the_deliver_now_task_delivers_every_waiting_signature(petition):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)

    deliver_petition.apply(args=[petition.pk], kwargs={"force": True})

    assert not Signature.objects.filter(delivery__isnull=True).exists()
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize("name", ["deliver-now", "delivery-resend", "delivery-mark-posted"])
def test_post_only_actions_answer_405_to_get(petition, staff_client, name):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    args = [] if name == "deliver-now" else [delivery.pk]

    assert staff_client.get(url(name, petition, *args)).status_code == 405


def test_the_history_lists_deliveries_newest_first_with_their_details(petition, staff_client):
    add_signers(petition, "TX", 2)
    texas = deliver(petition, "TX")
    add_signers(petition, "AK", 1)
    alaska = deliver(petition, "AK")

    response = staff_client.get(url("deliveries", petition))

    text = text_of(response, "deliveries-history")
    assert text.index("of Alaska, Stephen Cox") < text.index("of Texas, Ken Paxton")
    sent = "By email to attorney.general@alaska.gov Sent 1 attempt 1"
    assert f"The Attorney General of Alaska, Stephen Cox {sent}" in text
    assert "The Attorney General of Texas, Ken Paxton By post Ready to post 2" in text
    html = response.content.decode()
    for delivery in (texas, alaska):
        assert url("delivery-pdf", petition, delivery.pk) in html
        assert url("delivery-csv", petition, delivery.pk) in html


def test_the_history_shows_fifty_deliveries_a_page(petition, staff_client, targets):
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            petition=petition,
            target=targets["TX"],
            channel=Delivery.Channel.POST,
            status=Delivery.Status.POSTED,
            signature_count=n + 1,
            created_at=now - timedelta(hours=n),
        )
        for n in range(51)
    )

    first = staff_client.get(url("deliveries", petition))
    second = staff_client.get(url("deliveries", petition) + "?p=2")

    assert first.content.decode().count('<tr id="delivery-') == 50
    assert second.content.decode().count('<tr id="delivery-') == 1
    assert "Page 1 of 2" in text_of(first)


def test_a_failed_email_delivery_offers_re_send(petition, staff_client):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error="550 mailbox unavailable"
    )

    response = staff_client.get(url("deliveries", petition))

    assert url("delivery-resend", petition, delivery.pk) in response.content.decode()
    assert "550 mailbox unavailable" in text_of(response, "deliveries-history")


def test_re_sending_a_failed_delivery_queues_it_again_with_the_same_signatures(
    petition, staff_client, django_capture_on_commit_callbacks
):
    add_signers(petition, "AK", 2)
    delivery = deliver(petition, "AK")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error="timed out"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(url("delivery-resend", petition, delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_error == ""
    assert delivery.signatures.count() == 2
    assert len(callbacks) == 1
    assert "Sending again: 2 signatures to the Attorney General of Alaska" in follow_messages(
        staff_client, response
    )


def test_re_sending_a_delivery_that_did_not_fail_changes_nothing_and_says_why(
    petition, staff_client, django_capture_on_commit_callbacks
):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(url("delivery-resend", petition, delivery.pk))

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert callbacks == []
    assert "Only a failed email delivery can be sent again" in follow_messages(
        staff_client, response
    )


def test_a_ready_packet_offers_the_mark_posted_form_dated_today(petition, staff_client):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")

    html = staff_client.get(url("deliveries", petition)).content.decode()

    assert url("delivery-mark-posted", petition, delivery.pk) in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert 'name="by_hand"' in html


def test_staff_mark_a_ready_packet_posted_with_a_date_and_note(petition, staff_client, staff):
    add_signers(petition, "TX", 2)
    delivery = deliver(petition, "TX")
    today = timezone.localdate()

    response = staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": today.isoformat(), "note": "First-class, tracking 123"},
    )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.POSTED
    assert delivery.posted_on == today
    assert delivery.posted_note == "First-class, tracking 123"
    assert delivery.posted_by == staff
    text = follow_messages(staff_client, response)
    assert "Marked posted on" in text


def test_staff_mark_a_ready_packet_hand_delivered(petition, staff_client):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")

    staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": timezone.localdate().isoformat(), "by_hand": "on"},
    )

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.HAND_DELIVERED


@pytest.mark.parametrize(
    ("posted_on", "error"),
    [
        ("20/11/2026", "Enter the date posted as YYYY-MM-DD."),
        ("", "Enter the date the packet was posted."),
        ("tomorrow", "Enter the date posted as YYYY-MM-DD."),
    ],
)
def test_a_bad_posted_date_shows_the_error_and_changes_nothing(
    petition, staff_client, posted_on, error
):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")

    response = staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk), {"posted_on": posted_on}
    )

    assert response.status_code == 400
    assert error in text_of(response, "deliveries-history")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY
    assert delivery.posted_on is None


def test_a_posted_date_in_the_future_is_refused(petition, staff_client):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk), {"posted_on": tomorrow.isoformat()}
    )

    assert response.status_code == 400
    assert "The date posted cannot be in the future." in text_of(response)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY


def test_a_posted_date_before_the_packet_was_made_is_refused(petition, staff_client):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    last_year = timezone.localdate() - timedelta(days=365)

    response = staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk), {"posted_on": last_year.isoformat()}
    )

    assert response.status_code == 400
    assert "it cannot have been posted before" in text_of(response)


def test_marking_an_email_delivery_posted_changes_nothing_and_says_why(petition, staff_client):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")

    response = staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": timezone.localdate().isoformat()},
    )

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.posted_on is None
    assert "Only a postal packet that is ready to post can be marked posted" in follow_messages(
        staff_client, response
    )


def test_marking_a_packet_posted_twice_changes_nothing_the_second_time(petition, staff_client):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    today = timezone.localdate().isoformat()
    mark_url = url("delivery-mark-posted", petition, delivery.pk)
    staff_client.post(mark_url, {"posted_on": today, "note": "first"})

    response = staff_client.post(mark_url, {"posted_on": today, "note": "second", "by_hand": "on"})

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.POSTED
    assert delivery.posted_note == "first"
    assert "this delivery is post, posted" in follow_messages(staff_client, response)


def test_a_delivery_of_another_petition_cannot_be_changed_through_this_one(
    petition, staff_client, home_page
):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    other = PetitionPageFactory()

    response = staff_client.post(
        url("delivery-mark-posted", other, delivery.pk),
        {"posted_on": timezone.localdate().isoformat()},
    )

    assert response["Location"] == url("deliveries", other)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY
    assert "not one of this petition's" in follow_messages(staff_client, response)


def test_the_packet_pdf_downloads_the_deliverys_signers_and_is_never_cached(
    petition, staff_client, tmp_path
):
    add_signers(petition, "TX", 1, first_name="Zoë", last_name="Nguyễn")
    add_signers(petition, "AK", 1, start=5, first_name="Aiyana", last_name="Frost")
    delivery = deliver(petition, "TX")

    response = staff_client.get(url("delivery-pdf", petition, delivery.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="signatures-')
    text = pdf_text(response.content)
    assert "Zoë Nguyễn" in text
    assert "Aiyana" not in text


def test_the_signatures_csv_lists_the_deliverys_signers_and_is_never_cached(petition, staff_client):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "TX")

    response = staff_client.get(url("delivery-csv", petition, delivery.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "name"
    assert [row[2] for row in rows[1:]] == ["Texas", "Texas"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def change_everything_a_packet_is_made_from(petition, site_settings):
    """What staff might change after posting: the organisation, the letter, a signer's name."""
    site_settings.organisation_name = "A New Name Since Posting"
    site_settings.save()
    petition.letter = "A letter rewritten after the packet went out."
    petition.save_revision().publish()
    Signature.objects.filter(petition=petition).update(first_name="Renamed", comment="Edited")


@pytest.mark.parametrize("kind", ["delivery-pdf", "delivery-csv"])
def test_a_posted_packet_downloads_byte_for_byte_as_first_made(
    petition, staff_client, site_settings, media_root, kind
):
    add_signers(petition, "TX", 2, comment="Post the number.")
    delivery = deliver(petition, "TX")
    first = staff_client.get(url(kind, petition, delivery.pk)).content
    post_it(staff_client, petition, delivery)

    change_everything_a_packet_is_made_from(petition, site_settings)
    again = staff_client.get(url(kind, petition, delivery.pk)).content

    assert again == first
    assert b"Renamed" not in again


def test_a_delivery_made_before_packets_were_kept_keeps_the_first_download(
    petition, staff_client, site_settings, media_root
):
    add_signers(petition, "TX", 2)
    delivery = deliver(petition, "TX")
    Delivery.objects.filter(pk=delivery.pk).update(packet_pdf="", packet_csv="")
    first = staff_client.get(url("delivery-pdf", petition, delivery.pk)).content

    change_everything_a_packet_is_made_from(petition, site_settings)
    again = staff_client.get(url("delivery-pdf", petition, delivery.pk)).content

    assert again == first
    delivery.refresh_from_db()
    assert (media_root / delivery.packet_pdf.name).read_bytes() == first


def test_the_history_says_which_names_the_pdf_could_not_draw(petition, staff_client, media_root):
    add_signers(petition, "TX", 1, first_name="Maria", last_name="Garcia")
    add_signers(petition, "TX", 1, start=1, first_name="བཀྲ་ཤིས", last_name="བསོད་ནམས")
    deliver(petition, "TX")

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-history")

    assert "The PDF could not draw 1 name: བཀྲ་ཤིས བསོད་ནམས (No. 2)." in text
    assert "the CSV has every name as typed" in text


def test_the_history_raises_no_warning_for_names_the_pdf_drew(petition, staff_client, media_root):
    add_signers(petition, "TX", 1, first_name="דוד", last_name="כהן")
    add_signers(petition, "TX", 1, start=1, first_name="अंकिता", last_name="शर्मा")
    deliver(petition, "TX")

    text = text_of(staff_client.get(url("deliveries", petition)), "deliveries-history")

    assert "could not draw" not in text


def test_a_packet_is_not_found_through_another_petition(petition, staff_client, home_page):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    other = PetitionPageFactory()

    assert staff_client.get(url("delivery-pdf", other, delivery.pk)).status_code == 404
    assert staff_client.get(url("delivery-csv", other, delivery.pk)).status_code == 404


def test_a_page_that_is_not_a_petition_is_not_found(staff_client, home_page):
    assert staff_client.get(url("deliveries", home_page)).status_code == 404
    assert staff_client.post(url("deliver-now", home_page)).status_code == 404


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "deliveries"),
        ("post", "deliver-now"),
        ("get", "delivery-pdf"),
        ("get", "delivery-csv"),
        ("post", "delivery-resend"),
        ("post", "delivery-mark-posted"),
    ],
)
def test_admin_users_who_cannot_edit_the_petition_are_forbidden(
    petition, admin_without_edit, method, name
):
    add_signers(petition, "TX", 1)
    delivery = deliver(petition, "TX")
    args = [] if name in ("deliveries", "deliver-now") else [delivery.pk]

    response = getattr(admin_without_edit, method)(
        url(name, petition, *args), {"posted_on": timezone.localdate().isoformat()}
    )

    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY


def test_visitors_who_are_not_logged_in_are_sent_to_the_admin_login(petition, client):
    response = client.get(url("deliveries", petition))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_petition_edit_page_links_to_its_deliveries(petition, staff_client):
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk]))

    assert url("deliveries", petition) in response.content.decode()


def test_the_home_page_in_the_admin_has_no_deliveries_link(home_page, staff_client):
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[home_page.pk]))

    assert "/deliveries/" not in response.content.decode()
