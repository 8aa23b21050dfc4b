"""Floor observations through the admin, the services and the pages: authoring rules, who may
observe and see what (every role, GET and POST), draft saving, sharing with an action item,
acknowledging with suggested lessons, follow-ups, self-observation, requests after course
completion, and the skills picture on a known data set with constant queries."""

from __future__ import annotations

import datetime

import pytest

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.factories import UserFactory
from champions import observations as service
from champions.factories import checklist_with
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    Membership,
    Observation,
    ObservationStatus,
    Rating,
)
from champions.tasks import request_observations
from curriculum import services as progress
from curriculum.models import CourseEnrolment, LessonCompletion
from people.factories import EmployeeProfileFactory

ADD_URL = "wagtailsnippets_champions_observationchecklist:add"
EDIT_URL = "wagtailsnippets_champions_observationchecklist:edit"


@pytest.fixture(autouse=True)
def _cells_of_three(privacy_settings):
    """These tests were written for aggregate cells of at least three people; the minimum is
    the privacy settings' (default 5, tested in tests/accounts/test_privacy.py)."""
    privacy_settings(min_group_size=3)


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


@pytest.fixture
def checklist(tree):
    """Three behaviours (the last optional), each taught by the course's first lesson."""
    return checklist_with(behaviours=3, optional=1, lessons=[tree.lessons[0]])


@pytest.fixture
def manager(db, learner):
    boss = UserFactory(roles=[roles.LEARNER], email="boss@cx-academy.example")
    EmployeeProfileFactory(user=learner, manager=boss)
    return boss


def rate_all(observation, value=2, **notes):
    ratings = {b.pk: value for b in observation.checklist.behaviours.all()}
    service.save_draft(
        observation,
        ratings,
        {"strength": "Ruhige Begrüßung", "try_next": "Nächsten Schritt nennen", **notes},
    )


# --- authoring --------------------------------------------------------------------------------


def checklist_post(tree, behaviours, **fields):
    data = {
        "title_de": "Am Schalter",
        "title_en": "At the counter",
        "intro_de": "",
        "intro_en": "",
        "scale": "four",
        "allow_self_observation": "on",
        "is_active": "on",
        "key": "",
        "trigger_course": "",
        "request_after_days": "",
        "behaviours-TOTAL_FORMS": str(len(behaviours)),
        "behaviours-INITIAL_FORMS": "0",
        "behaviours-MIN_NUM_FORMS": "1",
        "behaviours-MAX_NUM_FORMS": "15",
    }
    data.update(fields)
    for n, (text, optional, lessons) in enumerate(behaviours):
        data.update(
            {
                f"behaviours-{n}-text_de": text,
                f"behaviours-{n}-text_en": text + " (en)",
                f"behaviours-{n}-ORDER": str(n + 1),
                f"behaviours-{n}-id": "",
                f"behaviours-{n}-DELETE": "",
                f"behaviours-{n}-lessons": [lesson.pk for lesson in lessons],
            }
        )
        if optional:
            data[f"behaviours-{n}-optional"] = "on"
    return data


