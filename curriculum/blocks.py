"""StreamField blocks for lesson bodies."""

from __future__ import annotations

from wagtail import blocks


class LessonStreamBlock(blocks.StreamBlock):
    """Everything a lesson body can hold."""

    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"], icon="pilcrow"
    )
