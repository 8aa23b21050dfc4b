from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"

    def ready(self) -> None:
        from accounts.permissions import register_coach_lookup, register_coaches_lookup

        from . import personal_data, signals  # noqa: F401
        from .services import coaches, coaches_of

        register_coach_lookup(coaches)
        register_coaches_lookup(coaches_of)
        personal_data.register()
        personal_data.register_lifecycle()
