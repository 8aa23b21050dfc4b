"""Coaching rules champions, their members and HR would notice (champions/services.py), each
named as that behaviour; small groups built with the factories, German where text is checked."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts import roles
from accounts.factories import UserFactory
from accounts.models import AuditEntry, QuizResults
from accounts.privacy import CHAMPION, RolePolicy
from champions import services
from champions.assignment import Proposal
from champions.factories import (
    ActionItemFactory,
    ChampionProfileFactory,
    CoachingGroupFactory,
    CoachingSessionFactory,
    MembershipFactory,
)
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    Membership,
    Nudge,
)
from curriculum import services as progress
from people.factories import EmployeeProfileFactory
from quizzes.factories import QuizFactory
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db

NOMINATED, IN_TRAINING, ACTIVE, PAUSED, RETIRED = (
    ChampionStatus.NOMINATED,
    ChampionStatus.IN_TRAINING,
    ChampionStatus.ACTIVE,
    ChampionStatus.PAUSED,
    ChampionStatus.RETIRED,
)


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


def refusal(call, *args, **kwargs) -> list[str]:
    """The messages of the ValidationError `call` raises."""
    with pytest.raises(ValidationError) as refused:
        call(*args, **kwargs)
    return refused.value.messages


# Nomination and status


def test_a_nomination_places_the_champion_in_the_persons_department_and_location():
    person = EmployeeProfileFactory().user
    boss = UserFactory()
    profile, created = services.propose(person, "Erklärt Tarife geduldig", nominated_by=boss)
    assert created is True
    assert (profile.status, profile.bio, profile.nominated_by) == (
        NOMINATED,
        "Erklärt Tarife geduldig",
        boss,
    )
    assert (profile.department, profile.location) == (
        person.employee.department,
        person.employee.location,
    )
    again, created = services.propose(person, "Zweiter Anlauf")
    assert created is False and again.pk == profile.pk
    assert ChampionProfile.objects.get(pk=profile.pk).bio == "Erklärt Tarife geduldig"


def test_an_application_without_an_employee_profile_has_no_department_or_location():
    profile, created = services.propose(UserFactory(), "Ich möchte helfen")
    assert created is True
    assert (profile.department, profile.location, profile.nominated_by) == (None, None, None)


def test_a_champion_moves_only_along_the_allowed_steps():
    allowed = {
        (NOMINATED, IN_TRAINING),
        (NOMINATED, RETIRED),
        (IN_TRAINING, ACTIVE),
        (IN_TRAINING, PAUSED),
        (IN_TRAINING, RETIRED),
        (ACTIVE, PAUSED),
        (ACTIVE, RETIRED),
        (PAUSED, ACTIVE),
        (PAUSED, RETIRED),
    }
    outcomes = {}
    for old in ChampionStatus:
        for new in ChampionStatus:
            profile = ChampionProfileFactory(status=old)
            try:
                services.change_status(profile, new)
            except ValidationError as refused:
                outcomes[(old, new)] = refused.messages[0]
            else:
                assert ChampionProfile.objects.get(pk=profile.pk).status == new
                outcomes[(old, new)] = "ok"
    path_needed = "Ein Champion wird erst nach Abschluss des Lernpfads „CX Champions“ aktiv."
    expected = {}
    for old in ChampionStatus:
        for new in ChampionStatus:
            if (old, new) not in allowed:
                expected[(old, new)] = (
                    f"Ein Champion kann nicht von „{old.label}“ zu „{new.label}“ wechseln."
                )
            else:
                expected[(old, new)] = path_needed if new == ACTIVE else "ok"
    assert outcomes == expected
    assert outcomes[(NOMINATED, ACTIVE)] == (
        "Ein Champion kann nicht von „Nominiert“ zu „Aktiv“ wechseln."
    )


def test_a_status_change_is_in_the_audit_log_with_who_did_it(hr_user):
    profile = ChampionProfileFactory(status=NOMINATED, user__first_name="Mia")
    services.change_status(profile, IN_TRAINING, actor=hr_user)
    entry = AuditEntry.objects.get(action="champions.status")
    assert (entry.actor, entry.summary, entry.details) == (
        hr_user,
        f"{profile.user}: In Ausbildung",
        {"profile_id": profile.pk},
    )


def test_pausing_a_champion_ends_their_groups_and_names_the_reason():
    group = CoachingGroupFactory()
    member = MembershipFactory(group=group).user
    other_group = CoachingGroupFactory()
    other_member = MembershipFactory(group=other_group).user
    former = MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1))
    services.change_status(group.champion, PAUSED)
    assert Membership.objects.get(pk=former.pk).ended_on == datetime.date(2026, 2, 1)  # history
    ended = Membership.objects.get(user=member)
    assert (ended.ended_on, ended.unassigned_reason) == (timezone.localdate(), "Pausiert")
    assert CoachingGroup.objects.get(pk=group.pk).is_active is False
    # another champion's group is untouched
    assert Membership.objects.get(user=other_member).ended_on is None
    assert CoachingGroup.objects.get(pk=other_group.pk).is_active is True


def test_starting_training_ends_no_group():
    profile = ChampionProfileFactory(status=NOMINATED)
    membership = MembershipFactory(group=CoachingGroupFactory(champion=profile))
    services.change_status(profile, IN_TRAINING)
    assert Membership.objects.get(pk=membership.pk).ended_on is None
    assert CoachingGroup.objects.get(pk=membership.group_id).is_active is True


def test_releasing_a_champion_returns_the_people_and_tells_hr_once(
    hr_user, django_capture_on_commit_callbacks
):
    group = CoachingGroupFactory()
    members = [MembershipFactory(group=group).user for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        released = services.release_members(group.champion, reason="Ausgeschieden")
    assert sorted(released) == sorted(m.pk for m in members)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [hr_user.email]
    assert all(str(m) in mail.outbox[0].body for m in members)


def test_releasing_a_champion_without_members_tells_nobody(
    hr_user, django_capture_on_commit_callbacks
):
    profile = ChampionProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_members(profile, reason="Pausiert") == []
    assert mail.outbox == []


def test_approval_starts_training_gives_the_champion_role_and_names_the_approver(hr_user):
    candidate = UserFactory(roles=[roles.LEARNER])
    profile = ChampionProfile.objects.create(user=candidate)
    services.approve(profile, hr_user)
    stored = ChampionProfile.objects.get(pk=profile.pk)
    assert (stored.status, stored.approved_by) == (IN_TRAINING, hr_user)
    assert set(candidate.groups.values_list("name", flat=True)) == {roles.LEARNER, roles.CHAMPION}
    assert AuditEntry.objects.get(action="champions.status").actor == hr_user


def test_a_champion_not_in_training_is_never_activated_automatically():
    for status in (NOMINATED, PAUSED, RETIRED):
        profile = ChampionProfileFactory(status=status)
        assert services.activate_if_ready(profile) is False
        assert ChampionProfile.objects.get(pk=profile.pk).status == status
    in_training = ChampionProfileFactory(status=IN_TRAINING)
    assert services.activate_if_ready(in_training) is False  # no champions path completed


# Groups and members


def test_adding_a_person_already_in_a_group_is_refused_by_name(hr_user):
    lena = UserFactory(first_name="Lena", last_name="Berg")
    MembershipFactory(user=lena)
    second = CoachingGroupFactory(name="Runde Süd")
    assert refusal(services.add_member, second, lena, hr_user) == [
        "Lena Berg ist bereits in einer aktiven Coaching-Gruppe."
    ]
    assert not AuditEntry.objects.filter(action="champions.group_member_added").exists()


def test_adding_a_member_is_in_the_audit_log(hr_user):
    group = CoachingGroupFactory(name="Runde Nord")
    lena = UserFactory(first_name="Lena", last_name="Berg")
    membership = services.add_member(group, lena, hr_user)
    assert (membership.group, membership.user, membership.ended_on) == (group, lena, None)
    entry = AuditEntry.objects.get(action="champions.group_member_added")
    assert (entry.actor, entry.summary, entry.details) == (
        hr_user,
        "Lena Berg → Runde Nord",
        {"group_id": group.pk},
    )


def test_a_session_form_may_send_attendees_as_text():
    group = CoachingGroupFactory()
    member = MembershipFactory(group=group).user
    session = services.log_session(
        group,
        held_on=datetime.date(2026, 3, 2),
        topic="Rückrufe",
        created_by=group.champion.user,
        attendee_ids=[str(member.pk)],
    )
    assert list(session.attendees.all()) == [member]


def test_a_former_member_can_no_longer_attend_or_own_an_item():
    group = CoachingGroupFactory()
    former = MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1)).user
    assert refusal(
        services.log_session,
        group,
        held_on=datetime.date(2026, 3, 2),
        topic="Rückrufe",
        created_by=group.champion.user,
        attendee_ids=[former.pk],
    ) == ["Nur Mitglieder der Gruppe können teilnehmen oder eine Aufgabe übernehmen."]


def test_people_without_a_group_are_those_to_distribute():
    in_group = EmployeeProfileFactory()
    MembershipFactory(user=in_group.user)
    left_group = EmployeeProfileFactory()
    MembershipFactory(user=left_group.user, ended_on=datetime.date(2026, 2, 1))
    without = EmployeeProfileFactory()
    left_company = EmployeeProfileFactory(is_active=False)
    closed_account = EmployeeProfileFactory(user__is_active=False)
    champions = {
        status: EmployeeProfileFactory(user=ChampionProfileFactory(status=status).user)
        for status in ChampionStatus
    }
    unassigned = {p.user_id for p in services.unassigned_staff()}
    assert unassigned == {
        left_group.user_id,
        without.user_id,
        champions[NOMINATED].user_id,
        champions[PAUSED].user_id,
        champions[RETIRED].user_id,
    }
    assert {in_group.user_id, left_company.user_id, closed_account.user_id}.isdisjoint(unassigned)


# The automatic proposal


def test_the_proposal_fills_active_champions_up_to_capacity_counting_only_current_members():
    champion = ChampionProfileFactory(capacity=2, user__first_name="Clara")
    group = CoachingGroupFactory(champion=champion)
    MembershipFactory(group=group)  # one place taken
    MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1))  # a former member: free
    ChampionProfileFactory(status=PAUSED, capacity=10)  # paused champions take nobody
    ChampionProfileFactory(status=IN_TRAINING, capacity=10)
    staff = [EmployeeProfileFactory().user for _ in range(2)]
    proposal, lookup = services.current_proposal()
    assert proposal.assignments == {champion.user_id: [staff[0].pk]}
    assert proposal.leftovers == [staff[1].pk]
    assert lookup == {
        "users": {person.pk: person for person in staff},
        "champions": {champion.user_id: champion},
    }


def test_the_proposal_prefers_the_same_location_over_the_same_department():
    person = EmployeeProfileFactory()
    same_department = ChampionProfileFactory(department=person.department)
    same_location = ChampionProfileFactory(location=person.location)
    proposal, _lookup = services.current_proposal()
    assert proposal.assignments == {
        same_department.user_id: [],
        same_location.user_id: [person.user_id],
    }


def test_the_proposal_prefers_the_same_department_when_no_champion_is_at_the_location():
    person = EmployeeProfileFactory()
    elsewhere = ChampionProfileFactory()
    same_department = ChampionProfileFactory(department=person.department)
    proposal, _lookup = services.current_proposal()
    assert proposal.assignments == {
        elsewhere.user_id: [],
        same_department.user_id: [person.user_id],
    }


def test_the_proposal_never_puts_a_champions_own_manager_in_their_group():
    boss = EmployeeProfileFactory()
    champion = ChampionProfileFactory(location=boss.location, department=boss.department)
    EmployeeProfileFactory(user=champion.user, manager=boss.user, location=boss.location)
    other = ChampionProfileFactory()
    proposal, _lookup = services.current_proposal()
    assert proposal.assignments == {champion.user_id: [], other.user_id: [boss.user_id]}


def test_the_preview_lists_only_champions_who_get_someone():
    anna, ben = ChampionProfileFactory(), ChampionProfileFactory()
    lena = UserFactory()
    proposal = Proposal({anna.user_id: [lena.pk], ben.user_id: []})
    lookup = {"users": {lena.pk: lena}, "champions": {anna.user_id: anna, ben.user_id: ben}}
    assert services.proposal_rows(proposal, lookup) == [(anna, [lena])]


def test_applying_the_proposal_opens_a_group_named_after_the_champion(hr_user):
    champion = ChampionProfileFactory(user__first_name="Clara", user__last_name="Wolf")
    idle = ChampionProfileFactory()
    people = [UserFactory(), UserFactory()]
    proposal = Proposal({champion.user_id: [p.pk for p in people], idle.user_id: []})
    assert services.apply_proposal(proposal, hr_user) == 2
    group = CoachingGroup.objects.get(champion=champion)
    assert (group.name, group.start_date) == ("Gruppe von Clara Wolf", timezone.localdate())
    assert set(services.active_member_ids(group)) == {p.pk for p in people}
    assert not CoachingGroup.objects.filter(champion=idle).exists()
    entry = AuditEntry.objects.get(action="champions.auto_assign")
    assert (entry.actor, entry.summary) == (hr_user, "2 people assigned to coaching groups")


def test_applying_the_proposal_fills_the_champions_active_group():
    champion = ChampionProfileFactory(capacity=2)
    CoachingGroupFactory(champion=champion, is_active=False, name="Alte Runde")
    group = CoachingGroupFactory(champion=champion, name="Runde Nord")
    newcomer = UserFactory()
    assert services.apply_proposal(Proposal({champion.user_id: [newcomer.pk]}), None) == 1
    assert Membership.objects.get(user=newcomer).group == group


def test_an_outdated_proposal_is_refused_and_changes_nothing(hr_user):
    champion = ChampionProfileFactory(capacity=2)
    group = CoachingGroupFactory(champion=champion)
    MembershipFactory(group=group)  # taken since the preview
    people = [UserFactory(), UserFactory()]
    full = Proposal({champion.user_id: [p.pk for p in people]})
    assert refusal(services.apply_proposal, full, hr_user) == [
        "Der Vorschlag ist veraltet; bitte erneut ansehen."
    ]
    # exactly at capacity is fine
    assert services.apply_proposal(Proposal({champion.user_id: [people[0].pk]}), hr_user) == 1
    # someone placed elsewhere since the preview
    elsewhere = MembershipFactory().user
    other = ChampionProfileFactory()
    stale = Proposal({other.user_id: [UserFactory().pk, elsewhere.pk]})
    assert refusal(services.apply_proposal, stale, hr_user) == [
        "Der Vorschlag ist veraltet; bitte erneut ansehen."
    ]
    assert not Membership.objects.filter(group__champion=other).exists()


# Who coaches whom


def test_champion_and_co_champion_coach_the_current_members_of_active_groups():
    co = ChampionProfileFactory()
    group = CoachingGroupFactory(co_champion=co)
    member = MembershipFactory(group=group).user
    former = MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1)).user
    closed = CoachingGroupFactory(champion=group.champion, is_active=False)
    in_closed = MembershipFactory(group=closed).user
    assert services.coaches(group.champion.user, member) is True
    assert services.coaches(co.user, member) is True
    assert services.coaches(group.champion.user, former) is False
    assert services.coaches(group.champion.user, in_closed) is False
    assert services.coaches(member, group.champion.user) is False
    assert set(services.groups_coached_by(co.user)) == {group}
    assert set(services.groups_coached_by(group.champion.user)) == {group}


def test_a_persons_coaches_are_the_active_champions_of_their_current_group():
    co = ChampionProfileFactory(user__is_active=False)  # account closed
    group = CoachingGroupFactory(co_champion=co)
    member = MembershipFactory(group=group).user
    assert services.coaches_of(member) == [group.champion.user]
    former = MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1)).user
    assert services.coaches_of(former) == []
    closed = CoachingGroupFactory(is_active=False)
    assert services.coaches_of(MembershipFactory(group=closed).user) == []


def test_a_champion_who_also_co_leads_other_groups_is_named_once():
    champion = ChampionProfileFactory()
    group = CoachingGroupFactory(champion=champion)
    CoachingGroupFactory(co_champion=champion)
    CoachingGroupFactory(co_champion=champion)
    member = MembershipFactory(group=group).user
    assert services.coaches_of(member) == [champion.user]


# What a champion sees of the members


def attempt(quiz, user, score, passed):
    return Attempt.objects.create(
        quiz=quiz, user=user, submitted_at=timezone.now(), score_percent=score, passed=passed
    )


def policy(quiz_results=QuizResults.SCORES, progress=True) -> RolePolicy:
    return RolePolicy(CHAMPION, quiz_results, progress, False)


@pytest.fixture
def circle():
    """Runde Nord: Lena and Otto are members; Paul was one."""
    group = CoachingGroupFactory(name="Runde Nord")
    lena = MembershipFactory(group=group, user__first_name="Lena").user
    otto = MembershipFactory(group=group, user__first_name="Otto").user
    MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1))
    return group, lena, otto


def test_members_are_hidden_when_the_champion_may_see_neither_progress_nor_results(circle):
    group, lena, otto = circle
    hidden = services.member_overview(group, policy(QuizResults.HIDDEN, progress=False))
    assert sorted(hidden, key=lambda row: row["user"].pk) == [
        {"user": lena, "hidden": True},
        {"user": otto, "hidden": True},
    ]


def test_a_champion_sees_overdue_items_and_the_last_session_attended(circle):
    group, lena, otto = circle
    today = timezone.localdate()
    early = CoachingSessionFactory(group=group, held_on=today - datetime.timedelta(days=30))
    late = CoachingSessionFactory(group=group, held_on=today - datetime.timedelta(days=2))
    early.attendees.set([lena, otto])
    late.attendees.set([lena])
    elsewhere = CoachingSessionFactory(held_on=today - datetime.timedelta(days=1))
    elsewhere.attendees.set([otto])  # another group's session does not count here
    for days, done in ((-3, False), (-1, False), (-5, True), (0, False), (4, False)):
        ActionItemFactory(
            session=early,
            owner=lena,
            due_date=today + datetime.timedelta(days=days),
            done_at=timezone.now() if done else None,
        )
    rows = {row["user"]: row for row in services.member_overview(group, policy())}
    assert set(rows) == {lena, otto}
    assert (rows[lena]["overdue_items"], rows[otto]["overdue_items"]) == (2, 0)
    assert (rows[lena]["last_session"], rows[otto]["last_session"]) == (late.held_on, early.held_on)
    assert rows[lena]["hidden"] is False and rows[lena]["progress_shown"] is True


def test_a_champion_sees_three_quizzes_per_member_with_scores_only_when_allowed(circle):
    group, lena, _otto = circle
    for title, score in (("A-Quiz", 50), ("B-Quiz", 80), ("C-Quiz", 90), ("D-Quiz", 100)):
        attempt(QuizFactory(title=title), lena, score, score >= 80)
    rows = {row["user"]: row for row in services.member_overview(group, policy())}
    assert rows[lena]["mastery"] == [
        {"topic": "B-Quiz", "score": 80, "passed": True},
        {"topic": "C-Quiz", "score": 90, "passed": True},
        {"topic": "D-Quiz", "score": 100, "passed": True},
    ]
    ActionItemFactory(owner=lena, due_date=timezone.localdate() - datetime.timedelta(days=2))
    pass_fail = services.member_overview(group, policy(QuizResults.PASS_FAIL, progress=False))
    row = next(r for r in pass_fail if r["user"] == lena)
    assert row["mastery"][-1] == {"topic": "D-Quiz", "score": None, "passed": True}
    assert (row["progress_shown"], row["assignments"], row["overdue_items"]) == (False, [], 0)
    assert row["enrolments"] == []
    progress_only = services.member_overview(group, policy(QuizResults.HIDDEN, progress=True))
    assert next(r for r in progress_only if r["user"] == lena)["mastery"] == []


def test_quiz_mastery_rounds_the_best_score():
    lena = UserFactory()
    attempt(QuizFactory(title="Zuhören"), lena, 66.7, False)
    attempt(QuizFactory(title="Rückruf"), lena, 0, False)
    assert services.quiz_mastery([lena.pk])[lena.pk] == [
        {"topic": "Rückruf", "score": 0, "passed": False},
        {"topic": "Zuhören", "score": 67, "passed": False},  # rounded, not cut off
    ]


def test_an_open_attempt_is_not_mastery():
    lena = UserFactory()
    Attempt.objects.create(quiz=QuizFactory(), user=lena, score_percent=100, passed=True)
    assert services.quiz_mastery([lena.pk]) == {}


# Nudges and action items


def test_a_member_is_nudged_at_most_once_a_day(django_capture_on_commit_callbacks):
    group = CoachingGroupFactory()
    lena = MembershipFactory(group=group).user
    otto = MembershipFactory(group=group).user
    assert services.already_nudged_today(lena) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_nudge(group.champion, lena, note="Denk an den Kurs!") is True
        assert services.send_nudge(group.champion, lena) is False
    assert services.already_nudged_today(lena) is True
    assert services.already_nudged_today(otto) is False
    assert len(mail.outbox) == 1 and "Denk an den Kurs!" in mail.outbox[0].body
    assert "Eine Notiz von" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_nudge(group.champion, otto) is True
    assert "Eine Notiz von" not in mail.outbox[1].body  # no note, no empty note heading
    Nudge.objects.update(sent_on=timezone.localdate() - datetime.timedelta(days=1))
    assert services.already_nudged_today(lena) is False  # yesterday's does not count


def test_the_group_page_lists_open_items_of_current_members_soonest_first():
    group = CoachingGroupFactory()
    session = CoachingSessionFactory(group=group)
    lena = MembershipFactory(group=group).user
    later = ActionItemFactory(session=session, owner=lena, due_date=datetime.date(2026, 3, 9))
    sooner = ActionItemFactory(session=session, owner=lena, due_date=datetime.date(2026, 3, 2))
    same_day = ActionItemFactory(session=session, owner=lena, due_date=datetime.date(2026, 3, 9))
    ActionItemFactory(session=session, owner=lena, done_at=timezone.now())
    former = MembershipFactory(group=group, ended_on=datetime.date(2026, 2, 1)).user
    MembershipFactory(user=former)  # now in another group
    ActionItemFactory(session=session, owner=former)
    ActionItemFactory()  # another group's
    # an open item Lena agreed in her former group is not this group's business
    ActionItemFactory(session=CoachingSessionFactory(), owner=lena)
    assert list(services.group_open_action_items(group)) == [sooner, later, same_day]


def test_my_open_action_items_are_mine_and_soonest_first():
    lena = UserFactory()
    group = CoachingGroupFactory()
    MembershipFactory(group=group, user=lena)
    session = CoachingSessionFactory(group=group)
    later = ActionItemFactory(session=session, owner=lena, due_date=datetime.date(2026, 4, 1))
    sooner = ActionItemFactory(session=session, owner=lena, due_date=datetime.date(2026, 3, 1))
    ActionItemFactory(session=session, owner=lena, done_at=timezone.now())
    ActionItemFactory(session=session)  # someone else's
    assert list(services.open_action_items(lena)) == [sooner, later]


# The champion's photo


def picture(size=(300, 200), format="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, format=format)
    return SimpleUploadedFile(f"ich.{format.lower()}", buffer.getvalue())


def test_a_photo_becomes_a_square_picture_and_a_small_one():
    for upload in (picture((300, 200)), picture((200, 300), "JPEG"), picture((300, 300), "WEBP")):
        large, small = services.square_thumbnails(upload)
        assert [Image.open(f).size for f in (large, small)] == [(256, 256), (96, 96)]
        assert Image.open(large).format == "JPEG"
    profile = ChampionProfileFactory()
    services.set_photo(profile, picture())
    stored = ChampionProfile.objects.get(pk=profile.pk)
    assert stored.photo.name.startswith(f"champions/photos/champion-{profile.user_id}")
    assert stored.photo_small.name.startswith(f"champions/photos/champion-{profile.user_id}-small")
    assert Image.open(stored.photo_small).size == (96, 96)


def test_the_middle_of_a_wide_photo_is_kept():
    buffer = io.BytesIO()
    wide = Image.new("RGB", (300, 100), "#ff0000")
    wide.paste((0, 0, 255), (100, 0, 200, 100))  # a blue square in the middle
    wide.save(buffer, format="PNG")
    large, _small = services.square_thumbnails(SimpleUploadedFile("breit.png", buffer.getvalue()))
    red, green, blue = Image.open(large).getpixel((128, 128))
    assert blue > 200 and red < 60
    corner = Image.open(large).getpixel((5, 5))
    assert corner[2] > 200  # the red sides are cut off


def test_a_photo_that_is_not_a_picture_or_too_big_is_refused_with_a_reason():
    not_a_picture = SimpleUploadedFile("ich.png", b"nur Text, kein Bild")
    assert refusal(services.square_thumbnails, not_a_picture) == [
        "Diese Datei ist kein Bild (JPEG, PNG oder WebP)."
    ]
    gif = picture(format="GIF")
    assert refusal(services.square_thumbnails, gif) == [
        "Diese Datei ist kein Bild (JPEG, PNG oder WebP)."
    ]
    too_large = SimpleUploadedFile("ich.png", b"0" * (5 * 1024 * 1024 + 1))
    assert refusal(services.square_thumbnails, too_large) == ["Das Foto ist größer als 5 MB."]
    exactly = picture()
    exactly.size = 5 * 1024 * 1024  # at the limit is fine
    assert len(services.square_thumbnails(exactly)) == 2


def test_ticking_off_one_item_leaves_the_others_open():
    first = ActionItemFactory()
    second = ActionItemFactory(session=first.session)
    assert services.mark_action_item_done(first) is True
    assert ActionItem.objects.get(pk=second.pk).done_at is None
    assert services.mark_action_item_done(second) is True


@pytest.fixture
def champions_path(tree):
    tree.path.audience = "champions"
    tree.path.save_revision().publish()
    return tree


def test_starting_the_champions_path_is_not_enough_to_become_active(champions_path, hr_user):
    colleague = UserFactory()  # someone else's completed path does not count
    for lesson in champions_path.lessons:
        progress.complete_lesson(colleague, lesson)
    candidate = UserFactory()
    progress.enrol(candidate, champions_path.course)
    progress.complete_lesson(candidate, champions_path.lessons[0])
    profile = ChampionProfileFactory(user=candidate, status=IN_TRAINING)
    assert services.champions_path_completed(candidate) is False
    assert refusal(services.change_status, profile, ACTIVE, hr_user) == [
        "Ein Champion wird erst nach Abschluss des Lernpfads „CX Champions“ aktiv."
    ]


# Culture-change figures of a group


def test_group_figures_show_weekly_quiz_scores_of_enough_people_and_sessions_per_month(
    circle, privacy_settings
):
    group, lena, otto = circle
    privacy_settings(min_group_size=2)
    now = timezone.now()
    quiz = QuizFactory()

    def attempt_at(user, score, when):
        Attempt.objects.create(
            quiz=quiz, user=user, submitted_at=when, score_percent=score, passed=score >= 70
        )

    attempt_at(lena, 80, now)
    attempt_at(otto, 60, now)
    attempt_at(UserFactory(), 0, now)  # not a member
    five_weeks_ago = now - datetime.timedelta(weeks=5)
    attempt_at(lena, 90, five_weeks_ago)  # one person twice: too few people for a figure
    attempt_at(lena, 70, five_weeks_ago)
    three_weeks_ago = now - datetime.timedelta(weeks=3)
    attempt_at(lena, 0, three_weeks_ago)  # a week where everybody scored nothing
    attempt_at(otto, 0, three_weeks_ago)
    too_old = now - datetime.timedelta(weeks=12, days=3)  # more than 12 weeks ago
    attempt_at(lena, 100, too_old)
    attempt_at(otto, 100, too_old)
    for day in (datetime.date(2026, 10, 5), datetime.date(2026, 11, 2), datetime.date(2026, 11, 9)):
        CoachingSessionFactory(group=group, held_on=day)
    CoachingSessionFactory(held_on=datetime.date(2026, 11, 2))  # another group's
    figures = services.group_figures(group)
    monday = timezone.localdate(now) - datetime.timedelta(days=timezone.localdate(now).weekday())
    three_weeks_earlier = monday - datetime.timedelta(weeks=3)
    assert figures["trend"] == [
        (three_weeks_earlier.strftime("%d.%m."), 0),
        (monday.strftime("%d.%m."), 70),
    ]
    assert figures["sessions"] == [("10/2026", 1), ("11/2026", 2)]
    assert (figures["group_rate"], figures["group_suppressed"], figures["minimum"]) == (0, False, 2)
    assert figures["company_rate"] == 0


def test_the_group_rate_is_hidden_while_the_group_is_smaller_than_the_privacy_minimum(
    circle, privacy_settings
):
    group, _lena, _otto = circle
    privacy_settings(min_group_size=3)
    figures = services.group_figures(group)
    assert (figures["group_rate"], figures["group_suppressed"], figures["minimum"]) == (
        None,
        True,
        3,
    )


def test_the_company_rate_is_hidden_while_fewer_people_than_the_minimum_are_enrolled(
    tree, privacy_settings
):
    privacy_settings(min_group_size=3)
    first, second = UserFactory(), UserFactory()
    progress.enrol(first, tree.course)
    progress.enrol(second, tree.course)
    for lesson in tree.lessons:
        progress.complete_lesson(first, lesson)
    assert services.company_completion_rate() is None
    progress.enrol(UserFactory(), tree.course)
    assert services.company_completion_rate() == 33  # one of three, rounded


def test_without_a_given_policy_a_champion_sees_what_the_champions_privacy_settings_allow(
    circle, privacy_settings
):
    group, lena, _otto = circle
    privacy_settings(champion_individual_progress=False, champion_quiz_results="hidden")
    assert {row["user"]: row for row in services.member_overview(group)}[lena] == {
        "user": lena,
        "hidden": True,
    }


def test_hr_hears_of_every_champion_released_on_the_same_day(
    hr_user, django_capture_on_commit_callbacks
):
    groups = [CoachingGroupFactory(), CoachingGroupFactory()]
    for group in groups:
        MembershipFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        for group in groups:
            services.change_status(group.champion, PAUSED)
    assert len(mail.outbox) == 2


def test_the_middle_of_a_tall_photo_is_kept():
    buffer = io.BytesIO()
    tall = Image.new("RGB", (100, 300), "#ff0000")
    tall.paste((0, 0, 255), (0, 100, 100, 200))  # a blue square in the middle
    tall.save(buffer, format="PNG")
    large, _small = services.square_thumbnails(SimpleUploadedFile("hoch.png", buffer.getvalue()))
    assert Image.open(large).getpixel((5, 5))[2] > 200  # the red top and bottom are cut off
