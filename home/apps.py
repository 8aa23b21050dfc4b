from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"

    def ready(self) -> None:
        from core import locales

        # Every page asks Wagtail for the default and active locale several times; from here on
        # those answers come from a per-process cache instead of a query each (core/locales.py).
        locales.install()
