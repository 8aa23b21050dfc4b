"""Quiz rules: starting attempts, saving answers, scoring on the server, statistics.

Scoring per question is a number from 0 to 1:
- single choice, true/false, scenario: 1 when the one correct option is chosen, else 0.
- multiple choice: all-or-nothing (chosen set equals the correct set), or with partial credit
  max(0, (correct options chosen − wrong options chosen) / number of correct options).
- ordering: all-or-nothing, or with partial credit the share of items in their right position.
The attempt's score is the mean over its questions in percent; it passes at score ≥ pass mark.
An attempt keeps the answer key and pass mark it started with (`Attempt.answer_key`), so an
editor's later change to the quiz never re-grades it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attempt, Question, QuestionKind, Quiz, ShowAnswers
from .signals import attempt_submitted


class QuizRuleError(Exception):
    """A rule of the quiz forbids this action; the message is shown to the learner."""


AttemptWindow = Callable[[object, Quiz], "datetime | None"]
_attempt_windows: list[AttemptWindow] = []


def register_attempt_window(window: AttemptWindow) -> None:
    """Let a higher app (curriculum) start a fresh attempt allowance: `window(user, quiz)` says
    from which moment the user's attempts count (a renewal of the course whose exam it is)."""
    if window not in _attempt_windows:
        _attempt_windows.append(window)


def attempts_count_since(user, quiz: Quiz) -> datetime | None:
    """The moment from which the user's attempts count towards the quiz's limit (None: all of
    them). Asked only for quizzes with a limit."""
    if quiz.max_attempts is None:
        return None
    moments = [moment for window in _attempt_windows if (moment := window(user, quiz))]
    return max(moments, default=None)


def attempts_used(user, quiz: Quiz) -> int:
    """Attempts the user has started on this quiz in any language (3 allowed means 3 in all),
    since a renewal began when one did (a renewal gives the full allowance again)."""
    attempts = Attempt.objects.filter(user=user, quiz__translation_key=quiz.translation_key)
    since = attempts_count_since(user, quiz)
    if since is not None:
        attempts = attempts.filter(started_at__gte=since)
    return attempts.count()


def attempts_left(user, quiz: Quiz, used: int | None = None) -> int | None:
    """Attempts still allowed (None = unlimited)."""
    if quiz.max_attempts is None:
        return None
    used = attempts_used(user, quiz) if used is None else used
    return max(0, quiz.max_attempts - used)


def open_attempt(user, quiz: Quiz) -> Attempt | None:
    """The user's unfinished attempt on this quiz in any language, if any (submitting an expired
    one first): an attempt begun in German is resumed, not doubled, on the English page."""
    attempt = (
        Attempt.objects.select_related("quiz")
        .filter(user=user, quiz__translation_key=quiz.translation_key, submitted_at__isnull=True)
        .first()
    )
    if attempt is not None and attempt.deadline and timezone.now() >= attempt.deadline:
        submit_attempt(attempt)
        return None
    return attempt


CONTEXT_SALT = "quizzes.attempt-context"


def sign_context(quiz: Quiz, context_key: str) -> str:
    """A tamper-proof token for the context the embedding page gives this quiz (its lesson or
    course); the learner's browser carries it back when starting the quiz."""
    if not context_key:
        return ""
    return signing.Signer(salt=CONTEXT_SALT).sign(f"{quiz.pk}|{context_key}")


def context_from_token(quiz: Quiz, token: str) -> str:
    """The context a page signed for this quiz; a forged or foreign token is refused."""
    if not token:
        return ""
    try:
        quiz_id, _sep, context_key = signing.Signer(salt=CONTEXT_SALT).unsign(token).partition("|")
    except signing.BadSignature:
        quiz_id, context_key = "", ""
    if quiz_id != str(quiz.pk) or not context_key:
        raise QuizRuleError(_("Please start this quiz from the page that contains it."))
    return context_key


def start_attempt(
    user, quiz: Quiz, context_key: str = "", rng: random.Random | None = None
) -> Attempt:
    """Resume the open attempt or start a new one with questions drawn and order frozen.

    `context_key` must come from the server (the embedding page, or `context_from_token`)."""
    try:
        return _start_attempt(user, quiz, context_key, rng)
    except OperationalError as error:  # SQLite: another start holds the database lock
        raise QuizRuleError(
            _("The quiz is being started in another window. Please try again in a moment.")
        ) from error


