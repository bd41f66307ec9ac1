"""A state change writes its own history: the method or service that changes a delivery or
emails an update writes the Wagtail log entry, so a command, the demo loader or a worker
leaves the same history as the admin's views. Each test here calls a state change outside
any view."""

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from northstar.log_actions import DELIVERY_POSTED, DELIVERY_RESENT, DELIVERY_STARTED
from petitions.delivery.services import (
    assign_missing_targets,
    deliver_waiting_now,
    mark_posted,
    resend,
)
from petitions.demo import hand_over_demo_signatures
from petitions.models import Delivery, DeliverySchedule, PetitionUpdate
from petitions.updates import EMAILED_ACTION, email_update
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory
from tests.petitions.test_audit_trail import add_signers
from tests.petitions.test_delivery_views import deliver
from tests.site.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(home_page):
    TargetFactory(jurisdiction="TX", name="Ken Paxton", email="")  # by post
    TargetFactory(jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov")
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)


def history(petition, action):
    """The petition's history entries of `action`, as (user id, data)."""
    return [
        (entry.user_id, entry.data)
        for entry in PageLogEntry.objects.filter(page=petition, action=action)
    ]


def test_marking_a_packet_posted_outside_the_admin_writes_it_in_the_petitions_history(petition):
    add_signers(petition, "TX", 2)
    delivery = deliver(petition, "TX")
    today = timezone.localdate()

    assert mark_posted(delivery, None, today, note="Posted by a command")

    assert history(petition, DELIVERY_POSTED) == [
        (
            None,
            {
                "delivery": delivery.pk,
                "signatures": 2,
                "to": "the Attorney General of Texas, Ken Paxton",
                "posted_on": today.isoformat(),
                "note": "Posted by a command",
                "by_hand": False,
            },
        )
    ]


def test_the_demo_loader_handing_packets_over_writes_them_in_the_petitions_history(petition):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)
    assign_missing_targets(petition)  # as the demo's own signatures are made, with their target

    deliveries = hand_over_demo_signatures(petition)

    entries = history(petition, DELIVERY_POSTED)
    assert sorted(data["delivery"] for _, data in entries) == sorted(d.pk for d in deliveries)
    assert all(data["by_hand"] for _, data in entries)
    assert len(entries) == 2


def test_sending_a_failed_delivery_again_outside_the_admin_writes_it_with_its_user(petition):
    staff = StaffUserFactory()
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    delivery.refresh_from_db()

    assert resend(delivery, by=staff)

    [(user_id, data)] = history(petition, DELIVERY_RESENT)
    assert user_id == staff.pk
    assert data["to"] == "the Attorney General of Alaska, Stephen Cox"


def test_marking_for_resend_a_delivery_that_did_not_fail_writes_no_history(petition):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")  # sent

    assert not delivery.mark_for_resend()

    assert history(petition, DELIVERY_RESENT) == []


def test_delivering_now_outside_the_admin_writes_how_much_was_waiting(
    petition, django_capture_on_commit_callbacks
):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)

    with django_capture_on_commit_callbacks() as callbacks:
        start = deliver_waiting_now(petition)

    assert (start.signatures, start.targets, start.unrouted) == (3, 2, 0)
    assert history(petition, DELIVERY_STARTED) == [(None, {"signatures": 3, "targets": 2})]
    assert len(callbacks) == 1  # the delivery task, enqueued once the transaction commits


def test_delivering_now_with_nothing_waiting_writes_no_history(petition):
    start = deliver_waiting_now(petition)

    assert start.signatures == 0
    assert history(petition, DELIVERY_STARTED) == []


def test_emailing_an_update_outside_the_admin_writes_it_in_the_updates_history(petition):
    staff = StaffUserFactory()
    SignatureFactory(petition=petition, state="TX", opt_in_updates=True, confirmed=True)
    update = PetitionUpdate.objects.create(
        petition=petition,
        title="We delivered",
        body="<p>Thanks.</p>",
        email_signers=True,
        states=["TX"],
    )

    assert email_update(update, by=staff)

    [entry] = ModelLogEntry.objects.filter(action=EMAILED_ACTION, object_id=str(update.pk))
    assert entry.user_id == staff.pk
    assert entry.data == {"recipients": 1, "states": ["TX"]}
