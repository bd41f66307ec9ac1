"""Staff actions that change what offices or supporters receive are written to Wagtail's log,
with who did it, and shown in the page's history and the admin's Site history."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import GroupApprovalTask, ModelLogEntry, PageLogEntry, Workflow, WorkflowTask

from campaigns.services import open_fundraiser
from northstar.log_actions import DELIVERY_POSTED, DELIVERY_RESENT, DELIVERY_STARTED
from petitions.models import Delivery, DeliverySchedule, PetitionUpdate
from petitions.services import confirm_signature, record_signature
from petitions.updates import EMAILED_ACTION
from tests.campaigns.factories import FundraisingCampaignPageFactory
from tests.petitions.factories import PetitionPageFactory, TargetFactory, signer
from tests.petitions.test_delivery_views import deliver, plain, url
from tests.petitions.test_updates import add_update, shown_audience, update_form
from tests.site.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_ACTIONS = (DELIVERY_STARTED, DELIVERY_RESENT, DELIVERY_POSTED)


@pytest.fixture
def petition(home_page):
    TargetFactory(jurisdiction="TX", name="Ken Paxton", email="")  # by post
    TargetFactory(jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov")
    return PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)


def add_signers(petition, state, count):
    """`count` confirmed signers from Texas or Alaska, not yet delivered."""
    zip_code = {"TX": "78701", "AK": "99501"}[state]
    for n in range(count):
        email = f"{state.lower()}{n}@example.org"
        fields = signer(email=email, state=state, zip_code=zip_code, opt_in_updates=True)
        confirm_signature(record_signature(petition, fields).signature)


def entries(action):
    return list(PageLogEntry.objects.filter(action=action))


def test_marking_a_packet_posted_logs_who_posted_it_when_and_to_whom(petition, staff_client, staff):
    add_signers(petition, "TX", 2)
    delivery = deliver(petition, "TX")
    today = timezone.localdate()

    staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": today.isoformat(), "note": "First-class, tracking 123"},
    )

    [entry] = entries(DELIVERY_POSTED)
    assert (entry.page_id, entry.user_id) == (petition.pk, staff.pk)
    assert entry.data == {
        "delivery": delivery.pk,
        "signatures": 2,
        "to": "the Attorney General of Texas, Ken Paxton",
        "posted_on": today.isoformat(),
        "note": "First-class, tracking 123",
        "by_hand": False,
    }


def test_sending_a_failed_delivery_again_logs_who_sent_it(petition, staff_client, staff):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)

    staff_client.post(url("delivery-resend", petition, delivery.pk))

    [entry] = entries(DELIVERY_RESENT)
    assert (entry.page_id, entry.user_id) == (petition.pk, staff.pk)
    assert entry.data["delivery"] == delivery.pk
    assert entry.data["to"] == "the Attorney General of Alaska, Stephen Cox"


def test_delivering_now_logs_who_started_it_and_how_much_was_waiting(petition, staff_client, staff):
    add_signers(petition, "TX", 2)
    add_signers(petition, "AK", 1)

    staff_client.post(url("deliver-now", petition))

    [entry] = entries(DELIVERY_STARTED)
    assert (entry.page_id, entry.user_id) == (petition.pk, staff.pk)
    assert entry.data == {"signatures": 3, "targets": 2}


def test_an_action_refused_for_bad_input_logs_nothing(petition, staff_client):
    add_signers(petition, "AK", 1)
    delivery = deliver(petition, "AK")  # sent by email: neither postable nor failed

    staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": timezone.localdate().isoformat()},
    )
    staff_client.post(url("delivery-resend", petition, delivery.pk))
    staff_client.post(url("deliver-now", petition))  # nothing waiting

    assert not PageLogEntry.objects.filter(action__in=STAFF_ACTIONS).exists()


def test_emailing_an_update_logs_who_sent_it_and_to_how_many(petition, staff_client, staff):
    add_signers(petition, "TX", 1)
    data = update_form(petition, email_signers="on", states="tx")
    first = add_update(staff_client, data)

    add_update(staff_client, {**data, "send_now": "on", "audience_shown": shown_audience(first)})

    update = PetitionUpdate.objects.get()
    [entry] = ModelLogEntry.objects.filter(action=EMAILED_ACTION)
    assert (entry.object_id, entry.user_id) == (str(update.pk), staff.pk)
    assert entry.data == {"recipients": 1, "states": ["TX"]}


def test_the_staff_actions_show_in_the_admins_site_history(petition, staff_client):
    add_signers(petition, "TX", 2)
    delivery = deliver(petition, "TX")
    today = timezone.localdate()
    staff_client.post(
        url("delivery-mark-posted", petition, delivery.pk),
        {"posted_on": today.isoformat(), "note": "tracking 123", "by_hand": "on"},
    )

    text = plain(staff_client.get("/admin/reports/site-history/").content.decode())

    assert "Delivery marked posted" in text
    assert (
        f"Marked hand-delivered on {date_format(today, 'j F Y')} (tracking 123): "
        "2 signatures to the Attorney "
        f"General of Texas, Ken Paxton (delivery {delivery.pk})"
    ) in text
    assert "Robin Okafor" in text


def test_the_staff_actions_show_in_the_petitions_history(petition, staff_client):
    add_signers(petition, "AK", 1)
    staff_client.post(url("deliver-now", petition))

    text = plain(staff_client.get(f"/admin/pages/{petition.pk}/history/").content.decode())

    assert "Delivery started now: 1 waiting signature for 1 decision maker" in text


def test_approving_a_fundraiser_page_in_its_workflow_logs_who_approved_it(
    home_page, staff_client, staff
):
    campaign = FundraisingCampaignPageFactory()
    task = GroupApprovalTask.objects.create(name="Staff review")
    task.groups.add(Group.objects.get(name="Moderators"))
    campaign.approval_workflow = Workflow.objects.create(name="Approve fundraiser pages")
    WorkflowTask.objects.create(workflow=campaign.approval_workflow, task=task, sort_order=0)
    campaign.save()
    supporter = UserFactory(email="maria.lopez@example.org")
    fundraiser = open_fundraiser(
        campaign, supporter, {"title": "Maria's walk", "goal_cents": 50_000, "story": "I walk."}
    )
    task_state = fundraiser.current_workflow_task_state

    staff_client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[fundraiser.pk, "approve", task_state.pk]
        ),
        {"comment": ""},
    )

    [entry] = PageLogEntry.objects.filter(action="wagtail.workflow.approve")
    assert (entry.page_id, entry.user_id) == (fundraiser.pk, staff.pk)
    text = plain(staff_client.get("/admin/reports/site-history/").content.decode())
    assert "Approved" in text
    assert "Maria's walk" in text
