from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .lifecycle import register_retention
        from .models import AuditEntry, ResultView
        from .services import register_personal_data

        register_personal_data(
            "views_of_my_results",
            lambda user: [
                {
                    "viewer": view.viewer.display_name if view.viewer else "",
                    "what": view.what_label,
                    "viewed_at": view.viewed_at.isoformat(),
                }
                for view in ResultView.objects.filter(subject=user).select_related("viewer")
            ],
            lambda r: ["viewed_by", r["viewer"], r["viewed_at"], r["what"]],
            order=90,
        )

        register_retention(
            "audit_log",
            "audit_log_days",
            lambda cutoff: AuditEntry.objects.filter(created_at__lt=cutoff),
        )
        register_retention(
            "view_log",
            "view_log_days",
            lambda cutoff: ResultView.objects.filter(viewed_at__lt=cutoff),
        )
