from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"

    def ready(self) -> None:
        from . import personal_data, signals  # noqa: F401

        personal_data.register()

        from quizzes.services import register_attempt_window, register_next_step_provider

        from .services import final_exam_attempts_since, quiz_next_steps

        register_next_step_provider(quiz_next_steps)
        register_attempt_window(final_exam_attempts_since)
        personal_data.register_lifecycle()
