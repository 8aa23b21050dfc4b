"""The site root and site-wide settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site root: a welcome for visitors, "My learning" for logged-in employees."""

    intro = RichTextField(_("intro"), blank=True, help_text=_("Welcome text shown to everyone."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .dashboard import dashboard_for

        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context.update(dashboard_for(request.user))
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Company details shown in the footer and e-mails."""

    company_name = models.CharField(
        _("company name"), max_length=120, default="CX Academy", help_text=_("Shown in the footer.")
    )
    support_email = models.EmailField(
        _("support e-mail"), blank=True, help_text=_("Where learners can ask for help.")
    )
    footer_text = models.CharField(
        _("footer text"), max_length=255, blank=True, help_text=_("A short line under every page.")
    )

    panels = [FieldPanel("company_name"), FieldPanel("support_email"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = _("site settings")
