"""Demo petitions for `manage.py load_demo_data`: the model petition and a closed one.

The signatures are made up (names from short lists, addresses at example.org,
a fixed random seed) and spread over the states roughly by population.
The Attorneys General's addresses are real, so no made-up signature may reach
an office: the open petition's delivery schedule is off, and the closed one's
signatures are recorded as handed over at its closing (real packets, made by
the delivery service, with nothing sent), so its final delivery finds nothing
waiting.
"""

import random
from datetime import timedelta

import zipcodes
from django.utils import timezone

from northstar.days import organisation_today
from northstar.models import HomePage

from .attorneys_general import load_attorneys_general
from .delivery.services import claim_delivery, mark_posted, mark_ready, waiting_by_target
from .models import (
    Delivery,
    DeliverySchedule,
    PetitionPage,
    Signature,
    SignatureCount,
    Target,
)

MODEL_PETITION_SIGNATURES = 2424
CLOSED_PETITION_SIGNATURES = 312

FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Wei",
    "Sofia",
    "Daniel",
    "Priya",
    "Carlos",
    "Grace",
    "Ahmed",
    "Emily",
    "Luis",
    "Hannah",
    "Kwame",
    "Olivia",
    "Mateo",
    "Fatima",
    "Noah",
    "Mei",
    "Isaac",
]
LAST_NAMES = [
    "Garcia",
    "Johnson",
    "Nguyen",
    "Smith",
    "Patel",
    "Williams",
    "Kim",
    "Lopez",
    "Brown",
    "Okafor",
    "Davis",
    "Martinez",
    "Chen",
    "Wilson",
    "Hernandez",
    "Clark",
    "Ali",
    "Young",
]
COMMENTS = [
    "Everyone should know where to call for help.",
    "I volunteer with survivors. This number saves lives.",
    "Post it in every bus station and truck stop.",
    "For my cousin, who found help because she saw the number.",
    "Simple, cheap, and it works.",
]
# Rough weights by population, so that big states get more signers.
STATE_WEIGHTS = {
    "CA": 39,
    "TX": 30,
    "FL": 22,
    "NY": 20,
    "PA": 13,
    "IL": 13,
    "OH": 12,
    "GA": 11,
    "NC": 11,
    "MI": 10,
    "NJ": 9,
    "VA": 9,
    "WA": 8,
    "AZ": 7,
    "TN": 7,
    "MA": 7,
    "IN": 7,
    "MO": 6,
    "MD": 6,
    "WI": 6,
    "CO": 6,
    "MN": 6,
    "SC": 5,
    "AL": 5,
    "LA": 5,
    "KY": 5,
    "OR": 4,
    "OK": 4,
    "CT": 4,
    "UT": 3,
    "IA": 3,
    "NV": 3,
    "AR": 3,
    "MS": 3,
    "KS": 3,
    "NM": 2,
    "NE": 2,
    "ID": 2,
    "WV": 2,
    "HI": 1,
    "NH": 1,
    "ME": 1,
    "MT": 1,
    "RI": 1,
    "DE": 1,
    "SD": 1,
    "ND": 1,
    "AK": 1,
    "VT": 1,
    "WY": 1,
    "DC": 1,
    "PR": 1,
}

MODEL_PETITION = {
    "title": "State Attorneys General: Stop human traffickers and help survivors find support",
    "slug": "stop-human-traffickers",
    "summary": (
        "Ask your state's Attorney General to require the National Human Trafficking "
        "Hotline number to be posted in bus stations, truck stops, airports and hospitals."
    ),
    "hero_credit": "Harbor Light Coalition",
    "letter": (
        "Human trafficking happens in every state. Survivors tell us that the moment they "
        "saw the hotline number, posted in a restroom or a bus station, was the moment "
        "they knew help existed.\n\nWe ask you to use your office to require the National "
        "Human Trafficking Hotline number (1-888-373-7888, text 233733) to be posted in "
        "public places across our state, and to fund training so that staff recognise the "
        "signs of trafficking."
    ),
    "body": [
        (
            "paragraph",
            "<p>Every year thousands of people are trafficked for labour and sex in the "
            "United States. Many never learn that free, confidential help is one phone "
            "call away.</p><p>Posting the hotline number costs almost nothing. States that "
            "require it see more calls from the places where victims are: bus stations, "
            "truck stops, hospitals and hotels.</p>",
        ),
        (
            "quote",
            {
                "text": "I saw the number on the back of a restroom door. I memorised it.",
                "attribution": "A survivor, now an advocate",
            },
        ),
        ("hotline_callout", {"heading": "If you or someone you know needs help"}),
    ],
    "share_text": "I asked my Attorney General to post the trafficking hotline. Join me:",
}

