"""Views stay thin: every view function and view method of the project has at most
`MAX_VIEW_LINES` lines of request handling (parse, call a service, render).

"Lines" are the lines of the body that hold code: the signature, decorators, the docstring,
blank lines and comment-only lines do not count; nested helpers inside a view do. Measured:
every callback the URL configuration reaches (function views through their decorators,
class-based views with every method the project's own classes define, API views included),
the `serve`/`get_context` of the project's Wagtail page types, and the project's Wagtail hooks.
A view that grows past the limit moves its rules into a service, a form or a small helper."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

from django.urls import URLResolver, get_resolver

from wagtail import hooks
from wagtail.models import get_page_models

MAX_VIEW_LINES = 30
BASE_DIR = Path(__file__).resolve().parents[2]
PAGE_METHODS = ("serve", "serve_preview", "get_context")


def _is_project_code(obj: object) -> bool:
    try:
        source = Path(inspect.getsourcefile(obj) or "").resolve()
    except TypeError:  # built in, no source
        return False
    return source.is_relative_to(BASE_DIR) and ".venv" not in source.parts


def handling_lines(function: Callable) -> int:
    """Lines holding code in the body of `function` (docstring, blanks and comments left out)."""
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    body = definition.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    lines = source.splitlines()[body[0].lineno - 1 : body[-1].end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def _url_callbacks(patterns) -> Iterator[Callable]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_callbacks(pattern.url_patterns)
        else:
            yield pattern.callback


def _methods_of(view_class: type) -> Iterator[tuple[str, Callable]]:
    """The methods the project's own classes in a class-based view's hierarchy define."""
    for klass in view_class.__mro__:
        if not _is_project_code(klass):
            continue
        for name, value in vars(klass).items():
            if inspect.isfunction(value):
                yield f"{klass.__module__}.{klass.__qualname__}.{name}", value


def project_views() -> dict[str, Callable]:
    """Every view function and method of the project, by dotted name."""
    views: dict[str, Callable] = {}
    for callback in _url_callbacks(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view_class is not None:
            views.update(_methods_of(view_class))
            continue
        function = inspect.unwrap(callback)
        if _is_project_code(function):
            assert "<locals>" not in function.__qualname__, (
                f"{function.__module__}.{function.__qualname__}: a decorator without "
                "functools.wraps hides the view it wraps"
            )
            views[f"{function.__module__}.{function.__qualname__}"] = function
    for page_type in get_page_models():
        if _is_project_code(page_type):
            for name in PAGE_METHODS:
                if name in vars(page_type):
                    views[f"{page_type.__module__}.{page_type.__name__}.{name}"] = vars(page_type)[
                        name
                    ]
    hooks.search_for_hooks()
    for registered in hooks._hooks.values():
        for function, _order in registered:
            if _is_project_code(function):
                views[f"{function.__module__}.{function.__qualname__}"] = function
    return views


def test_every_view_has_at_most_thirty_lines_of_request_handling():
    too_long = sorted(
        (lines, name, inspect.getsourcefile(view), inspect.getsourcelines(view)[1])
        for name, view in project_views().items()
        if (lines := handling_lines(view)) > MAX_VIEW_LINES
    )
    report = "\n".join(
        f"  {lines} lines: {name} ({Path(path).relative_to(BASE_DIR)}:{line})"
        for lines, name, path, line in too_long
    )
    assert not too_long, f"Views over {MAX_VIEW_LINES} lines (move rules to services):\n{report}"


def test_the_measurement_reaches_every_kind_of_view():
    """Function views behind decorators, class-based and API views, page types and hooks are all
    measured (a walk that found nothing would pass the length test without checking anything)."""
    views = project_views()
    assert len(views) > 150
    for name in (
        "reports.views.export",  # behind @require_GET and @hr_required
        "reports.team_views.assign",
        "champions.observation_views.observation_edit",
        "accounts.views.privacy_settings",
        "pocket.views.manifest",
        "api.scim.UsersView.search",  # a method of a REST framework view
        "curriculum.models.LessonPage.serve",
        "curriculum.models.LessonPage.get_context",
        "curriculum.wagtail_hooks.require_login_for_documents",
    ):
        assert name in views, name


def _short_view(request):
    """A docstring does not count."""
    # nor does a comment

    first = request.GET.get("a")
    second = request.GET.get("b")
    return first, second


def _multi_line_view(request):
    values = []
    for number in range(31):
        values.append(number)
    if request:
        values.reverse()
    return [
        value
        for value in values
        if value  # the continuation lines of one statement count each
    ]


def test_lines_of_request_handling_leave_out_docstring_blanks_and_comments():
    assert handling_lines(_short_view) == 3
    assert handling_lines(_multi_line_view) == 10
