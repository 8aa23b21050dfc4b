"""Shared fixtures: the site skeleton and one user per role."""

from __future__ import annotations

import io

import pytest

from accounts import roles
from accounts.factories import UserFactory


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """Uploads (photos, images, documents) land in a temporary folder, never in the repository's
    `media/`; set before any storage is first used, so every storage reads it."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(folder)
    return folder


@pytest.fixture
def home_page(db):
    """Locales, the German home page (with English translation) as the default site's root."""
    from home import demo

    return demo.load(io.StringIO())


@pytest.fixture
def learner(db):
    return UserFactory(roles=[roles.LEARNER], first_name="Lena", email="lena@cx-academy.example")


@pytest.fixture
def other_learner(db):
    return UserFactory(roles=[roles.LEARNER], first_name="Otto", email="otto@cx-academy.example")


@pytest.fixture
def champion(db):
    return UserFactory(roles=[roles.LEARNER, roles.CHAMPION], email="champ@cx-academy.example")


@pytest.fixture
def hr_user(db):
    return UserFactory(roles=[roles.LEARNER, roles.HR], email="hr-person@cx-academy.example")


@pytest.fixture
def editor(db):
    return UserFactory(
        roles=[roles.LEARNER, roles.EDITOR], email="editor-person@cx-academy.example"
    )


@pytest.fixture
def client_as(client):
    """`client_as(user)` logs the test client in as that user and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def tree(home_page):
    """Index → path → course with three lessons."""
    from curriculum.factories import build_course_tree

    return build_course_tree(home_page)
