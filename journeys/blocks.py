"""The "journey map exercise" lesson block: the editor sets the scene, the learner maps it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wagtail import blocks

DEFAULT_PHASES = ["Vor dem Service", "Während des Service", "Nach dem Service"]
DEFAULT_CHANNELS = ["App", "Telefon", "Filiale", "Web", "Social Media", "E-Mail"]


class JourneyMapExerciseBlock(blocks.StructBlock):
    """A hands-on exercise: the learner maps touchpoints, emotions and friction for a scenario."""

    scenario = blocks.RichTextBlock(
        features=["bold", "italic", "ul", "ol"],
        label=_("Scenario"),
        help_text=_("The customer situation the learner maps, e.g. a customer reporting damage."),
    )
    phases = blocks.ListBlock(
        blocks.CharBlock(max_length=60),
        default=DEFAULT_PHASES,
        label=_("Phases"),
        help_text=_("Journey phases in order; default before / during / after the service."),
    )
    suggested_touchpoints = blocks.ListBlock(
        blocks.CharBlock(max_length=80),
        required=False,
        default=[],
        label=_("Suggested touchpoints"),
        help_text=_("Optional ideas offered to the learner, e.g. 'Hotline-Warteschleife'."),
    )
    channels = blocks.ListBlock(
        blocks.CharBlock(max_length=40),
        default=DEFAULT_CHANNELS,
        label=_("Channels"),
        help_text=_("Channels a touchpoint can use."),
    )
    min_touchpoints = blocks.IntegerBlock(
        min_value=1,
        max_value=30,
        default=5,
        label=_("Touchpoints needed"),
        help_text=_("How many touchpoints (spread over all phases) complete the exercise."),
    )

    class Meta:
        icon = "site"
        label = _("Journey map exercise")
        template = "journeys/blocks/journey_map_exercise.html"
        # The lesson template shows the learner's own map; the picker shows the brief.
        preview_template = "journeys/blocks/journey_map_exercise_preview.html"
        preview_value = {
            "scenario": "<p>Eine Kundin meldet einen Wasserschaden und wartet auf Rückruf.</p>",
            "phases": DEFAULT_PHASES,
            "suggested_touchpoints": ["Hotline-Warteschleife", "Schadensformular"],
            "channels": DEFAULT_CHANNELS,
            "min_touchpoints": 5,
        }
        description = _(
            "Learners map touchpoints, emotions and friction points of a customer journey."
        )
