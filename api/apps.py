from django.apps import AppConfig


class ApiConfig(AppConfig):
    """REST API, SCIM provisioning, webhooks and the xAPI feed: a face on top of every app."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from . import signals  # noqa: F401
