from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"

    def ready(self) -> None:
        from accounts.services import register_name_keeper

        from . import celery_hooks, personal_data, signals  # noqa: F401
        from .services import has_employee_record

        register_name_keeper(has_employee_record)
        personal_data.register()
