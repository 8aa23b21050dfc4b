"""Demo site skeleton: locales, the German home page with its English translation, site settings."""

from __future__ import annotations

from django.db import transaction

from wagtail.models import Collection, Locale, Page, Site

from .models import HomePage, SiteSettings

HOME_INTRO_DE = (
    "<p>Kundinnen und Kunden erinnern sich an Erlebnisse, nicht an Prozesse. In der CX Academy "
    "lernt das ganze Service-Team, wie gute Kundenerlebnisse entstehen – und CX-Champions helfen, "
    "das Gelernte im Alltag zu verankern.</p>"
)
HOME_INTRO_EN = (
    "<p>Customers remember experiences, not processes. In CX Academy the whole service team learns "
    "how great customer experiences are made – and CX champions help make it stick in daily work.</p>"
)


def ensure_locales() -> tuple[Locale, Locale]:
    """German (default) and English content locales."""
    german, _ = Locale.objects.get_or_create(language_code="de")
    english, _ = Locale.objects.get_or_create(language_code="en")
    return german, english


@transaction.atomic
def load(stdout) -> HomePage:
    """Create (once) the home page tree and point the default site at it."""
    german, english = ensure_locales()
    root = Page.get_first_root_node()
    if root is None:  # an emptied database (e.g. after a test flush) has lost the tree roots
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=german))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if root.locale_id != german.pk:
        Page.objects.filter(depth=1).update(locale=german)
    home = HomePage.objects.filter(locale=german).first()
    if home is None:
        # Wagtail's install creates a placeholder welcome page; the academy replaces it.
        Page.objects.filter(depth=2).exclude(
            content_type__app_label="home", content_type__model="homepage"
        ).delete()
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="CX Academy", slug="home", intro=HOME_INTRO_DE, locale=german)
        )
        stdout.write("Created the home page.")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    if home.get_translation_or_none(english) is None:
        english_home = home.copy_for_translation(english)
        english_home.intro = HOME_INTRO_EN
        english_home.save_revision().publish()
    settings_obj = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_obj.company_name = "Nordlicht Service GmbH"
    settings_obj.support_email = "academy@cx-academy.example"
    settings_obj.footer_text = "Kundenerlebnis ist Teamarbeit."
    settings_obj.save()
    return home
