"""The test live server and the test's own thread never use the shared SQLite connection at once
(see tests/conftest.py): without that two threads can deadlock on it and hang the whole suite."""

from django.db.backends.sqlite3 import base as sqlite

from tests.conftest import _OneRequestAtATime


def test_the_live_server_handles_one_request_at_a_time_and_statements_wait_for_it(live_server):
    assert issubclass(live_server.thread.static_handler, _OneRequestAtATime)
    assert sqlite.SQLiteCursorWrapper.locked
