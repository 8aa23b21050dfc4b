"""Fixtures for the permission-matrix and bad-input tests."""

from __future__ import annotations

import datetime

import pytest

from api.models import WebhookEndpoint
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
)
from curriculum import services as progress
from journeys.models import JourneyMap
from outbox.models import OutboxMessage
from outcomes.models import FigureUpload
from people.models import Location
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory


@pytest.fixture
def world(tree, learner, champion, hr_user, editor):
    """One object of each kind, owned by the learner, who is in the champion's group."""
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)
    attempt = quiz_services.start_attempt(learner, quiz)
    for lesson in tree.lessons:
        progress.complete_lesson(learner, lesson)
    certificate = learner.certificates.get()
    lesson = tree.lessons[0]
    lesson.body = [
        (
            "journey_map",
            {
                "scenario": "<p>x</p>",
                "phases": ["A"],
                "channels": ["App"],
                "suggested_touchpoints": [],
                "min_touchpoints": 1,
            },
        ),
        ("reflection", {"prompt": "?"}),
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    journey_map = JourneyMap.objects.create(user=learner, lesson=lesson, block_id=lesson.body[0].id)
    touchpoint = journey_map.touchpoints.create(phase=0, name="Hotline", emotion=-1)
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="G", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    session = CoachingSession.objects.create(
        group=group, held_on=datetime.date(2026, 1, 2), topic="T"
    )
    item = ActionItem.objects.create(
        session=session, owner=learner, description="x", due_date=datetime.date(2026, 2, 1)
    )
    from champions import observations
    from champions.factories import checklist_with

    checklist = checklist_with(behaviours=2, lessons=[tree.lessons[0]])
    shared = observations.start_observation(champion, learner, checklist, with_self=True)
    observations.save_draft(
        shared,
        {b.pk: 1 for b in checklist.behaviours.all()},
        {"strength": "Ruhig", "try_next": "Nachfragen"},
    )
    observations.share(shared)
    draft = observations.start_observation(champion, learner, checklist)
    location = Location.objects.create(name="Hamburg")
    figure_upload = FigureUpload.objects.create(uploaded_by=hr_user, filename="kpi.csv")
    webhook_endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example/cx", secret="whsec_c2VjcmV0", events=["course.completed"]
    )
    from people.models import Department, EmployeeImport

    department = Department.objects.create(name="Matrix-Abteilung")
    import_job = EmployeeImport.objects.create(
        filename="staff.csv", content=b"email,first_name\n", created_by=hr_user
    )
    mail = OutboxMessage.objects.create(
        topic="nudge", idempotency_key="matrix", recipient=learner.email, status="failed"
    )
    kwargs = {
        "outbox_message": {"pk": mail.pk},
        "import_job": {"pk": import_job.pk},
        "unit_kind": {"kind": "departments"},
        "unit": {"kind": "departments", "pk": department.pk},
        "fmt_json": {"fmt": "json"},
        "fmt_csv": {"fmt": "csv"},
        "bad_token": {"token": "does-not-exist"},
        "quiz": {"quiz_id": quiz.pk},
        "attempt": {"attempt_id": attempt.pk},
        "exercise": {"lesson_id": lesson.pk, "block_id": lesson.body[0].id},
        "touchpoint": {"touchpoint_id": touchpoint.pk},
        "journey_map": {"map_id": journey_map.pk},
        "journey_map_pdf": {"map_id": journey_map.pk, "fmt": "pdf"},
        "learner_user": {"user_id": learner.pk},
        "learner_data_json": {"user_id": learner.pk, "fmt": "json"},
        "champion_profile": {"profile_id": profile.pk},
        "group": {"group_id": group.pk},
        "session": {"group_id": group.pk, "session_id": session.pk},
        "action_item": {"item_id": item.pk},
        "observation": {"observation_id": shared.pk},
        "observation_draft": {"observation_id": draft.pk},
        "dimension": {"dimension": "course"},
        "dimension_csv": {"dimension": "course", "fmt": "csv"},
        "course": {"course_id": tree.course.pk},
        "lesson": {"lesson_id": lesson.pk},
        "reflection": {"lesson_id": lesson.pk, "block_id": lesson.body[1].id},
        "certificate": {"code": certificate.code},
        "outcome_unit": {"kind": "location", "pk": location.pk},
        "outcome_unit_csv": {"kind": "location", "pk": location.pk, "fmt": "csv"},
        "figure_upload": {"pk": figure_upload.pk},
        "api_pk": {"pk": 1},
        "api_token": {"token_id": 1},
        "scim_type": {"type_id": "User"},
        "review_card": {"card_id": 1},  # GET is refused before the card is looked up
        "scim_schema": {"schema_id": "urn:ietf:params:scim:schemas:core:2.0:User"},
        "scim_user": {"user_id": "2819c223-7f76-453a-919d-413861904646"},
        "scim_group": {"group_id": "2819c223-7f76-453a-919d-413861904646"},
        "webhook_endpoint": {"endpoint_id": webhook_endpoint.pk},
    }
    users = {"learner": learner, "champion": champion, "hr": hr_user, "editor": editor}
    return kwargs, users
