from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"

    def ready(self) -> None:
        from . import personal_data, signals  # noqa: F401

        personal_data.register()

        from quizzes.services import register_next_step_provider

        from .services import quiz_next_steps

        register_next_step_provider(quiz_next_steps)
        personal_data.register_lifecycle()
