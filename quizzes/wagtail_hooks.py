"""Quizzes in the Wagtail admin: a snippet with inline questions and a link to its statistics."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Quiz


class StatisticsColumn(Column):
    """A link from the quiz listing to the quiz's statistics page."""

    cell_template_name = "quizzes/admin/statistics_cell.html"

    def get_value(self, instance):
        return reverse("quizzes:statistics", args=[instance.pk])


class QuizViewSet(SnippetViewSet):
    """Authoring of quizzes: one screen with the rules and all questions."""

    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "title",
        "pass_mark",
        Column("locale", label=_("Language")),
        StatisticsColumn("statistics", label=_("Statistics")),
    ]
    list_filter = ["locale", "show_answers"]
    search_fields = ["title"]


register_snippet(QuizViewSet)
