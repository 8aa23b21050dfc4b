"""Build the demo academy: site, log-ins, organisation, curriculum, quizzes, champions.

Idempotent: every loader finds what exists by a natural key and only adds what is missing."""

from __future__ import annotations

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_USERS

# Order matters: each loader may use what the ones before it created.
DEMO_LOADERS = [
    "home.demo",
    "accounts.demo",
    "people.demo",
    "curriculum.demo",
    "quizzes.demo",
    "assignments.demo",
    "champions.demo",
    "journeys.demo",
]


class Command(BaseCommand):
    help = "Load the CX Academy demo content (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")

    def handle(self, *args, quiet: bool = False, **options):
        out = _Silent() if quiet else self.stdout
        for module_name in DEMO_LOADERS:
            module = import_module(module_name)
            if hasattr(module, "load"):
                module.load(out)
        call_command("update_index", verbosity=0)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Demo content ready."))
            self.stdout.write(login_summary())


def login_summary() -> str:
    """The console lines naming the demo log-ins and the admin URL."""
    lines = [f"Demo log-ins (password for all: {DEMO_PASSWORD}):"]
    for email, _first, _last, roles in DEMO_USERS:
        lines.append(f"  {roles[-1]:<9} {email}")
    lines.append(f"  {'Admin':<9} {DEMO_ADMIN}")
    lines.append("Site: http://127.0.0.1:8000/   Editor admin: http://127.0.0.1:8000/admin/")
    return "\n".join(lines)


class _Silent:
    def write(self, *args, **kwargs) -> None:
        pass
