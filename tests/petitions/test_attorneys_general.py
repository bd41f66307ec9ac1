"""Loading the Attorneys General data set into targets, around the edits staff make."""

import csv
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from petitions.attorneys_general import DATA_FILE, load_attorneys_general
from petitions.models import Delivery, Target, TargetGroup

pytestmark = pytest.mark.django_db


def changed_copy(tmp_path, jurisdiction, **changes):
    """A copy of the data set in `tmp_path` with `changes` made to one jurisdiction's row."""
    with open(DATA_FILE, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        fieldnames = reader.fieldnames
        rows = list(reader)
    for row in rows:
        if row["jurisdiction"] == jurisdiction:
            row.update(changes)
    path = tmp_path / "attorneys_general.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def attorney_general(jurisdiction):
    return Target.objects.get(group=TargetGroup.ATTORNEYS_GENERAL, jurisdiction=jurisdiction)


def test_loading_creates_56_targets_50_of_them_with_an_office_holder():
    report = load_attorneys_general()

    targets = Target.objects.filter(group=TargetGroup.ATTORNEYS_GENERAL)
    assert report.created == 56
    assert targets.count() == 56
    assert targets.exclude(name="").count() == 50
    assert set(targets.filter(name="").values_list("jurisdiction", flat=True)) == {
        "DC",
        "PR",
        "GU",
        "VI",
        "AS",
        "MP",
    }


def test_a_loaded_target_has_the_office_its_address_and_its_term_end():
    load_attorneys_general()

    texas = attorney_general("TX")
    assert texas.name == "Ken Paxton"
    assert texas.office == "Office of the Texas Attorney General"
    assert texas.postal_address == "Capitol Station, P.O. Box 12548, Austin, TX 78711-2548"
    assert texas.term_end == date(2027, 1, 1)
    assert texas.loaded_values["term_end"] == "2027-01-01"


def test_the_alaska_attorney_general_is_delivered_by_email():
    load_attorneys_general()

    alaska = attorney_general("AK")
    assert alaska.email == "attorney.general@alaska.gov"
    assert alaska.delivery_channel == Delivery.Channel.EMAIL


def test_the_texas_attorney_general_has_no_email_and_is_delivered_by_post():
    load_attorneys_general()

    texas = attorney_general("TX")
    assert texas.email == ""
    assert texas.delivery_channel == Delivery.Channel.POST
    assert texas.postal_address


def test_a_territory_without_an_office_holder_has_no_term_end_and_a_note_for_staff():
    load_attorneys_general()

    guam = attorney_general("GU")
    assert guam.office == "Office of the Guam Attorney General"
    assert guam.term_end is None
    assert "staff must fill in" in guam.note


def test_loading_twice_changes_nothing():
    load_attorneys_general()
    before = list(Target.objects.values())

    report = load_attorneys_general()

    assert (report.created, report.updated, report.unchanged) == (0, 0, 56)
    assert report.staff_edits_kept == []
    assert list(Target.objects.values()) == before


def test_a_changed_row_updates_a_field_staff_did_not_edit(tmp_path):
    load_attorneys_general()
    changed = changed_copy(tmp_path, "TX", name="Jane Doe", term_end="2031-01-01")

    report = load_attorneys_general(changed)

    texas = attorney_general("TX")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 55)
    assert texas.name == "Jane Doe"
    assert texas.term_end == date(2031, 1, 1)
    assert texas.loaded_values["name"] == "Jane Doe"


def test_a_staff_edit_is_kept_when_the_data_set_changes_that_field_and_reported(tmp_path):
    load_attorneys_general()
    Target.objects.filter(jurisdiction="TX").update(name="Staff's choice")
    changed = changed_copy(tmp_path, "TX", name="Jane Doe", phone="512-000-0000")

    report = load_attorneys_general(changed)

    texas = attorney_general("TX")
    assert texas.name == "Staff's choice"
    assert texas.phone == "512-000-0000"
    assert report.staff_edits_kept == [("TX", "name")]
    assert report.kept_staff_edits == 1
    assert texas.loaded_values["name"] == "Jane Doe"


def test_a_kept_staff_edit_is_reported_once_not_on_every_load(tmp_path):
    load_attorneys_general()
    Target.objects.filter(jurisdiction="TX").update(name="Staff's choice")
    changed = changed_copy(tmp_path, "TX", name="Jane Doe")
    load_attorneys_general(changed)

    report = load_attorneys_general(changed)

    assert report.staff_edits_kept == []
    assert attorney_general("TX").name == "Staff's choice"


def test_a_staff_edit_to_a_field_the_data_set_leaves_alone_is_kept_silently():
    load_attorneys_general()
    Target.objects.filter(jurisdiction="DC").update(name="Brian Schwalb", email="oag@dc.gov")

    report = load_attorneys_general()

    dc = attorney_general("DC")
    assert (dc.name, dc.email) == ("Brian Schwalb", "oag@dc.gov")
    assert report.staff_edits_kept == []


def test_a_target_staff_created_before_the_first_load_keeps_their_values():
    Target.objects.create(
        group=TargetGroup.ATTORNEYS_GENERAL, jurisdiction="TX", name="Staff's choice"
    )

    report = load_attorneys_general()

    texas = attorney_general("TX")
    assert report.created == 55
    assert texas.name == "Staff's choice"
    assert texas.phone == "512-463-2100"
    assert ("TX", "name") in report.staff_edits_kept


def test_a_file_with_a_bad_row_loads_nothing(tmp_path):
    broken = changed_copy(tmp_path, "TX", term_end="soon")

    with pytest.raises(ValueError, match="term_end 'soon' is not a date"):
        load_attorneys_general(broken)

    assert not Target.objects.exists()


def test_the_command_prints_the_summary():
    out = StringIO()

    call_command("load_attorneys_general", stdout=out)

    assert out.getvalue().splitlines() == [
        "Attorneys General: 56 created, 0 updated, 0 unchanged, 0 staff edit(s) kept."
    ]


def test_the_command_prints_a_line_per_kept_staff_edit(tmp_path):
    load_attorneys_general()
    Target.objects.filter(jurisdiction="TX").update(name="Staff's choice")
    out = StringIO()

    call_command(
        "load_attorneys_general",
        file=str(changed_copy(tmp_path, "TX", name="Jane Doe")),
        stdout=out,
    )

    assert out.getvalue().splitlines() == [
        "Attorneys General: 0 created, 0 updated, 56 unchanged, 1 staff edit(s) kept.",
        "TX name: kept the staff's edit (the data set differs).",
    ]


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("load_attorneys_general", file=str(tmp_path / "missing.csv"))
