"""Page-tree rules, admin creation and rendering of every curriculum page type."""

from __future__ import annotations

import io

import pytest

from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from curriculum.models import CoursePage, CurriculumIndexPage, LearningPathPage, LessonPage
from home.models import HomePage


class CurriculumTreeRulesTests(WagtailPageTestCase):
    def test_parent_and_child_page_types(self):
        self.assertAllowedParentPageTypes(CurriculumIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CurriculumIndexPage, {LearningPathPage})
        self.assertAllowedParentPageTypes(LearningPathPage, {CurriculumIndexPage})
        self.assertAllowedSubpageTypes(LearningPathPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {LearningPathPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())


class LessonAdminTests(WagtailPageTestCase):
    """An editor (not a superuser) builds lessons through the Wagtail admin's own form."""

    def setUp(self):
        from accounts import roles
        from accounts.factories import UserFactory
        from curriculum.factories import build_course_tree
        from home import demo

        self.tree = build_course_tree(demo.load(io.StringIO()))
        editor = UserFactory(roles=[roles.LEARNER, roles.EDITOR])
        self.client.force_login(editor)

    def test_editor_can_create_a_lesson_in_a_course(self):
        data = nested_form_data(
            {
                "title": "Neue Lektion",
                "slug": "neue-lektion",
                "minutes": 12,
                "body": streamfield(
                    [("text", rich_text("<p>Ein Touchpoint ist ein Berührungspunkt.</p>"))]
                ),
            }
        )
        self.assertCanCreate(self.tree.course, LessonPage, data)
        lesson = LessonPage.objects.get(slug="neue-lektion")
        self.assertEqual(lesson.get_parent().pk, self.tree.course.pk)
        self.assertPageIsRenderable(lesson)

    def test_a_lesson_cannot_be_created_outside_a_course(self):
        self.assertCanNotCreateAt(LearningPathPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanCreateAt(CoursePage, LessonPage)


@pytest.mark.django_db
def test_image_block_requires_alt_text():
    from wagtail.blocks import StructBlockValidationError

    from curriculum.blocks import ImageBlock

    block = ImageBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean({"image": None, "alt_text": "  ", "caption": ""})


@pytest.mark.django_db
def test_every_page_type_renders_for_a_learner(client_as, learner, tree):
    client = client_as(learner)
    for page in [tree.index, tree.path, tree.course, tree.lessons[0]]:
        response = client.get(page.url)
        assert response.status_code == 200, page
        assert page.title in response.content.decode()


@pytest.mark.django_db
def test_course_and_lesson_require_login(client, tree):
    for page in [tree.course, tree.lessons[0]]:
        response = client.get(page.url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_lesson_renders_all_block_types(client_as, learner, tree, knowledge_check):
    from django.core.files.base import ContentFile

    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Bild", file=get_test_image_file())
    document = Document.objects.create(
        title="Checkliste", file=ContentFile(b"%PDF-1.4", name="c.pdf")
    )
    lesson = tree.lessons[0]
    lesson.body = [
        ("text", "<p>Text</p>"),
        (
            "image",
            {"image": image, "alt_text": "Eine Kundin am Telefon", "caption": "Bildunterschrift"},
        ),
        (
            "video",
            {"video": "https://www.youtube.com/watch?v=unreachable-offline", "caption": "Video"},
        ),
        ("callout", {"kind": "fact", "title": "86 Prozent", "text": "<p>zahlen mehr</p>"}),
        ("quote", {"quote": "Zitat", "source": "Quelle"}),
        ("document", {"document": document, "title": "Checkliste laden"}),
        ("reflection", {"prompt": "Was nehmen Sie mit?"}),
        ("quiz", {"quiz": knowledge_check}),
    ]
    lesson.save_revision().publish()
    html = client_as(learner).get(lesson.url).content.decode()
    assert 'alt="Eine Kundin am Telefon"' in html and "srcset=" in html
    assert "Video öffnen" in html  # offline: a plain link, no 500
    assert "86 Prozent" in html and "<cite>Quelle</cite>" in html
    assert "Checkliste laden" in html
    assert "Was nehmen Sie mit?" in html
    assert "Wissenscheck" in html and 'name="context"' in html


@pytest.mark.django_db
def test_every_lesson_block_previews_in_the_block_picker(client, editor, tree):
    """Wagtail's block picker renders each block's preview_value without a server error."""
    from curriculum.blocks import LessonStreamBlock
    from quizzes.factories import QuizFactory

    QuizFactory(title="Wissenscheck Beschwerden")
    client.force_login(editor)
    stream = LessonStreamBlock()
    for name, block in stream.child_blocks.items():
        if not block.is_previewable:  # preview_value only: Wagtail needs a global preview template
            continue
        response = client.get("/admin/block-preview/", {"id": block.definition_prefix})
        assert response.status_code == 200, name
    assert {n for n, b in stream.child_blocks.items() if b.is_previewable} >= {
        "reflection",
        "quiz",
        "journey_map",
    }
    quiz_block = stream.child_blocks["quiz"]
    html = client.get("/admin/block-preview/", {"id": quiz_block.definition_prefix})
    assert "Wissenscheck Beschwerden" in html.content.decode()
