"""Template helpers for lesson blocks."""

from __future__ import annotations

import logging

from django import template

from wagtail.embeds.exceptions import EmbedException

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
