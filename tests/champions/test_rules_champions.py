"""Group-balancing rules HR would notice in a proposal (champions/assignment.py), each named as
that behaviour; plain data, no database."""

from __future__ import annotations

from champions.assignment import ChampionSlot, Proposal, StaffMember, propose_groups


def test_a_champion_is_never_put_in_their_own_group():
    champions = [ChampionSlot(1, 1, 1, capacity=5), ChampionSlot(2, 9, 9, capacity=5)]
    proposal = propose_groups([StaffMember(1, 1, 1)], champions)
    assert proposal.assignments == {1: [], 2: [1]}


def test_unknown_location_and_department_are_no_match_for_another_unknown():
    # a person without location/department is no closer to a champion without them
    champions = [ChampionSlot(1, 5, 5, capacity=5), ChampionSlot(2, None, None, capacity=5)]
    proposal = propose_groups([StaffMember(10, None, None)], champions)
    assert proposal.assignments == {1: [10], 2: []}  # equal: the lower id


def test_the_same_department_wins_over_a_lighter_load_elsewhere():
    champions = [ChampionSlot(1, 7, 3, capacity=5, load=4), ChampionSlot(2, 8, 4, capacity=5)]
    proposal = propose_groups([StaffMember(10, 1, 3)], champions)
    assert proposal.assignments == {1: [10], 2: []}


def test_the_least_loaded_is_measured_by_share_of_capacity_not_head_count():
    # champion 1 has 4 of 10 places taken (40 %), champion 2 has 1 of 2 (50 %)
    champions = [
        ChampionSlot(2, 1, 1, capacity=2, load=1),
        ChampionSlot(1, 1, 1, capacity=10, load=4),
    ]
    proposal = propose_groups([StaffMember(10, 1, 1)], champions)
    assert proposal.assignments == {1: [10], 2: []}


def test_equally_good_champions_are_chosen_by_id():
    champions = [ChampionSlot(3, 1, 1, capacity=5), ChampionSlot(2, 1, 1, capacity=5)]
    assert propose_groups([StaffMember(10, 1, 1)], champions).assignments == {2: [10], 3: []}


def test_a_full_champion_takes_nobody_and_everyone_is_a_leftover_without_champions():
    full = [ChampionSlot(1, 1, 1, capacity=2, load=2)]
    assert propose_groups([StaffMember(10, 1, 1)], full) == Proposal({1: []}, [10])
    assert propose_groups([StaffMember(11, 1, 1), StaffMember(10, 1, 1)], []) == Proposal(
        {}, [10, 11]
    )


def test_the_proposal_counts_the_new_members_into_the_load():
    champion = ChampionSlot(1, 1, 1, capacity=3, load=1)
    propose_groups([StaffMember(10, 1, 1), StaffMember(11, 1, 1)], [champion])
    assert champion.load == 3
