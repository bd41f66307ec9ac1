"""The demo campaign for `manage.py load_demo_data`: Spring into Action, with a few paid gifts.

The gifts are made up (addresses at example.org) and marked paid directly,
without a checkout; the total is then rebuilt from them.
"""

from datetime import date, timedelta

from django.utils import timezone

from donations.models import Donation, DonationTotal
from northstar.models import HomePage

from .models import FundraisingCampaignPage

SPRING_INTO_ACTION_SLUG = "spring-into-action"

# (first name, last name, dollars, show name, message)
DEMO_GIFTS = [
    ("Grace", "Okafor", 1000, True, "For every survivor starting over this spring."),
    ("Daniel", "Kim", 750, True, ""),
    ("Priya", "Patel", 250, True, "A safe bed and a warm meal: thank you for this work."),
    ("Luis", "Martinez", 250, False, ""),
    ("Hannah", "Brown", 250, True, ""),
    ("Wei", "Chen", 200, False, ""),
    ("Fatima", "Ali", 150, True, "In honour of my sister."),
    ("Noah", "Wilson", 100, True, ""),
    ("Emily", "Davis", 100, False, ""),
    ("Ahmed", "Hernandez", 100, True, ""),
    ("Sofia", "Lopez", 100, True, "Proud to help."),
    ("James", "Smith", 75, False, ""),
    ("Mei", "Young", 50, True, ""),
    ("Isaac", "Clark", 50, True, ""),
    ("Olivia", "Johnson", 25, True, "Every little bit."),
]  # $3,450 in all


def next_april_15(today=None):
    """April 15 of this year, or of next year once this year's has passed."""
    today = today or timezone.localdate()
    deadline = date(today.year, 4, 15)
    return deadline if deadline >= today else date(today.year + 1, 4, 15)


def load_campaigns():
    campaign = FundraisingCampaignPage.objects.filter(slug=SPRING_INTO_ACTION_SLUG).first()
    if campaign is not None:
        return campaign
    campaign = FundraisingCampaignPage(
        title="Spring into Action",
        slug=SPRING_INTO_ACTION_SLUG,
        intro=(
            "Raise $10,000 by April 15 for a month of transitional housing, food and "
            "clothing for survivors of human trafficking."
        ),
        body=[
            (
                "paragraph",
                "<p>Leaving a trafficking situation is only the first step. The weeks after "
                "are when survivors most need a safe place to sleep, food on the table and "
                "clothes for job interviews, and when shelters are fullest.</p>"
                "<p>This spring our partners can house survivors for a month while they "
                "see a lawyer, a doctor and a counsellor, and make a plan. "
                "<b>$10,000 covers the whole month</b>: every gift brings the next "
                "survivor a step closer to a home of their own.</p>",
            ),
            (
                "quote",
                {
                    "text": "The month in the shelter gave me time to breathe, and then to plan.",
                    "attribution": "A survivor supported by our partners",
                },
            ),
            ("hotline_callout", {"heading": "If you or someone you know needs help"}),
        ],
        goal_cents=1_000_000,
        currency="usd",
        deadline=next_april_15(),
        ask_text="Help survivors find safety: give to Spring into Action",
    )
    HomePage.objects.get().add_child(instance=campaign)
    campaign.save_revision().publish()
    now = timezone.now()
    Donation.objects.bulk_create(
        Donation(
            page=campaign,
            amount_cents=dollars * 100,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org",
            show_name_publicly=public,
            message=message,
            status=Donation.Status.PAID,
            created_at=now - timedelta(hours=5 * index + 1),
            paid_at=now - timedelta(hours=5 * index + 1),
        )
        for index, (first, last, dollars, public, message) in enumerate(DEMO_GIFTS)
    )
    DonationTotal.objects.rebuild(page=campaign.pk)
    return campaign
