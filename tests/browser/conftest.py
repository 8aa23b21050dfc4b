"""Playwright with Debian's chromium against pytest-django's live server."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import get_resolver

from accounts.demo import DEMO_PASSWORD
from tests.demo_copies import restore_sqlite_demo, run_folder

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Browser tests talk to a live server thread, so their data must be committed."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


_demo_snapshot: sqlite3.Connection | None = None  # per test process (xdist worker)


@pytest.fixture
def demo_site(request, live_server, settings):
    """The full demo content behind a live server; returns the server's base URL.

    Each browser test starts from freshly loaded demo content. On SQLite the first test of the
    run loads it and leaves a copy in the run's temporary folder (tests/demo_copies.py); the
    first test of every other worker copies that, and the process keeps an in-memory snapshot
    that later tests restore with SQLite's backup API (milliseconds instead of a 15-second
    `load_demo`)."""
    global _demo_snapshot
    cache.clear()
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        call_command("load_demo", quiet=True)
    elif _demo_snapshot is None:
        restore_sqlite_demo(
            run_folder(request.config),
            connection,
            Path(settings.MEDIA_ROOT),
            lambda: call_command("load_demo", quiet=True),
        )
        _demo_snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_demo_snapshot)
    else:
        _demo_snapshot.backup(connection.connection)
    # The URLconf imports every view (SCIM's pydantic models among them): seconds on a busy
    # machine. load_demo used to do that in each worker; a copied demo leaves it to the first
    # request, inside the browser's 15-second timeout, so it happens here.
    get_resolver().url_patterns  # noqa: B018
    return live_server.url


@pytest.fixture
def new_page(browser):
    """`new_page(phone=False)` opens a fresh browser context (own cookies) and returns a page."""
    contexts = []

    def open_page(phone: bool = False):
        context = browser.new_context(
            viewport=PHONE if phone else {"width": 1280, "height": 900}, locale="de-DE"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real allauth form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    """Save a screenshot under the git-ignored test-artifacts folder for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
