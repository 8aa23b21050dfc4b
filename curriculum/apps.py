from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"

    def ready(self) -> None:
        from . import personal_data, signals  # noqa: F401

        personal_data.register()
