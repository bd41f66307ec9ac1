"""Where a petition's signatures stand on their way to the decision makers: staff figures.

Every figure is an aggregate query (GROUP BY in the database), never a loop
over signatures. "Delivered" counts only what was sent by email, posted or
handed over: a packet ready to post is not yet; a failed email still holds
its signatures (in flight) until staff send it again.
"""

from django.db.models import Count, Q, Sum

from ..models import Delivery, Signature, Target

DELIVERED_STATES = Delivery.DELIVERED_STATES
READY_STATES = (Delivery.Status.READY,)
# A failed delivery still holds its signatures until staff send it again.
IN_FLIGHT_STATES = (*Delivery.IN_FLIGHT_STATES, Delivery.Status.FAILED)


def signature_figures(petition, waiting, unrouted):
    """Signatures per status, and where the confirmed ones stand."""
    by_status = dict(
        Signature.objects.filter(petition=petition)
        .values_list("status")
        .annotate(total=Count("pk"))
        .order_by()
    )
    by_delivery = Delivery.objects.filter(petition=petition).aggregate(
        delivered=Sum("signature_count", filter=Q(status__in=DELIVERED_STATES), default=0),
        ready=Sum("signature_count", filter=Q(status__in=READY_STATES), default=0),
        in_flight=Sum("signature_count", filter=Q(status__in=IN_FLIGHT_STATES), default=0),
        failed=Sum("signature_count", filter=Q(status=Delivery.Status.FAILED), default=0),
    )
    return {
        "statuses": [
            {"label": label, "count": by_status.get(value, 0)}
            for value, label in Signature.Status.choices
        ],
        "delivered": by_delivery["delivered"],
        "ready": by_delivery["ready"],
        "in_flight": by_delivery["in_flight"],
        "failed": by_delivery["failed"],
        "waiting": sum(waiting.values()) + unrouted,
        "unrouted": unrouted,
    }


def target_rows(petition, waiting):
    """Per decision maker: signatures delivered, ready to post, in flight and waiting."""
    rows = {}
    sums = (
        Delivery.objects.filter(petition=petition)
        .values("target")
        .annotate(
            delivered=Sum("signature_count", filter=Q(status__in=DELIVERED_STATES), default=0),
            ready=Sum("signature_count", filter=Q(status__in=READY_STATES), default=0),
            in_flight=Sum("signature_count", filter=Q(status__in=IN_FLIGHT_STATES), default=0),
        )
        .order_by()
    )
    for row in sums:
        rows[row["target"]] = {key: row[key] for key in ("delivered", "ready", "in_flight")}
    for target_id, count in waiting.items():
        rows.setdefault(target_id, {})["waiting"] = count
    targets = Target.objects.in_bulk(list(rows))
    table = [
        {
            "target": targets[target_id],
            "delivered": row.get("delivered", 0),
            "ready": row.get("ready", 0),
            "in_flight": row.get("in_flight", 0),
            "waiting": row.get("waiting", 0),
        }
        for target_id, row in rows.items()
    ]
    return sorted(table, key=lambda row: row["target"].jurisdiction_name)


def deliver_now_summary(rows):
    """What "Deliver now" sends, from `target_rows`: a dict of `signatures` waiting, and the
    decision makers with signatures waiting that take email (`by_email`, sent at once)
    and that do not (`by_post`, a packet to print), by `Target.delivery_channel`."""
    waiting = [row for row in rows if row["waiting"]]
    by_email = sum(1 for row in waiting if row["target"].delivery_channel == Delivery.Channel.EMAIL)
    return {
        "signatures": sum(row["waiting"] for row in waiting),
        "by_email": by_email,
        "by_post": len(waiting) - by_email,
    }
