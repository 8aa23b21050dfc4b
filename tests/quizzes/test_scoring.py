"""Server-side scoring of every question type, pass mark edges and statistics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import QuestionKind


def ids(question) -> dict[str, str]:
    return {o["text"]: o["id"] for o in question.option_items()}


@pytest.mark.django_db
def test_single_true_false_and_scenario_are_right_or_wrong():
    for kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.SCENARIO):
        q = QuestionFactory(kind=kind, options=[("A", True), ("B", False)])
        assert services.score_question(q, [ids(q)["A"]]) == 1.0
        assert services.score_question(q, [ids(q)["B"]]) == 0.0
        assert services.score_question(q, []) == 0.0
        assert services.score_question(q, [ids(q)["A"], ids(q)["B"]]) == 0.0


@pytest.mark.django_db
def test_multiple_choice_all_or_nothing_and_partial_credit():
    options = [("A", True), ("B", True), ("C", True), ("D", False)]
    strict = QuestionFactory(kind=QuestionKind.MULTIPLE, options=options)
    o = ids(strict)
    assert services.score_question(strict, [o["A"], o["B"], o["C"]]) == 1.0
    assert services.score_question(strict, [o["A"], o["B"]]) == 0.0
    partial = QuestionFactory(kind=QuestionKind.MULTIPLE, options=options, partial_credit=True)
    p = ids(partial)
    assert services.score_question(partial, [p["A"], p["B"]]) == pytest.approx(2 / 3)
    assert services.score_question(partial, [p["A"], p["B"], p["D"]]) == pytest.approx(1 / 3)
    assert services.score_question(partial, [p["A"], p["D"]]) == 0.0
    assert services.score_question(partial, [p["D"]]) == 0.0  # floored at zero


@pytest.mark.django_db
def test_ordering_all_or_nothing_and_partial_credit():
    options = [("Vorher", False), ("Während", False), ("Nachher", False)]
    strict = QuestionFactory(kind=QuestionKind.ORDERING, options=options)
    o = ids(strict)
    assert services.score_question(strict, [o["Vorher"], o["Während"], o["Nachher"]]) == 1.0
    assert services.score_question(strict, [o["Während"], o["Vorher"], o["Nachher"]]) == 0.0
    partial = QuestionFactory(kind=QuestionKind.ORDERING, options=options, partial_credit=True)
    p = ids(partial)
    assert services.score_question(
        partial, [p["Während"], p["Vorher"], p["Nachher"]]
    ) == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_pass_mark_edges(learner):
    quiz = QuizFactory(pass_mark=50)
    first = QuestionFactory(quiz=quiz)
    QuestionFactory(quiz=quiz)
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, {str(first.pk): [ids(first)["Richtig"]]})
    result = services.submit_attempt(attempt)
    assert result.score_percent == Decimal("50.00")
    assert result.passed is True  # exactly at the mark passes
    quiz.pass_mark = 51
    quiz.save()
    attempt2 = services.start_attempt(learner, quiz)
    services.save_answers(attempt2, {str(first.pk): [ids(first)["Richtig"]]})
    assert services.submit_attempt(attempt2).passed is False


@pytest.mark.django_db
def test_statistics_on_a_known_data_set(learner, other_learner, champion, hr_user):
    quiz = QuizFactory(pass_mark=50)
    easy = QuestionFactory(quiz=quiz, prompt="leicht")
    hard = QuestionFactory(quiz=quiz, prompt="schwer")
    # scores: learner 100 %, other 50 % (easy only), champion 50 % (easy only), hr 0 %
    plan = {learner: [easy, hard], other_learner: [easy], champion: [easy], hr_user: []}
    for user, right in plan.items():
        attempt = services.start_attempt(user, quiz)
        answers = {str(q.pk): [ids(q)["Richtig"]] for q in right}
        services.save_answers(attempt, answers)
        services.submit_attempt(attempt)
    stats = services.quiz_statistics(quiz)
    assert stats.attempts == 4 and stats.learners == 4
    assert stats.pass_rate == 75.0
    assert stats.average_score == 50.0
    by_prompt = {row.question.prompt: row for row in stats.questions}
    assert by_prompt["leicht"].percent_correct == 75.0
    assert by_prompt["schwer"].percent_correct == 25.0
    # 27 % of 4 attempts -> groups of 1: top (100 %) vs bottom (0 %)
    assert by_prompt["leicht"].discrimination == 1.0
    assert by_prompt["schwer"].discrimination == 1.0


@pytest.mark.django_db
def test_statistics_query_count_is_constant(learner, other_learner, django_assert_num_queries):
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)
    QuestionFactory(quiz=quiz)
    for user in (learner, other_learner):
        services.submit_attempt(services.start_attempt(user, quiz))
    with django_assert_num_queries(2):
        services.quiz_statistics(quiz)
