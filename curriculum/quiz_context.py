"""Where a quiz attempt was taken: the attempt's context key, `lesson:<id>` or `course:<id>`.

Quizzes treat the key as an opaque string; curriculum writes it when it embeds a quiz and reads
it when the attempt is submitted. These two functions are the only place that knows its form."""

from __future__ import annotations

from core.ids import parse_id

LESSON = "lesson"
COURSE = "course"


def context_key(kind: str, page_id: int) -> str:
    """The context key of a quiz embedded in a lesson (`LESSON`) or a course's final exam (`COURSE`)."""
    return f"{kind}:{page_id}"


def parse_context_key(key: str) -> tuple[str, int] | None:
    """(kind, page id) of a context key, or None when it names no lesson or course."""
    kind, _sep, raw_id = key.partition(":")
    page_id = parse_id(raw_id)
    if kind not in (LESSON, COURSE) or page_id is None:
        return None
    return kind, page_id
