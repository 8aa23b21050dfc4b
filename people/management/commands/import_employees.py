"""Import employees from a CSV file: a dry run by default, `--apply` to write."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from people.importing import apply_import, preview_import


class Command(BaseCommand):
    help = "Import or update employees from CSV (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="Write the changes.")

    def handle(self, *args, path: Path, apply: bool = False, **options):
        preview = preview_import(path.read_bytes())
        for error in preview.errors:
            self.stderr.write(error)
        if preview.errors:
            raise CommandError(f"{len(preview.errors)} error(s); nothing was imported.")
        self.stdout.write(f"{len(preview.creates)} to create, {len(preview.updates)} to update.")
        if apply:
            created = apply_import(preview)
            audit.record(
                None,
                "employees.import",
                f"CSV import {path.name}: {len(preview.rows)} rows",
                created=len(created),
                updated=len(preview.updates),
            )
            self.stdout.write(self.style.SUCCESS("Imported."))
