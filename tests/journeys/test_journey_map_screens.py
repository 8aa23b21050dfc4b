"""The journey-map exercise reads well: a chart with scale, phases and full names, a
confirmation when a touchpoint is added, grouped emotion choices and distinct link texts."""

from __future__ import annotations

import re

import pytest

from journeys import services
from journeys.models import JourneyMap, Touchpoint

from .test_journeys import add, block_id, exercise_lesson  # noqa: F401 (fixtures)

LONG_NAME = "Schadensmeldung über das Kundenportal"


@pytest.mark.django_db
def test_the_curve_has_a_scale_phase_boundaries_and_full_names(learner, exercise_lesson, block_id):  # noqa: F811
    journey_map = JourneyMap.objects.create(user=learner, lesson=exercise_lesson, block_id=block_id)
    points = services.with_phase_names(
        [
            Touchpoint.objects.create(journey_map=journey_map, phase=0, name="Werbung", emotion=1),
            Touchpoint.objects.create(journey_map=journey_map, phase=0, name=LONG_NAME, emotion=2),
            Touchpoint.objects.create(
                journey_map=journey_map, phase=1, name="Hotline", emotion=-2, is_friction=True
            ),
            Touchpoint.objects.create(journey_map=journey_map, phase=2, name="Brief", emotion=0),
        ],
        services.find_exercise(exercise_lesson.pk, block_id),
    )
    svg = str(services.emotion_curve_svg(points))
    for label in ("+2", "+1", ">0<", "−1", "−2"):
        assert label in svg, label
    assert svg.count('class="phase-boundary"') == 2
    assert ">Vorher<" in svg and ">Während<" in svg and ">Nachher<" in svg
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
    assert min(sizes) >= 16  # about 10 px or more at 390 px width
    legend = svg.split('class="curve-legend"', 1)[1]
    assert f"{LONG_NAME} (+2)" in legend  # the full name, never cut mid-word
    assert legend.count("<li") == 4 and legend.count('class="is-friction"') == 1


@pytest.mark.django_db
def test_adding_a_touchpoint_confirms_it(client_as, learner, exercise_lesson, block_id):  # noqa: F811
    client = client_as(learner)
    response = add(client, exercise_lesson, block_id, name="Hotline")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Kontaktpunkt „Hotline“ wurde der Phase „Vorher“ hinzugefügt." in html


@pytest.mark.django_db
def test_emotions_are_one_group_and_edit_links_name_their_touchpoint(
    client_as,
    learner,
    exercise_lesson,  # noqa: F811
    block_id,  # noqa: F811
):
    client = client_as(learner)
    add(client, exercise_lesson, block_id, name="Hotline")
    add(client, exercise_lesson, block_id, name="Brief")
    html = client.get(exercise_lesson.url).content.decode()
    add_form = html.split('class="add-touchpoint"', 1)[1]
    assert re.search(r"<fieldset[^>]*>\s*<legend>Emotion des Kunden", add_form)
    summaries = re.findall(r"<summary>(.*?)</summary>", html, re.S)
    edit = [s for s in summaries if s.startswith("Bearbeiten")]
    assert len(edit) == 2 and len(set(edit)) == 2
    assert any("Hotline" in s for s in edit) and any("Brief" in s for s in edit)


@pytest.mark.django_db
def test_touchpoints_of_another_learner_stay_closed(
    client_as,
    learner,
    other_learner,
    exercise_lesson,  # noqa: F811
    block_id,  # noqa: F811
):
    add(client_as(learner), exercise_lesson, block_id, name="Hotline")
    point = Touchpoint.objects.get(name="Hotline")
    intruder = client_as(other_learner)
    assert intruder.post(f"/journeys/touchpoints/{point.pk}/", {"name": "x"}).status_code == 404
