"""CSV (streamed) and XLSX exports of report tables."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable

from openpyxl import Workbook

from django.http import FileResponse, StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Stream rows as CSV (UTF-8 with BOM so spreadsheet programs read umlauts)."""
    writer = csv.writer(_Echo(), delimiter=";")

    def generate():
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[list]) -> FileResponse:
    """Write rows to a write-only workbook on disk and stream the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Report")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