@pytest.mark.django_db
def test_editor_creates_a_checklist_with_linked_lessons(client_as, editor, tree):
    client = client_as(editor)
    response = client.post(
        reverse(ADD_URL),
        checklist_post(
            tree,
            [("Begrüßt den Kunden", False, tree.lessons[:1]), ("Fragt nach", True, [])],
            trigger_course=str(tree.course.pk),
            request_after_days="14",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    from champions.models import ObservationChecklist

    created = ObservationChecklist.objects.get(title_de="Am Schalter")
    behaviours = list(created.behaviours.all())
    assert [b.text_de for b in behaviours] == ["Begrüßt den Kunden", "Fragt nach"]
    assert list(behaviours[0].lessons.all()) == [tree.lessons[0]]
    assert created.request_after_days == 14


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("behaviours", "fields", "message"),
    [
        ([("Nur optional", True, [])], {}, "Mindestens ein Verhalten muss Pflicht sein"),
        (
            [("Doppelt", False, []), ("doppelt", False, [])],
            {},
            "Zwei Verhaltensweisen haben denselben deutschen Text",
        ),
        ([("A", False, [])], {"request_after_days": "7"}, "braucht einen Kurs und die Anzahl Tage"),
    ],
)
def test_authoring_rules_refuse_with_a_message(
    client_as, editor, tree, behaviours, fields, message
):
    response = client_as(editor).post(reverse(ADD_URL), checklist_post(tree, behaviours, **fields))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_linking_an_english_lesson_is_refused(client_as, editor, tree):
    from wagtail.models import Locale

    english = Locale.objects.get(language_code="en")
    translated = tree.lessons[0].copy_for_translation(english, copy_parents=True)
    response = client_as(editor).post(
        reverse(ADD_URL), checklist_post(tree, [("A", False, [translated])])
    )
    assert "Bitte die deutsche Lektion" in " ".join(response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_a_rated_behaviour_cannot_be_removed(checklist, group, champion, learner):
    observation = service.start_observation(champion, learner, checklist)
    behaviour = checklist.behaviours.first()
    service.save_draft(observation, {behaviour.pk: 1}, {})
    other = checklist.behaviours.last()
    assert service.checklist_authoring_errors({}, [{"text_de": "x"}], [other.pk]) == []
    errors = service.checklist_authoring_errors({}, [{"text_de": "x"}], [behaviour.pk])
    assert "kann nicht entfernt werden" in errors[0]


# --- who may observe ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_a_coach_or_manager_may_observe(checklist, group, champion, manager, learner):
    assert service.start_observation(champion, learner, checklist).observer == champion
    assert service.start_observation(manager, learner, checklist).observer == manager
    peer_champion = UserFactory(roles=[roles.LEARNER, roles.CHAMPION])
    for outsider in (peer_champion, UserFactory(roles=[roles.LEARNER]), learner):
        with pytest.raises(ValidationError):
            service.start_observation(outsider, learner, checklist)
    assert service.observable_people(champion) == [learner]
    assert service.observable_people(manager) == [learner]
    assert service.observable_people(peer_champion) == []


@pytest.fixture
def shared(checklist, group, champion, learner):
    """A shared observation of the learner by their champion."""
    observation = service.start_observation(champion, learner, checklist)
    rate_all(observation, value=1)
    return service.share(observation)


@pytest.fixture
def observation_roles(shared, learner, champion, other_learner, hr_user, editor, manager):
    peer_champion = UserFactory(roles=[roles.LEARNER, roles.CHAMPION], email="peer@x.example")
    return {
        "anonymous": None,
        "observed": learner,
        "observer": champion,
        "peer": other_learner,
        "peer_champion": peer_champion,
        "manager": manager,  # manages the learner but did not make this observation
        "hr": hr_user,
        "editor": editor,
    }


LOGIN, OK, FOUND, FORBIDDEN, MISSING, NOT_ALLOWED = 302, 200, 302, 403, 404, 405

# url name -> (GET by role, POST by role); roles missing from a dict get the "*" entry
MATRIX = {
    "champions:observations": ({"*": OK, "anonymous": LOGIN}, {"*": NOT_ALLOWED}),
    "champions:observe_start": (
        {"*": FORBIDDEN, "anonymous": LOGIN, "observer": OK, "manager": OK},
        {"*": FORBIDDEN, "anonymous": LOGIN, "observer": 400, "manager": 400},
    ),
    "champions:observation": (
        {"*": MISSING, "anonymous": LOGIN, "observed": OK, "observer": OK},
        {"*": NOT_ALLOWED},
    ),
    "champions:observation_edit": (
        {"*": MISSING, "anonymous": LOGIN, "observer": FOUND},  # shared: goes to the detail
        {"*": MISSING, "anonymous": LOGIN, "observer": FOUND},
    ),
    "champions:observation_autosave": (
        {"*": NOT_ALLOWED},
        {"*": MISSING, "anonymous": LOGIN, "observer": OK},  # says "already shared"
    ),
    "champions:observation_acknowledge": (
        {"*": NOT_ALLOWED},
        {"*": MISSING, "anonymous": LOGIN, "observed": FOUND, "observer": FOUND},
    ),
    "champions:observation_follow_up": (
        {"*": NOT_ALLOWED},
        {"*": MISSING, "anonymous": LOGIN, "observed": FOUND, "observer": FOUND},
    ),
    "champions:skills": (
        {"*": FORBIDDEN, "anonymous": LOGIN, "observer": OK, "peer_champion": FORBIDDEN, "hr": OK},
        {"*": NOT_ALLOWED},
    ),
    "champions:person_skills": (
        {"*": MISSING, "anonymous": LOGIN, "observed": OK, "observer": OK, "manager": OK},
        {"*": NOT_ALLOWED},
    ),
}


@pytest.mark.django_db
def test_every_role_gets_exactly_what_is_theirs_get_and_post(client, observation_roles, shared):
    """Privacy: the observed person and the observer; never peers, never HR individually."""
    wrong = []
    kwargs = {
        "champions:observation": {"observation_id": shared.pk},
        "champions:observation_edit": {"observation_id": shared.pk},
        "champions:observation_autosave": {"observation_id": shared.pk},
        "champions:observation_acknowledge": {"observation_id": shared.pk},
        "champions:observation_follow_up": {"observation_id": shared.pk},
        "champions:person_skills": {"user_id": shared.observed_id},
    }
    for role, user in observation_roles.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, (get_expected, post_expected) in MATRIX.items():
            url = reverse(name, kwargs=kwargs.get(name))
            for method, expected in (("get", get_expected), ("post", post_expected)):
                status = getattr(client, method)(url, {}).status_code
                if status != expected.get(role, expected["*"]):
                    wrong.append(f"{role} {method.upper()} {name}: {status}")
    assert not wrong, "\n".join(wrong)
    # nothing changed by anyone who was refused
    shared.refresh_from_db()
    assert shared.follow_ups.count() == 0  # the observer's empty POST had no date


@pytest.mark.django_db
def test_peers_never_see_a_shared_observation_and_hr_only_when_configured(
    client_as, shared, other_learner, hr_user, privacy_settings
):
    url = reverse("champions:observation", args=[shared.pk])
    assert client_as(other_learner).get(url).status_code == 404
    assert client_as(hr_user).get(url).status_code == 404
    privacy_settings(hr_individual_observations=True)
    assert client_as(hr_user).get(url).status_code == 200


@pytest.mark.django_db
def test_a_draft_is_not_shown_to_the_observed_colleague(
    client_as, checklist, group, champion, learner
):
    draft = service.start_observation(champion, learner, checklist)
    assert (
        client_as(learner).get(reverse("champions:observation", args=[draft.pk])).status_code == 404
    )
    assert draft not in service.observations_about(learner)


@pytest.mark.django_db
def test_a_former_coach_can_no_longer_continue_a_draft(
    client_as, checklist, group, champion, learner
):
    draft = service.start_observation(champion, learner, checklist)
    Membership.objects.filter(user=learner).update(ended_on=timezone.localdate())
    url = reverse("champions:observation_edit", args=[draft.pk])
    assert client_as(champion).get(url).status_code == 404


# --- observing: start, draft saving, sharing --------------------------------------------------


@pytest.mark.django_db
def test_start_draft_autosave_and_share_through_the_pages(
    client_as, checklist, group, champion, learner, django_capture_on_commit_callbacks
):
    client = client_as(champion)
    response = client.post(
        reverse("champions:observe_start"), {"person": learner.pk, "checklist": checklist.pk}
    )
    observation = Observation.objects.get()
    assert response.url == reverse("champions:observation_edit", args=[observation.pk])
    first, second, optional = checklist.behaviours.all()
    autosave = reverse("champions:observation_autosave", args=[observation.pk])
    response = client.post(
        autosave,
        {
            f"behaviour_{first.pk}": "3",
            "strength": "Sehr ruhig",
            "try_next_due": "not a date",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Ausprobieren bis" in response.content.decode()  # the bad date is named …
    assert (
        Rating.objects.get(observation=observation, behaviour=first).value == 3
    )  # … the rest kept
    observation.refresh_from_db()
    assert observation.strength == "Sehr ruhig" and observation.status == ObservationStatus.DRAFT

    # the connection dropped; the champion opens the page again: everything is still there
    page = client.get(reverse("champions:observation_edit", args=[observation.pk]))
    assert page.context["form"].initial[f"behaviour_{first.pk}"] == "3"
    assert "Sehr ruhig" in page.content.decode()

    edit = reverse("champions:observation_edit", args=[observation.pk])
    response = client.post(edit, {f"behaviour_{first.pk}": "3", "share": "1"})
    assert response.status_code == 400
    assert second.text in response.content.decode()  # the missing required behaviour is named
    assert not ActionItem.objects.exists()

    assert not mail.outbox  # nothing is sent before the observation is shared
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit,
            {
                f"behaviour_{first.pk}": "3",
                f"behaviour_{second.pk}": "1",
                f"behaviour_{optional.pk}": "",  # optional: did not come up
                "strength": "Sehr ruhig",
                "try_next": "Am Ende fragen, ob alles geklärt ist",
                "try_next_due": "2026-12-24",
                "share": "1",
            },
        )
    assert response.url == reverse("champions:observation", args=[observation.pk])
    # the colleague hears of it once, in German, with what was seen and a link to read it
    (sent,) = mail.outbox
    assert sent.to == [learner.email]
    assert sent.subject == f"{champion.display_name} hat eine Beobachtung mit Ihnen geteilt"
    assert "Sehr ruhig" in sent.body and "Am Ende fragen, ob alles geklärt ist" in sent.body
    assert reverse("champions:observation", args=[observation.pk]) in sent.body
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.SUBMITTED
    item = ActionItem.objects.get()
    assert (item.owner, item.description, item.due_date, item.observation) == (
        learner,
        "Am Ende fragen, ob alles geklärt ist",
        datetime.date(2026, 12, 24),
        observation,
    )
    # shared means final
    response = client.post(autosave, {f"behaviour_{first.pk}": "0"}, HTTP_HX_REQUEST="true")
    assert "bereits geteilt" in response.content.decode()
    assert Rating.objects.get(observation=observation, behaviour=first).value == 3


@pytest.mark.django_db
def test_share_needs_a_strength_and_one_thing_to_try(checklist, group, champion, learner):
    observation = service.start_observation(champion, learner, checklist)
    service.save_draft(observation, {b.pk: 2 for b in checklist.behaviours.all()}, {})
    with pytest.raises(ValidationError, match="Stärke"):
        service.share(observation)


@pytest.mark.django_db
def test_the_thing_to_try_is_due_in_two_weeks_by_default(shared, learner):
    item = ActionItem.objects.get(observation=shared)
    assert item.due_date == timezone.localdate() + datetime.timedelta(days=14)
    assert item.owner == learner and item.done_at is None


@pytest.mark.django_db
def test_out_of_scale_and_foreign_ratings_are_refused(checklist, group, champion, learner):
    observation = service.start_observation(champion, learner, checklist)
    behaviour = checklist.behaviours.first()
    with pytest.raises(ValidationError):
        service.save_draft(observation, {behaviour.pk: 9}, {})
    other = checklist_with(behaviours=1).behaviours.get()
    with pytest.raises(ValidationError):
        service.save_draft(observation, {other.pk: 1}, {})
    assert not Rating.objects.exists()


# --- after the observation ---------------------------------------------------------------------


@pytest.mark.django_db
def test_colleague_acknowledges_comments_and_sees_the_suggested_lesson(
    client_as, shared, learner, tree
):
    client = client_as(learner)
    url = reverse("champions:observation", args=[shared.pk])
    page = client.get(url).content.decode()
    assert tree.lessons[0].title in page and tree.lessons[0].url in page
    assert "Nächsten Schritt nennen" in page
    client.post(
        reverse("champions:observation_acknowledge", args=[shared.pk]), {"comment": "Danke!"}
    )
    shared.refresh_from_db()
    assert shared.status == ObservationStatus.ACKNOWLEDGED and shared.colleague_comment == "Danke!"
    assert shared.acknowledged_at is not None


@pytest.mark.django_db
def test_no_suggestions_when_every_behaviour_was_shown(checklist, group, champion, learner):
    observation = service.start_observation(champion, learner, checklist)
    rate_all(observation, value=checklist.shown_from)
    assert service.suggested_lessons(service.share(observation)) == []


@pytest.mark.django_db
def test_a_completed_lesson_is_suggested_as_a_refresher(shared, learner, tree):
    progress.complete_lesson(learner, tree.lessons[0])
    (suggestion,) = service.suggested_lessons(shared)
    assert suggestion.lesson == tree.lessons[0] and suggestion.completed


@pytest.mark.django_db
def test_observer_plans_a_follow_up_which_appears_on_their_dashboard(
    client_as, shared, champion, learner
):
    client = client_as(champion)
    due = timezone.localdate() + datetime.timedelta(days=21)
    client.post(
        reverse("champions:observation_follow_up", args=[shared.pk]), {"due_on": due.isoformat()}
    )
    follow_up = shared.follow_ups.get()
    assert (follow_up.status, follow_up.due_on, follow_up.observed) == (
        ObservationStatus.SCHEDULED,
        due,
        learner,
    )
    dashboard = client.get(reverse("champions:dashboard")).content.decode()
    assert reverse("champions:observation_edit", args=[follow_up.pk]) in dashboard
    past = client.post(
        reverse("champions:observation_follow_up", args=[shared.pk]), {"due_on": "2020-01-01"}
    )
    assert past.status_code == 302 and shared.follow_ups.count() == 1


@pytest.mark.django_db
def test_self_observation_is_compared_side_by_side(client_as, checklist, group, champion, learner):
    observation = service.start_observation(champion, learner, checklist, with_self=True)
    own = observation.self_assessment
    assert (own.observer, own.observed, own.kind) == (learner, learner, "self")
    assert own in service.observations_to_do(learner)
    service.save_draft(own, {b.pk: 3 for b in checklist.behaviours.all()}, {})
    service.share(own)  # self-ratings need no strength or thing to try
    assert not ActionItem.objects.filter(observation=own).exists()
    rate_all(observation, value=1)
    service.share(observation)
    rows = service.rated_behaviours(observation)
    assert [(r.value, r.self_value) for r in rows] == [(1, 3)] * 3
    page = client_as(champion).get(reverse("champions:observation", args=[observation.pk]))
    assert page.content.decode().count("Selbsteinschätzung") >= 1


# --- requests after course completion ---------------------------------------------------------


@pytest.mark.django_db
def test_observation_requested_n_days_after_completion_once(
    client_as, tree, group, champion, learner, other_learner
):
    checklist = checklist_with(trigger_course=tree.course, request_after_days=14)
    now = timezone.now()
    done = CourseEnrolment.objects.create(
        user=learner, course=tree.course, completed_at=now - datetime.timedelta(days=15)
    )
    CourseEnrolment.objects.create(  # too recent
        user=other_learner, course=tree.course, completed_at=now - datetime.timedelta(days=3)
    )
    assert request_observations.delay().get() == 1
    assert request_observations.delay().get() == 0  # idempotent
    requested = Observation.objects.get()
    assert (requested.checklist, requested.observer, requested.observed) == (
        checklist,
        champion,
        learner,
    )
    assert requested.trigger_enrolment == done and requested.status == ObservationStatus.SCHEDULED
    dashboard = client_as(champion).get(reverse("champions:dashboard")).content.decode()
    assert "14 Tage nach Abschluss" in dashboard
    # long-past completions are not requested when a trigger is switched on later
    CourseEnrolment.objects.filter(pk=done.pk).update(
        completed_at=now - datetime.timedelta(days=90)
    )
    Observation.objects.all().delete()
    assert service.request_observations_after_completion() == 0


@pytest.mark.django_db
def test_request_goes_to_the_manager_when_nobody_coaches(tree, learner, manager):
    checklist_with(trigger_course=tree.course, request_after_days=7)
    CourseEnrolment.objects.create(
        user=learner,
        course=tree.course,
        completed_at=timezone.now() - datetime.timedelta(days=8),
    )
    assert service.request_observations_after_completion() == 1
    assert Observation.objects.get().observer == manager


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_runs_create_one_request_on_postgresql(tree, learner, manager):
    """Two workers at once: the unique constraint keeps it to one request per completion."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("racing task runs need PostgreSQL (set DATABASE_URL)")
    checklist_with(trigger_course=tree.course, request_after_days=7)
    CourseEnrolment.objects.create(
        user=learner,
        course=tree.course,
        completed_at=timezone.now() - datetime.timedelta(days=8),
    )
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(service.request_observations_after_completion())
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 1] and Observation.objects.count() == 1


# --- skills picture ---------------------------------------------------------------------------


def observe(observer, person, checklist, on: datetime.date, values: list[int]):
    observation = Observation.objects.create(
        checklist=checklist,
        observed=person,
        observer=observer,
        status=ObservationStatus.SUBMITTED,
        observed_on=on,
    )
    for behaviour, value in zip(checklist.behaviours.all(), values, strict=True):
        Rating.objects.create(observation=observation, behaviour=behaviour, value=value)
    return observation


@pytest.fixture
def known_data(tree, champion, group):
    """Three members observed in October and November 2026 on a two-behaviour, four-level
    checklist; the first behaviour is taught by lesson 1, which two of them completed."""
    checklist = checklist_with(behaviours=2, lessons=[tree.lessons[0]])
    people = [UserFactory() for _ in range(3)]
    for person in people:
        Membership.objects.create(group=group, user=person)
    october, november = datetime.date(2026, 10, 10), datetime.date(2026, 11, 10)
    observe(champion, people[0], checklist, october, [0, 3])
    observe(champion, people[1], checklist, october, [1, 3])
    observe(champion, people[2], checklist, october, [2, 0])
    observe(champion, people[0], checklist, november, [3, 3])
    observe(champion, people[1], checklist, november, [3, 3])
    # a draft and a self-rating never count
    draft = observe(champion, people[2], checklist, november, [0, 0])
    Observation.objects.filter(pk=draft.pk).update(status=ObservationStatus.DRAFT)
    own = observe(people[2], people[2], checklist, november, [3, 3])
    Observation.objects.filter(pk=own.pk).update(kind="self")
    for person in people[:2]:
        LessonCompletion.objects.create(user=person, lesson=tree.lessons[0], course=tree.course)
    LessonCompletion.objects.filter(user=people[1]).update(
        completed_at=timezone.make_aware(datetime.datetime(2026, 10, 20))
    )  # people[1] learned it between the two observations
    LessonCompletion.objects.filter(user=people[0]).update(
        completed_at=timezone.make_aware(datetime.datetime(2026, 9, 1))
    )
    return checklist, people


@pytest.mark.django_db
def test_heatmap_numbers_on_a_known_data_set(known_data):
    checklist, people = known_data
    ids = [p.pk for p in people]
    heatmap = service.behaviour_heatmap(
        checklist, ids, aggregated=False, today=datetime.date(2026, 11, 29), months=2
    )
    assert heatmap.months == [datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
    first, second = (cells for _behaviour, cells in heatmap.rows)
    # October: mean (0+1+2)/3 = 1 of 3 levels -> 33 %; November: (3+3)/2 -> 100 %
    assert [c.percent for c in first] == [33, 100]
    assert [c.ratings for c in first] == [3, 2]
    assert [c.percent for c in second] == [67, 100]
    aggregated = service.behaviour_heatmap(
        checklist, ids, aggregated=True, today=datetime.date(2026, 11, 29), months=2
    )
    october, november = next(cells for _b, cells in aggregated.rows)
    assert october.percent == 33 and not october.hidden
    assert november.hidden and november.percent is None  # two people: not shown in aggregates


@pytest.mark.django_db
def test_lesson_correlation_on_a_known_data_set(known_data):
    checklist, people = known_data
    first, second = service.lessons_and_behaviour(
        checklist, [p.pk for p in people], aggregated=False
    )
    # Behaviour 1 (taught by the lesson). Completed by the day: people[0] Oct (0) and Nov (3),
    # people[1] Nov (3) -> 2 of 3 shown (>= "fully"). Not completed: people[1] Oct (1),
    # people[2] Oct (2) -> 1 of 2.
    assert (first.with_lesson, first.without_lesson) == ((2, 3), (1, 2))
    assert (first.with_rate, first.without_rate) == (67, 50)
    assert first.has_lessons
    # Behaviour 2 is taught by the same lesson in this data set
    assert (second.with_lesson, second.without_lesson) == ((3, 3), (1, 2))


@pytest.mark.django_db
def test_skills_picture_queries_do_not_grow_with_the_data(
    client_as, known_data, group, champion, hr_user, django_assert_num_queries
):
    checklist, _people = known_data

    def picture():
        service.behaviour_heatmap(
            checklist, service.scope_people("group", group.pk), aggregated=True
        )
        service.lessons_and_behaviour(
            checklist, service.scope_people("group", group.pk), aggregated=True
        )

    with django_assert_num_queries(4):
        picture()
    more = [UserFactory() for _ in range(5)]
    for person in more:
        Membership.objects.create(group=group, user=person)
        observe(champion, person, checklist, datetime.date(2026, 11, 12), [2, 2])
    with django_assert_num_queries(4):
        picture()
    client = client_as(hr_user)
    url = reverse("champions:skills")
    response = client.get(url, {"checklist": checklist.pk, "of": f"group:{group.pk}"})
    assert response.status_code == 200
    assert "Korrelation, kein Beweis" in response.content.decode()


@pytest.mark.django_db
def test_champion_sees_only_their_own_groups_in_the_skills_picture(client_as, known_data, champion):
    checklist, _people = known_data
    stranger = CoachingGroup.objects.create(
        name="Fremd",
        champion=ChampionProfile.objects.create(user=UserFactory(), status=ChampionStatus.ACTIVE),
        start_date=datetime.date(2026, 1, 1),
    )
    response = client_as(champion).get(
        reverse("champions:skills"), {"checklist": checklist.pk, "of": f"group:{stranger.pk}"}
    )
    assert response.status_code == 400  # not one of the choices


@pytest.mark.django_db
def test_person_picture_for_a_manager_shows_only_their_own_observations(
    client_as, shared, manager, learner, champion
):
    response = client_as(manager).get(reverse("champions:person_skills", args=[learner.pk]))
    assert response.status_code == 200 and response.context["pictures"] == []
    response = client_as(learner).get(reverse("champions:person_skills", args=[learner.pk]))
    assert len(response.context["pictures"]) == 1


@pytest.mark.django_db
def test_dashboard_links_each_member_to_a_preselected_observation(
    client_as, checklist, group, champion, learner
):
    client = client_as(champion)
    start = reverse("champions:observe_start") + f"?person={learner.pk}"
    assert start in client.get(reverse("champions:dashboard")).content.decode()
    form = client.get(start).context["form"]
    assert str(form["person"].value()) == str(learner.pk)
