"""The one way to read a primary key from a request value."""

from __future__ import annotations

from typing import Any

# Primary keys are 64-bit integers; a larger number in a request must not reach the database,
# where SQLite raises OverflowError and PostgreSQL a DataError instead of "no such object".
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """The primary key a raw request value names, or None when it cannot be one.

    Accepts digits (surrounding blanks ignored) within the 64-bit range; anything else (empty,
    signs, letters, overlong numbers, None) gives None, so callers answer "not found" or "invalid
    choice" instead of reaching the database with it."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def is_valid_id(value: Any) -> bool:
    """Whether a raw request value can be a primary key."""
    return parse_id(value) is not None
