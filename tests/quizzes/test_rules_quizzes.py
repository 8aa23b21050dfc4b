"""Quiz rules a learner or an editor would notice if they broke (each named as that behaviour).

Written against the service functions with small data; they pin the rules that mutation testing
(docs/mutation.md) showed the rest of the suite did not."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
import time_machine

from django.utils import timezone

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, QuestionKind, ShowAnswers
from quizzes.signals import attempt_submitted

pytestmark = pytest.mark.django_db


def right(question) -> list[str]:
    """The ids of a question's correct options."""
    return [o["id"] for o in question.option_items() if o["correct"]]


def wrong(question) -> list[str]:
    return [o["id"] for o in question.option_items() if not o["correct"]][:1]


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Wissenscheck", pass_mark=50)
    QuestionFactory(quiz=quiz, prompt="eins")
    QuestionFactory(quiz=quiz, prompt="zwei")
    return quiz


# --- resuming and starting ---------------------------------------------------------------------


def test_a_learner_never_resumes_someone_elses_open_attempt(learner, other_learner, quiz):
    theirs = services.start_attempt(other_learner, quiz)
    assert services.open_attempt(learner, quiz) is None
    mine = services.start_attempt(learner, quiz)
    assert mine.pk != theirs.pk and mine.user == learner
    assert services.open_attempt(learner, quiz) == mine
    assert services.open_attempt(other_learner, quiz) == theirs


def test_an_open_attempt_on_another_quiz_is_not_resumed(learner, quiz):
    other_quiz = QuizFactory()
    QuestionFactory(quiz=other_quiz)
    services.start_attempt(learner, other_quiz)
    assert services.open_attempt(learner, quiz) is None


def test_a_submitted_attempt_is_never_resumed(learner, quiz):
    first = services.submit_attempt(services.start_attempt(learner, quiz))
    assert services.open_attempt(learner, quiz) is None
    second = services.start_attempt(learner, quiz)
    assert second.pk != first.pk and second.submitted_at is None


def test_a_running_timed_attempt_is_resumed_and_an_expired_one_submitted(learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.start_attempt(learner, quiz)
    assert attempt.deadline == start + datetime.timedelta(minutes=10)
    with time_machine.travel(start + datetime.timedelta(minutes=9, seconds=59), tick=False):
        assert services.open_attempt(learner, quiz) == attempt  # still running: resumed
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    with time_machine.travel(attempt.deadline, tick=False):  # time is up at the deadline
        assert services.open_attempt(learner, quiz) is None
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline


def test_an_untimed_attempt_never_expires(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    assert attempt.deadline is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400), tick=False):
        assert services.open_attempt(learner, quiz) == attempt


def test_ordering_items_are_shuffled_even_when_options_are_not(learner):
    quiz = QuizFactory(shuffle_options=False)
    items = [(f"Schritt {n}", False) for n in range(1, 7)]
    ordering = QuestionFactory(quiz=quiz, kind=QuestionKind.ORDERING, options=items)
    single = QuestionFactory(quiz=quiz, options=[("A", True), ("B", False), ("C", False)])
    attempt = services.start_attempt(learner, quiz, rng=random.Random(4))
    right_order = [o["id"] for o in ordering.option_items()]
    shown = attempt.option_order[str(ordering.pk)]
    assert sorted(shown) == sorted(right_order)
    assert shown != right_order  # the answer is not given away by the order shown
    assert attempt.option_order[str(single.pk)] == [o["id"] for o in single.option_items()]


def test_options_are_shuffled_when_the_editor_asks(learner):
    quiz = QuizFactory(shuffle_options=True)
    question = QuestionFactory(quiz=quiz, options=[(str(n), n == 1) for n in range(1, 7)])
    attempt = services.start_attempt(learner, quiz, rng=random.Random(4))
    in_editor_order = [o["id"] for o in question.option_items()]
    assert attempt.option_order[str(question.pk)] != in_editor_order


def test_questions_keep_the_editors_order_unless_shuffled(learner, other_learner):
    quiz = QuizFactory(shuffle_questions=False)
    questions = [QuestionFactory(quiz=quiz) for _ in range(6)]
    attempt = services.start_attempt(learner, quiz, rng=random.Random(4))
    assert attempt.question_ids == [q.pk for q in questions]
    quiz.shuffle_questions = True
    quiz.save()
    shuffled = services.start_attempt(other_learner, quiz, rng=random.Random(4))
    assert sorted(shuffled.question_ids) == sorted(q.pk for q in questions)
    assert shuffled.question_ids != [q.pk for q in questions]


