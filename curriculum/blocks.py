"""StreamField blocks for lesson bodies: text, media, facts, reflection, quizzes, journey maps."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from journeys.blocks import JourneyMapExerciseBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


class ImageBlock(blocks.StructBlock):
    """An image with required alt text and an optional caption."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        max_length=200,
        label=_("Alt text"),
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "curriculum/blocks/image_block.html"
        description = _("An image with alt text and caption.")

    def get_preview_value(self):
        """The picker previews the newest image of the library (none yet: an empty frame)."""
        image = get_image_model().objects.order_by("-pk").first()
        return self.to_python(
            {
                "image": image.pk if image else None,
                "alt_text": _("A service employee listens to a customer."),
                "caption": _("Listening comes before solving."),
            }
        )

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={"alt_text": ValidationError(_("Alt text is required."))}
            )
        return value


class VideoBlock(blocks.StructBlock):
    """A video from an oEmbed provider; shows a plain link when the embed cannot be fetched."""

    video = EmbedBlock(label=_("Video URL"), help_text=_("e.g. a YouTube or Vimeo link."))
    caption = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Caption"),
        help_text=_("What learners should watch for; shown below the video."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "curriculum/blocks/video_block.html"
        description = _("An embedded video with caption.")
        preview_value = {
            "video": "https://www.youtube.com/watch?v=cx-academy",
            "caption": "Wie klingt ein freundlicher Gesprächseinstieg?",
        }


class CalloutBlock(blocks.StructBlock):
    """A highlighted key fact, tip or warning."""

    kind = blocks.ChoiceBlock(
        choices=[("fact", _("Key fact")), ("tip", _("Tip")), ("warning", _("Watch out"))],
        default="fact",
        label=_("Kind"),
    )
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], label=_("Text"))

    class Meta:
        icon = "pick"
        label = _("Key fact / callout")
        template = "curriculum/blocks/callout_block.html"
        description = _("A highlighted key fact, tip or warning.")
        preview_value = {
            "kind": "fact",
            "title": "86 %",
            "text": "<p>der Kundinnen und Kunden zahlen mehr für ein besseres Erlebnis.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    """A quotation with its source."""

    quote = blocks.TextBlock(label=_("Quote"))
    source = blocks.CharBlock(max_length=200, label=_("Source"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "curriculum/blocks/quote_block.html"
        description = _("A quotation with its source.")
        preview_value = {
            "quote": "Kunden erinnern sich nicht an Prozesse, sondern an Erlebnisse.",
            "source": "Service-Leitbild",
        }


class DocumentBlock(blocks.StructBlock):
    """A downloadable document such as a checklist or worksheet."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        required=False,
        max_length=150,
        label=_("Link text"),
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Download")
        template = "curriculum/blocks/document_block.html"
        description = _("A downloadable checklist or worksheet.")

    def get_preview_value(self):
        """The picker previews the newest document of the library."""
        document = get_document_model().objects.order_by("-pk").first()
        return self.to_python(
            {"document": document.pk if document else None, "title": _("Checklist (PDF)")}
        )


class ReflectionBlock(blocks.StructBlock):
    """A question the learner answers in writing; the answer is private to them."""

    prompt = blocks.TextBlock(label=_("Prompt"), help_text=_("A question for personal reflection."))

    class Meta:
        icon = "edit"
        label = _("Reflection prompt")
        template = "curriculum/blocks/reflection_block.html"
        description = _("Learners write a private answer that only they can see.")
        # The lesson template posts to the lesson; the picker shows the prompt and a blank answer.
        preview_template = "curriculum/blocks/previews/reflection_block.html"
        preview_value = {
            "prompt": "Wann haben Sie zuletzt ein Kundenproblem beim ersten Kontakt gelöst?"
        }


class CachedQuizChooserBlock(SnippetChooserBlock):
    """Wagtail's snippet chooser whose quizzes are read from the shared content cache: every
    learner opening the lesson sees the same quiz (core/content_cache.py forgets it on save)."""

    def bulk_to_python(self, values):
        from core.content_cache import cached_contents

        ids = [value for value in values if value is not None]
        if not ids:
            return super().bulk_to_python(values)

        def load(keys: list[str]) -> dict:
            found = self.model_class.objects.in_bulk([int(key.rsplit(":", 1)[1]) for key in keys])
            return {f"quiz:{pk}": quiz for pk, quiz in found.items()}

        quizzes = cached_contents([f"quiz:{pk}" for pk in ids], load)
        return [quizzes.get(f"quiz:{value}") if value is not None else None for value in values]

    def deconstruct(self):
        """Migrations record Wagtail's own block: the cache changes no stored data."""
        _path, args, kwargs = super().deconstruct()
        return "wagtail.snippets.blocks.SnippetChooserBlock", args, kwargs


class QuizBlock(blocks.StructBlock):
    """A knowledge check; passing it completes the lesson."""

    quiz = CachedQuizChooserBlock(
        "quizzes.Quiz",
        label=_("Quiz"),
        help_text=_("Learners who pass it complete the lesson; edit quizzes under Snippets."),
    )

    class Meta:
        icon = "help"
        label = _("Knowledge check")
        template = "curriculum/blocks/quiz_block.html"
        description = _("A quiz inside the lesson; passing it completes the lesson.")
        # The lesson template starts an attempt; the picker shows what the learner is asked.
        preview_template = "curriculum/blocks/previews/quiz_block.html"

    def get_preview_value(self):
        """The picker previews the first quiz of the library."""
        quiz = apps.get_model("quizzes", "Quiz").objects.order_by("pk").first()
        return self.to_python({"quiz": quiz.pk if quiz else None})


class LessonStreamBlock(blocks.StreamBlock):
    """Everything a lesson body can hold."""

    text = blocks.RichTextBlock(features=TEXT_FEATURES, icon="pilcrow", label=_("Text"))
    image = ImageBlock(group=_("Media"))
    video = VideoBlock(group=_("Media"))
    document = DocumentBlock(group=_("Media"))
    callout = CalloutBlock(group=_("Highlights"))
    quote = QuoteBlock(group=_("Highlights"))
    reflection = ReflectionBlock(group=_("Activities"))
    quiz = QuizBlock(group=_("Activities"))
    journey_map = JourneyMapExerciseBlock(group=_("Activities"))
