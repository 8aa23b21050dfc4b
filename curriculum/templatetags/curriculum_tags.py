"""Template helpers for lesson blocks and course cards."""

from __future__ import annotations

import logging

from django import template
from django.template.loader import get_template
from django.utils import translation

from wagtail.embeds.exceptions import EmbedException
from wagtail.models import Site

from core.content_cache import cached_contents

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def safe_embed(embed_value) -> str:
    """The embed HTML of a video, or "" when the provider cannot be reached (offline)."""
    if embed_value is None:
        return ""
    try:
        return embed_value.html or ""
    except (EmbedException, OSError, ValueError) as error:
        logger.info("Video embed unavailable: %s", error)
        return ""


@register.simple_tag
def reflection_text(reflections: dict | None, block_id: str) -> str:
    """The learner's saved answer for a reflection prompt (escaped by the template engine)."""
    return (reflections or {}).get(block_id, "")


def _progress_key(progress) -> str:
    """What of a learner's progress a course card shows: the percentage and whether completed."""
    if not progress:
        return "-"
    if isinstance(progress, dict):
        return f"{progress['percent']}:{int(bool(progress['completed_at']))}"
    return f"{progress.percent}:{int(bool(progress.completed_at))}"


@register.simple_tag(takes_context=True)
def with_course_cards(context, cards: list[dict]) -> str:
    """Give each card (a dict with its "course" and the learner's "progress") its "html".

    A card shows the course (cover, title, summary, level, minutes) and a progress bar, so it is
    the same for everyone at the same percentage: rendered once per course, language, site and
    percentage, then taken from the shared cache (a list of 200 courses spent most of its time
    rendering them)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    prefix = f"course-card:{translation.get_language()}:{site.pk if site else 0}:"
    by_key = {
        f"{prefix}{card['course'].pk}:{_progress_key(card.get('progress'))}": card for card in cards
    }
    template_ = get_template("curriculum/includes/course_card.html")

    def render(keys: list[str]) -> dict[str, str]:
        return {
            key: template_.render(
                {
                    "course": by_key[key]["course"],
                    "progress": by_key[key].get("progress"),
                    "request": request,
                }
            )
            for key in keys
        }

    rendered = cached_contents(list(by_key), render)
    for key, card in by_key.items():
        card["html"] = rendered[key]
    return ""
