"""Signing and confirming: the rules, in one place, each a transaction."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from northstar.emails import absolute_url, send_email

from .models import Signature, SignatureCount

CONFIRMATION_SALT = "petitions.confirm-signature"
CONFIRMATION_RESEND_AFTER = timedelta(hours=1)


@dataclass
class SigningResult:
    signature: Signature
    created: bool
    confirmation_sent: bool = False


def confirmation_token(signature):
    return signing.dumps(str(signature.uuid), salt=CONFIRMATION_SALT, compress=True)


def signature_for_token(token):
    """The signature a confirmation link names, or None if the link is bad or has expired."""
    max_age = timedelta(days=settings.PETITION_CONFIRMATION_MAX_AGE_DAYS)
    try:
        signature_uuid = signing.loads(token, salt=CONFIRMATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (
        Signature.objects.select_related("petition", "target").filter(uuid=signature_uuid).first()
    )


def queue_confirmation_email(signature):
    """Queue the confirmation email (sent by a worker once the transaction commits)."""
    petition = signature.petition
    send_email(
        "petitions/confirm_signature",
        signature.email,
        {
            "first_name": signature.first_name,
            "petition_title": petition.title,
            "target_line": target_line(signature),
            "confirm_url": absolute_url(
                reverse("petitions:confirm", args=[confirmation_token(signature)])
            ),
            "max_age_days": settings.PETITION_CONFIRMATION_MAX_AGE_DAYS,
        },
    )


def send_confirmation(signature):
    """Queue the confirmation email again and note when."""
    queue_confirmation_email(signature)
    signature.confirmation_sent_at = timezone.now()
    signature.save(update_fields=["confirmation_sent_at"])


def target_line(signature):
    target = signature.target
    if target is None:
        return f"the Attorney General of {signature.state_name}"
    who = f", {target.name}" if target.name else ""
    return f"the {target.title} of {target.jurisdiction_name}{who}"


def record_signature(petition, data, target=None):
    """Sign `petition` with the cleaned form `data`; signing twice changes nothing.

    A second signing with the same email sends the confirmation again if the
    first is still unconfirmed, at most once an hour. The common case, a new
    signer, costs one INSERT (plus the confirmation email's) in one transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    petition=petition,
                    target=target,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    zip_code=data["zip_code"],
                    state=data["state"],
                    comment=data.get("comment", ""),
                    show_publicly=data.get("show_publicly", False),
                    opt_in_updates=data.get("opt_in_updates", False),
                    share_email_with_target=data.get("share_email_with_target", False),
                    created_at=now,
                    confirmation_sent_at=now if petition.require_confirmation else None,
                )
        except IntegrityError:
            # This email has signed already (perhaps in a concurrent request).
            signature = (
                Signature.objects.select_for_update()
                .filter(petition=petition, email=data["email"])
                .first()
            )
            return resend_confirmation_if_due(signature)
        if petition.require_confirmation:
            queue_confirmation_email(signature)
            return SigningResult(signature, created=True, confirmation_sent=True)
        confirm_signature(signature)
        return SigningResult(signature, created=True)


def resend_confirmation_if_due(signature):
    due = signature.status == Signature.Status.PENDING and (
        signature.confirmation_sent_at is None
        or signature.confirmation_sent_at < timezone.now() - CONFIRMATION_RESEND_AFTER
    )
    if due:
        send_confirmation(signature)
    return SigningResult(signature, created=False, confirmation_sent=due)


def confirm_signature(signature):
    """Count a pending signature; True if this call confirmed it, False if it already was."""
    with transaction.atomic():
        confirmed = Signature.objects.filter(
            pk=signature.pk, status=Signature.Status.PENDING
        ).update(status=Signature.Status.CONFIRMED, confirmed_at=timezone.now())
        if confirmed:
            SignatureCount.objects.add(signature.petition_id, signature.state)
    if confirmed:
        signature.refresh_from_db(fields=["status", "confirmed_at"])
    return bool(confirmed)


def purge_unconfirmed_signatures(older_than_days=None):
    """Delete signatures never confirmed within the link's lifetime; return how many."""
    days = older_than_days or settings.PETITION_CONFIRMATION_MAX_AGE_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Signature.objects.filter(
        status=Signature.Status.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted
