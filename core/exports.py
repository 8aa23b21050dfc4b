"""The one CSV/XLSX writer every export uses, safe to open in a spreadsheet program.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice when it arrives as text (CSV), so such text gets a leading apostrophe there. In XLSX
every text cell is written with the string type (and Excel's quote prefix), never as a formula,
so the text stays exactly what HR typed. Dates are real dates in XLSX and ISO dates in CSV.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"

Row = Sequence[object]

# Column widths (in characters) come from the header and the first WIDTH_SAMPLE rows: write-only
# sheets need them before the first row, and a long export must not be held in memory.
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(text: str) -> str:
    """Text that a spreadsheet program shows as text and never runs as a formula."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    """Spreadsheets know no time zones: show the local wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_value(value: object) -> str | int | float | decimal.Decimal:
    """One cell as CSV text: numbers stay numbers, dates ISO, all other text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_rows(header: Row, rows: Iterable[Row], delimiter: str = ";") -> Iterator[str]:
    """CSV lines (UTF-8 with BOM so spreadsheet programs read umlauts), one at a time."""

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"
    yield writer.writerow([csv_value(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_value(value) for value in row])


def csv_text(header: Row, rows: Iterable[Row], delimiter: str = ";") -> str:
    """The whole CSV as one string (for small exports and e-mail attachments)."""
    return "".join(csv_rows(header, rows, delimiter))


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> StreamingHttpResponse:
    """Stream rows as a CSV download; `filename` without extension."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local_naive(value))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, bool | int | float | decimal.Decimal):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = str(value)
        cell = WriteOnlyCell(sheet, value=text)
        # openpyxl treats text starting with "=" as a formula; force the string type, and let
        # Excel keep it text even when someone edits the cell.
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def display_width(value: object) -> int:
    """How many characters a cell needs as a spreadsheet shows it (dates as DATE_FORMAT)."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: Row, rows: Sequence[Row]) -> list[float]:
    """A width per column fitting its header (bold, plus the filter button) and its longest
    value, between MIN_WIDTH and MAX_WIDTH characters."""
    widths = []
    for index, title in enumerate(header):
        longest = max(
            [
                display_width(title) + 3,
                *(display_width(row[index]) for row in rows if index < len(row)),
            ]
        )
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    return widths


def write_xlsx(handle, header: Row, rows: Iterable[Row], sheet_title: str = "Report") -> int:
    """Write a one-sheet workbook in openpyxl's write-only mode (rows streamed, not kept).

    Bold frozen header with an autofilter, columns as wide as their contents (measured on the
    first WIDTH_SAMPLE rows); returns the number of data rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = _xlsx_cell(sheet, title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in chain(sample, rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(handle)
    return count


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in str(title)).strip()
    return (cleaned or "Report")[:31]


def xlsx_response(
    filename: str, header: Row, rows: Iterable[Row], sheet_title: str = "Report"
) -> FileResponse:
    """Write rows to a workbook in a temporary file and stream it as a download."""
    handle = tempfile.TemporaryFile()
    write_xlsx(handle, header, rows, sheet_title)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
