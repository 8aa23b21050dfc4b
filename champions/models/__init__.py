"""Champion models, one module per concept: coaching (profiles, groups, sessions, action items)
and floor observations (checklists, behaviours, observations, ratings)."""

from .coaching import (
    FOCUS_AREAS,
    ActionItem,
    ActionItemReminder,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
    Nudge,
)
from .observations import (
    RATING_SCALES,
    Behaviour,
    Observation,
    ObservationChecklist,
    ObservationKind,
    ObservationStatus,
    Rating,
    RatingScale,
)

__all__ = [
    "FOCUS_AREAS",
    "RATING_SCALES",
    "ActionItem",
    "ActionItemReminder",
    "Behaviour",
    "ChampionProfile",
    "ChampionStatus",
    "CoachingGroup",
    "CoachingSession",
    "Membership",
    "Nudge",
    "Observation",
    "ObservationChecklist",
    "ObservationKind",
    "ObservationStatus",
    "Rating",
    "RatingScale",
]