CLOSED_PETITION = {
    # Addressed as it is routed: each signer's own state's Attorney General.
    "title": "State Attorneys General: Train hotel staff to recognise the signs of trafficking",
    "slug": "train-hotel-staff",
    "summary": (
        "Hotel staff are often the first to see the signs. Ask your state's Attorney General "
        "to make trafficking-awareness training standard."
    ),
    "letter": (
        "We ask you to support mandatory trafficking-awareness training for hotel staff "
        "in our state."
    ),
    "status": PetitionPage.Status.CLOSED,
}


def load_petitions():
    load_attorneys_general()
    home = HomePage.objects.first()
    if home is None:
        return
    rng = random.Random(2424)  # noqa: S311 (made-up demo data)
    model = ensure_petition(home, MODEL_PETITION)
    closed = ensure_petition(home, CLOSED_PETITION)
    add_demo_signatures(model, MODEL_PETITION_SIGNATURES, rng)
    add_demo_signatures(closed, CLOSED_PETITION_SIGNATURES, rng, days=120)
    hand_over_demo_signatures(closed)


def hand_over_demo_signatures(petition):
    """Record every waiting signature of `petition` as hand-delivered today, one packet per
    office, through the delivery service (claim, packet, ready, handed over): nothing is
    emailed or posted. Returns the deliveries."""
    deliveries = []
    targets = Target.objects.in_bulk(list(waiting_by_target(petition)))
    for target in targets.values():
        while delivery := claim_delivery(petition, target, channel=Delivery.Channel.POST):
            mark_ready(delivery.pk)
            delivery.refresh_from_db()
            mark_posted(
                delivery,
                None,
                organisation_today(),
                note="Demo data: made-up signatures, handed over at the petition's close.",
                by_hand=True,
            )
            deliveries.append(delivery)
    return deliveries


def ensure_petition(home, fields):
    """The demo petition `fields` names, made and published if missing.

    Its delivery schedule is off: the demo's signatures are made up, and the
    Attorneys General's addresses are real, so nothing reaches an office
    unless staff press "Deliver now" (a site run with SendGrid configured
    would otherwise mail them within fifteen minutes).
    """
    petition = PetitionPage.objects.filter(slug=fields["slug"]).first()
    if petition is None:
        fields = {"delivery_schedule": DeliverySchedule.OFF, **fields}
        petition = home.add_child(instance=PetitionPage(**fields))
        petition.save_revision().publish()
    return petition


def representative_zip(state):
    matches = [z for z in zipcodes.filter_by(state=state) if z["zip_code_type"] == "STANDARD"]
    return matches[0]["zip_code"] if matches else "00000"


def add_demo_signatures(petition, count, rng, days=60):
    if petition.signatures.exists():
        return
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    zips = {state: representative_zip(state) for state in states}
    targets = {
        target.jurisdiction: target for target in Target.objects.filter(jurisdiction__in=states)
    }
    now = timezone.now()
    signatures = []
    for i in range(count):
        state = rng.choices(states, weights)[0]
        signed_at = now - timedelta(
            days=days * (1 - (i / count) ** 0.5), minutes=rng.randint(0, 600)
        )
        public = rng.random() < 0.4
        signatures.append(
            Signature(
                petition=petition,
                target=targets.get(state),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"demo-signer-{petition.pk}-{i}@example.org",
                zip_code=zips[state],
                state=state,
                comment=rng.choice(COMMENTS) if public and rng.random() < 0.5 else "",
                show_publicly=public,
                opt_in_updates=rng.random() < 0.6,
                status=Signature.Status.CONFIRMED,
                created_at=signed_at,
                confirmed_at=signed_at + timedelta(minutes=rng.randint(1, 90)),
            )
        )
    Signature.objects.bulk_create(signatures, batch_size=1000)
    SignatureCount.objects.rebuild(petition=petition.pk)
