from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"

    def ready(self) -> None:
        from core import content_cache, locales

        # Every page asks Wagtail for the default and active locale several times; from here on
        # those answers come from a per-process cache instead of a query each (core/locales.py).
        locales.install()
        # What every learner sees alike is read from the shared cache (core/content_cache.py).
        content_cache.install()
