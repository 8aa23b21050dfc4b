"""The automatic group proposal as a plain function."""

from __future__ import annotations

from champions.assignment import ChampionSlot, StaffMember, propose_groups


def staff(n: int, location: int = 1, department: int = 1, start: int = 100) -> list[StaffMember]:
    return [StaffMember(start + i, location, department) for i in range(n)]


def test_capacity_is_never_exceeded_and_leftovers_are_reported():
    champions = [ChampionSlot(1, 1, 1, capacity=3), ChampionSlot(2, 2, 1, capacity=2)]
    proposal = propose_groups(staff(8), champions)
    assert len(proposal.assignments[1]) == 3 and len(proposal.assignments[2]) == 2
    assert proposal.leftovers == [105, 106, 107]


def test_prefers_same_location_then_same_department():
    champions = [
        ChampionSlot(1, 1, 9, capacity=5),
        ChampionSlot(2, 2, 1, capacity=5),
        ChampionSlot(3, 2, 2, capacity=5),
    ]
    proposal = propose_groups(
        [StaffMember(10, 2, 2), StaffMember(11, 1, 1), StaffMember(12, 2, 1)], champions
    )
    assert proposal.assignments == {1: [11], 2: [12], 3: [10]}


def test_never_coaches_their_own_manager():
    # person 50 is the manager of champion 1, so must go to champion 2 although 1 is a better match
    champions = [
        ChampionSlot(1, 1, 1, capacity=5, manager_id=50),
        ChampionSlot(2, 3, 3, capacity=5),
    ]
    proposal = propose_groups([StaffMember(50, 1, 1)], champions)
    assert proposal.assignments == {1: [], 2: [50]}


def test_balances_group_sizes():
    champions = [ChampionSlot(1, 1, 1, capacity=10), ChampionSlot(2, 1, 1, capacity=10)]
    proposal = propose_groups(staff(7), champions)
    sizes = sorted(len(v) for v in proposal.assignments.values())
    assert sizes == [3, 4]


def test_existing_load_counts_towards_capacity_and_balance():
    champions = [
        ChampionSlot(1, 1, 1, capacity=4, load=3),
        ChampionSlot(2, 1, 1, capacity=4, load=0),
    ]
    proposal = propose_groups(staff(4), champions)
    assert len(proposal.assignments[1]) == 1 and len(proposal.assignments[2]) == 3


def test_deterministic_for_the_same_input_in_any_order():
    people = staff(9) + staff(4, location=2, start=200)

    def champions():
        return [ChampionSlot(2, 2, 1, capacity=4), ChampionSlot(1, 1, 1, capacity=4)]

    first = propose_groups(people, champions())
    second = propose_groups(list(reversed(people)), list(reversed(champions())))
    assert first == second
