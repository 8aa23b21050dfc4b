"""Taking quizzes: start, answer, submit, results, history; statistics for editors and HR."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import privacy
from accounts.permissions import can_view_quiz_statistics, owns, role_required
from core.redirects import safe_next, with_query

from . import services
from .models import Attempt, Quiz


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id)
    if not owns(request.user, attempt):
        raise Http404
    attempt.user = request.user  # the same person: no need to read them again
    return attempt


def _posted_answers(request: HttpRequest) -> dict[str, list[str]]:
    """Answers from the form: `q<id>` (single/multiple) or `q<id>_pos_<option>` (ordering)."""
    answers: dict[str, list[str]] = {}
    positions: dict[str, list[tuple[int, str]]] = {}
    for name in request.POST:
        if not name.startswith("q"):
            continue
        if "_pos_" in name:
            question_id, option_id = name[1:].split("_pos_", 1)
            raw = request.POST.get(name, "")
            if not raw:
                continue
            if not raw.isdigit():
                raise services.QuizRuleError(_("Positions must be numbers."))
            positions.setdefault(question_id, []).append((int(raw), option_id))
        elif name[1:].isdigit():
            answers[name[1:]] = request.POST.getlist(name)
    for question_id, placed in positions.items():
        numbers = [n for n, _ in placed]
        if len(set(numbers)) != len(numbers):
            raise services.QuizRuleError(_("Give every step a different position."))
        answers[question_id] = [option for _, option in sorted(placed)]
    return answers


@require_POST
@login_required
def start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Start (or resume) an attempt and open it."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    try:
        context_key = services.context_from_token(quiz, request.POST.get("context", ""))
        attempt = services.start_attempt(request.user, quiz, context_key=context_key)
    except services.QuizRuleError as error:
        messages.error(request, str(error))
        return redirect(safe_next(request))
    return redirect(
        with_query(reverse("quizzes:attempt", args=[attempt.pk]), next=safe_next(request, ""))
    )


@require_GET
@login_required
def attempt_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The questions of an open attempt (never the correct answers)."""
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect(reverse("quizzes:result", args=[attempt.pk]))
    if services.open_attempt(request.user, attempt.quiz) is None:  # expired meanwhile
        messages.warning(request, _("The time limit has passed; your attempt was submitted."))
        return redirect(reverse("quizzes:result", args=[attempt.pk]))
    return render(
        request,
        "quizzes/attempt.html",
        {"attempt": attempt, "items": _question_items(attempt), "next": safe_next(request, "")},
    )


def _question_items(attempt: Attempt) -> list[dict]:
    """Questions with options in the attempt's frozen order, stripped of correctness."""
    items = []
    for number, question in enumerate(services.attempt_questions(attempt), start=1):
        options = {o["id"]: o for o in services.attempt_options(attempt, question)}
        order = attempt.option_order.get(str(question.pk), [])
        chosen = attempt.answers.get(str(question.pk), [])
        items.append(
            {
                "number": number,
                "question": question,
                "options": [
                    {
                        "id": oid,
                        "text": options[oid]["text"],
                        "position": chosen.index(oid) + 1 if oid in chosen else None,
                    }
                    for oid in order
                    if oid in options
                ],
                "chosen": chosen,
            }
        )
    return items


@require_POST
@login_required
def save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Save the answers given so far without submitting."""
    attempt = _own_attempt(request, attempt_id)
    try:
        services.save_answers(attempt, _posted_answers(request))
    except services.QuizRuleError as error:
        return _rule_error(request, attempt, error)
    if request.headers.get("HX-Request"):  # saved in place, the page stays where it is
        return HttpResponse(_("Saved ✓"))
    messages.success(request, _("Your answers are saved."))
    return redirect(
        with_query(reverse("quizzes:attempt", args=[attempt.pk]), next=safe_next(request, ""))
    )


@require_POST
@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Save the posted answers and score the attempt once."""
    attempt = _own_attempt(request, attempt_id)
    result_url = with_query(
        reverse("quizzes:result", args=[attempt.pk]), next=safe_next(request, "")
    )
    if not attempt.is_open:
        messages.info(request, _("This attempt was already submitted; it counts once."))
        return redirect(result_url)
    past_deadline = services.is_past_deadline(attempt)
    try:
        answers = services.clean_answers(attempt, _posted_answers(request))
    except services.QuizRuleError as error:
        if not past_deadline:
            return _rule_error(request, attempt, error)
        answers = None
    # Answers after the time limit no longer count; the attempt is scored on those saved before.
    services.submit_attempt(attempt, answers=None if past_deadline else answers)
    return redirect(result_url)


def _rule_error(request: HttpRequest, attempt: Attempt, error: Exception) -> HttpResponse:
    return render(
        request,
        "quizzes/rule_error.html",
        {"attempt": attempt, "message": str(error), "next": safe_next(request, "")},
        status=400,
    )


@require_GET
@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Score, pass/fail, feedback as configured, attempts left."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        return redirect(reverse("quizzes:attempt", args=[attempt.pk]))
    back = safe_next(request, "")
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "reviews": services.review_answers(attempt),
            "show_answers": services.may_show_answers(attempt),
            "attempts_left": services.attempts_left(request.user, attempt.quiz),
            "steps": services.next_steps(attempt, back_url=back),
            "next": back,
        },
    )


@require_GET
@login_required
def history(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The learner's own attempts at a quiz."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    attempts = services.attempt_history(request.user, quiz)
    languages = dict(settings.LANGUAGES)
    for attempt in attempts:
        attempt.language_name = languages.get(attempt.quiz.locale.language_code, "")
    back = safe_next(request, "")
    return render(
        request,
        "quizzes/history.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "best": services.best_attempt(request.user, quiz),
            "passed": services.has_passed(request.user, quiz),
            "back_url": back or reverse("wagtail_serve", args=[""]),
            "back_label": _("Back to the lesson") if back else _("Back to my learning"),
        },
    )


@require_GET
@role_required(can_view_quiz_statistics)
def statistics(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Per-quiz statistics so editors can fix weak questions."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    stats = services.quiz_statistics(quiz)
    return render(
        request,
        "quizzes/statistics.html",
        {
            "quiz": quiz,
            "stats": stats,
            # figures of fewer learners than the privacy minimum are not shown
            "suppressed": privacy.is_small(stats.learners),
            "minimum": privacy.min_group_size(),
        },
    )
