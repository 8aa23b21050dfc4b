"""Import employees from a CSV or Excel file: a dry run by default, `--apply` to write."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import audit
from people.importing import apply_import, create_missing_units, preview_import
from people.services import invite_created


class Command(BaseCommand):
    help = "Import or update employees from CSV/XLSX (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="Write the changes.")
        parser.add_argument(
            "--create-units",
            action="store_true",
            help="Create unknown departments, locations and teams.",
        )
        parser.add_argument(
            "--invite", action="store_true", help="E-mail invitations to the people created."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Mark active people who are not in the file as left.",
        )

    def handle(self, *args, path: Path, apply: bool = False, **options):
        content = path.read_bytes()
        preview = preview_import(content, path.name)
        if preview.has_missing_units and options["create_units"] and apply:
            created = create_missing_units(preview, filename=path.name)
            self.stdout.write(f"Created {created}.")
            preview = preview_import(content, path.name)
        for error in preview.errors:
            self.stderr.write(error)
        for name in preview.missing_departments:
            self.stderr.write(f"Unknown department: {name}")
        for name in preview.missing_locations:
            self.stderr.write(f"Unknown location: {name}")
        for department, team in preview.missing_teams:
            self.stderr.write(f"Unknown team: {team} ({department})")
        if preview.unknown_columns:
            self.stdout.write(f"Ignored columns: {', '.join(preview.unknown_columns)}")
        if not preview.ok:
            raise CommandError(f"{len(preview.errors)} error(s); nothing was imported.")
        self.stdout.write(
            f"{len(preview.creates)} to create, {len(preview.updates)} to update, "
            f"{len(preview.unchanged)} unchanged, {len(preview.to_deactivate)} not in the file."
        )
        if apply:
            with transaction.atomic():
                result = apply_import(preview, options["deactivate_missing"])
                if options["invite"]:
                    invite_created(result.created_user_ids, None)
                audit.record(
                    None,
                    "employees.import",
                    f"Import {path.name}: {len(preview.rows)} rows",
                    **result.as_dict(),
                )
            self.stdout.write(self.style.SUCCESS(f"Imported: {result.as_dict()}"))
