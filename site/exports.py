"""The one CSV writer: every file staff download, and every CSV sent to an office.

What staff download opens right in the spreadsheet they use (most nonprofit
staff use Excel on Windows):

- a UTF-8 byte-order mark first, so Excel reads the file as UTF-8 and shows
  "Zoë Nguyễn", "דוד כהן" and "محمد عبدالله" as typed (without it, Windows
  Excel guesses the local code page and shows "ZoÃ« Nguyá»…n");
- every text cell a spreadsheet would run as a formula (OWASP "CSV
  injection": a cell starting with =, +, -, @, a tab or a carriage return)
  starts with an apostrophe, which makes it plain text;
- streamed: rows are formatted and encoded one at a time as the response is
  sent, so memory stays flat however many rows the query yields (feed it an
  `.iterator()`);
- a download is `private, no-store`: it holds personal data, so no shared cache
  or back button keeps a copy.

Cells: None is empty, True/False "yes"/"no", a datetime the organisation's
time (ISO 8601, `northstar.days`), anything else its text.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from .days import organisation_time

BYTE_ORDER_MARK = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

# A spreadsheet treats a cell starting with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """`text`, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_cell(value) -> str:
    """One value as a CSV cell: "" for None, "yes"/"no" for a bool, a datetime in the
    organisation's time (ISO 8601), else its text with any formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return organisation_time(value).isoformat()
    return neutralise_formula(str(value))


class _Line:
    """A file-like object that hands back what is written: `csv.writer` formats, we stream."""

    def write(self, value):
        return value


def csv_chunks(header: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The CSV file as UTF-8 bytes, one chunk per line: the byte-order mark with the header
    (written as given), then each row's cells through `csv_cell`. Reads `rows` lazily."""
    writer = csv.writer(_Line())
    yield (BYTE_ORDER_MARK + writer.writerow(list(header))).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row]).encode("utf-8")


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """The whole CSV file as bytes (for a file kept or attached): `csv_chunks` joined."""
    return b"".join(csv_chunks(header, rows))


def private_download(response):
    """`response` marked as personal data: `Cache-Control: private, no-store`."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str):
    """A streamed CSV attachment named `filename` (`csv_chunks`), `private, no-store`."""
    response = StreamingHttpResponse(
        csv_chunks(header, rows),
        content_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)
        },
    )
    return private_download(response)
