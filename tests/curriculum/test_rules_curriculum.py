"""Progress rules a learner would notice if they broke (each test named as that behaviour).

Service functions with a small course tree; they pin the rules that mutation testing
(docs/mutation.md) showed the rest of the suite did not."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from django.utils import translation

from wagtail.models import Locale

from curriculum import services
from curriculum.events import lesson_opened
from curriculum.factories import CoursePageFactory, LessonPageFactory, build_course_tree
from curriculum.models import (
    Certificate,
    CourseEnrolment,
    LessonCompletion,
    LessonPage,
    RenewalMode,
)
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def _pass(user, quiz, passed: bool = True, context_key: str = ""):
    """Submit an attempt on `quiz`: all right (passed) or nothing answered (failed)."""
    attempt = quiz_services.start_attempt(user, quiz, context_key=context_key)
    if passed:
        answers = {
            str(q.pk): [o["id"] for o in q.option_items() if o["correct"]]
            for q in quiz_services.attempt_questions(attempt)
        }
        quiz_services.save_answers(attempt, answers)
    return quiz_services.submit_attempt(attempt)


@pytest.fixture
def exam(db):
    quiz = QuizFactory(title="Abschlusstest", pass_mark=50)
    QuestionFactory(quiz=quiz)
    return quiz


def _english(page):
    english = Locale.objects.get(language_code="en")
    translated = page.copy_for_translation(english, copy_parents=True)
    translated.title = f"{page.title} (EN)"
    translated.save_revision().publish()
    return translated


# --- prerequisites and order -------------------------------------------------------------------


def test_a_prerequisite_counts_only_once_completed_not_when_merely_started(learner, tree):
    advanced = CoursePageFactory(parent=tree.path, slug="aufbau", title="Aufbau")
    lesson = LessonPageFactory(parent=advanced, slug="aufbau-1")
    advanced.prerequisites.add(tree.course)
    advanced.save_revision().publish()
    services.enrol(learner, tree.course)
    services.complete_lesson(learner, tree.lessons[0])  # started, not finished
    assert services.missing_prerequisites(learner, advanced) == [tree.course]
    lock = services.lesson_lock(learner, lesson)
    assert lock is not None and lock.todo == [tree.course]
    for done in tree.lessons[1:]:
        services.complete_lesson(learner, done)
    assert services.missing_prerequisites(learner, advanced) == []
    assert services.lesson_lock(learner, lesson) is None


def test_someone_elses_completed_prerequisite_does_not_open_my_course(learner, other_learner, tree):
    advanced = CoursePageFactory(parent=tree.path, slug="aufbau", title="Aufbau")
    advanced.prerequisites.add(tree.course)
    advanced.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(other_learner, lesson)
    assert services.missing_prerequisites(learner, advanced) == [tree.course]
    assert services.missing_prerequisites(other_learner, advanced) == []


def test_in_order_course_opens_each_lesson_after_the_previous_one(learner, tree):
    tree.course.lessons_in_order = True
    tree.course.save_revision().publish()
    first, second, third = tree.lessons
    assert services.lesson_lock(learner, first) is None
    lock = services.lesson_lock(learner, third)
    assert lock.todo == [first]  # the first unfinished lesson before it
    services.complete_lesson(learner, first)
    assert services.lesson_lock(learner, second) is None
    assert services.lesson_lock(learner, third).todo == [second]
    services.complete_lesson(learner, second)
    assert services.lesson_lock(learner, third) is None


def test_lessons_of_a_free_order_course_are_all_open(learner, tree):
    assert [services.lesson_lock(learner, lesson) for lesson in tree.lessons] == [None] * 3
    services.complete_lesson(learner, tree.lessons[2])
    assert services.completed_lesson_ids(learner, tree.course) == {tree.lessons[2].pk}


# --- completing --------------------------------------------------------------------------------


def test_completing_every_lesson_completes_the_course_and_issues_the_certificate(learner, tree):
    for lesson in tree.lessons[:2]:
        services.complete_lesson(learner, lesson)
    assert not Certificate.objects.exists()
    assert CourseEnrolment.objects.get(user=learner).completed_at is None
    completion = services.complete_lesson(learner, tree.lessons[2])
    assert completion.course_id == tree.course.pk
    assert CourseEnrolment.objects.get(user=learner).completed_at is not None
    certificate = Certificate.objects.get(user=learner, course=tree.course)
    assert certificate.course_title == tree.course.title
    assert len(certificate.code) == 16 and certificate.code == certificate.code.upper()


def test_completing_a_lesson_twice_keeps_one_record(learner, tree):
    first = services.complete_lesson(learner, tree.lessons[0])
    assert services.complete_lesson(learner, tree.lessons[0]) == first
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_a_course_without_lessons_is_not_completed_at_once(learner, tree):
    empty = CoursePageFactory(parent=tree.path, slug="leer", title="Leer")
    assert services.check_course_completion(learner, empty) is False
    assert CourseEnrolment.objects.get(user=learner, course=empty).completed_at is None
    assert not Certificate.objects.exists()
    progress = services.course_progress(learner, empty)
    assert progress.percent == 0 and progress.lessons_done is False


def test_a_failed_final_exam_does_not_complete_the_course(learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    assert services.final_exam_passed(learner, tree.course) is False
    _pass(learner, exam, passed=False, context_key=f"course:{tree.course.pk}")
    assert services.final_exam_passed(learner, tree.course) is False
    assert services.check_course_completion(learner, tree.course) is False
    assert not Certificate.objects.exists()
    _pass(learner, exam, context_key=f"course:{tree.course.pk}")
    assert services.final_exam_passed(learner, tree.course) is True
    assert CourseEnrolment.objects.get(user=learner).completed_at is not None
    assert Certificate.objects.filter(user=learner).exists()


def test_someone_elses_passed_exam_does_not_count_for_me(learner, other_learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    _pass(other_learner, exam)
    assert services.final_exam_passed(learner, tree.course) is False
    assert services.final_exam_passed(other_learner, tree.course) is True


def test_the_final_exam_passed_in_english_counts(learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    english_exam = exam.copy_for_translation(Locale.objects.get(language_code="en"))
    english_exam.save()
    QuestionFactory(quiz=english_exam)
    assert services.is_final_exam_of(tree.course, english_exam) is True
    assert services.is_final_exam_of(tree.course, QuizFactory()) is False
    assert services.is_final_exam_of(tree.lessons[0].get_parent().specific, exam) is True
    _pass(learner, english_exam)
    assert services.final_exam_passed(learner, tree.course) is True


def test_a_course_without_final_exam_has_none_to_pass(learner, tree, exam):
    assert services.final_exam_passed(learner, tree.course) is True
    assert services.is_final_exam_of(tree.course, exam) is False


def test_a_completed_course_stays_completed(learner, tree):
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    completed_at = CourseEnrolment.objects.get(user=learner).completed_at
    LessonPageFactory(parent=tree.course, slug="neu", title="Neu")  # a lesson added later
    assert services.check_course_completion(learner, tree.course) is True
    assert CourseEnrolment.objects.get(user=learner).completed_at == completed_at
    assert services.course_progress(learner, tree.course).percent == 100


# --- certificates -------------------------------------------------------------------------------


def test_the_certificate_shows_the_learners_name(learner, tree):
    certificate = services.issue_certificate(learner, tree.course)
    assert certificate.learner_name == learner.get_full_name()
    assert learner.email not in certificate.learner_name
    assert services.issue_certificate(learner, tree.course) == certificate  # issued once
    assert Certificate.objects.count() == 1


def test_a_certificate_without_a_name_shows_the_email(tree, django_user_model):
    nameless = django_user_model.objects.create_user(
        email="ohne-name@cx-academy.example", password="x-42-secret"
    )
    assert services.issue_certificate(nameless, tree.course).learner_name == nameless.email


def test_two_certificates_never_share_a_code(learner, other_learner, tree):
    mine = services.issue_certificate(learner, tree.course)
    theirs = services.issue_certificate(other_learner, tree.course)
    assert mine.code != theirs.code
    assert mine.issued_at is not None


def test_the_certificate_name_has_single_spaces_and_fits_the_certificate(tree, django_user_model):
    spaced = django_user_model.objects.create_user(
        email="abstand@cx-academy.example", password="x-42-secret", first_name=" Anna  Maria "
    )
    spaced.last_name = "Schmidt "
    assert services.name_on_record(spaced) == "Anna Maria Schmidt"
    limit = Certificate._meta.get_field("learner_name").max_length
    spaced.first_name, spaced.last_name = "A" * limit, "Langname"
    assert services.name_on_record(spaced) == "A" * limit


def test_a_certificate_is_valid_through_its_expiry_day_and_expired_the_day_after(learner, tree):
    import datetime

    certificate = services.issue_certificate(learner, tree.course)
    certificate.expires_on = datetime.date(2026, 7, 10)
    assert services.certificate_state(certificate, datetime.date(2026, 7, 10)) == "valid"
    assert services.certificate_state(certificate, datetime.date(2026, 7, 11)) == "expired"
    certificate.is_current = False
    assert services.certificate_state(certificate, datetime.date(2026, 7, 1)) == "renewed"


# --- progress and "continue" -------------------------------------------------------------------


def test_progress_percentages_are_rounded_not_floored(learner, home_page):
    tree = build_course_tree(home_page, lessons=3)
    services.complete_lesson(learner, tree.lessons[0])
    services.complete_lesson(learner, tree.lessons[1])
    progress = services.course_progress(learner, tree.course)
    assert (progress.done, progress.total, progress.percent) == (2, 3, 67)  # not 66
    bulk = services.progress_for_users([learner], [tree.course])[(learner.pk, tree.course.pk)]
    assert (bulk["done"], bulk["total"], bulk["percent"]) == (2, 3, 67)
    mine = services.my_learning(learner)["in_progress"][0]["progress"]
    assert (mine.done, mine.total, mine.percent) == (2, 3, 67)


def test_one_lesson_of_three_is_33_percent(learner, tree):
    services.complete_lesson(learner, tree.lessons[0])
    assert services.course_progress(learner, tree.course).percent == 33
    assert (
        services.progress_for_users([learner.pk], [tree.course])[(learner.pk, tree.course.pk)][
            "percent"
        ]
        == 33
    )


def test_continue_points_at_the_lesson_last_opened_while_it_is_open(learner, tree):
    first, second, third = tree.lessons
    assert services.course_progress(learner, tree.course).next_lesson == first
    services.open_lesson(learner, second)
    assert services.course_progress(learner, tree.course).next_lesson == second
    assert services.my_learning(learner)["next_lesson"] == second


def test_continue_moves_on_once_the_last_opened_lesson_is_done(learner, tree):
    first, second, third = tree.lessons
    services.complete_lesson(learner, first)
    services.open_lesson(learner, second)
    services.complete_lesson(learner, second)
    progress = services.course_progress(learner, tree.course)
    assert progress.next_lesson == third  # not the lesson just done
    assert services.my_learning(learner)["next_lesson"] == third
    services.open_lesson(learner, third)
    services.complete_lesson(learner, third)
    assert services.course_progress(learner, tree.course).next_lesson is None


def test_continue_offers_the_first_open_lesson_when_the_last_opened_is_done(learner, tree):
    first, second, third = tree.lessons
    services.open_lesson(learner, third)
    services.complete_lesson(learner, third)
    assert services.course_progress(learner, tree.course).next_lesson == first
    assert services.my_learning(learner)["next_lesson"] == first
    services.complete_lesson(learner, first)
    assert services.course_progress(learner, tree.course).next_lesson == second
    assert services.my_learning(learner)["next_lesson"] == second


def test_opening_a_lesson_enrols_and_remembers_it(learner, tree):
    enrolment = services.open_lesson(learner, tree.lessons[1])
    assert enrolment.course_id == tree.course.pk
    stored = CourseEnrolment.objects.get(user=learner, course=tree.course)
    assert stored.last_lesson_id == tree.lessons[1].pk
    services.open_lesson(learner, tree.lessons[0])
    stored.refresh_from_db()
    assert stored.last_lesson_id == tree.lessons[0].pk


def test_progress_of_a_course_never_started(learner, tree):
    progress = services.course_progress(learner, tree.course)
    assert progress.started is False and progress.done == 0 and progress.total == 3
    assert progress.next_lesson == tree.lessons[0]
    assert progress.completed_at is None and progress.percent == 0
    assert services.my_learning(learner) == {
        "in_progress": [],
        "completed": [],
        "next_lesson": None,
    }


def test_my_learning_splits_courses_in_progress_and_completed(learner, tree):
    short = CoursePageFactory(parent=tree.path, slug="kurz", title="Kurz")
    only = LessonPageFactory(parent=short, slug="kurz-1")
    services.open_lesson(learner, tree.lessons[1])
    services.complete_lesson(learner, only)
    mine = services.my_learning(learner)
    assert [item["course"] for item in mine["in_progress"]] == [tree.course]
    assert [item["course"] for item in mine["completed"]] == [short]
    assert mine["completed"][0]["certificate"] == Certificate.objects.get(course=short)
    assert mine["completed"][0]["progress"].percent == 100
    assert mine["next_lesson"] == tree.lessons[1]


def test_my_learning_continues_the_most_recently_started_course(learner, tree):
    later = CoursePageFactory(parent=tree.path, slug="spaeter", title="Später")
    later_lessons = [LessonPageFactory(parent=later, slug=f"s-{n}") for n in range(2)]
    services.open_lesson(learner, tree.lessons[0])
    services.open_lesson(learner, later_lessons[1])
    CourseEnrolment.objects.filter(course=tree.course).update(
        started_at=CourseEnrolment.objects.get(course=later).started_at.replace(year=2020)
    )
    assert services.my_learning(learner)["next_lesson"] == later_lessons[1]


def test_progress_for_users_lists_only_started_courses(learner, other_learner, tree):
    other = CoursePageFactory(parent=tree.path, slug="anderer", title="Anderer")
    LessonPageFactory(parent=other, slug="anderer-1")
    LessonPageFactory(parent=other, slug="anderer-2")
    services.complete_lesson(learner, tree.lessons[0])
    services.enrol(other_learner, other)
    result = services.progress_for_users([learner, other_learner], [tree.course, other])
    assert set(result) == {(learner.pk, tree.course.pk), (other_learner.pk, other.pk)}
    assert result[(other_learner.pk, other.pk)]["total"] == 2
    assert result[(other_learner.pk, other.pk)]["done"] == 0
    assert result[(learner.pk, tree.course.pk)]["total"] == 3
    assert result[(learner.pk, tree.course.pk)]["started_at"] is not None
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    result = services.progress_for_users([learner], [tree.course])
    assert result[(learner.pk, tree.course.pk)]["percent"] == 100
    assert result[(learner.pk, tree.course.pk)]["completed_at"] is not None


# --- languages ----------------------------------------------------------------------------------


def test_pages_are_shown_in_the_active_language_when_translated(learner, tree):
    english_course = _english(tree.course)
    with translation.override("en"):
        shown = services.localized_pages([tree.course, tree.lessons[0], None])
    assert shown[tree.course.pk].pk == english_course.pk
    assert shown[tree.lessons[0].pk].pk == tree.lessons[0].pk  # untranslated: the original
    with translation.override("de"):
        assert services.localized_pages([english_course])[english_course.pk].pk == tree.course.pk
    with translation.override("en"):
        services.open_lesson(learner, tree.lessons[0])
        assert services.my_learning(learner)["in_progress"][0]["course"].pk == english_course.pk


def test_progress_in_english_counts_for_the_german_course(learner, tree):
    english_lesson = _english(tree.lessons[0])
    services.open_lesson(learner, english_lesson)
    services.complete_lesson(learner, english_lesson)
    progress = services.course_progress(learner, tree.course)
    assert progress.done == 1 and progress.next_lesson == tree.lessons[1]
    assert CourseEnrolment.objects.get(user=learner).last_lesson_id == tree.lessons[0].pk


def test_a_lesson_embeds_a_quiz_in_any_language(tree, exam):
    lesson = tree.lessons[0]
    assert services.lesson_embeds_quiz(lesson, exam) is False
    english = _english(lesson)
    english.body = [("quiz", {"quiz": exam})]
    english.save_revision().publish()
    assert services.lesson_embeds_quiz(lesson, exam) is True
    assert services.lesson_embeds_quiz(lesson, QuizFactory()) is False


def test_search_terms_keep_only_lower_case_words():
    assert services.search_terms('"Kunden* AND (Erlebnis) -NOT') == "kunden and erlebnis not"
    assert len(services.search_terms("wort " * 100)) == 200


def test_course_and_path_list_only_live_children_in_order(tree):
    draft = LessonPageFactory(parent=tree.course, slug="entwurf", title="Entwurf", live=False)
    assert services.course_lessons(tree.course) == tree.lessons
    assert draft not in services.course_lessons(tree.course)
    second = CoursePageFactory(parent=tree.path, slug="zweiter", title="Zweiter")
    assert services.path_courses(tree.path) == [tree.course, second]


def test_the_course_page_ticks_exactly_the_lessons_done(learner, tree):
    services.complete_lesson(learner, tree.lessons[1])
    progress = services.course_progress(learner, tree.course)
    assert progress.course == tree.course
    assert progress.done_ids == {tree.lessons[1].pk}
    mine = services.my_learning(learner)["in_progress"][0]["progress"]
    assert mine.course == tree.course and mine.done_ids == {tree.lessons[1].pk}


def test_each_completed_course_gets_its_own_certificate(learner, tree):
    short = CoursePageFactory(parent=tree.path, slug="kurz", title="Kurz")
    first = services.issue_certificate(learner, tree.course)
    second = services.issue_certificate(learner, short)
    assert first != second
    assert (second.course, second.course_title) == (short, "Kurz")


def test_home_shows_nothing_to_continue_while_only_the_final_exam_is_left(learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    mine = services.my_learning(learner)
    assert [item["course"] for item in mine["in_progress"]] == [tree.course]
    assert mine["next_lesson"] is None
    assert services.course_progress(learner, tree.course).next_lesson is None


def test_passing_another_quiz_is_not_passing_the_final_exam(learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    lesson_quiz = QuizFactory(title="Lektionstest", pass_mark=50)
    QuestionFactory(quiz=lesson_quiz)
    _pass(learner, lesson_quiz)
    assert services.final_exam_passed(learner, tree.course) is False


def test_a_locked_lesson_says_in_german_what_to_do_first(learner, tree):
    advanced = CoursePageFactory(parent=tree.path, slug="aufbau", title="Aufbau")
    lesson = LessonPageFactory(parent=advanced, slug="aufbau-1")
    advanced.prerequisites.add(tree.course)
    advanced.save_revision().publish()
    assert services.lesson_lock(learner, lesson).message == (
        "Schließen Sie zuerst die vorausgesetzten Kurse ab."
    )
    tree.course.lessons_in_order = True
    tree.course.save_revision().publish()
    assert services.lesson_lock(learner, tree.lessons[1]).message == (
        "Dieser Kurs wird der Reihe nach bearbeitet. Schließen Sie zuerst die vorige Lektion ab."
    )


# --- documents ---------------------------------------------------------------------------------


def test_a_document_is_public_only_while_a_public_live_page_links_it(tree, home_page):
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model
    from wagtail.models import PageViewRestriction

    document = get_document_model().objects.create(
        title="Checkliste", file=ContentFile(b"%PDF-1.4 intern", name="checkliste.pdf")
    )
    link = f'<a linktype="document" id="{document.pk}">Checkliste</a>'
    lesson = tree.lessons[0]
    lesson.body = [("text", f"<p>{link}</p>")]
    lesson.save_revision().publish()
    assert services.document_is_public(document) is False  # a lesson needs a log-in
    tree.path.intro = f"<p>{link}</p>"
    tree.path.save_revision().publish()
    assert services.document_is_public(document) is True  # a learning path is public
    tree.path.unpublish()
    assert services.document_is_public(document) is False
    home_page.intro = f"<p>{link}</p>"
    home_page.save_revision().publish()
    assert services.document_is_public(document) is True
    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    assert services.document_is_public(document) is False


# --- after a passed quiz -----------------------------------------------------------------------


def test_after_the_final_exam_only_my_current_certificate_of_this_course_is_offered(
    learner, other_learner, tree, exam
):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    attempt = quiz_services.start_attempt(learner, exam, context_key=f"course:{tree.course.pk}")

    def steps():
        return [(s.label, s.url, s.primary) for s in services.quiz_next_steps(attempt)]

    first = tree.lessons[0]
    next_lesson = [(f"Nächste Lektion: {first.title}", first.url, True)]
    assert steps() == next_lesson
    other_course = CoursePageFactory(parent=tree.path, slug="anderer", title="Anderer")
    services.issue_certificate(learner, other_course)
    services.issue_certificate(other_learner, tree.course)
    old = services.issue_certificate(learner, tree.course)
    Certificate.objects.filter(pk=old.pk).update(is_current=False)  # renewed since
    assert steps() == next_lesson
    mine = services.issue_certificate(learner, tree.course)
    assert steps() == [("Zertifikat herunterladen", f"/certificates/{mine.code}/download/", True)]
    Certificate.objects.filter(pk=mine.pk).delete()
    services.enrol(learner, tree.course)
    for lesson in tree.lessons:
        LessonCompletion.objects.create(user=learner, lesson=lesson, course=tree.course)
    assert steps() == [("Zum Kurs", tree.course.url, True)]  # where the final exam is


def test_a_course_completed_before_a_lesson_was_added_still_shows_100_percent(
    learner, other_learner, tree
):
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    LessonPageFactory(parent=tree.course, slug="neu", title="Neu")
    empty = CoursePageFactory(parent=tree.path, slug="leer", title="Leer")
    services.enrol(learner, empty)
    services.enrol(other_learner, tree.course)
    services.enrol(learner, CoursePageFactory(parent=tree.path, slug="andere", title="Andere"))
    progress = services.progress_for_users([learner], [tree.course, empty])
    assert set(progress) == {(learner.pk, tree.course.pk), (learner.pk, empty.pk)}
    assert progress[(learner.pk, tree.course.pk)]["percent"] == 100
    assert progress[(learner.pk, empty.pk)]["percent"] == 0  # started, no lessons yet


# --- reflections -------------------------------------------------------------------------------


def test_clearing_my_reflection_keeps_other_answers(learner, other_learner, tree):
    from curriculum.models import ReflectionAnswer

    first, second = tree.lessons[0], tree.lessons[1]
    for lesson in (first, second):
        lesson.body = [
            ("reflection", {"prompt": "Was nehmen Sie mit?"}),
            ("reflection", {"prompt": "Was probieren Sie aus?"}),
        ]
        lesson.save_revision().publish()
        lesson.refresh_from_db()
    prompt, other_prompt = first.body[0].id, first.body[1].id
    services.save_reflection(learner, first, prompt, "Mitnehmen")
    services.save_reflection(learner, first, other_prompt, "Ausprobieren")
    second.body = json.dumps(list(first.body.raw_data))  # a copied lesson keeps the prompts' ids
    second.save_revision().publish()
    services.save_reflection(learner, second, prompt, "Zweite Lektion")
    services.save_reflection(other_learner, first, prompt, "Ottos Antwort")
    assert services.save_reflection(learner, first, prompt, "") is None
    assert sorted(ReflectionAnswer.objects.values_list("text", flat=True)) == [
        "Ausprobieren",
        "Ottos Antwort",
        "Zweite Lektion",
    ]
    with pytest.raises(ValueError, match="no reflection prompt 'keiner'"):
        services.save_reflection(learner, first, "keiner", "Text")


def test_marking_a_locked_lesson_done_says_in_german_what_to_do_first(learner, tree):
    tree.course.lessons_in_order = True
    tree.course.save_revision().publish()
    with pytest.raises(services.LessonLocked) as locked:
        services.complete_lesson(learner, tree.lessons[1])
    assert str(locked.value) == (
        "Dieser Kurs wird der Reihe nach bearbeitet. Schließen Sie zuerst die vorige Lektion ab."
    )


def test_a_visitor_without_an_account_has_no_renewal_window(exam):
    assert services.final_exam_attempts_since(None, exam) is None


def test_someone_elses_renewal_does_not_reset_my_exam_attempts(learner, other_learner, tree, exam):
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    theirs = services.issue_certificate(other_learner, tree.course)
    services.start_renewal(theirs)
    services.enrol(learner, tree.course)
    assert services.final_exam_attempts_since(learner, exam) is None
    assert services.final_exam_attempts_since(other_learner, exam) is not None


def test_finding_a_lesson_s_own_quiz_reads_no_translation(tree, exam, django_assert_num_queries):
    lesson = tree.lessons[0]
    lesson.body = [("quiz", {"quiz": exam})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    with django_assert_num_queries(0):
        assert services.lesson_embeds_quiz(lesson, exam) is True


# --- a course's progress is mine and this course's only ------------------------------------------


def test_a_course_someone_else_started_is_not_started_for_me(learner, other_learner, tree):
    services.open_lesson(other_learner, tree.lessons[1])
    progress = services.course_progress(learner, tree.course)
    assert progress.started is False
    assert progress.next_lesson == tree.lessons[0]


def test_a_course_i_have_not_started_stays_unstarted_while_i_take_another(learner, tree):
    other = CoursePageFactory(parent=tree.path, slug="anderer-kurs", title="Anderer Kurs")
    LessonPageFactory(parent=other, slug="anderer-1")
    services.open_lesson(learner, tree.lessons[2])
    progress = services.course_progress(learner, other)
    assert progress.started is False and progress.completed_at is None
    assert services.course_progress(learner, tree.course).next_lesson == tree.lessons[2]


# --- my learning ---------------------------------------------------------------------------------


def test_my_completed_course_offers_my_current_certificate_not_a_colleagues_or_an_old_one(
    learner, other_learner, tree
):
    theirs = services.issue_certificate(other_learner, tree.course)
    old = services.issue_certificate(learner, tree.course)
    Certificate.objects.filter(pk=old.pk).update(is_current=False)  # renewed since
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    current = Certificate.objects.get(user=learner, is_current=True)
    earlier = current.issued_at - datetime.timedelta(days=1)
    Certificate.objects.filter(pk=old.pk).update(issued_at=earlier)
    Certificate.objects.filter(pk=theirs.pk).update(issued_at=earlier - datetime.timedelta(days=1))
    completed = services.my_learning(learner)["completed"]
    assert [item["certificate"] for item in completed] == [current]


def test_my_completed_course_shows_the_day_i_completed_it_and_stays_at_100_percent(learner, tree):
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    LessonPageFactory(parent=tree.course, slug="neu", title="Neu")  # added after I finished
    other = CoursePageFactory(parent=tree.path, slug="anderer", title="Anderer")
    services.open_lesson(learner, LessonPageFactory(parent=other, slug="anderer-1"))
    mine = services.my_learning(learner)
    completed = mine["completed"][0]["progress"]
    assert completed.completed_at == CourseEnrolment.objects.get(course=tree.course).completed_at
    assert (completed.done, completed.total, completed.percent) == (3, 4, 100)
    assert [item["progress"].started for item in mine["in_progress"] + mine["completed"]] == [
        True,
        True,
    ]


# --- opening a lesson ----------------------------------------------------------------------------


def test_opening_an_english_lesson_announces_me_and_the_german_lesson_for_the_learning_record(
    learner, tree
):
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs["user"], kwargs["lesson"]))

    lesson_opened.connect(listener)
    try:
        services.open_lesson(learner, _english(tree.lessons[1]))
    finally:
        lesson_opened.disconnect(listener)
    assert heard == [(LessonPage, learner, tree.lessons[1])]


def test_opening_another_lesson_marks_my_enrolment_changed_for_syncing_systems(learner, tree):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        services.open_lesson(learner, tree.lessons[0])
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC), tick=False):
        services.open_lesson(learner, tree.lessons[1])
    enrolment = CourseEnrolment.objects.get(user=learner)
    assert enrolment.updated_at == datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC)
    assert enrolment.last_lesson_id == tree.lessons[1].pk


# --- renewing --------------------------------------------------------------------------------------


def test_renewing_a_whole_course_asks_for_every_lesson_again_even_with_a_final_exam(
    learner, tree, exam
):
    tree.course.final_exam = exam
    tree.course.renewal_mode = RenewalMode.FULL_COURSE
    tree.course.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    certificate = services.issue_certificate(learner, tree.course)
    enrolment = services.start_renewal(certificate)
    assert services.renewal_mode(tree.course) == RenewalMode.FULL_COURSE
    assert services.completed_lesson_ids(learner, tree.course) == set()
    assert enrolment.last_lesson is None
