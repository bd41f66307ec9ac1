"""Staff cannot delete supporters' records by deleting what they hang on: they are told why.

Every admin way to delete (a page, pages in bulk, the admin API, a snippet,
snippets in bulk) asks northstar.protection; nothing is deleted, and the
message says what the object holds and what to do instead.
"""

import pytest
from django.urls import reverse

from petitions.models import Delivery, PetitionPage, PetitionUpdate, Signature, Target
from petitions.updates import email_update, queue_update_batch
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db

REFUSED = "cannot be deleted"


@pytest.fixture
def signed_petition(petition, texas_ag):
    for n in range(3):
        SignatureFactory(
            petition=petition, email=f"signer{n}@example.org", confirmed=True, target=texas_ag
        )
    return petition


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def delete_page(client, page):
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)


def add_delivery(petition, target):
    delivery = Delivery.objects.create(
        petition=petition, target=target, channel=Delivery.Channel.POST, signature_count=3
    )
    Signature.objects.filter(petition=petition).update(delivery=delivery)
    return delivery


def test_deleting_a_petition_with_signatures_is_refused_and_deletes_nothing(
    staff_client, signed_petition
):
    response = delete_page(staff_client, signed_petition)

    assert response.status_code == 200
    (message,) = messages_of(response)
    assert f"“{signed_petition.title}” cannot be deleted: it holds 3 signatures." in message
    assert PetitionPage.objects.filter(pk=signed_petition.pk).exists()
    assert Signature.objects.filter(petition=signed_petition).count() == 3


def test_the_refusal_offers_unpublishing_instead(staff_client, signed_petition):
    response = delete_page(staff_client, signed_petition)

    html = response.content.decode()
    assert "Unpublish it instead" in html
    assert reverse("wagtailadmin_pages:unpublish", args=[signed_petition.pk]) in html


def test_deleting_a_petition_with_a_delivery_is_refused_not_a_server_error(
    staff_client, signed_petition, texas_ag
):
    add_delivery(signed_petition, texas_ag)

    response = delete_page(staff_client, signed_petition)

    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "it holds 3 signatures and 1 delivery" in message
    assert Delivery.objects.count() == 1
    assert Signature.objects.count() == 3


def test_the_delete_confirmation_is_never_shown_for_a_petition_with_signatures(
    staff_client, signed_petition
):
    response = staff_client.get(reverse("wagtailadmin_pages:delete", args=[signed_petition.pk]))

    assert response.status_code == 302
    assert REFUSED in messages_of(staff_client.get(response["Location"]))[0]


def test_a_petition_without_records_still_deletes(staff_client, petition):
    delete_page(staff_client, petition)

    assert not PetitionPage.objects.filter(pk=petition.pk).exists()


def test_deleting_a_page_above_a_petition_with_signatures_is_refused(
    staff_client, signed_petition, home_page
):
    response = delete_page(staff_client, home_page)

    assert "it holds 3 signatures" in messages_of(response)[0]
    assert PetitionPage.objects.filter(pk=signed_petition.pk).exists()
    assert Signature.objects.count() == 3


def test_bulk_deleting_pages_deletes_none_when_one_holds_signatures(
    staff_client, signed_petition, home_page
):
    empty = PetitionPageFactory(title="A petition nobody signed")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])

    response = staff_client.post(
        f"{url}?id={signed_petition.pk}&id={empty.pk}&next=/admin/", follow=True
    )

    assert "it holds 3 signatures" in messages_of(response)[0]
    assert PetitionPage.objects.filter(pk__in=[signed_petition.pk, empty.pk]).count() == 2
    assert Signature.objects.count() == 3


def test_the_admin_api_refuses_to_delete_a_petition_with_signatures(staff_client, signed_petition):
    response = staff_client.post(f"/admin/api/main/pages/{signed_petition.pk}/action/delete/")

    assert response.status_code == 400
    assert "it holds 3 signatures" in response.json()["message"]
    assert Signature.objects.count() == 3


def target_url(action, target):
    return reverse(Target.snippet_viewset.get_url_name(action), args=[target.pk])


def test_deleting_a_decision_maker_with_signatures_is_refused(
    staff_client, signed_petition, texas_ag
):
    response = staff_client.post(target_url("delete", texas_ag), follow=True)

    (message,) = messages_of(response)
    assert "it holds 3 signatures routed to it" in message
    assert "Untick “Active” instead" in message
    assert Target.objects.filter(pk=texas_ag.pk).exists()
    assert Signature.objects.filter(target=texas_ag).count() == 3


def test_deleting_a_decision_maker_with_a_delivery_is_refused_not_a_server_error(
    staff_client, signed_petition, texas_ag
):
    add_delivery(signed_petition, texas_ag)

    response = staff_client.post(target_url("delete", texas_ag), follow=True)

    assert response.status_code == 200
    assert "3 signatures routed to it and 1 delivery" in messages_of(response)[0]
    assert Delivery.objects.filter(target=texas_ag).count() == 1


def test_bulk_deleting_decision_makers_deletes_none_when_one_holds_signatures(
    staff_client, signed_petition, texas_ag
):
    vacant = TargetFactory(jurisdiction="VT", name="")
    url = reverse("wagtail_bulk_action", args=["petitions", "target", "delete"])

    response = staff_client.post(f"{url}?id={texas_ag.pk}&id={vacant.pk}&next=/admin/", follow=True)

    assert "3 signatures routed to it" in " ".join(messages_of(response))
    assert Target.objects.filter(pk__in=[texas_ag.pk, vacant.pk]).count() == 2


def test_a_decision_maker_without_records_still_deletes(staff_client):
    vacant = TargetFactory(jurisdiction="VT", name="")

    staff_client.post(target_url("delete", vacant))

    assert not Target.objects.filter(pk=vacant.pk).exists()


def test_an_emailed_update_cannot_be_deleted(staff_client, signed_petition):
    Signature.objects.update(opt_in_updates=True)
    update = PetitionUpdate.objects.create(
        petition=signed_petition, title="Delivered", body="<p>Done.</p>", email_signers=True
    )
    email_update(update)
    queue_update_batch(update.pk)
    url = reverse(PetitionUpdate.snippet_viewset.get_url_name("delete"), args=[update.pk])

    response = staff_client.post(url, follow=True)

    assert "the record of its email to 3 signers" in messages_of(response)[0]
    assert PetitionUpdate.objects.filter(pk=update.pk).exists()
