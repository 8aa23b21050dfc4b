from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        personal_data.register_lifecycle()

        from core.content_cache import forget_on_change

        from .models import Question, Quiz

        # Lessons show a quiz's title, intro and question count from the shared cache.
        forget_on_change(Quiz, Question)
