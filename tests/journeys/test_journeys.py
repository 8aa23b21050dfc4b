"""Journey maps: save/edit/complete rules, curve, exports, privacy, insights."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image

from django.utils import translation

from accounts.factories import UserFactory
from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership
from curriculum.models import LessonCompletion
from journeys import services
from journeys.models import JourneyMap, Touchpoint
from people.factories import DepartmentFactory, EmployeeProfileFactory


@pytest.fixture
def exercise_lesson(tree):
    lesson = tree.lessons[0]
    lesson.body = [
        (
            "journey_map",
            {
                "scenario": "<p>Schadensmeldung</p>",
                "phases": ["Vorher", "Während", "Nachher"],
                "suggested_touchpoints": ["Hotline"],
                "channels": ["App", "Telefon"],
                "min_touchpoints": 3,
            },
        )
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def block_id(exercise_lesson):
    return exercise_lesson.body[0].id


@pytest.fixture
def coached_by(db):
    """`coached_by(champion, member)` puts the member into a coaching group of the champion, so
    the real coach lookup the champions app registers answers "coaches"."""

    def coach(champion, member):
        profile, _created = ChampionProfile.objects.get_or_create(
            user=champion, defaults={"status": ChampionStatus.ACTIVE}
        )
        group = CoachingGroup.objects.create(
            name=f"Runde {champion.pk}", champion=profile, start_date=datetime.date(2026, 1, 1)
        )
        Membership.objects.create(group=group, user=member)

    return coach


def add(client, lesson, block_id, **data):
    payload = {
        "phase": 0,
        "name": "Hotline",
        "channel": "Telefon",
        "emotion": -2,
        "next": lesson.url,
        **data,
    }
    return client.post(f"/journeys/lessons/{lesson.pk}/{block_id}/touchpoints/", payload)


@pytest.mark.django_db
def test_build_edit_and_complete_a_map(client_as, learner, exercise_lesson, block_id):
    client = client_as(learner)
    assert add(client, exercise_lesson, block_id, is_friction="on").status_code == 302
    add(client, exercise_lesson, block_id, phase=1, name="Formular", emotion=-1, is_friction="on")
    journey_map = JourneyMap.objects.get(user=learner)
    exercise = services.find_exercise(exercise_lesson.pk, block_id)
    assert services.completion_problems(
        journey_map, exercise
    )  # too few, phase 3 missing, no top three
    add(client, exercise_lesson, block_id, phase=2, name="Rechnung", emotion="", is_friction="on")
    point = Touchpoint.objects.get(name="Rechnung")
    with translation.override("en"):
        assert "Rate the customer's emotion at every touchpoint." in (
            services.completion_problems(journey_map, exercise)
        )
    client.post(
        f"/journeys/touchpoints/{point.pk}/",
        {"phase": 2, "name": "Rechnung", "channel": "App", "emotion": 1, "is_friction": "on"},
    )
    ids = list(journey_map.touchpoints.values_list("pk", flat=True))
    assert not LessonCompletion.objects.filter(user=learner).exists()
    response = client.post(f"/journeys/maps/{journey_map.pk}/top/", {"top": [str(i) for i in ids]})
    assert response.status_code == 302
    journey_map.refresh_from_db()
    assert journey_map.completed_at is not None
    assert LessonCompletion.objects.filter(user=learner, lesson=exercise_lesson).exists()
    html = client.get(exercise_lesson.url).content.decode()
    assert "Formular" in html and "emotion-curve" in html


@pytest.mark.django_db
def test_bad_input_is_rejected_with_400(
    client_as, learner, other_learner, exercise_lesson, block_id
):
    client = client_as(learner)
    assert add(client, exercise_lesson, block_id, emotion=7).status_code == 400
    assert add(client, exercise_lesson, block_id, phase=9).status_code == 400
    assert add(client, exercise_lesson, block_id, name="").status_code == 400
    assert (
        client.post(f"/journeys/lessons/{exercise_lesson.pk}/nope/touchpoints/", {}).status_code
        == 404
    )
    add(client, exercise_lesson, block_id)
    journey_map = JourneyMap.objects.get(user=learner)
    assert (
        client.post(
            f"/journeys/maps/{journey_map.pk}/top/", {"top": ["1", "2", "3", "4"]}
        ).status_code
        == 400
    )
    assert client.post(f"/journeys/maps/{journey_map.pk}/top/", {"top": ["x"]}).status_code == 400
    intruder = client_as(other_learner)
    point = journey_map.touchpoints.get()
    assert (
        intruder.post(f"/journeys/touchpoints/{point.pk}/", {"name": "gehackt"}).status_code == 404
    )
    assert intruder.post(f"/journeys/touchpoints/{point.pk}/delete/").status_code == 404


@pytest.mark.django_db
def test_emotion_curve_svg_for_a_known_map(learner, exercise_lesson, block_id):
    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    points = [
        Touchpoint.objects.create(journey_map=journey_map, phase=0, name="A", emotion=2),
        Touchpoint.objects.create(
            journey_map=journey_map, phase=1, name="B <x>", emotion=-2, is_friction=True
        ),
        Touchpoint.objects.create(journey_map=journey_map, phase=2, name="C", emotion=0),
    ]
    assert services.curve_points(points, width=640, height=240) == [
        (40.0, 40.0),
        (320.0, 200.0),
        (600.0, 120.0),
    ]
    svg = services.emotion_curve_svg(points)
    assert 'points="40.0,40.0 320.0,200.0 600.0,120.0"' in svg
    assert svg.count('data-friction="true"') == 1 and 'fill="#a3231d"' in svg
    assert "B &lt;x&gt;" in svg and "<x>" not in svg
    assert 'role="img"' in svg


@pytest.mark.django_db
def test_pdf_and_png_exports_are_valid_files(client_as, learner, exercise_lesson, block_id):
    client = client_as(learner)
    add(client, exercise_lesson, block_id)
    journey_map = JourneyMap.objects.get(user=learner)
    pdf = client.get(f"/journeys/maps/{journey_map.pk}/map.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    png = client.get(f"/journeys/maps/{journey_map.pk}/map.png")
    assert Image.open(io.BytesIO(png.content)).format == "PNG"
    assert client.get(f"/journeys/maps/{journey_map.pk}/map.exe").status_code == 404


@pytest.mark.django_db
def test_privacy_of_maps(client_as, learner, champion, exercise_lesson, block_id, coached_by):
    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    other_champion = UserFactory(roles=["Learner", "Champion"])
    coached_by(champion, learner)
    coached_by(other_champion, UserFactory())
    url = f"/journeys/maps/{journey_map.pk}/"
    assert client_as(champion).get(url).status_code == 404  # not shared yet
    client_as(learner).post(f"/journeys/maps/{journey_map.pk}/share/", {"share": "1"})
    assert client_as(champion).get(url).status_code == 200
    assert client_as(other_champion).get(url).status_code == 404  # another group's champion
    assert client_as(other_champion).get(f"{url}map.pdf").status_code == 404
    client_as(champion).post(url, {"text": "Starke Karte – was ist dein erster Schritt?"})
    assert "Starke Karte" in client_as(learner).get(url).content.decode()


@pytest.mark.django_db
def test_insights_on_a_known_data_set(
    client_as, hr_user, learner, exercise_lesson, block_id, privacy_settings
):
    privacy_settings(min_group_size=2)  # touchpoints named by one person only are left out
    service = DepartmentFactory(name="Service")
    sales = DepartmentFactory(name="Vertrieb")
    people = [EmployeeProfileFactory(department=service).user for _ in range(2)] + [
        EmployeeProfileFactory(department=sales).user
    ]
    for person, shared in zip(people, [True, True, True], strict=True):
        m = JourneyMap.objects.create(
            user=person, lesson=exercise_lesson, block_id=block_id, shared_with_champion=shared
        )
        Touchpoint.objects.create(
            journey_map=m, phase=0, name="Warteschleife", emotion=-2, is_friction=True
        )
        Touchpoint.objects.create(journey_map=m, phase=1, name="Rückruf", emotion=1)
    private = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    Touchpoint.objects.create(
        journey_map=private, phase=0, name="Geheim", emotion=-2, is_friction=True
    )
    data = services.department_insights([service.pk])
    assert data["friction"] == [{"name": "warteschleife", "count": 2}]
    assert [row["name"] for row in data["lowest"]] == ["warteschleife", "rückruf"]
    privacy_settings(min_group_size=3)  # in "Service" only two people named them
    assert services.department_insights([service.pk]) == {"friction": [], "lowest": []}
    privacy_settings(min_group_size=2)
    assert data["lowest"][0] == {"name": "warteschleife", "average": -2.0, "count": 2}
    everything = services.department_insights(None)
    assert everything["friction"] == [{"name": "warteschleife", "count": 3}]
    html = client_as(hr_user).get(f"/journeys/insights/?department={service.pk}").content.decode()
    assert "warteschleife" in html and "geheim" not in html


@pytest.mark.django_db
def test_insights_permissions(client, client_as, learner, champion, hr_user):
    assert client_as(learner).get("/journeys/insights/").status_code == 403
    assert client_as(champion).get("/journeys/insights/").status_code == 403
    manager = UserFactory()
    EmployeeProfileFactory(manager=manager)
    assert client_as(manager).get("/journeys/insights/").status_code == 200
    client.logout()
    assert client.get("/journeys/insights/").status_code == 302


@pytest.mark.django_db
def test_completion_problem_messages_are_specific(learner, exercise_lesson, block_id):
    exercise = services.find_exercise(exercise_lesson.pk, block_id)
    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    Touchpoint.objects.create(journey_map=journey_map, phase=0, name="x", emotion=None)
    with translation.override("en"):
        problems = services.completion_problems(journey_map, exercise)
    assert problems == [
        "Add at least 3 touchpoints (you have 1).",
        "Add a touchpoint to every phase (missing: Während, Nachher).",
        "Rate the customer's emotion at every touchpoint.",
        "Choose the three friction points that matter most.",
    ]


@pytest.mark.django_db
def test_a_map_completes_when_its_last_missing_touchpoint_is_added_or_fixed(
    learner, exercise_lesson, block_id
):
    """Adding and changing touchpoints go through the service, which completes the map (and
    the lesson) as soon as the rules hold, whoever calls it."""
    exercise = services.find_exercise(exercise_lesson.pk, block_id)
    for phase, name in ((0, "Hotline"), (1, "Formular")):
        touchpoint = Touchpoint(phase=phase, name=name, emotion=-1, is_friction=True)
        assert services.add_touchpoint(learner, exercise, touchpoint) is False
    journey_map = JourneyMap.objects.get(user=learner)
    unrated = Touchpoint(phase=2, name="Rechnung", emotion=None, is_friction=True)
    services.add_touchpoint(learner, exercise, unrated)
    services.set_top_three(journey_map, list(journey_map.touchpoints.values_list("pk", flat=True)))
    unrated.refresh_from_db()
    assert services.save_touchpoint(unrated, exercise) is False  # still one emotion missing
    assert not LessonCompletion.objects.filter(user=learner).exists()
    unrated.emotion = 1
    assert services.save_touchpoint(unrated, exercise) is True
    journey_map.refresh_from_db()
    assert journey_map.completed_at is not None
    assert LessonCompletion.objects.filter(user=learner, lesson=exercise_lesson).exists()


@pytest.mark.django_db
def test_set_shared_shares_and_unshares_with_a_timestamp(learner, exercise_lesson, block_id):
    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    services.set_shared(journey_map, True)
    journey_map.refresh_from_db()
    assert journey_map.shared_with_champion and journey_map.shared_at is not None
    services.set_shared(journey_map, False)
    journey_map.refresh_from_db()
    assert not journey_map.shared_with_champion and journey_map.shared_at is None


@pytest.mark.django_db
def test_add_comment_only_by_who_may_see_the_map(
    learner, champion, exercise_lesson, block_id, coached_by
):
    from django.core.exceptions import PermissionDenied

    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    coached_by(champion, learner)
    with pytest.raises(PermissionDenied):  # not shared yet
        services.add_comment(journey_map, champion, "Schon fertig?")
    services.set_shared(journey_map, True)
    services.add_comment(journey_map, champion, "Starke Karte")
    services.add_comment(journey_map, learner, "Danke")
    with pytest.raises(PermissionDenied):
        services.add_comment(journey_map, UserFactory(roles=["Learner", "Champion"]), "Hallo")
    assert [(c.author, c.text) for c in journey_map.comments.all()] == [
        (champion, "Starke Karte"),
        (learner, "Danke"),
    ]


@pytest.mark.django_db
def test_insight_scope_follows_can_view_insights(hr_user):
    from accounts.permissions import can_view_insights

    service = DepartmentFactory(name="Service")
    hotline = DepartmentFactory(name="Hotline", parent=service)
    sales = DepartmentFactory(name="Vertrieb")
    manager = UserFactory()
    EmployeeProfileFactory(manager=manager, department=service)
    EmployeeProfileFactory(manager=manager, department=sales, is_active=False)  # left
    assert can_view_insights(manager) and can_view_insights(hr_user)
    assert list(services.insight_departments(manager)) == [service]
    assert services.insight_scope(manager, None) == (None, [service.pk])
    assert services.insight_scope(manager, sales.pk) == (None, [service.pk])  # not theirs
    selected, ids = services.insight_scope(manager, service.pk)
    assert selected == service and set(ids) == {service.pk, hotline.pk}
    assert services.insight_scope(hr_user, None) == (None, None)  # HR: every department
    assert services.insight_scope(hr_user, sales.pk)[0] == sales


@pytest.mark.django_db
def test_journey_forms_never_redirect_off_site(client_as, learner, exercise_lesson, block_id):
    """Regression: next=/\\evil.example passed the old startswith("/") check."""
    client = client_as(learner)
    for target in ("/\\evil.example", "//evil.example", "https://evil.example/x"):
        response = add(client, exercise_lesson, block_id, next=target)
        assert response["Location"] == f"{exercise_lesson.url}#journey-{block_id}", target


@pytest.mark.django_db
def test_the_owner_hears_of_a_champions_comment_and_the_champion_of_the_answer(
    learner, champion, exercise_lesson, block_id, coached_by, django_capture_on_commit_callbacks
):
    from django.core import mail

    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    coached_by(champion, learner)
    services.set_shared(journey_map, True)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(journey_map, champion, "Starke Karte")
        services.add_comment(journey_map, learner, "Danke")
    # nobody has a device with push on: by e-mail (pushes: tests/pocket)
    to_owner, to_champion = mail.outbox
    assert to_owner.to == [learner.email]
    assert to_owner.subject == f"{champion.display_name} hat Ihre Customer Journey Map kommentiert"
    assert "Starke Karte" in to_owner.body and f"/journeys/maps/{journey_map.pk}/" in to_owner.body
    assert to_champion.to == [champion.email]
    assert to_champion.subject == (
        f"{learner.display_name} hat auf der eigenen Customer Journey Map geantwortet"
    )
    assert "Danke" in to_champion.body


@pytest.mark.django_db
def test_a_comment_on_a_private_map_tells_nobody(
    learner, champion, exercise_lesson, block_id, coached_by, django_capture_on_commit_callbacks
):
    from django.core import mail

    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    coached_by(champion, learner)  # coaches, but the map is not shared
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(journey_map, learner, "Notiz für mich")
    assert mail.outbox == []