def _start_attempt(user, quiz: Quiz, context_key: str, rng: random.Random | None) -> Attempt:
    with transaction.atomic():
        # Serialise this learner's starts on a row that exists before the first attempt (their
        # user row): locking their attempts locks nothing while there are none, and parallel
        # starts would all count 0 used.
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        existing = open_attempt(user, quiz)
        if existing is not None:
            return existing
        if attempts_left(user, quiz) == 0:
            raise QuizRuleError(_("You have used all attempts for this quiz."))
        rng = rng or random.Random()  # noqa: S311 (question order, not a secret)
        questions = list(quiz.questions.all())
        if not questions:
            raise QuizRuleError(_("This quiz has no questions yet."))
        if quiz.draw_count and quiz.draw_count < len(questions):
            questions = rng.sample(questions, quiz.draw_count)
            questions.sort(key=lambda q: q.sort_order)
        if quiz.shuffle_questions:
            rng.shuffle(questions)
        option_order = {}
        for question in questions:
            ids = [option["id"] for option in question.option_items()]
            if quiz.shuffle_options or question.kind == QuestionKind.ORDERING:
                rng.shuffle(ids)
            option_order[str(question.pk)] = ids
        now = timezone.now()
        return Attempt.objects.create(
            answer_key=answer_key_of(quiz, questions),
            user=user,
            quiz=quiz,
            context_key=context_key[:64],
            deadline=now + timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None,
            question_ids=[q.pk for q in questions],
            option_order=option_order,
        )


def answer_key_of(quiz: Quiz, questions: list[Question]) -> dict:
    """The pass mark and each question's kind, partial-credit rule and options, frozen."""
    return {
        "pass_mark": quiz.pass_mark,
        "questions": {str(q.pk): q.answer_key() for q in questions},
    }


def attempt_answer_key(attempt: Attempt) -> dict:
    """The attempt's frozen answer key (attempts from before keys were kept: the quiz now)."""
    if attempt.answer_key:
        return attempt.answer_key
    return answer_key_of(attempt.quiz, attempt_questions(attempt))


def attempt_options(attempt: Attempt, question: Question) -> list[dict]:
    """A question's options as the attempt saw them (text, correctness, feedback)."""
    key = attempt.answer_key.get("questions", {}).get(str(question.pk))
    return key["options"] if key else question.option_items()


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in their frozen order."""
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def clean_answers(attempt: Attempt, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Keep only answers to the attempt's questions that name its options; raises on junk."""
    cleaned = {}
    for question_id, option_ids in raw.items():
        allowed = attempt.option_order.get(str(question_id))
        if allowed is None:
            raise QuizRuleError(_("That question is not part of this attempt."))
        if any(option_id not in allowed for option_id in option_ids):
            raise QuizRuleError(_("That answer is not an option of this question."))
        if len(set(option_ids)) != len(option_ids):
            raise QuizRuleError(_("Each option can be chosen only once."))
        cleaned[str(question_id)] = list(option_ids)
    return cleaned


def save_answers(
    attempt: Attempt, raw: dict[str, list[str]], now: datetime | None = None
) -> Attempt:
    """Store answers on an open attempt; refused after submission or after the time limit."""
    now = now or timezone.now()
    cleaned = clean_answers(attempt, raw)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise QuizRuleError(_("This attempt has already been submitted."))
        if locked.deadline and now > locked.deadline:
            raise QuizRuleError(_("The time limit has passed; your answers can no longer change."))
        locked.answers = {**locked.answers, **cleaned}
        locked.save(update_fields=["answers"])
    return locked


def is_past_deadline(attempt: Attempt, now: datetime | None = None) -> bool:
    """True when the attempt has a time limit that has run out."""
    return bool(attempt.deadline and (now or timezone.now()) > attempt.deadline)


def score_answer(key: dict, chosen: list[str]) -> float:
    """A question's score from 0 to 1 for the chosen option ids, against its answer key
    (`Question.answer_key()`; see module docstring)."""
    options = key["options"]
    correct = {o["id"] for o in options if o["correct"]}
    picked = set(chosen)
    if key["kind"] == QuestionKind.ORDERING:
        right_order = [o["id"] for o in options]
        if not chosen:
            return 0.0
        in_place = sum(1 for a, b in zip(chosen, right_order, strict=False) if a == b)
        if key["partial_credit"]:
            return in_place / len(right_order)
        return 1.0 if chosen == right_order else 0.0
    if key["kind"] == QuestionKind.MULTIPLE:
        if key["partial_credit"] and correct:
            return max(0.0, (len(picked & correct) - len(picked - correct)) / len(correct))
        return 1.0 if picked == correct else 0.0
    return 1.0 if picked == correct and len(picked) == 1 else 0.0


