"""The four roles of CX Academy, stored as Django groups."""

from __future__ import annotations

LEARNER = "Learner"
CHAMPION = "Champion"
HR = "HR"
EDITOR = "Editor"

ALL_ROLES = (LEARNER, CHAMPION, HR, EDITOR)
