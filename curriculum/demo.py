"""Demo curriculum: paths, courses and lessons from `demo_content/`, with generated covers,
checklists as PDFs, quizzes and English translations; plus some progress for the demo log-ins."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from .models import CourseLevel, CoursePage, CurriculumIndexPage, LearningPathPage, LessonPage

CONTENT_DIR = Path(__file__).parent / "demo_content"
MOTIF_SHAPES = {
    "journey": "wave",
    "omnichannel": "dots",
    "team": "circles",
    "feedback": "bubbles",
    "growth": "bars",
    "culture": "circles",
    "service": "wave",
    "data": "bars",
}


def _text(field, language: str) -> str:
    if isinstance(field, dict):
        return field.get(language) or ""
    return field or ""


def generated_image(title: str, color: str, motif: str, filename: str) -> Image:
    """A cover or illustration drawn with Pillow (found again by its title)."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    width, height = 1200, 600
    canvas_img = PILImage.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(canvas_img)
    shape = MOTIF_SHAPES.get(motif, "circles")
    light = (255, 255, 255)
    for i in range(8):
        if shape == "bars":
            x = 620 + i * 65
            draw.rectangle([x, 520 - i * 45, x + 40, 540], fill=light)
        elif shape == "dots":
            for j in range(4):
                draw.ellipse(
                    [640 + i * 65, 120 + j * 100, 670 + i * 65, 150 + j * 100],
                    outline=light,
                    width=4,
                )
        elif shape == "wave":
            y = 300 + (80 if i % 2 else -80)
            draw.ellipse([600 + i * 70 - 25, y - 25, 600 + i * 70 + 25, y + 25], fill=light)
            if i:
                prev = 300 + (80 if (i - 1) % 2 else -80)
                draw.line([600 + (i - 1) * 70, prev, 600 + i * 70, y], fill=light, width=6)
        elif shape == "bubbles":
            draw.rounded_rectangle(
                [
                    620 + (i % 3) * 180,
                    80 + (i // 3) * 160,
                    760 + (i % 3) * 180,
                    180 + (i // 3) * 160,
                ],
                radius=30,
                outline=light,
                width=5,
            )
        else:
            draw.ellipse(
                [650 + i * 40, 150 + i * 20, 850 + i * 40, 350 + i * 20], outline=light, width=5
            )
    font = ImageFont.load_default(size=56)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > 520 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for index, text in enumerate(lines[:4]):
        draw.text((60, 200 + index * 70), text, fill=light, font=font)
    buffer = io.BytesIO()
    canvas_img.save(buffer, format="PNG")
    image = Image(title=title)
    image.file = ImageFile(ContentFile(buffer.getvalue()), name=filename)
    image.save()
    return image


def generated_document(title: str, filename: str, lines: list[str]) -> Document:
    """A checklist or worksheet rendered as a small PDF (found again by its title)."""
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(50, height - 60, title)
    pdf.setFont("Helvetica", 11)
    y = height - 100
    for line in lines:
        pdf.drawString(50, y, f"☐  {line}" if not line.endswith(":") else line)
        y -= 22
    pdf.showPage()
    pdf.save()
    document = Document(title=title)
    document.file.save(filename, ContentFile(buffer.getvalue()), save=False)
    document.save()
    return document


def lesson_body(blocks: list[dict], language: str, quizzes: dict, course_data: dict) -> list:
    """Translate content-file blocks into LessonStreamBlock values."""
    from quizzes.demo import build_quiz

    locale = Locale.objects.get(language_code=language)
    body = []
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "text":
            body.append(("text", value))
        elif kind == "callout":
            body.append(
                (
                    "callout",
                    {
                        "kind": value.get("kind", "fact"),
                        "title": value["title"],
                        "text": value["text"],
                    },
                )
            )
        elif kind == "quote":
            body.append(("quote", value))
        elif kind == "reflection":
            body.append(("reflection", value))
        elif kind == "image":
            image = generated_image(
                f"{course_data['title']['de']}: {value['alt'][:60]}",
                course_data.get("cover", {}).get("color", "#0b5f8a"),
                value.get("motif", "service"),
                f"{course_data['slug']}-{len(body)}.png",
            )
            body.append(
                (
                    "image",
                    {"image": image, "alt_text": value["alt"], "caption": value.get("caption", "")},
                )
            )
        elif kind == "document":
            document = generated_document(value["title"], value["filename"], value["content"])
            body.append(("document", {"document": document, "title": value["title"]}))
        elif kind == "quiz":
            body.append(("quiz", {"quiz": build_quiz(value, quizzes[value], locale)}))
        elif kind == "journey_map":
            body.append(("journey_map", value))
    return body


def _publish(page) -> None:
    page.save_revision().publish()


def build_course(path_page: LearningPathPage, data: dict, english: Locale) -> CoursePage:
    """Create one course with its lessons (German), then its English translation if written."""
    from quizzes.demo import build_quiz

    course = CoursePage.objects.child_of(path_page).filter(slug=data["slug"]).first()
    if course is None:
        cover = data.get("cover", {})
        course = CoursePage(
            title=data["title"]["de"],
            slug=data["slug"],
            summary=data["summary"]["de"],
            learning_objectives="\n".join(data.get("objectives", {}).get("de", [])),
            estimated_minutes=data.get("minutes", 30),
            level=CourseLevel(data.get("level", "basic")),
            lessons_in_order=data.get("lessons_in_order", False),
            cover_image=generated_image(
                data["title"]["de"],
                cover.get("color", "#0b5f8a"),
                cover.get("motif", "service"),
                f"cover-{data['slug']}.png",
            ),
        )
        if data.get("final_exam"):
            course.final_exam = build_quiz(
                data["final_exam"], data["quizzes"][data["final_exam"]], Locale.get_default()
            )
        path_page.add_child(instance=course)
        _publish(course)
        for lesson_data in data["lessons"]:
            lesson = LessonPage(
                title=lesson_data["title"]["de"],
                slug=lesson_data["slug"],
                minutes=lesson_data.get("minutes", 10),
                body=lesson_body(lesson_data["body"]["de"], "de", data.get("quizzes", {}), data),
            )
            course.add_child(instance=lesson)
            _publish(lesson)
    if "en" in data["title"] and course.get_translation_or_none(english) is None:
        translate_course(course, data, english)
    return course


def translate_course(course: CoursePage, data: dict, english: Locale) -> None:
    """The English version of a course and its lessons, with English texts and quizzes."""
    from quizzes.demo import build_quiz

    path_translation = course.get_parent().get_translation_or_none(english)
    if path_translation is None:
        return
    english_course = course.copy_for_translation(english)
    english_course.title = data["title"]["en"]
    english_course.summary = data["summary"].get("en", english_course.summary)
    english_course.learning_objectives = "\n".join(data.get("objectives", {}).get("en", []))
    if data.get("final_exam"):
        english_course.final_exam = build_quiz(
            data["final_exam"], data["quizzes"][data["final_exam"]], english
        )
    _publish(english_course)
    for lesson_data in data["lessons"]:
        german = LessonPage.objects.child_of(course).get(slug=lesson_data["slug"])
        lesson = german.copy_for_translation(english)
        lesson.title = lesson_data["title"].get("en", lesson.title)
        if "en" in lesson_data["body"]:
            lesson.body = lesson_body(
                lesson_data["body"]["en"], "en", data.get("quizzes", {}), data
            )
        _publish(lesson)


@transaction.atomic
def load(stdout, site_root: Page) -> None:
    """Build the demo curriculum once from `demo_content/` under the site's home page."""
    english = Locale.objects.get(language_code="en")
    home = site_root
    index = CurriculumIndexPage.objects.child_of(home).first()
    if index is None:
        index = CurriculumIndexPage(
            title="Curriculum",
            slug="curriculum",
            intro="<p>Drei Lernpfade – für das Service-Team, für Führungskräfte und für CX-Champions.</p>",
        )
        home.add_child(instance=index)
        _publish(index)
    if index.get_translation_or_none(english) is None:
        english_index = index.copy_for_translation(english)
        english_index.intro = (
            "<p>Three learning paths – for the service team, for managers and for CX champions.</p>"
        )
        _publish(english_index)
    paths = json.loads((CONTENT_DIR / "paths.json").read_text(encoding="utf-8"))
    for path_data in paths:
        path_page = LearningPathPage.objects.child_of(index).filter(slug=path_data["slug"]).first()
        if path_page is None:
            path_page = LearningPathPage(
                title=path_data["title"]["de"],
                slug=path_data["slug"],
                audience=path_data["audience"],
                intro=path_data["intro"]["de"],
            )
            index.add_child(instance=path_page)
            _publish(path_page)
            stdout.write(f"Created learning path {path_page.title}.")
        if "en" in path_data["intro"] and path_page.get_translation_or_none(english) is None:
            english_path = path_page.copy_for_translation(english)
            english_path.title = path_data["title"]["en"]
            english_path.intro = path_data["intro"]["en"]
            _publish(english_path)
        for slug in path_data["courses"]:
            course_file = CONTENT_DIR / "courses" / f"{slug}.json"
            if course_file.exists():
                build_course(
                    path_page, json.loads(course_file.read_text(encoding="utf-8")), english
                )
    _link_prerequisites()
    _demo_progress()


def _link_prerequisites() -> None:
    for course_file in sorted((CONTENT_DIR / "courses").glob("*.json")):
        data = json.loads(course_file.read_text(encoding="utf-8"))
        course = CoursePage.objects.filter(slug=data["slug"], locale=Locale.get_default()).first()
        required = CoursePage.objects.filter(
            slug__in=data.get("prerequisites", []), locale=Locale.get_default()
        )
        if course and required and set(course.prerequisites.all()) != set(required):
            course.prerequisites.set(required)
            course.save()


def _demo_progress() -> None:
    """The demo learner finished the basics and is halfway through a second course."""
    from accounts.models import User

    from . import services

    learner = User.objects.filter(email="learner@cx-academy.example").first()
    champion = User.objects.filter(email="champion@cx-academy.example").first()
    german = Locale.get_default()
    basics = CoursePage.objects.filter(slug="cx-grundlagen", locale=german).first()
    if learner and basics and not services.course_progress(learner, basics).started:
        for lesson in services.course_lessons(basics):
            services.complete_lesson(learner, lesson)
        if basics.final_exam_id:
            _pass_exam(learner, basics)
    journey = CoursePage.objects.filter(slug="customer-journey", locale=german).first()
    if learner and journey and not services.course_progress(learner, journey).started:
        services.complete_lesson(learner, services.course_lessons(journey)[0])
    coaching = CoursePage.objects.filter(slug="kollegen-coachen", locale=german).first()
    if champion and coaching and not services.course_progress(champion, coaching).started:
        for lesson in services.course_lessons(coaching)[:2]:
            services.complete_lesson(champion, lesson)
    if basics and journey:
        _demo_staff_progress(basics, journey)


def _demo_staff_progress(basics: CoursePage, journey: CoursePage) -> None:
    """The generated service staff are at different points, finished on different days over
    the last twelve weeks, so HR's report and its chart show a believable picture."""
    from accounts.demo import DEMO_USERS
    from curriculum.models import Certificate, CourseEnrolment, LessonCompletion
    from people.models import EmployeeProfile, StaffRole

    from . import services

    staff = (
        EmployeeProfile.objects.filter(staff_role=StaffRole.SERVICE, user__is_active=True)
        .exclude(user__email__in=[email for email, *_rest in DEMO_USERS])
        .select_related("user")
        .order_by("user__email")
    )
    now = timezone.now()
    for index, profile in enumerate(staff):
        user = profile.user
        if CourseEnrolment.objects.filter(user=user).exists():
            continue  # loaded before
        step = index % 5  # 0–2: finished the basics, 3: halfway, 4: not started
        if step <= 3:
            lessons = services.course_lessons(basics)
            for lesson in lessons if step <= 2 else lessons[:2]:
                services.complete_lesson(user, lesson)
        if step <= 2:
            _pass_exam(user, basics)
            finished = now - datetime.timedelta(days=3 + (index * 13) % 80)
            CourseEnrolment.objects.filter(user=user, course=basics).update(
                started_at=finished - datetime.timedelta(days=4), completed_at=finished
            )
            LessonCompletion.objects.filter(user=user).update(completed_at=finished)
            Certificate.objects.filter(user=user).update(issued_at=finished)
        if step in (0, 1):  # the journey course needs the basics first
            services.complete_lesson(user, services.course_lessons(journey)[0])


def _pass_exam(user, course: CoursePage) -> None:
    from quizzes import services as quiz_services
    from quizzes.demo import _right_answer

    from .quiz_context import COURSE, context_key

    attempt = quiz_services.start_attempt(
        user, course.final_exam, context_key=context_key(COURSE, course.pk)
    )
    attempt.answers = {
        str(q.pk): _right_answer(q.kind, q.option_items())
        for q in quiz_services.attempt_questions(attempt)
    }
    attempt.save(update_fields=["answers"])
    quiz_services.submit_attempt(attempt)