def score_question(question: Question, chosen: list[str]) -> float:
    """A question's score as it stands now (an attempt is scored by its frozen key instead)."""
    return score_answer(question.answer_key(), chosen)


def score_attempt(attempt: Attempt) -> tuple[Decimal, dict]:
    """The attempt's percentage and per-question scores, from its saved answers and the answer
    key it started with only."""
    keys = attempt_answer_key(attempt)["questions"]
    scores = {
        qid: score_answer(keys[qid], attempt.answers.get(qid, []))
        for qid in (str(pk) for pk in attempt.question_ids)
        if qid in keys
    }
    if not scores:
        return Decimal("0.00"), scores
    percent = Decimal(sum(scores.values()) * 100 / len(scores)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return percent, scores


def submit_attempt(
    attempt: Attempt, now: datetime | None = None, answers: dict[str, list[str]] | None = None
) -> Attempt:
    """Score and close an attempt exactly once; a repeated or racing submit changes nothing.

    `answers` (already cleaned by `clean_answers`) are the ones sent with the submit: they are
    stored in the same single UPDATE. A late submit counts as submitted at the time limit (answers
    after it were refused)."""
    now = now or timezone.now()
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    with transaction.atomic():
        fresh = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if Attempt.user.is_cached(attempt):  # those who listen to the submit need the user
            fresh.user = attempt.user
        if fresh.submitted_at is not None:  # submitted meanwhile: it counts once
            return fresh
        if answers:
            fresh.answers = {**fresh.answers, **answers}
        percent, scores = score_attempt(fresh)
        fresh.submitted_at = submitted_at
        fresh.score_percent = percent
        fresh.passed = percent >= attempt_answer_key(fresh).get("pass_mark", fresh.quiz.pass_mark)
        fresh.question_scores = scores
        # One UPDATE, conditional so that a racing submit (SQLite cannot lock rows) counts once.
        updated = Attempt.objects.filter(pk=fresh.pk, submitted_at__isnull=True).update(
            answers=fresh.answers,
            submitted_at=fresh.submitted_at,
            score_percent=percent,
            passed=fresh.passed,
            question_scores=scores,
        )
    if updated != 1:
        return Attempt.objects.select_related("quiz").get(pk=fresh.pk)
    attempt_submitted.send(sender=Attempt, attempt=fresh)
    return fresh


def best_attempt(user, quiz: Quiz) -> Attempt | None:
    """The user's highest-scoring submitted attempt, in any language version of the quiz."""
    return (
        Attempt.objects.filter(
            user=user, quiz__translation_key=quiz.translation_key, submitted_at__isnull=False
        )
        .order_by("-score_percent", "submitted_at")
        .first()
    )


@dataclass
class AnswerReview:
    """One question of a submitted attempt as the result page explains it."""

    question: Question
    number: int
    score: float
    chosen: list[dict]  # the learner's options, in the learner's order (ordering questions)
    correct: list[dict]  # the right options, in the right order
    order_wrong: bool  # an ordering question whose order differs from the right one

    @property
    def is_ordering(self) -> bool:
        return self.question.kind == QuestionKind.ORDERING

    @property
    def correct_text(self) -> str:
        """The right options as one readable line (no separator after the last one)."""
        return "; ".join(option["text"] for option in self.correct)


def review_answers(attempt: Attempt) -> list[AnswerReview]:
    """Each question with what the learner chose (their own order) and what was right."""
    reviews = []
    for number, question in enumerate(attempt_questions(attempt), start=1):
        options = attempt_options(attempt, question)
        by_id = {option["id"]: option for option in options}
        chosen_ids = [i for i in attempt.answers.get(str(question.pk), []) if i in by_id]
        if question.kind == QuestionKind.ORDERING:
            chosen = [by_id[i] for i in chosen_ids]
            correct = list(options)
            order_wrong = chosen_ids != [option["id"] for option in options]
        else:
            chosen = [option for option in options if option["id"] in chosen_ids]
            correct = [option for option in options if option["correct"]]
            order_wrong = False
        reviews.append(
            AnswerReview(
                question=question,
                number=number,
                score=attempt.question_scores.get(str(question.pk), 0),
                chosen=chosen,
                correct=correct,
                order_wrong=order_wrong,
            )
        )
    return reviews


@dataclass
class NextStep:
    """A way on from a quiz result: a link, or a form that starts a new attempt."""

    label: str
    url: str
    primary: bool = False
    retry: bool = False  # a POST to start the quiz again (with `context`)
    context: str = ""


NextStepProvider = Callable[[Attempt], list[NextStep]]
_next_step_providers: list[NextStepProvider] = []


def register_next_step_provider(provider: NextStepProvider) -> None:
    """Let a higher app (curriculum) offer what comes after a quiz: next lesson, certificate."""
    if provider not in _next_step_providers:
        _next_step_providers.append(provider)


def next_steps(attempt: Attempt, back_url: str = "") -> list[NextStep]:
    """What the learner can do after this result; exactly one step is the primary one.

    Passed: what the embedding page offers (certificate, next lesson), then back to the page.
    Not passed: try again while attempts are left (primary), and re-read the page."""
    from django.urls import reverse

    steps: list[NextStep] = []
    if attempt.passed:
        for provider in _next_step_providers:
            steps.extend(provider(attempt))
    elif attempts_left(attempt.user, attempt.quiz) != 0:
        steps.append(
            NextStep(
                label=_("Try again"),
                url=reverse("quizzes:start", args=[attempt.quiz_id]),
                retry=True,
                context=sign_context(attempt.quiz, attempt.context_key),
            )
        )
    if back_url:
        label = _("Back to the lesson") if attempt.passed else _("Read the lesson again")
        steps.append(NextStep(label=label, url=back_url))
    if steps and not any(step.primary for step in steps):
        steps[0].primary = True
    return steps


def has_passed(user, quiz: Quiz) -> bool:
    """Whether the user passed this quiz in any language."""
    return Attempt.objects.filter(
        user=user, quiz__translation_key=quiz.translation_key, passed=True
    ).exists()


def attempt_history(user, quiz: Quiz, limit: int = 50) -> list[Attempt]:
    """The user's attempts at a quiz in every language, newest first."""
    return list(
        Attempt.objects.select_related("quiz__locale")
        .filter(user=user, quiz__translation_key=quiz.translation_key)
        .order_by("-started_at")[:limit]
    )


def may_show_answers(attempt: Attempt) -> bool:
    """Whether correct answers may be shown for this submitted attempt."""
    if attempt.submitted_at is None:
        return False
    rule = attempt.quiz.show_answers
    if rule == ShowAnswers.AFTER_ATTEMPT:
        return True
    if rule == ShowAnswers.AFTER_PASS:
        return has_passed(attempt.user, attempt.quiz)
    return False


@dataclass
class QuestionStatistics:
    """How one question performed."""

    question: Question
    answered: int
    percent_correct: float
    discrimination: float | None


@dataclass
class QuizStatistics:
    """How a quiz performed overall."""

    attempts: int
    learners: int
    pass_rate: float
    average_score: float
    questions: list[QuestionStatistics]


def quiz_statistics(quiz: Quiz) -> QuizStatistics:
    """Attempts, pass rate, average score, per-question difficulty and discrimination.

    Difficulty is the mean question score in percent. Discrimination compares the upper and lower
    27 % of attempts by total score: mean score of the upper group minus that of the lower group
    (−1…1; near 0 or negative marks a question worth revising). Two queries in all."""
    rows = list(
        Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).values(
            "user_id", "score_percent", "passed", "question_scores"
        )
    )
    questions = list(quiz.questions.all())
    count = len(rows)
    if not count:
        return QuizStatistics(
            0, 0, 0.0, 0.0, [QuestionStatistics(q, 0, 0.0, None) for q in questions]
        )
    ranked = sorted(rows, key=lambda r: float(r["score_percent"]))
    group = max(1, round(count * 0.27))
    lower, upper = ranked[:group], ranked[-group:]
    stats = []
    for question in questions:
        key = str(question.pk)
        scores = [r["question_scores"][key] for r in rows if key in r["question_scores"]]
        upper_scores = [r["question_scores"][key] for r in upper if key in r["question_scores"]]
        lower_scores = [r["question_scores"][key] for r in lower if key in r["question_scores"]]
        discrimination = None
        if count >= 2 and upper_scores and lower_scores:
            discrimination = round(_mean(upper_scores) - _mean(lower_scores), 2)
        stats.append(
            QuestionStatistics(
                question=question,
                answered=len(scores),
                percent_correct=round(100 * _mean(scores), 1) if scores else 0.0,
                discrimination=discrimination,
            )
        )
    return QuizStatistics(
        attempts=count,
        learners=len({r["user_id"] for r in rows}),
        pass_rate=round(100 * sum(1 for r in rows if r["passed"]) / count, 1),
        average_score=round(sum(float(r["score_percent"]) for r in rows) / count, 1),
        questions=stats,
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
