"""What every learner sees alike (page tree, course outlines, quizzes), kept in the shared cache.

A lesson page used to read its site, its route, its view restrictions, its course, the course's
lessons and prerequisites, its translations and its quiz from the database on every request,
although they only change when an editor publishes. Those answers are cached under a *content
version*: any change to a page (publish, unpublish, move, delete, even a draft saved), to a view
restriction, a site, a locale or a registered snippet (quizzes and their questions) replaces the
version, so every entry of the old one is unreachable at once, in every process that shares the
cache (they expire on their own later).

Only what is the same for everyone goes here; progress, locks and enrolments are read per request.
While the cache is unreachable (`core.cache.FailSoftRedisCache.is_down`) nothing is cached: pages
are built from the database as before, so a publish during an outage is never hidden by another
process's memory.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

VERSION_KEY = "content:version"
# Entries of the current version live this long at most (a safety net; invalidation is the rule).
TIMEOUT = 6 * 60 * 60

_request = threading.local()


def _cache_is_down() -> bool:
    return bool(getattr(cache, "is_down", False))


# A version change made while the cache was unreachable, to be made again once it answers (else
# the entries of the version before it would be served again when the cache is back).
_unsaved_change = threading.Event()


def content_version() -> str:
    """The current content version (read once per request)."""
    if _unsaved_change.is_set() and not _cache_is_down():
        _new_version()
    if getattr(_request, "active", False) and getattr(_request, "version", None):
        return _request.version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    if getattr(_request, "active", False) and not _cache_is_down():
        _request.version = version
    return version


def _new_version() -> None:
    version = uuid.uuid4().hex
    _unsaved_change.clear()
    cache.set(VERSION_KEY, version, None)
    if _cache_is_down():
        _unsaved_change.set()
    _request.version = version


def forget_content(**_kwargs) -> None:
    """Make every cached content answer stale: content changed (a signal receiver).

    Inside a transaction the version is replaced now and again after the commit, so that a
    request reading between the two cannot keep what was true before the commit."""
    _new_version()
    transaction.on_commit(_new_version)


_MISSING = object()


def cached_content(
    key: str, build: Callable[[], T], timeout: int = TIMEOUT, keep_none: bool = True
) -> T:
    """The answer `build()` gives, cached under the content version (`key` names the question);
    `keep_none=False` does not keep a None (keys from URLs anyone can make up)."""
    if _cache_is_down():
        return build()
    full_key = f"content:{content_version()}:{key}"
    value = cache.get(full_key, _MISSING)
    if _cache_is_down():  # the cache failed just now: what came back is this process's memory
        return build()
    if value is _MISSING:
        value = build()
        if value is not None or keep_none:
            cache.set(full_key, value, timeout)
    return value


def cached_contents(keys: list[str], build: Callable[[list[str]], dict[str, T]]) -> dict[str, T]:
    """Many cached answers in one round trip: `build(missing keys)` gives {key: answer}."""
    if _cache_is_down():
        return build(keys)
    prefix = f"content:{content_version()}:"
    found = cache.get_many([prefix + key for key in keys])
    if _cache_is_down():
        return build(keys)
    result = {key: found[prefix + key] for key in keys if prefix + key in found}
    missing = [key for key in keys if key not in result]
    if missing:
        built = build(missing)
        cache.set_many({prefix + key: value for key, value in built.items()}, TIMEOUT)
        result.update(built)
    return result


def forget_on_change(*models) -> None:
    """Replace the content version whenever one of these models is saved or deleted."""
    for model in models:
        uid = f"{model._meta.label}"
        post_save.connect(forget_content, sender=model, dispatch_uid=f"content.saved.{uid}")
        post_delete.connect(forget_content, sender=model, dispatch_uid=f"content.deleted.{uid}")


def _request_started(**_kwargs) -> None:
    _request.active = True
    _request.version = None


def _request_finished(**_kwargs) -> None:
    _request.active = False
    _request.version = None


def site_for_hostname(hostname: str, port: int):
    """Wagtail's site for a host and port, with its root page loaded (every page request asks)."""
    from wagtail.models import Site
    from wagtail.models.sites import get_site_for_hostname

    def build():
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None
        site.root_page = site.root_page.specific
        return site

    return cached_content(f"site:{hostname}:{port}", build)


def _find_site_for_request(request):
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    return site_for_hostname(hostname, request.get_port())


class CachedViewRestrictionsMixin:
    """Pages whose view restrictions (their own and their ancestors') are looked up once per
    content version: Wagtail checks them on every request, two queries for none at all."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        restriction_ids = cached_content(
            f"restrictions:{self.pk}",
            lambda: list(
                super(CachedViewRestrictionsMixin, self)
                .get_view_restrictions()
                .values_list("pk", flat=True)
            ),
        )
        if not restriction_ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=restriction_ids)


def install() -> None:
    """Replace the version on any change to pages, view restrictions, sites, locales and images
    (course cards show covers), and let Wagtail find the site of a request through the cache."""
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    Site._find_for_request = staticmethod(_find_site_for_request)
    forget_on_change(Page, *get_page_models(), PageViewRestriction, Site, Locale, get_image_model())
    page_published.connect(forget_content, dispatch_uid="content.published")
    page_unpublished.connect(forget_content, dispatch_uid="content.unpublished")
    post_page_move.connect(forget_content, dispatch_uid="content.moved")
    request_started.connect(_request_started, dispatch_uid="content.request_started")
    request_finished.connect(_request_finished, dispatch_uid="content.request_finished")
