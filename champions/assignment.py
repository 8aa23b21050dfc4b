"""Automatic proposal of coaching groups: a plain, deterministic function of plain data.

Rules: never exceed a champion's capacity; prefer a champion at the same location, then in the
same department; never let a champion coach their own manager; among equally good champions take
the least loaded one (share of capacity used), so group sizes stay balanced; ties broken by id.
Staff are handled in id order, so the same input always gives the same proposal."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StaffMember:
    """An employee who needs a coaching group."""

    id: int
    location_id: int | None
    department_id: int | None


@dataclass
class ChampionSlot:
    """A champion who can take coachees."""

    id: int
    location_id: int | None
    department_id: int | None
    capacity: int
    manager_id: int | None = None
    load: int = 0


@dataclass
class Proposal:
    """Who goes to which champion, and who could not be placed."""

    assignments: dict[int, list[int]] = field(default_factory=dict)
    leftovers: list[int] = field(default_factory=list)


def propose_groups(staff: list[StaffMember], champions: list[ChampionSlot]) -> Proposal:
    """Assign staff to champions following the rules in the module docstring."""
    slots = sorted(champions, key=lambda c: c.id)
    proposal = Proposal(assignments={c.id: [] for c in slots})
    for person in sorted(staff, key=lambda s: s.id):
        candidates = [
            c
            for c in slots
            if c.load < c.capacity and c.manager_id != person.id and c.id != person.id
        ]
        if not candidates:
            proposal.leftovers.append(person.id)
            continue
        best = min(
            candidates,
            key=lambda c: (
                c.location_id != person.location_id or person.location_id is None,
                c.department_id != person.department_id or person.department_id is None,
                c.load / c.capacity,
                c.id,
            ),
        )
        best.load += 1
        proposal.assignments[best.id].append(person.id)
    return proposal
