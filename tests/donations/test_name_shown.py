"""Who sees a donor's name: the choice on the donate form, what each viewer is shown, and
the migration from the old "show my name publicly" box."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from donations.forms import DonationForm
from donations.models import Donation
from tests.donations.factories import donate_form
from tests.support.services import require_postgresql

PUBLIC, OWNER, ANONYMOUS = Donation.NameShown


def gift(name_shown):
    return Donation(first_name="Ana", last_name="Ruiz", name_shown=name_shown)


@pytest.mark.parametrize(
    ("name_shown", "public", "owner"),
    [
        (PUBLIC, "Ana R.", "Ana R."),
        (OWNER, "Anonymous", "Ana R."),
        (ANONYMOUS, "Anonymous", "Anonymous"),
    ],
)
def test_each_choice_names_the_donor_to_the_public_and_to_the_pages_owner(
    name_shown, public, owner
):
    assert gift(name_shown).public_name == public
    assert gift(name_shown).name_for_owner == owner


def test_staff_see_the_name_whatever_the_donor_chose():
    assert gift(ANONYMOUS).donor_name == "Ana Ruiz"
    assert "from Ana R." in str(gift(ANONYMOUS))  # the admin's and the logs' name for it


def test_a_gift_is_anonymous_to_everyone_unless_the_donor_chose_otherwise():
    assert Donation().name_shown == ANONYMOUS


def test_the_choices_are_worded_plainly():
    assert [label for _, label in Donation.NameShown.choices] == [
        "Show my name publicly",
        "Show my name only to the page's owner",
        "Anonymous to everyone",
    ]


def test_a_supporters_page_offers_three_choices_with_anonymous_chosen_to_start_with():
    form = DonationForm(page_has_owner=True)
    assert [value for value, _ in form.fields["name_shown"].choices] == [PUBLIC, OWNER, ANONYMOUS]
    assert form["name_shown"].value() == ANONYMOUS


def test_a_campaigns_own_page_offers_no_owner_choice():
    form = DonationForm()
    assert [value for value, _ in form.fields["name_shown"].choices] == [PUBLIC, ANONYMOUS]


def test_a_campaigns_own_page_refuses_the_owner_choice_with_a_clear_message():
    form = DonationForm(donate_form(name_shown=OWNER))
    assert not form.is_valid()
    assert form.errors["name_shown"] == ["Please choose one of the options for who sees your name."]


def test_the_form_refuses_an_unknown_choice_with_a_clear_message():
    form = DonationForm(donate_form(name_shown="everyone-but-my-boss"), page_has_owner=True)
    assert not form.is_valid()
    assert form.errors["name_shown"] == ["Please choose one of the options for who sees your name."]


def test_the_form_asks_for_a_choice_when_none_was_posted():
    form = DonationForm(donate_form(name_shown=None), page_has_owner=True)
    assert not form.is_valid()
    assert form.errors["name_shown"] == ["Please choose who sees your name."]


def test_the_form_keeps_the_owner_choice_on_a_supporters_page():
    form = DonationForm(donate_form(name_shown=OWNER), page_has_owner=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name_shown"] == OWNER


def test_each_choice_says_what_it_means():
    hints = {
        b.data["value"]: b.hint for b in DonationForm(page_has_owner=True).name_shown_choices()
    }
    assert "Everyone else sees “Anonymous”" in hints[OWNER]
    assert "the page's owner too" in hints[ANONYMOUS]


@pytest.mark.django_db
def test_the_migration_maps_a_ticked_box_to_public_and_an_unticked_one_to_anonymous(campaign):
    """Run on the real schema: back to the box, rows written with it, then forward."""
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger before ALTER
    before = [("donations", "0006_donation_email_normalised")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldDonation = old_apps.get_model("donations", "Donation")
    ticked = OldDonation.objects.create(
        page_id=campaign.pk,
        amount_cents=100,
        first_name="T",
        last_name="T",
        email="t@e.org",
        show_name_publicly=True,
        checkout_token="t",
    )
    unticked = OldDonation.objects.create(
        page_id=campaign.pk,
        amount_cents=100,
        first_name="U",
        last_name="U",
        email="u@e.org",
        show_name_publicly=False,
        checkout_token="u",
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Donation.objects.get(pk=ticked.pk).name_shown == PUBLIC
    assert Donation.objects.get(pk=unticked.pk).name_shown == ANONYMOUS


def test_the_migration_function_maps_rows_read_through_the_apps_it_is_given():
    """The function alone, on rows of a stand-in model: ticked to public, unticked to
    anonymous, nothing else touched."""
    updates = []

    class Rows:
        def __init__(self, **lookup):
            self.lookup = lookup

        def update(self, **values):
            updates.append((self.lookup, values))

    class Manager:
        filter = Rows

    class Apps:
        def get_model(self, app, name):
            assert (app, name) == ("donations", "Donation")
            return type("Donation", (), {"objects": Manager()})

    migration = import_module("donations.migrations.0007_donation_name_shown")
    migration.name_shown_from_checkbox(Apps(), None)

    assert updates == [
        ({"show_name_publicly": True}, {"name_shown": "public"}),
        ({"show_name_publicly": False}, {"name_shown": "anonymous"}),
    ]
