"""What the home page shows a logged-in employee. Each app contributes its own part."""

from __future__ import annotations


def dashboard_for(user) -> dict:
    """Context for "My learning": progress from curriculum (assignments and champions add theirs)."""
    from accounts.permissions import can_view_team
    from assignments.services import assignments_for_users
    from champions.services import open_action_items
    from core.content_cache import cached_content
    from curriculum.models import CurriculumIndexPage
    from curriculum.services import localized_pages, my_learning
    from pocket.services import minute_summary

    index = cached_content("curriculum-index", CurriculumIndexPage.objects.live().first)
    assignments = assignments_for_users([user.pk]).get(user.pk, [])
    shown = localized_pages([a.course for a in assignments])
    for assignment in assignments:
        assignment.shown_course = shown[assignment.course_id]
    return {
        "assignments": assignments,
        "action_items": list(open_action_items(user)[:20]),
        "my_learning": my_learning(user),
        "minute": minute_summary(user),
        "curriculum_url": index.localized.url if index else "/",
        "leads_team": can_view_team(user),
    }
