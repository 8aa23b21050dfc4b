"""Build the demo academy: site, log-ins, organisation, curriculum, quizzes, champions.

Idempotent: every loader finds what exists by a natural key and only adds what is missing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db.models.signals import post_save

from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts import demo as accounts_demo
from accounts.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_USERS
from assignments import demo as assignments_demo
from champions import demo as champions_demo
from champions import observation_demo
from curriculum import demo as curriculum_demo
from curriculum.models import LessonPage
from home import demo as home_demo
from journeys import demo as journeys_demo
from outbox import demo as outbox_demo
from outcomes import demo as outcomes_demo
from people import demo as people_demo
from pocket import demo as pocket_demo
from quizzes import demo as quizzes_demo

# The lesson of the demo curriculum that embeds the journey-mapping exercise.
JOURNEY_LESSON_SLUG = "journey-kartieren"


class Command(BaseCommand):
    help = "Load the CX Academy demo content (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")

    def handle(self, *args, quiet: bool = False, **options):
        out = _Silent() if quiet else self.stdout
        with indexing_once_at_the_end():
            load_everything(out)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Demo content ready."))
            self.stdout.write(login_summary())


def load_everything(out) -> None:
    """Run each app's demo loader in order, handing each what it needs from the others.

    The wiring across apps lives here, in the top layer: a lower app's loader never imports a
    higher app (the curriculum gets the site's home page, the journeys their lesson)."""
    home = home_demo.load(out)
    accounts_demo.load(out)
    people_demo.load(out)
    curriculum_demo.load(out, site_root=home)
    quizzes_demo.load(out)
    assignments_demo.load(out)
    assignments_demo.load_teams_and_recertification(out)
    champions_demo.load(out)
    observation_demo.load(out)
    journey_lesson = LessonPage.objects.filter(
        slug=JOURNEY_LESSON_SLUG, locale=Locale.get_default()
    ).first()
    journeys_demo.load(out, lesson=journey_lesson)
    outcomes_demo.load(out)
    outbox_demo.load(out)
    accounts_demo.load_privacy(out)
    pocket_demo.load(out)


@contextmanager
def indexing_once_at_the_end() -> Iterator[None]:
    """Skip the search and reference indexing Wagtail does on every save (pages are saved
    several times while built); rebuild both indexes once when the loaders are done."""
    models = [m for m in index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
    call_command("update_index", verbosity=0)
    call_command("rebuild_references_index", verbosity=0)


def login_summary() -> str:
    """The console lines naming the demo log-ins and the admin URL."""
    lines = [f"Demo log-ins (password for all: {DEMO_PASSWORD}):"]
    for email, _first, _last, roles in DEMO_USERS:
        lines.append(f"  {roles[-1]:<9} {email}")
    lines.append(f"  {'Manager':<9} {assignments_demo.DEMO_MANAGER}  (My team: /team/)")
    lines.append(f"  {'Admin':<9} {DEMO_ADMIN}")
    lines.append("Site: http://127.0.0.1:8000/   Editor admin: http://127.0.0.1:8000/admin/")
    return "\n".join(lines)


class _Silent:
    def write(self, *args, **kwargs) -> None:
        pass