def test_a_drawn_quiz_asks_that_many_questions_in_the_editors_order(learner):
    quiz = QuizFactory(draw_count=3, shuffle_questions=False)
    questions = [QuestionFactory(quiz=quiz) for _ in range(6)]
    attempt = services.start_attempt(learner, quiz, rng=random.Random(7))
    assert len(attempt.question_ids) == 3
    order = [q.pk for q in questions]
    assert attempt.question_ids == sorted(attempt.question_ids, key=order.index)
    assert set(attempt.answer_key["questions"]) == {str(pk) for pk in attempt.question_ids}


def test_drawing_as_many_questions_as_there_are_asks_them_all(learner):
    quiz = QuizFactory(draw_count=3, shuffle_questions=False)
    questions = [QuestionFactory(quiz=quiz) for _ in range(3)]
    attempt = services.start_attempt(learner, quiz, rng=random.Random(7))
    assert attempt.question_ids == [q.pk for q in questions]


def test_a_quiz_without_questions_cannot_be_started(learner):
    with pytest.raises(services.QuizRuleError, match="."):
        services.start_attempt(learner, QuizFactory())
    assert not Attempt.objects.exists()


def test_the_last_allowed_attempt_can_still_be_started(learner, quiz):
    quiz.max_attempts = 2
    quiz.save()
    services.submit_attempt(services.start_attempt(learner, quiz))
    assert services.attempts_left(learner, quiz) == 1
    services.submit_attempt(services.start_attempt(learner, quiz))
    assert services.attempts_left(learner, quiz) == 0
    with pytest.raises(services.QuizRuleError):
        services.start_attempt(learner, quiz)
    assert services.attempts_left(learner, QuizFactory()) is None  # no limit set


def test_the_context_is_kept_with_the_attempt(learner, quiz):
    attempt = services.start_attempt(learner, quiz, context_key="lesson:42")
    assert Attempt.objects.get(pk=attempt.pk).context_key == "lesson:42"


def test_a_signed_context_comes_back_and_a_foreign_one_is_refused(quiz):
    token = services.sign_context(quiz, "lesson:7")
    assert services.context_from_token(quiz, token) == "lesson:7"
    assert services.sign_context(quiz, "") == ""
    assert services.context_from_token(quiz, "") == ""
    with pytest.raises(services.QuizRuleError):
        services.context_from_token(QuizFactory(), token)  # signed for another quiz
    with pytest.raises(services.QuizRuleError):
        services.context_from_token(quiz, token + "x")


# --- answering and submitting ------------------------------------------------------------------


