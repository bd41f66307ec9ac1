"""`manage.py load_demo_data` builds the demo nonprofit once, however often it runs."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from northstar.demo import DEMO_STAFF_EMAIL
from northstar.models import HomePage, SiteSettings, User


@pytest.mark.django_db
def test_loading_demo_data_twice_duplicates_nothing():
    call_command("load_demo_data")
    call_command("load_demo_data")
    assert HomePage.objects.count() == 1
    assert User.objects.filter(email=DEMO_STAFF_EMAIL).count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific == HomePage.objects.get()


@pytest.mark.django_db
def test_demo_data_sets_up_the_organisation_and_a_staff_login():
    call_command("load_demo_data")
    org = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert org.organisation_name == "Harbor Light Coalition"
    assert org.hotline_phone == "1-888-373-7888"
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    assert staff.is_staff and staff.check_password("northstar-demo")


@pytest.mark.django_db
def test_each_demo_petition_is_titled_for_the_offices_it_is_addressed_to():
    from petitions.jurisdictions import JURISDICTIONS
    from petitions.models import PetitionPage, TargetGroup

    call_command("load_demo_data")
    petitions = PetitionPage.objects.all()

    assert petitions.count() == 2
    for petition in petitions:
        # Every signer's signature goes to their own state's Attorney General.
        assert petition.target_group == TargetGroup.ATTORNEYS_GENERAL
        assert petition.title.startswith("State Attorneys General: ")
        assert not any(name in petition.title for name in JURISDICTIONS.values())


@pytest.mark.django_db
def test_beat_delivers_none_of_the_open_demo_petitions_made_up_signatures():
    """The Attorneys General's addresses are real: the demo petition's schedule is off."""
    from petitions.delivery.services import deliver_due_petitions
    from petitions.models import DeliverySchedule, PetitionPage

    call_command("load_demo_data")
    demo = PetitionPage.objects.get(slug="stop-human-traffickers")

    deliver_due_petitions()

    assert demo.delivery_schedule == DeliverySchedule.OFF
    assert not demo.deliveries.exists()
    assert demo.signatures.filter(delivery__isnull=True).count() == demo.signatures.count()


@pytest.mark.django_db
def test_the_closed_demo_petitions_made_up_signatures_are_recorded_handed_over_not_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    """A closed petition's final delivery finds nothing waiting: no office gets demo data."""
    from petitions.delivery.services import deliver_due_petitions
    from petitions.models import Delivery, PetitionPage

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data")
    closed = PetitionPage.objects.get(slug="train-hotel-staff")

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due_petitions() == []

    deliveries = closed.deliveries.all()
    assert deliveries.count() >= 10  # one per office of the signers' states
    assert sum(d.signature_count for d in deliveries) == closed.signatures.count() == 312
    assert {d.status for d in deliveries} == {Delivery.Status.HAND_DELIVERED}
    assert {d.channel for d in deliveries} == {Delivery.Channel.POST}
    assert all(d.packet_pdf and d.packet_csv for d in deliveries)
    assert not closed.signatures.filter(delivery__isnull=True).exists()
    assert mailoutbox == []
