"""The one CSV writer of every export (northstar.exports): Excel on Windows reads it as typed,
no cell runs as a formula, and it streams."""

import csv
import io
from datetime import UTC, datetime

from django.utils import timezone

from northstar.exports import csv_bytes, csv_chunks, csv_response

NAMES = ["Zoë Nguyễn", "דוד כהן", "محمد عبدالله"]


def read(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_file_starts_with_a_utf8_byte_order_mark_for_excel():
    data = csv_bytes(["name"], [[name] for name in NAMES])

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 1


def test_names_in_every_script_read_back_as_typed():
    data = csv_bytes(["name"], [[name] for name in NAMES])

    assert read(data) == [["name"], ["Zoë Nguyễn"], ["דוד כהן"], ["محمد عبدالله"]]
    assert "Zoë Nguyễn".encode() in data


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_plain_text():
    data = csv_bytes(["name", "comment"], [["=cmd|' /C calc'!A0", "+1+1"]])

    assert read(data)[1] == ["'=cmd|' /C calc'!A0", "'+1+1"]


def test_cells_read_none_as_empty_booleans_as_yes_or_no_and_times_in_new_york():
    with timezone.override("America/Los_Angeles"):
        data = csv_bytes(
            ["a", "b", "c", "d"], [[None, True, False, datetime(2025, 1, 15, 5, 30, tzinfo=UTC)]]
        )

    assert read(data)[1] == ["", "yes", "no", "2025-01-15T00:30:00-05:00"]


def test_rows_are_written_one_at_a_time_as_they_are_read():
    read_so_far = []

    def rows():
        for n in range(3):
            read_so_far.append(n)
            yield [f"row {n}"]

    chunks = csv_chunks(["name"], rows())

    assert next(chunks) == "\ufeffname\r\n".encode()
    assert read_so_far == []
    assert next(chunks) == b"row 0\r\n"
    assert read_so_far == [0]


def test_a_download_is_a_private_uncached_streamed_attachment():
    response = csv_response(["name"], [["Zoë Nguyễn"]], "signers.csv")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="signers.csv"'
    assert sorted(response["Cache-Control"].split(", ")) == ["no-store", "private"]
    assert b"".join(response.streaming_content) == "\ufeffname\r\nZoë Nguyễn\r\n".encode()
