import factory

from donations.models import Donation


class DonationFactory(factory.django.DjangoModelFactory):
    """A pending $50 gift awaiting its checkout (pass `page=`)."""

    class Meta:
        model = Donation

    amount_cents = 5000
    currency = "usd"
    first_name = "Jordan"
    last_name = "Taylor"
    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n:06d}")


def donate_form(**overrides):
    """What a browser posts from the donate form."""
    data = {
        "amount": "50",
        "other_amount": "",
        "first_name": "Jordan",
        "last_name": "Taylor",
        "email": "jordan.taylor@example.org",
        "name_shown": "anonymous",  # chosen to start with
        "message": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