def test_answers_add_up_over_several_saves(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    first, second = services.attempt_questions(attempt)
    services.save_answers(attempt, {str(first.pk): right(first)})
    saved = services.save_answers(attempt, {str(second.pk): right(second)})
    assert saved.answers == {str(first.pk): right(first), str(second.pk): right(second)}
    assert Attempt.objects.get(pk=attempt.pk).answers == saved.answers


def test_answers_are_taken_until_the_deadline_itself(learner, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = services.start_attempt(learner, quiz)
    question = services.attempt_questions(attempt)[0]
    services.save_answers(attempt, {str(question.pk): right(question)}, now=attempt.deadline)
    with pytest.raises(services.QuizRuleError):
        services.save_answers(
            attempt,
            {str(question.pk): wrong(question)},
            now=attempt.deadline + datetime.timedelta(seconds=1),
        )
    assert services.is_past_deadline(attempt, attempt.deadline) is False
    assert services.is_past_deadline(attempt, attempt.deadline + datetime.timedelta(seconds=1))


def test_the_same_option_twice_is_refused(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    question = services.attempt_questions(attempt)[0]
    option = right(question)[0]
    with pytest.raises(services.QuizRuleError, match="nur einmal"):
        services.clean_answers(attempt, {str(question.pk): [option, option]})


def test_answers_sent_with_the_submit_are_scored(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    first, second = services.attempt_questions(attempt)
    services.save_answers(attempt, {str(first.pk): right(first)})
    result = services.submit_attempt(attempt, answers={str(second.pk): right(second)})
    assert result.score_percent == Decimal("100.00") and result.passed
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.answers == {str(first.pk): right(first), str(second.pk): right(second)}
    assert stored.score_percent == Decimal("100.00") and stored.passed is True
    assert stored.question_scores == {str(first.pk): 1.0, str(second.pk): 1.0}


def test_a_submit_within_the_time_limit_counts_when_it_was_made(learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = services.start_attempt(learner, quiz)
    now = attempt.started_at + datetime.timedelta(minutes=3)
    assert services.submit_attempt(attempt, now=now).submitted_at == now


def test_a_submit_racing_another_one_counts_once(learner, quiz, monkeypatch):
    """Two windows submit at once: the one that loses the race changes nothing and returns the
    result the winner stored (SQLite cannot lock rows, so the conditional UPDATE decides)."""
    attempt = services.start_attempt(learner, quiz)
    first = services.attempt_questions(attempt)[0]
    real_score = services.score_attempt
    signals = []

    def score_while_the_other_window_submits(fresh):
        Attempt.objects.filter(pk=fresh.pk).update(
            submitted_at=timezone.now(), score_percent=Decimal("50.00"), passed=True
        )
        return real_score(fresh)

    monkeypatch.setattr(services, "score_attempt", score_while_the_other_window_submits)
    handler = lambda sender, attempt, **kw: signals.append(attempt.pk)  # noqa: E731
    attempt_submitted.connect(handler)
    try:
        result = services.submit_attempt(attempt, answers={str(first.pk): wrong(first)})
    finally:
        attempt_submitted.disconnect(handler)
    assert signals == []
    assert result.score_percent == Decimal("50.00") and result.passed is True
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_submitting_tells_the_rest_of_the_site_once(learner, quiz):
    signals = []
    handler = lambda sender, attempt, **kw: signals.append((sender, attempt.pk))  # noqa: E731
    attempt_submitted.connect(handler)
    try:
        attempt = services.start_attempt(learner, quiz)
        services.submit_attempt(attempt)
        services.submit_attempt(attempt)
    finally:
        attempt_submitted.disconnect(handler)
    assert signals == [(Attempt, attempt.pk)]


def test_a_score_is_rounded_half_up_to_hundredths(learner):
    quiz = QuizFactory(pass_mark=67)
    questions = [QuestionFactory(quiz=quiz) for _ in range(3)]
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, {str(q.pk): right(q) for q in questions[:2]})
    result = services.submit_attempt(attempt)
    assert result.score_percent == Decimal("66.67")
    assert result.passed is False  # 66.67 is below a pass mark of 67
    attempt.refresh_from_db()
    assert services.score_attempt(attempt)[1] == {
        str(questions[0].pk): 1.0,
        str(questions[1].pk): 1.0,
        str(questions[2].pk): 0.0,
    }


def test_an_attempt_without_questions_scores_zero(learner, quiz):
    attempt = Attempt.objects.create(user=learner, quiz=quiz, question_ids=[])
    assert services.score_attempt(attempt) == (Decimal("0.00"), {})


def test_the_best_attempt_is_the_highest_score_and_the_earlier_of_equals(learner, quiz):
    questions = list(quiz.questions.all())
    scores = []
    for chosen in ([], questions, questions[:1], questions):
        attempt = services.start_attempt(learner, quiz)
        services.save_answers(attempt, {str(q.pk): right(q) for q in chosen})
        scores.append(services.submit_attempt(attempt))
    services.start_attempt(learner, quiz)  # an open attempt does not count
    assert services.best_attempt(learner, quiz) == scores[1]


def test_the_best_attempt_ignores_other_learners(learner, other_learner, quiz):
    attempt = services.start_attempt(other_learner, quiz)
    services.save_answers(attempt, {str(q.pk): right(q) for q in quiz.questions.all()})
    services.submit_attempt(attempt)
    assert services.best_attempt(learner, quiz) is None


# --- showing answers ---------------------------------------------------------------------------


def test_answers_are_shown_after_a_pass_only_once_passed(learner, other_learner, quiz):
    quiz.show_answers = ShowAnswers.AFTER_PASS
    quiz.save()
    failed = services.submit_attempt(services.start_attempt(learner, quiz))
    assert services.may_show_answers(failed) is False
    other = services.start_attempt(other_learner, quiz)
    services.save_answers(other, {str(q.pk): right(q) for q in quiz.questions.all()})
    services.submit_attempt(other)  # someone else passing reveals nothing to me
    assert services.may_show_answers(failed) is False
    mine = services.start_attempt(learner, quiz)
    services.save_answers(mine, {str(q.pk): right(q) for q in quiz.questions.all()})
    services.submit_attempt(mine)
    failed.refresh_from_db()
    assert services.may_show_answers(failed) is True  # the pass unlocks the earlier attempt too


def test_answers_are_shown_after_every_attempt_or_never_as_set(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    quiz.show_answers = ShowAnswers.AFTER_ATTEMPT
    quiz.save()
    assert services.may_show_answers(attempt) is False  # not before it is submitted
    services.submit_attempt(attempt)
    attempt.refresh_from_db()
    assert services.may_show_answers(attempt) is True
    quiz.show_answers = ShowAnswers.NEVER
    quiz.save()
    attempt.refresh_from_db()
    assert services.may_show_answers(attempt) is False


# --- statistics --------------------------------------------------------------------------------


def test_statistics_count_learners_not_attempts(learner, other_learner, quiz):
    for user in (learner, learner, learner, other_learner):
        services.submit_attempt(services.start_attempt(user, quiz))
    services.start_attempt(other_learner, quiz)  # an open attempt is not counted
    stats = services.quiz_statistics(quiz)
    assert stats.attempts == 4
    assert stats.learners == 2


def test_statistics_of_an_unanswered_quiz_are_empty(quiz):
    stats = services.quiz_statistics(quiz)
    assert (stats.attempts, stats.learners, stats.pass_rate, stats.average_score) == (0, 0, 0, 0)
    assert [(row.answered, row.percent_correct, row.discrimination) for row in stats.questions] == [
        (0, 0.0, None),
        (0, 0.0, None),
    ]


def test_statistics_rounding_and_a_single_attempt(learner, other_learner, champion):
    quiz = QuizFactory(pass_mark=50)
    questions = [QuestionFactory(quiz=quiz, prompt=str(n)) for n in range(3)]
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, {str(questions[0].pk): right(questions[0])})
    services.submit_attempt(attempt)
    single = services.quiz_statistics(quiz)
    assert single.average_score == 33.3 and single.pass_rate == 0.0
    assert [row.discrimination for row in single.questions] == [None, None, None]
    for user, chosen in ((other_learner, questions[:2]), (champion, questions[:2])):
        attempt = services.start_attempt(user, quiz)
        services.save_answers(attempt, {str(q.pk): right(q) for q in chosen})
        services.submit_attempt(attempt)
    stats = services.quiz_statistics(quiz)
    # scores 33.33, 66.67, 66.67: mean 55.56; two of three passed
    assert stats.average_score == 55.6 and stats.pass_rate == 66.7
    by_prompt = {row.question.prompt: row for row in stats.questions}
    assert by_prompt["0"].percent_correct == 100.0
    assert by_prompt["1"].percent_correct == 66.7
    assert by_prompt["1"].answered == 3
    # groups of one (27 % of 3 rounds to 1): top 66.67 % against bottom 33.33 %
    assert by_prompt["1"].discrimination == 1.0 and by_prompt["0"].discrimination == 0.0


def test_discrimination_compares_the_top_and_bottom_27_percent(quiz, django_user_model):
    from accounts.factories import UserFactory

    easy, hard = quiz.questions.all()
    # 8 attempts: groups of round(8 * 0.27) = 2
    plans = [[easy, hard]] * 2 + [[easy]] * 4 + [[hard]] + [[]]
    for chosen in plans:
        attempt = services.start_attempt(UserFactory(), quiz)
        services.save_answers(attempt, {str(q.pk): right(q) for q in chosen})
        services.submit_attempt(attempt)
    by_pk = {row.question.pk: row for row in services.quiz_statistics(quiz).questions}
    # bottom two: the 0 % attempt and one 50 % attempt (either "easy only" or "hard only")
    assert by_pk[easy.pk].percent_correct == 75.0
    assert by_pk[hard.pk].percent_correct == 37.5
    assert by_pk[easy.pk].discrimination in (0.5, 1.0)
    assert by_pk[hard.pk].discrimination in (0.5, 1.0)
    assert by_pk[easy.pk].discrimination + by_pk[hard.pk].discrimination == 1.5


# --- what the learner is told ------------------------------------------------------------------


def test_every_refusal_tells_the_learner_in_german_what_went_wrong(learner, quiz, monkeypatch):
    from django.db import OperationalError

    def refused(call) -> str:
        with pytest.raises(services.QuizRuleError) as error:
            call()
        return str(error.value)

    assert refused(lambda: services.context_from_token(quiz, "forged")) == (
        "Bitte starten Sie diesen Test auf der Seite, die ihn enthält."
    )
    assert refused(lambda: services.start_attempt(learner, QuizFactory())) == (
        "Dieses Quiz hat noch keine Fragen."
    )
    attempt = services.start_attempt(learner, quiz)
    question = services.attempt_questions(attempt)[0]
    assert refused(lambda: services.clean_answers(attempt, {"999999": []})) == (
        "Diese Frage gehört nicht zu diesem Versuch."
    )
    assert refused(lambda: services.clean_answers(attempt, {str(question.pk): ["nope"]})) == (
        "Diese Antwort gehört nicht zu dieser Frage."
    )
    option = right(question)[0]
    assert refused(lambda: services.clean_answers(attempt, {str(question.pk): [option] * 2})) == (
        "Jede Antwort kann nur einmal gewählt werden."
    )
    services.submit_attempt(attempt)
    assert refused(lambda: services.save_answers(attempt, {})) == (
        "Dieser Versuch wurde bereits abgegeben."
    )
    quiz.max_attempts = 1
    quiz.save()
    assert refused(lambda: services.start_attempt(learner, quiz)) == (
        "Sie haben alle Versuche für dieses Quiz aufgebraucht."
    )

    def locked(*args):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_start_attempt", locked)
    assert refused(lambda: services.start_attempt(learner, quiz)) == (
        "Der Test wird gerade in einem anderen Fenster gestartet. "
        "Bitte versuchen Sie es gleich noch einmal."
    )


def test_answers_after_the_time_limit_are_refused_with_a_reason(learner, quiz):
    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = services.start_attempt(learner, quiz)
    late = attempt.deadline + datetime.timedelta(seconds=1)
    with pytest.raises(services.QuizRuleError) as error:
        services.save_answers(attempt, {}, now=late)
    assert str(error.value) == (
        "Die Zeit ist abgelaufen; Ihre Antworten können nicht mehr geändert werden."
    )


def test_attempts_used_counts_only_my_attempts_on_this_quiz(learner, other_learner, quiz):
    other_quiz = QuizFactory()
    QuestionFactory(quiz=other_quiz)
    services.submit_attempt(services.start_attempt(other_learner, quiz))
    services.submit_attempt(services.start_attempt(learner, other_quiz))
    assert services.attempts_used(learner, quiz) == 0
    services.submit_attempt(services.start_attempt(learner, quiz))
    assert services.attempts_used(learner, quiz) == 1


def test_a_context_may_itself_contain_the_separator(quiz):
    token = services.sign_context(quiz, "lesson:7|extra")
    assert services.context_from_token(quiz, token) == "lesson:7|extra"


def test_of_equal_best_scores_the_earlier_attempt_is_the_best(learner, quiz):
    questions = list(quiz.questions.all())
    attempts = []
    for _ in range(2):
        attempt = services.start_attempt(learner, quiz)
        services.save_answers(attempt, {str(q.pk): right(q) for q in questions})
        attempts.append(services.submit_attempt(attempt))
    earlier = timezone.now() - datetime.timedelta(days=1)
    Attempt.objects.filter(pk=attempts[1].pk).update(submitted_at=earlier)
    assert services.best_attempt(learner, quiz) == attempts[1]


def test_the_best_attempt_is_of_this_quiz_and_submitted(learner, quiz):
    other_quiz = QuizFactory()
    QuestionFactory(quiz=other_quiz)
    other = services.start_attempt(learner, other_quiz)
    services.save_answers(other, {str(q.pk): right(q) for q in other_quiz.questions.all()})
    services.submit_attempt(other)  # 100 % on another quiz
    services.start_attempt(learner, quiz)  # open, not scored
    assert services.best_attempt(learner, quiz) is None
    assert services.best_attempt(learner, other_quiz) == other


def test_passing_another_quiz_does_not_reveal_this_quizs_answers(learner, quiz):
    quiz.show_answers = ShowAnswers.AFTER_PASS
    quiz.save()
    failed = services.submit_attempt(services.start_attempt(learner, quiz))
    other_quiz = QuizFactory(pass_mark=0)
    QuestionFactory(quiz=other_quiz)
    assert services.submit_attempt(services.start_attempt(learner, other_quiz)).passed
    assert services.may_show_answers(failed) is False


def test_a_late_submit_counts_at_the_time_limit(learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = services.start_attempt(learner, quiz)
    late = attempt.deadline + datetime.timedelta(minutes=5)
    assert services.submit_attempt(attempt, now=late).submitted_at == attempt.deadline


def test_statistics_count_only_this_quizs_attempts(learner, quiz):
    other_quiz = QuizFactory()
    QuestionFactory(quiz=other_quiz)
    services.submit_attempt(services.start_attempt(learner, other_quiz))
    stats = services.quiz_statistics(quiz)
    assert stats.attempts == 0 and stats.learners == 0
    assert [row.question.prompt for row in stats.questions] == ["eins", "zwei"]


def test_two_attempts_already_show_how_well_a_question_separates(learner, other_learner):
    quiz = QuizFactory(pass_mark=50)
    options = [("A", True), ("B", True), ("C", True), ("D", False)]
    question = QuestionFactory(
        quiz=quiz, kind=QuestionKind.MULTIPLE, options=options, partial_credit=True
    )
    strong = services.start_attempt(learner, quiz)
    services.save_answers(strong, {str(question.pk): right(question)[:1]})  # 1 of 3: a third
    services.submit_attempt(strong)
    services.submit_attempt(services.start_attempt(other_learner, quiz))  # nothing: 0
    row = services.quiz_statistics(quiz).questions[0]
    assert row.discrimination == 0.33  # rounded to hundredths
    assert row.percent_correct == 16.7


def test_a_question_added_after_the_attempts_has_no_answers_yet(learner, quiz):
    services.submit_attempt(services.start_attempt(learner, quiz))
    QuestionFactory(quiz=quiz, prompt="neu")
    row = {r.question.prompt: r for r in services.quiz_statistics(quiz).questions}["neu"]
    assert (row.answered, row.percent_correct, row.discrimination) == (0, 0.0, None)


def test_the_result_shows_the_options_as_the_attempt_saw_them(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    question = services.attempt_questions(attempt)[0]
    before = question.option_items()
    question.options = [("option", {"text": "Neu", "correct": True, "feedback": ""})]
    question.save()  # the editor rewrites the question while the learner works
    assert services.attempt_options(attempt, question) == before
    old = Attempt.objects.create(user=learner, quiz=quiz, question_ids=[question.pk])
    assert [o["text"] for o in services.attempt_options(old, question)] == ["Neu"]


def test_the_review_lists_each_question_with_the_choice_and_the_right_answer(learner):
    quiz = QuizFactory()
    single = QuestionFactory(quiz=quiz, options=[("Ja", True), ("Nein", False)])
    ordering = QuestionFactory(
        quiz=quiz, kind=QuestionKind.ORDERING, options=[("1", False), ("2", False), ("3", False)]
    )
    attempt = services.start_attempt(learner, quiz)
    given_order = list(reversed([o["id"] for o in ordering.option_items()]))
    services.save_answers(attempt, {str(single.pk): wrong(single), str(ordering.pk): given_order})
    attempt = services.submit_attempt(attempt)
    first, second = services.review_answers(attempt)
    assert (first.number, first.score, first.order_wrong) == (1, 0.0, False)
    assert [o["text"] for o in first.chosen] == ["Nein"]
    assert first.correct_text == "Ja"
    assert second.is_ordering and second.order_wrong
    assert [o["text"] for o in second.chosen] == ["3", "2", "1"]  # in the learner's order
    assert second.correct_text == "1; 2; 3"


# --- after the result --------------------------------------------------------------------------


def _passed(user, quiz, context_key: str = "") -> Attempt:
    attempt = services.start_attempt(user, quiz, context_key=context_key)
    services.save_answers(attempt, {str(q.pk): right(q) for q in quiz.questions.all()})
    return services.submit_attempt(attempt)


def _failed(user, quiz, context_key: str = "") -> Attempt:
    return services.submit_attempt(services.start_attempt(user, quiz, context_key=context_key))


def _steps(steps) -> list[tuple]:
    return [(s.label, s.url, s.primary, s.retry) for s in steps]


def test_a_failed_attempt_offers_trying_again_first_then_rereading_the_lesson(learner, quiz):
    from django.urls import reverse

    attempt = _failed(learner, quiz, context_key="lesson:7")
    steps = services.next_steps(attempt, back_url="/kurs/lektion/")
    assert _steps(steps) == [
        ("Erneut versuchen", reverse("quizzes:start", args=[quiz.pk]), True, True),
        ("Lektion noch einmal lesen", "/kurs/lektion/", False, False),
    ]
    assert services.context_from_token(quiz, steps[0].context) == "lesson:7"
    assert steps[1].context == ""


def test_no_retry_is_offered_once_every_attempt_is_used(learner, quiz):
    quiz.max_attempts = 1
    quiz.save()
    attempt = _failed(learner, quiz)
    assert _steps(services.next_steps(attempt, back_url="/lektion/")) == [
        ("Lektion noch einmal lesen", "/lektion/", True, False)
    ]
    assert services.next_steps(attempt) == []


def test_a_limited_quiz_with_attempts_left_offers_a_retry(learner, quiz):
    quiz.max_attempts = 2
    quiz.save()
    steps = services.next_steps(_failed(learner, quiz))
    assert _steps(steps) == [("Erneut versuchen", f"/quizzes/{quiz.pk}/start/", True, True)]


def test_a_passed_attempt_offers_what_the_page_offers_then_the_way_back(learner, quiz, monkeypatch):
    offered = []

    def certificate(attempt):
        offered.append(attempt.pk)
        return [services.NextStep(label="Zertifikat", url="/zertifikat/")]

    monkeypatch.setattr(services, "_next_step_providers", [certificate])
    attempt = _passed(learner, quiz)
    steps = services.next_steps(attempt, back_url="/lektion/")
    assert _steps(steps) == [
        ("Zertifikat", "/zertifikat/", True, False),
        ("Zurück zur Lektion", "/lektion/", False, False),
    ]
    assert offered == [attempt.pk]
    monkeypatch.setattr(services, "_next_step_providers", [])
    assert _steps(services.next_steps(attempt, back_url="/lektion/")) == [
        ("Zurück zur Lektion", "/lektion/", True, False)
    ]
    assert services.next_steps(attempt) == []  # passed: never a retry


def test_a_step_the_page_marks_primary_stays_the_only_primary_one(learner, quiz, monkeypatch):
    def steps_of_the_page(attempt):
        return [
            services.NextStep(label="Nächste Lektion", url="/next/"),
            services.NextStep(label="Zertifikat", url="/zertifikat/", primary=True),
        ]

    monkeypatch.setattr(services, "_next_step_providers", [steps_of_the_page])
    steps = services.next_steps(_passed(learner, quiz), back_url="/lektion/")
    assert [(s.label, s.primary) for s in steps] == [
        ("Nächste Lektion", False),
        ("Zertifikat", True),
        ("Zurück zur Lektion", False),
    ]


def test_what_comes_after_a_quiz_is_offered_once_however_often_it_is_registered(
    learner, quiz, monkeypatch
):
    monkeypatch.setattr(services, "_next_step_providers", [])

    def next_lesson(attempt):
        return [services.NextStep(label="Weiter", url="/weiter/")]

    services.register_next_step_provider(next_lesson)
    services.register_next_step_provider(next_lesson)
    assert [s.label for s in services.next_steps(_passed(learner, quiz))] == ["Weiter"]


def test_a_renewal_gives_the_full_attempt_allowance_again(learner, quiz, monkeypatch):
    quiz.max_attempts = 3
    quiz.save()
    monkeypatch.setattr(services, "_attempt_windows", [])
    _failed(learner, quiz)
    since = timezone.now() + datetime.timedelta(seconds=1)

    def renewal(user, asked):
        return since if user == learner else None  # only the learner renews

    services.register_attempt_window(renewal)
    services.register_attempt_window(renewal)
    assert services._attempt_windows == [renewal]
    assert services.attempts_count_since(learner, quiz) == since
    assert services.attempts_used(learner, quiz) == 0
    assert services.attempts_left(learner, quiz) == 3
    assert services.attempts_count_since(learner, QuizFactory()) is None  # no limit: all count


def test_passed_means_a_pass_of_mine_on_this_quiz(learner, other_learner, quiz):
    _failed(learner, quiz)
    assert services.has_passed(learner, quiz) is False
    other_quiz = QuizFactory(pass_mark=0)
    QuestionFactory(quiz=other_quiz)
    _failed(learner, other_quiz)  # passed: the pass mark is 0
    _passed(other_learner, quiz)
    assert services.has_passed(learner, quiz) is False
    _passed(learner, quiz)
    assert services.has_passed(learner, quiz) is True


def test_the_history_lists_my_attempts_at_this_quiz_in_every_language_newest_first(
    learner, other_learner, quiz
):
    from wagtail.models import Locale

    english = quiz.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.save()
    other_quiz = QuizFactory()
    start = timezone.now() - datetime.timedelta(days=60)
    mine = []
    for day, (user, taken) in enumerate(
        [(learner, quiz), (learner, english), (other_learner, quiz), (learner, other_quiz)]
    ):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            attempt = Attempt.objects.create(user=user, quiz=taken, question_ids=[])
        if user == learner and taken != other_quiz:
            mine.append(attempt)
    history = services.attempt_history(learner, english)
    assert history == list(reversed(mine))
    assert history[0].quiz.locale.language_code == "en"


def test_the_history_shows_the_latest_fifty_attempts(learner, quiz):
    start = timezone.now() - datetime.timedelta(days=60)
    for day in range(51):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            Attempt.objects.create(user=learner, quiz=quiz, question_ids=[])
    history = services.attempt_history(learner, quiz)
    assert len(history) == 50
    assert history[0].started_at == start + datetime.timedelta(days=50)
    assert history[-1].started_at == start + datetime.timedelta(days=1)
    assert len(services.attempt_history(learner, quiz, limit=3)) == 3


def test_the_review_shows_a_skipped_question_unanswered_and_a_right_one_with_its_point(learner):
    quiz = QuizFactory()
    answered = QuestionFactory(quiz=quiz, options=[("Ja", True), ("Nein", False)])
    QuestionFactory(quiz=quiz, options=[("Rot", True), ("Blau", False)])  # left unanswered
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, {str(answered.pk): right(answered)})
    first, second = services.review_answers(services.submit_attempt(attempt))
    assert ([o["text"] for o in first.chosen], first.score) == (["Ja"], 1.0)
    assert (second.chosen, second.score, second.correct_text) == ([], 0.0, "Rot")


def test_a_question_without_a_stored_score_shows_no_points(learner, quiz):
    """Attempts from before the score of each question was kept."""
    questions = list(quiz.questions.all())
    attempt = Attempt.objects.create(
        user=learner,
        quiz=quiz,
        question_ids=[q.pk for q in questions],
        answers={str(q.pk): right(q) for q in questions},
        submitted_at=timezone.now(),
    )
    reviews = services.review_answers(attempt)
    assert [(r.number, r.score) for r in reviews] == [(1, 0), (2, 0)]
    assert [[o["text"] for o in r.chosen] for r in reviews] == [
        [o["text"] for o in q.option_items() if o["correct"]] for q in questions
    ]


def test_an_ordering_question_left_unanswered_scores_nothing():
    for partial_credit in (True, False):
        question = QuestionFactory(
            kind=QuestionKind.ORDERING,
            partial_credit=partial_credit,
            options=[("1", False), ("2", False), ("3", False)],
        )
        assert services.score_question(question, []) == 0.0


def test_an_ordering_with_only_some_items_placed_scores_those_in_place():
    options = [("1", False), ("2", False), ("3", False), ("4", False)]
    partial = QuestionFactory(kind=QuestionKind.ORDERING, partial_credit=True, options=options)
    first_two = [o["id"] for o in partial.option_items()][:2]
    assert services.score_question(partial, first_two) == 0.5
    strict = QuestionFactory(kind=QuestionKind.ORDERING, partial_credit=False, options=options)
    assert services.score_question(strict, [o["id"] for o in strict.option_items()][:2]) == 0.0


def test_a_score_exactly_halfway_between_hundredths_is_rounded_up(learner):
    quiz = QuizFactory()
    eight_right = [(str(n), True) for n in range(8)]
    several = QuestionFactory(
        quiz=quiz, kind=QuestionKind.MULTIPLE, partial_credit=True, options=eight_right
    )
    for _ in range(3):
        QuestionFactory(quiz=quiz)  # left unanswered
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, {str(several.pk): right(several)[:1]})  # 1 of 8: 0.125
    # (0.125 + 0 + 0 + 0) / 4 = 3.125 %
    assert services.submit_attempt(attempt).score_percent == Decimal("3.13")


def test_an_attempt_is_passed_by_the_pass_mark_it_started_with(learner, other_learner, quiz):
    first = services.attempt_questions(services.start_attempt(learner, quiz))[0]
    half_right = {str(first.pk): right(first)}  # 50 %, the pass mark when it started
    mine = services.start_attempt(learner, quiz)
    quiz.pass_mark = 60
    quiz.save()  # the editor raises the pass mark while the learner works
    assert services.submit_attempt(mine, answers=half_right).passed is True
    theirs = services.start_attempt(other_learner, quiz)  # started at 60
    quiz.pass_mark = 50
    quiz.save()
    assert services.submit_attempt(theirs, answers=half_right).passed is False


def test_submitting_my_attempt_leaves_other_open_attempts_open(learner, other_learner, quiz):
    theirs = services.start_attempt(other_learner, quiz)
    services.submit_attempt(services.start_attempt(learner, quiz))
    theirs.refresh_from_db()
    assert (theirs.submitted_at, theirs.score_percent, theirs.passed) == (None, None, False)


def test_starting_again_resumes_my_open_attempt_without_a_context(learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    assert attempt.context_key == ""  # started from no page: no lesson to go back to
    assert services.start_attempt(learner, quiz) == attempt
    assert Attempt.objects.filter(user=learner).count() == 1


def test_the_same_random_source_draws_the_same_order(learner, other_learner):
    quiz = QuizFactory(shuffle_questions=True, shuffle_options=True)
    for _ in range(8):
        QuestionFactory(quiz=quiz, options=[(str(n), n == 1) for n in range(1, 7)])
    mine = services.start_attempt(learner, quiz, rng=random.Random(11))
    theirs = services.start_attempt(other_learner, quiz, rng=random.Random(11))
    assert (mine.question_ids, mine.option_order) == (theirs.question_ids, theirs.option_order)


def test_an_overlong_context_is_cut_to_what_the_attempt_keeps(learner, quiz):
    context = "lesson:" + "9" * 70
    attempt = services.start_attempt(learner, quiz, context_key=context)
    assert Attempt.objects.get(pk=attempt.pk).context_key == context[:64]
