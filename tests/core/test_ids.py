"""`parse_id`: the one reading of a primary key from a request value."""

from __future__ import annotations

import pytest

from core.ids import MAX_ID, is_valid_id, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("", None),
        (None, None),
        ("abc", None),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit() but are no id
    ],
)
def test_parse_id_accepts_only_64_bit_digit_strings(raw, expected):
    assert parse_id(raw) == expected
    assert is_valid_id(raw) is (expected is not None)
