"""The local test push service (tests/pocket/test_push.py) for every pocket test."""

from .test_push import push_service  # noqa: F401 (a fixture)
