from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PocketConfig(AppConfig):
    """The academy as an installable app: manifest, service worker, offline reading, CX-Minute."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pocket"
    verbose_name = _("Pocket app")

    def ready(self) -> None:
        from accounts.notifications import register_device_lookup
        from outbox.services import register_handler

        from . import personal_data, push, signals  # noqa: F401

        register_handler(push.PUSH_KIND, push.deliver_push)
        register_device_lookup(push.users_with_devices)
        personal_data.register()
