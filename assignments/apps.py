from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "assignments"

    def ready(self) -> None:
        from . import personal_data, signals  # noqa: F401

        personal_data.register()
