"""Reading HR's employee files (people/tabular.py): what HR would notice if a file were misread,
each named as that behaviour. Plain bytes in, no database."""

from __future__ import annotations

import datetime
import io

import pytest

from people import tabular


def test_excel_csv_on_a_german_windows_keeps_its_umlauts():
    text = "E-Mail;Vorname;Nachname\nj.mueller@firma.example;Jürgen;Müßig\n"
    table = tabular.read_table(text.encode("cp1252"), "mitarbeiter.csv")
    assert table.encoding == "Windows-1252" and table.delimiter == ";"
    assert table.headers == ["E-Mail", "Vorname", "Nachname"]
    assert table.rows == [["j.mueller@firma.example", "Jürgen", "Müßig"]]
    assert table.file_format == "CSV"


def test_utf8_with_and_without_bom_and_utf16_are_read_alike():
    text = "email,first_name\nanna@firma.example,Änne\n"
    for content, encoding in (
        (text.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8 (BOM)"),
        (text.encode("utf-16"), "UTF-16"),
        (text.encode("utf-16-le"), "UTF-16"),
        (text.encode("utf-16-be"), "UTF-16"),
    ):
        table = tabular.read_csv(content)
        assert (table.encoding, table.headers, table.rows) == (
            encoding,
            ["email", "first_name"],
            [["anna@firma.example", "Änne"]],
        ), encoding


def test_tab_separated_unicode_text_from_excel():
    text = "email\tVorname\nanna@firma.example\tAnna\n"
    table = tabular.read_csv(text.encode("utf-16"))
    assert table.delimiter == "\t" and table.rows == [["anna@firma.example", "Anna"]]


def test_blank_lines_and_spaces_around_cells_are_ignored():
    table = tabular.read_csv(b"email , name\n\n  a@firma.example ,  Anna \n,\n , \n")
    assert table.headers == ["email", "name"]
    assert table.rows == [["a@firma.example", "Anna"]]


def test_an_empty_file_is_refused_with_a_reason():
    for content in (b"", b"  \n\n", b"\xef\xbb\xbf"):
        with pytest.raises(tabular.TableError) as error:
            tabular.read_csv(content)
        assert str(error.value) == "Die Datei ist leer."


def test_an_old_xls_file_is_refused_with_what_to_do():
    with pytest.raises(tabular.TableError) as error:
        tabular.read_table(b"\xd0\xcf\x11\xe0rest", "liste.dat")
    assert ".xlsx" in str(error.value)
    with pytest.raises(tabular.TableError):
        tabular.read_table(b"email\n", "LISTE.XLS")


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Zweites Blatt").append(["ignoriert"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_workbook_gives_dates_and_whole_numbers_as_written():
    content = _workbook(
        [
            ["E-Mail", "Eintritt", "Personalnummer", "Zeit", "Faktor"],
            [None, None, None, None, None],
            [
                " anna@firma.example ",
                datetime.datetime(2024, 3, 1),
                1234.0,
                datetime.datetime(2024, 3, 1, 8, 30),
                1.5,
            ],
            ["ben@firma.example", datetime.date(2023, 1, 2), 7, None, None],
        ]
    )
    for name in ("mitarbeiter.xlsx", "ohne-endung"):
        table = tabular.read_table(content, name)
        assert table.file_format == "XLSX"
        assert table.headers == ["E-Mail", "Eintritt", "Personalnummer", "Zeit", "Faktor"]
        assert table.rows == [
            ["anna@firma.example", "2024-03-01", "1234", "2024-03-01T08:30:00", "1.5"],
            ["ben@firma.example", "2023-01-02", "7", "", ""],
        ]


def test_a_broken_or_empty_workbook_is_refused_with_a_reason():
    with pytest.raises(tabular.TableError) as error:
        tabular.read_table(b"PK\x03\x04 kaputt", "liste.xlsx")
    assert "Excel" in str(error.value)
    with pytest.raises(tabular.TableError) as error:
        tabular.read_table(_workbook([[None, None]]), "leer.xlsx")
    assert str(error.value) == "Die Datei ist leer."


def test_the_delimiter_is_the_one_the_header_uses_when_sniffing_fails():
    assert tabular.sniff_delimiter("a;b;c") == ";"
    assert tabular.sniff_delimiter("a\tb\tc\n1\t2\t3") == "\t"
    assert tabular.sniff_delimiter("email") in ",;\t"
