"""The one safe-`next` helper: this site only, whatever trick the parameter tries."""

from __future__ import annotations

from django.test import RequestFactory

from core.redirects import safe_next, with_query


def test_only_local_targets_are_followed():
    factory = RequestFactory()
    for bad in (
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "-1",
        "relative/path",
    ):
        assert safe_next(factory.post("/", {"next": bad}), "/home/") == "/home/", bad
        assert safe_next(factory.get("/", {"next": bad})) == "/", bad
    assert safe_next(factory.post("/", {"next": "/kurse/a/?x=1"})) == "/kurse/a/?x=1"
    assert safe_next(factory.get("/", {"next": "http://testserver/x/"})) == "/"  # paths only


def test_query_strings_are_encoded():
    assert with_query("/q/", next="/a/?b=1&c=2") == "/q/?next=%2Fa%2F%3Fb%3D1%26c%3D2"
    assert with_query("/q/?x=1", next="") == "/q/?x=1"
    assert with_query("/q/?x=1", page=2) == "/q/?x=1&page=2"
