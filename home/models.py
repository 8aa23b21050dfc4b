"""The site root and site-wide settings."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from core.content_cache import CachedViewRestrictionsMixin, cached_content


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site root: a welcome for visitors, "My learning" for logged-in employees."""

    intro = RichTextField(_("intro"), blank=True, help_text=_("Welcome text shown to everyone."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Find the page a URL names in one query, not two per tree level (Wagtail's walk).

        No page type below the home page routes by itself (none overrides `route`), so the page
        whose url_path is this URL is the one Wagtail's walk would reach; anything else (no such
        page) goes the usual way, which also answers 404."""
        if not path_components:
            return super().route(request, path_components)
        url_path = f"{self.url_path}{'/'.join(path_components)}/"
        found = cached_content(  # a URL that names no page is not kept: anyone can make one up
            f"route:{self.pk}:{url_path}", lambda: self._find(path_components), keep_none=False
        )
        if found is None:
            return super().route(request, path_components)
        page_id, content_type_id, live = found
        if not live:
            raise Http404
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model.objects.filter(pk=page_id).first() if model is not None else None
        if page is None:  # deleted a moment ago
            return super().route(request, path_components)
        if not page.live:
            raise Http404
        return RouteResult(page)

    def _find(self, path_components: list[str]) -> tuple[int, int, bool] | None:
        """(id, content type id, live) of the page under this one at these URL components."""
        return (
            Page.objects.filter(
                depth=self.depth + len(path_components),
                path__startswith=self.path,
                url_path=f"{self.url_path}{'/'.join(path_components)}/",
            )
            .values_list("pk", "content_type_id", "live")
            .first()
        )

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

    @staticmethod
    def cache_key(site_id: int) -> str:
        return f"home:site-settings:{site_id}"

    @classmethod
    def for_site(cls, site):
        """The settings of a site; every page's footer reads them, so they are cached until saved."""
        if site is None:
            return super().for_site(site)
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, 60 * 60)
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.cache_key(self.site_id))

    def delete(self, *args, **kwargs):
        cache.delete(self.cache_key(self.site_id))
        return super().delete(*args, **kwargs)
