"""Updates, responses and victories, emailed once to the signers who asked for them."""

import pytest
from django.test import Client

from northstar.emails import build_message
from northstar.models import OutboundEmail
from petitions.models import PetitionPage, PetitionUpdate, Signature, UpdateRecipient
from petitions.updates import email_update, queue_update_batch, unsubscribe_token
from tests.petitions.factories import SignatureFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signers(petition):
    return [
        SignatureFactory(
            petition=petition, email="texan@example.org", opt_in_updates=True, confirmed=True
        ),
        SignatureFactory(
            petition=petition,
            email="hoosier@example.org",
            state="IN",
            opt_in_updates=True,
            confirmed=True,
        ),
        SignatureFactory(petition=petition, email="quiet@example.org", confirmed=True),
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


def test_an_updates_plain_text_reads_as_text_with_its_paragraphs_lists_and_links(petition, signers):
    body = (
        "<p>We&#x27;re thrilled. Tom &amp; Jerry&#x27;s &quot;quote&quot;, not &lt;b&gt;.</p>"
        '<p>Read <a href="https://example.org/the_letter">the letter</a>, <b>then</b>:</p>'
        "<ul><li>call your AG</li><li>share it</li></ul>"
    )
    queue_update_batch(make_update(petition, body=body).pk)
    email = OutboundEmail.objects.get(to="texan@example.org", template="petitions/update")

    text = build_message(email).body

    assert (
        "We're thrilled. Tom & Jerry's \"quote\", not <b>.\n\n"
        "Read the letter (https://example.org/the_letter), **then**:\n\n"
        "- call your AG\n- share it\n"
    ) in text


def test_the_unsubscribe_link_asks_first_then_stops_updates(client, petition, signers):
    url = f"/petitions/unsubscribe/{unsubscribe_token(signers[0])}/"
    assert "Stop petition updates?" in client.get(url).content.decode()
    signers[0].refresh_from_db()
    assert signers[0].opt_in_updates

    assert "You are unsubscribed" in client.post(url).content.decode()
    signers[0].refresh_from_db()
    assert not signers[0].opt_in_updates


def test_the_unsubscribe_link_opened_again_says_it_is_done_and_asks_nothing(
    client, petition, signers
):
    url = f"/petitions/unsubscribe/{unsubscribe_token(signers[0])}/"
    client.post(url)

    again = client.get(url).content.decode()

    assert "You are unsubscribed" in again
    assert "You asked for this already" in again
    assert "<form" not in again.split("<main", 1)[1]


def test_a_mail_clients_one_click_unsubscribe_works_without_cookie_or_csrf_token(petition, signers):
    """RFC 8058: the client POSTs `List-Unsubscribe=One-Click` to the header's URL, bare."""
    bare = Client(enforce_csrf_checks=True)
    url = f"/petitions/unsubscribe/{unsubscribe_token(signers[0])}/"

    response = bare.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not response.cookies.get("sessionid")
    signers[0].refresh_from_db()
    assert not signers[0].opt_in_updates


def test_a_one_click_post_with_a_forged_token_changes_nothing(petition, signers):
    bare = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(signers[0])[:-2] + "xx"

    response = bare.post(f"/petitions/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 400
    assert Signature.objects.filter(opt_in_updates=True).count() == 2


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


# Staff write updates in the admin: states are checked, and the email says first whom it reaches.

DRAFTAIL_BODY = (
    '{"blocks":[{"key":"a1b2c","type":"unstyled","text":"We delivered your signatures.",'
    '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
)


def update_form(petition, **overrides):
    data = {
        "petition": petition.pk,
        "kind": "update",
        "published_on": "2026-03-01",
        "title": "We delivered your signatures",
        "body": DRAFTAIL_BODY,
        "target": "",
        "document": "",
        "show_on_page": "on",
        "states": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_update(client, data, **kwargs):
    from django.urls import reverse

    return client.post(reverse(PetitionUpdate.snippet_viewset.get_url_name("add")), data, **kwargs)


def form_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def shown_audience(response):
    import re

    return re.search(r'name="audience_shown" value="([^"]*)"', response.content.decode()).group(1)


def test_states_typed_in_lower_case_are_saved_as_codes(staff_client, petition, signers):
    add_update(staff_client, update_form(petition, states="tx,  in"))

    assert PetitionUpdate.objects.get().states == ["IN", "TX"]


def test_an_unknown_state_code_is_refused_by_name(staff_client, petition, signers):
    response = add_update(staff_client, update_form(petition, states="tx, XX, zz"))

    assert form_errors(response)["states"] == [
        "Not a state or territory code: XX, ZZ. Use two-letter codes such as TX, IN."
    ]
    assert not PetitionUpdate.objects.exists()


def test_emailing_an_update_first_says_how_many_signers_it_will_reach(
    staff_client, petition, signers
):
    response = add_update(staff_client, update_form(petition, email_signers="on", states="tx"))

    assert form_errors(response)["send_now"] == [
        "This will email 1 signer who opted in, in Texas (TX). Tick “Send it now” and save "
        "again to send it; it cannot be unsent."
    ]
    assert not PetitionUpdate.objects.exists()
    assert not update_emails()


def test_sending_after_seeing_the_count_emails_the_update(staff_client, petition, signers):
    data = update_form(petition, email_signers="on", states="tx")
    first = add_update(staff_client, data)

    add_update(staff_client, {**data, "send_now": "on", "audience_shown": shown_audience(first)})

    update = PetitionUpdate.objects.get()
    assert update.emailed_at is not None
    queue_update_batch(update.pk)
    assert update_emails() == {"texan@example.org"}


def test_a_signer_opting_in_between_the_count_and_the_send_does_not_block_it(
    staff_client, petition, signers
):
    data = update_form(petition, email_signers="on", states="tx")
    first = add_update(staff_client, data)
    SignatureFactory(
        petition=petition, email="new-texan@example.org", opt_in_updates=True, confirmed=True
    )

    add_update(staff_client, {**data, "send_now": "on", "audience_shown": shown_audience(first)})

    update = PetitionUpdate.objects.get()
    queue_update_batch(update.pk)
    assert update_emails() == {"texan@example.org", "new-texan@example.org"}


def test_changing_the_states_after_seeing_the_count_asks_again(staff_client, petition, signers):
    first = add_update(staff_client, update_form(petition, email_signers="on", states="tx"))
    changed = update_form(
        petition,
        email_signers="on",
        states="tx, in",
        send_now="on",
        audience_shown=shown_audience(first),
    )

    response = add_update(staff_client, changed)

    assert (
        "This will email 2 signers who opted in, in Indiana (IN) and Texas (TX)."
        in (form_errors(response)["send_now"][0])
    )
    assert not PetitionUpdate.objects.exists()


def test_an_update_that_would_reach_nobody_is_refused_and_nothing_is_recorded(
    staff_client, petition, signers
):
    response = add_update(staff_client, update_form(petition, email_signers="on", states="ak"))

    assert form_errors(response)["email_signers"] == [
        "Nobody would receive this email: no confirmed signer of this petition from Alaska (AK) "
        "opted in to updates. Nothing was sent. Choose other states, or untick “Email signers”."
    ]
    assert not PetitionUpdate.objects.exists()


def test_the_one_send_is_never_spent_on_an_empty_audience(petition, signers):
    update = make_update(petition, email_signers=True, states=["AK"])

    assert not email_update(update)

    update.refresh_from_db()
    assert update.emailed_at is None


def test_an_update_stored_with_lower_case_states_still_reaches_their_signers(petition, signers):
    update = make_update(petition, states=["tx"])

    assert set(update.recipients().values_list("email", flat=True)) == {"texan@example.org"}


def test_an_emailed_update_says_when_and_to_how_many_it_went(staff_client, petition, signers):
    from django.urls import reverse

    update = make_update(petition, email_signers=True, states=["TX"])
    email_update(update)
    queue_update_batch(update.pk)

    url = reverse(PetitionUpdate.snippet_viewset.get_url_name("edit"), args=[update.pk])
    form = staff_client.get(url).context["form"]

    assert form.fields["email_signers"].disabled
    assert "to 1 signer. An update is emailed once" in form.fields["email_signers"].help_text
    assert form.fields["send_now"].disabled
    assert form.fields["send_now"].help_text == "Sent: an update is emailed once."


def test_the_banner_says_the_email_is_not_sent_yet_rather_than_errors(
    staff_client, petition, signers
):
    response = add_update(staff_client, update_form(petition, email_signers="on"), follow=True)

    html = response.content.decode()
    assert "Not saved or sent yet: check how many signers it will reach" in html
    assert "could not be created due to errors" not in html


def test_sending_an_update_is_in_its_history_with_whom_it_went_to(staff_client, petition, signers):
    from django.urls import reverse
    from wagtail.models import ModelLogEntry

    data = update_form(petition, email_signers="on", states="tx")
    first = add_update(staff_client, data)
    add_update(staff_client, {**data, "send_now": "on", "audience_shown": shown_audience(first)})

    update = PetitionUpdate.objects.get()
    entry = ModelLogEntry.objects.get(object_id=str(update.pk), action="petitions.email_update")
    assert entry.data == {"recipients": 1, "states": ["TX"]}
    assert entry.user is not None
    history = reverse(PetitionUpdate.snippet_viewset.get_url_name("history"), args=[update.pk])
    assert "Emailing to 1 signer who opted in, in Texas (TX)" in (
        staff_client.get(history).content.decode()
    )
