"""What the home page shows a logged-in employee. Each app contributes its own part."""

from __future__ import annotations


def dashboard_for(user) -> dict:
    """Context for "My learning": filled by curriculum, assignments and champions."""
    return {}
