"""Supporter email: written in the caller's transaction, sent by the real worker after commit."""

import json
from unittest import mock

import pytest
import responses
from django.db import transaction

from northstar import emails
from northstar.emails import build_message, send_email
from northstar.models import OutboundEmail, SiteSettings
from northstar.tasks import send_outbound_email
from petitions.delivery.services import deliver_signatures, process_delivery
from petitions.models import DeliverySchedule, PetitionUpdate
from petitions.services import confirm_signature, record_signature
from petitions.updates import queue_update_batch
from tests.petitions.factories import PetitionPageFactory, SignatureFactory, TargetFactory, signer
from tests.support.outbox import html_body, text_body

SENDGRID_SEND_URL = "https://api.sendgrid.com/v3/mail/send"


def queue_account_message(to, subject="Welcome to Harbor Light", body="Thanks for joining."):
    return send_email("account_message", to, {"subject": subject, "body": body})


@pytest.mark.django_db(transaction=True)
def test_email_enqueued_in_a_rolled_back_transaction_is_never_sent(home_page, worker_outbox):
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        queue_account_message("rolled-back@example.org")
        raise Abandon

    # A message committed afterwards arrives; the rolled-back one never does.
    queue_account_message("committed-after@example.org")
    worker_outbox.wait_for("committed-after@example.org")
    assert worker_outbox.to("rolled-back@example.org") == []
    assert not OutboundEmail.objects.filter(to="rolled-back@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_email_enqueued_in_a_committed_transaction_is_sent_by_the_worker(home_page, worker_outbox):
    with transaction.atomic():
        queued = queue_account_message("committed@example.org", subject="Confirm your address")

    [message] = worker_outbox.wait_for("committed@example.org")
    assert message["Subject"] == "Confirm your address"
    assert message["Message-ID"] == queued.message_id
    assert "Thanks for joining." in text_body(message)
    assert "1-888-373-7888" in html_body(message)
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_a_sent_message_forgets_its_context(home_page, mailoutbox):
    queued = queue_account_message("reset@example.org", body="https://example.org/reset/secret-key")
    send_outbound_email.apply(args=[queued.pk])
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT
    assert queued.context == {}


@pytest.mark.django_db
def test_every_message_has_the_branded_layout_in_text_and_html(site_settings):
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.save()
    queued = queue_account_message("layout@example.org", body="Visit https://example.org/x")
    message = build_message(queued)
    html = message.alternatives[0][0]
    assert "Harbor Light Coalition" in message.body
    assert "National Human Trafficking Hotline" in message.body
    assert '<a href="https://example.org/x"' in html
    assert "233733</span>" in html


@pytest.mark.django_db
def test_a_message_already_sent_is_not_sent_again(home_page, mailoutbox):
    queued = queue_account_message("once@example.org")
    send_outbound_email.apply(args=[queued.pk])
    send_outbound_email.apply(args=[queued.pk])
    assert len(mailoutbox) == 1


@pytest.fixture
def sendgrid(settings):
    settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
    settings.ANYMAIL = {"SENDGRID_API_KEY": "SG.test-key"}
    with responses.RequestsMock() as mock:
        yield mock


@pytest.mark.django_db
def test_with_a_sendgrid_key_mail_goes_to_sendgrids_api(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=202)
    queued = queue_account_message("api@example.org", subject="Your receipt")

    send_outbound_email.apply(args=[queued.pk])

    payload = sendgrid.calls[0].request
    assert payload.headers["Authorization"] == "Bearer SG.test-key"
    sent = json.loads(payload.body)
    assert sent["personalizations"][0]["to"] == [{"email": "api@example.org"}]
    assert sent["subject"] == "Your receipt"
    assert sent["headers"]["Message-ID"] == queued.message_id
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_a_petition_update_offers_one_click_unsubscribe_to_sendgrid(home_page, sendgrid):
    """RFC 8058's two headers, on the link the email's footer gives."""
    sendgrid.post(SENDGRID_SEND_URL, status=202)
    petition = PetitionPageFactory(parent=home_page)
    SignatureFactory(
        petition=petition, email="reader@example.org", opt_in_updates=True, confirmed=True
    )
    update = PetitionUpdate.objects.create(petition=petition, title="Delivered", body="<p>Yes.</p>")
    queue_update_batch(update.pk)
    queued = OutboundEmail.objects.get(template="petitions/update")
    unsubscribe_url = queued.context["unsubscribe_url"]

    send_outbound_email.apply(args=[queued.pk])

    sent = json.loads(sendgrid.calls[0].request.body)
    assert unsubscribe_url.startswith("http")
    assert sent["headers"]["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert sent["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in text_of(sent)


@pytest.mark.django_db
def test_a_receipt_or_account_message_is_no_list_message(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=202)
    queued = queue_account_message("one@example.org")

    send_outbound_email.apply(args=[queued.pk])

    sent = json.loads(sendgrid.calls[0].request.body)
    assert "List-Unsubscribe" not in sent["headers"]
    assert "List-Unsubscribe-Post" not in sent["headers"]


def text_of(payload):
    return next(part["value"] for part in payload["content"] if part["type"] == "text/plain")


@pytest.mark.django_db
def test_a_temporary_sendgrid_failure_is_retried(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=503)
    sendgrid.post(SENDGRID_SEND_URL, status=202)
    queued = queue_account_message("retry@example.org")

    send_outbound_email.apply(args=[queued.pk])

    assert len(sendgrid.calls) == 2
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.SENT
    assert queued.attempts == 2


@pytest.mark.django_db
def test_a_message_still_refused_after_every_retry_is_marked_failed(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=503)
    queued = queue_account_message("gave-up@example.org")

    send_outbound_email.apply(args=[queued.pk])

    assert len(sendgrid.calls) == send_outbound_email.max_retries + 1
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.FAILED


@pytest.mark.django_db
def test_a_permanent_sendgrid_failure_is_recorded_and_not_retried(home_page, sendgrid):
    sendgrid.post(SENDGRID_SEND_URL, status=400, json={"errors": [{"message": "bad address"}]})
    queued = queue_account_message("permanent@example.org")

    result = send_outbound_email.apply(args=[queued.pk])

    assert result.state == "SUCCESS"
    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.FAILED
    assert "bad address" in queued.error


@pytest.fixture
def harbor_light_sender(site_settings):
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.email_from_name = "Harbor Light Supporter Care"
    site_settings.email_from_address = "care@harborlight.test"
    site_settings.reply_to_email = "replies@harborlight.test"
    site_settings.save()
    return site_settings


@pytest.mark.django_db
def test_supporter_email_comes_from_the_sender_in_the_site_settings(
    harbor_light_sender, mailoutbox
):
    send_outbound_email.apply(args=[queue_account_message("sender@example.org").pk])

    [message] = mailoutbox
    headers = message.message()
    assert headers["From"] == "Harbor Light Supporter Care <care@harborlight.test>"
    assert headers["Reply-To"] == "replies@harborlight.test"


@pytest.mark.django_db
def test_a_delivery_to_an_office_comes_from_the_sender_in_the_site_settings(
    harbor_light_sender, mailoutbox
):
    TargetFactory(jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov")
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    signed = record_signature(petition, signer(state="AK", zip_code="99501"), target=None)
    confirm_signature(signed.signature)
    [delivery] = deliver_signatures(petition, force=True)

    process_delivery.apply(args=[delivery.pk])

    [message] = [m for m in mailoutbox if m.to == ["attorney.general@alaska.gov"]]
    headers = message.message()
    assert headers["From"] == "Harbor Light Supporter Care <care@harborlight.test>"
    assert headers["Reply-To"] == "replies@harborlight.test"


@pytest.mark.django_db
def test_without_a_sender_set_mail_comes_from_the_organisation_at_the_default_address(
    site_settings, mailoutbox
):
    site_settings.organisation_name = "Harbor Light Coalition"
    site_settings.contact_email = "hello@harborlight.test"
    site_settings.save()

    send_outbound_email.apply(args=[queue_account_message("default@example.org").pk])

    headers = mailoutbox[0].message()
    assert headers["From"] == "Harbor Light Coalition <hello@northstar.test>"
    # Replies go to the organisation's contact address.
    assert headers["Reply-To"] == "hello@harborlight.test"


@pytest.mark.django_db
def test_without_a_reply_to_or_contact_address_mail_has_no_reply_to(site_settings, mailoutbox):
    site_settings.contact_email = ""
    site_settings.save()

    send_outbound_email.apply(args=[queue_account_message("noreply@example.org").pk])

    headers = mailoutbox[0].message()
    assert headers["From"] == "North Star <hello@northstar.test>"
    assert headers["Reply-To"] is None


@pytest.mark.django_db
def test_a_sender_name_with_a_comma_is_quoted(site_settings, mailoutbox):
    site_settings.email_from_name = "Harbor Light, Inc."
    site_settings.save()

    send_outbound_email.apply(args=[queue_account_message("quoted@example.org").pk])

    assert mailoutbox[0].message()["From"] == '"Harbor Light, Inc." <hello@northstar.test>'


@pytest.mark.django_db
def test_sendgrid_is_given_the_sender_and_reply_to_of_the_site_settings(
    harbor_light_sender, sendgrid
):
    sendgrid.post(SENDGRID_SEND_URL, status=202)

    send_outbound_email.apply(args=[queue_account_message("api-sender@example.org").pk])

    sent = json.loads(sendgrid.calls[0].request.body)
    assert sent["from"] == {"email": "care@harborlight.test", "name": "Harbor Light Supporter Care"}
    assert sent["reply_to_list"] == [{"email": "replies@harborlight.test"}]


# One send function: supporter mail and deliveries to offices both leave through
# northstar.emails.deliver, which sets the Message-ID, From and Reply-To.


def delivery_to_alaska():
    TargetFactory(jurisdiction="AK", name="Stephen Cox", email="attorney.general@alaska.gov")
    petition = PetitionPageFactory(delivery_schedule=DeliverySchedule.OFF)
    signed = record_signature(petition, signer(state="AK", zip_code="99501"), target=None)
    confirm_signature(signed.signature)
    [delivery] = deliver_signatures(petition, force=True)
    return delivery


@pytest.mark.django_db
def test_supporter_mail_and_a_delivery_to_an_office_both_leave_through_the_one_send_function(
    harbor_light_sender, mailoutbox
):
    supporter = queue_account_message("through-deliver@example.org")
    delivery = delivery_to_alaska()
    sent = []
    real_deliver = emails.deliver

    def spy(message, org=None):
        sent.append(message.to)
        real_deliver(message, org)

    with mock.patch("northstar.emails.deliver", spy):
        send_outbound_email.apply(args=[supporter.pk])
        process_delivery.apply(args=[delivery.pk])

    assert sent == ["through-deliver@example.org", "attorney.general@alaska.gov"]
    assert [message.to for message in mailoutbox] == [sent[:1], sent[1:]]


@pytest.mark.django_db
def test_supporter_mail_and_a_delivery_carry_the_same_sender_and_their_own_stable_message_id(
    harbor_light_sender, mailoutbox
):
    supporter = queue_account_message("headers@example.org")
    delivery = delivery_to_alaska()

    send_outbound_email.apply(args=[supporter.pk])
    process_delivery.apply(args=[delivery.pk])

    to_supporter, to_office = (message.message() for message in mailoutbox)
    for headers in (to_supporter, to_office):
        assert headers["From"] == "Harbor Light Supporter Care <care@harborlight.test>"
        assert headers["Reply-To"] == "replies@harborlight.test"
    assert to_supporter["Message-ID"] == f"<{supporter.uuid}@northstar.test>"
    assert to_office["Message-ID"] == f"<delivery-{delivery.key}@northstar.test>"
    assert to_office["X-Delivery-Key"] == str(delivery.key)


def test_a_message_may_not_set_the_headers_the_send_function_owns():
    message = emails.Message(
        to="office@example.org",
        subject="Subject",
        text="Text",
        html="<p>Text</p>",
        key="a-key",
        headers={"Reply-To": "someone-else@example.org"},
    )
    with pytest.raises(ValueError, match="reply-to"):
        emails.email_message(message, org=SiteSettings())


@pytest.mark.django_db
def test_an_email_queued_while_the_broker_cannot_be_reached_waits_in_the_outbox(
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch("kombu.messaging.Producer.publish", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = send_email("account_message", "ana@example.org", {})

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.QUEUED
