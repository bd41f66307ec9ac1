"""Updates, responses and victories, emailed once to the signers who asked for them."""

import pytest

from northstar.models import OutboundEmail
from petitions.models import PetitionPage, PetitionUpdate, UpdateRecipient
from petitions.services import confirm_signature, record_signature
from petitions.updates import email_update, queue_update_batch, unsubscribe_token
from tests.petitions.factories import TargetFactory, signer

pytestmark = pytest.mark.django_db


def add_signer(petition, email, state="TX", opt_in=True):
    result = record_signature(
        petition, signer(email=email, state=state, opt_in_updates=opt_in), target=None
    )
    confirm_signature(result.signature)
    return result.signature


@pytest.fixture
def signers(petition):
    return [
        add_signer(petition, "texan@example.org", "TX"),
        add_signer(petition, "hoosier@example.org", "IN"),
        add_signer(petition, "quiet@example.org", "TX", opt_in=False),
    ]


def update_emails():
    return set(
        OutboundEmail.objects.filter(template="petitions/update").values_list("to", flat=True)
    )


def make_update(petition, **fields):
    fields = {"title": "We delivered your signatures", "body": "<p>Thank you.</p>", **fields}
    return PetitionUpdate.objects.create(petition=petition, **fields)


def test_an_update_is_emailed_to_confirmed_signers_who_opted_in(petition, signers):
    update = make_update(petition, email_signers=True)
    assert email_update(update)
    queue_update_batch(update.pk)
    assert update_emails() == {"texan@example.org", "hoosier@example.org"}


def test_an_update_for_chosen_states_reaches_only_their_signers(petition, signers):
    update = make_update(petition, states=["IN"])
    queue_update_batch(update.pk)
    assert update_emails() == {"hoosier@example.org"}


def test_queueing_an_update_again_sends_no_one_twice(petition, signers):
    update = make_update(petition)
    queue_update_batch(update.pk, size=1)
    queue_update_batch(update.pk, size=1)
    queue_update_batch(update.pk, size=1)
    assert queue_update_batch(update.pk) == 0
    assert OutboundEmail.objects.filter(template="petitions/update").count() == 2
    assert UpdateRecipient.objects.count() == 2


def test_an_update_is_started_only_once(petition, signers):
    update = make_update(petition)
    assert email_update(update)
    assert not email_update(update)


def test_every_update_email_carries_an_unsubscribe_link(petition, signers):
    queue_update_batch(make_update(petition).pk)
    email = OutboundEmail.objects.get(to="texan@example.org", template="petitions/update")
    assert "/petitions/unsubscribe/" in email.context["unsubscribe_url"]


def test_the_unsubscribe_link_asks_first_then_stops_updates(client, petition, signers):
    url = f"/petitions/unsubscribe/{unsubscribe_token(signers[0])}/"
    assert "Stop petition updates?" in client.get(url).content.decode()
    signers[0].refresh_from_db()
    assert signers[0].opt_in_updates

    assert "You are unsubscribed" in client.post(url).content.decode()
    signers[0].refresh_from_db()
    assert not signers[0].opt_in_updates


def test_marking_a_petition_victorious_announces_it_once(
    petition, signers, django_capture_on_commit_callbacks
):
    petition.status = PetitionPage.Status.VICTORY
    petition.victory_text = "<p>The hotline is posted.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        petition.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        petition.save_revision().publish()
    victory = PetitionUpdate.objects.get(petition=petition, kind=PetitionUpdate.Kind.VICTORY)
    assert victory.emailed_at is not None


def test_a_published_response_names_the_office_that_responded(client, petition):
    indiana = TargetFactory(jurisdiction="IN", name="Todd Rokita")
    make_update(
        petition,
        kind=PetitionUpdate.Kind.RESPONSE,
        target=indiana,
        title="Response",
        body="<p>We will post the hotline in every rest area.</p>",
    )
    html = client.get(petition.url).content.decode()
    assert "The Attorney General of Indiana responded" in html
    assert "We will post the hotline in every rest area." in html


def test_a_response_is_emailed_to_the_responding_states_signers_by_default(petition, signers):
    indiana = TargetFactory(jurisdiction="IN", name="Todd Rokita")
    update = make_update(petition, kind=PetitionUpdate.Kind.RESPONSE, target=indiana)
    queue_update_batch(update.pk)
    assert update_emails() == {"hoosier@example.org"}
