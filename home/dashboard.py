"""What the home page shows a logged-in employee. Each app contributes its own part."""

from __future__ import annotations


def dashboard_for(user) -> dict:
    """Context for "My learning": progress from curriculum (assignments and champions add theirs)."""
    from curriculum.models import CurriculumIndexPage
    from curriculum.services import my_learning

    index = CurriculumIndexPage.objects.live().first()
    return {
        "my_learning": my_learning(user),
        "curriculum_url": index.localized.url if index else "/",
    }
