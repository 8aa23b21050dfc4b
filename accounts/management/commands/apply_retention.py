"""`manage.py apply_retention [--dry-run]`: what the daily retention task deletes, now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.lifecycle import run_retention


class Command(BaseCommand):
    help = "Delete or anonymise records past their retention period (--dry-run: only count)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what is due; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        counts = run_retention(dry_run=dry_run)
        verb = "would be deleted or anonymised" if dry_run else "deleted or anonymised"
        if not counts:
            self.stdout.write("No retention period is set.")
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} {verb}")
