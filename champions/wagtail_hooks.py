"""Observation checklists in the Wagtail admin: editors write the behaviours and link lessons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ObservationChecklist


class ObservationChecklistViewSet(SnippetViewSet):
    """Authoring of floor-observation checklists: text in both languages, scale, behaviours."""

    model = ObservationChecklist
    icon = "tasks"
    menu_label = _("Observation checklists")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title_de", "title_en", "scale", "is_active"]
    list_filter = ["scale", "is_active"]
    search_fields = ["title_de", "title_en"]


register_snippet(ObservationChecklistViewSet)
