"""Read the tables HR departments really export: CSV with `,` `;` or tab in UTF-8 (with or
without BOM), Windows-1252 or UTF-16, and Excel workbooks (.xlsx)."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


class TableError(Exception):
    """A file that cannot be read as a table; the message tells HR what to do."""


@dataclass
class Table:
    """Header cells and data rows as text, plus what was detected (shown in the preview)."""

    headers: list[str]
    rows: list[list[str]]
    file_format: str  # "XLSX" or "CSV"
    encoding: str = ""
    delimiter: str = ""


def _utf16_codec(content: bytes) -> str | None:
    """The UTF-16 codec the upload looks written in (a BOM, or every other byte zero), or None."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = content[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    return None


def decode_text(content: bytes) -> tuple[str, str]:
    """The text of a CSV upload and the encoding it was in (BOMs first, then UTF-8, then 1252)."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    utf16 = _utf16_codec(content)
    if utf16:
        try:
            return content.decode(utf16), "UTF-16"
        except UnicodeDecodeError:
            pass  # not really UTF-16 (an odd number of bytes, say): try the others
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "ISO-8859-1"


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab, whichever the header line is split by."""
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=",;\t").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(",;\t", key=header.count)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(content: bytes) -> Table:
    """The first worksheet of an Excel workbook (values, not formulas)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            _("The Excel file could not be opened (%(error)s).") % {"error": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    rows = [row for row in rows if any(row)]
    if not rows:
        raise TableError(_("The file is empty."))
    return Table(headers=rows[0], rows=rows[1:], file_format="XLSX")


def read_csv(content: bytes) -> Table:
    """A CSV/text export in whatever encoding and delimiter Excel or an HR system wrote."""
    text, encoding = decode_text(content)
    text = text.lstrip("\ufeff").replace("\x00", "")  # NUL: never data, refused by PostgreSQL
    if not text.strip():
        raise TableError(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    try:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise TableError(
            _("The file could not be read as CSV (%(error)s).") % {"error": exc}
        ) from exc
    rows = [row for row in rows if any(row)]
    return Table(
        headers=rows[0], rows=rows[1:], file_format="CSV", encoding=encoding, delimiter=delimiter
    )


def read_table(content: bytes, filename: str = "") -> Table:
    """Any supported upload as a table; TableError with a clear message otherwise."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(content)
    if filename.lower().endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and try again.")
        )
    return read_csv(content)
