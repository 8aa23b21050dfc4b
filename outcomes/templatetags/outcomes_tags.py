"""The course page asks for feedback once the course is done (a face drawn into the page)."""

from __future__ import annotations

from django import template

from outcomes.services import feedback_due

register = template.Library()


@register.inclusion_tag("outcomes/includes/feedback_prompt.html", takes_context=True)
def course_feedback_prompt(context, course) -> dict:
    """A card inviting the learner to the survey, only while it is due."""
    user = context["request"].user
    due = bool(user.is_authenticated and feedback_due(user, course))
    return {"due": due, "course": course}
