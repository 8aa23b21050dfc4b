from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"

    def ready(self) -> None:
        from accounts.permissions import register_coach_lookup

        from . import personal_data, signals  # noqa: F401
        from .services import coaches

        register_coach_lookup(coaches)
        personal_data.register()
        personal_data.register_lifecycle()
