from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        personal_data.register_lifecycle()
