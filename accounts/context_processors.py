"""Exposes the user's roles to templates so they ask, never decide."""

from __future__ import annotations

from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict:
    """`roles.is_hr` etc. for navigation and buttons."""
    user = getattr(request, "user", None)
    return {
        "roles": {
            "is_learner": permissions.is_learner(user),
            "is_champion": permissions.is_champion(user),
            "is_hr": permissions.is_hr(user),
            "is_editor": permissions.is_editor(user),
            "leads_team": permissions.shows_team_menu(user),
        }
    }
