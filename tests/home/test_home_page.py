"""The home page, base layout, language switcher and admin entry points."""

from __future__ import annotations

import pytest

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage


class HomePageTreeTests(WagtailPageTestCase):
    """One home page per site, directly under the tree root; it renders for anyone."""

    def test_home_page_sits_at_the_root_and_renders(self):
        import io

        from home import demo

        home = demo.load(io.StringIO())
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertPageIsRenderable(home)
        self.assertCanNotCreateAt(HomePage, HomePage)


@pytest.mark.django_db
def test_anonymous_visitor_sees_welcome_and_login_link(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "/accounts/login/" in html
    assert 'href="#main"' in html  # skip link
    assert "Nordlicht Service GmbH" in html  # footer from site settings


@pytest.mark.django_db
def test_logged_in_learner_sees_my_learning(client_as, learner, home_page):
    response = client_as(learner).get("/")
    assert response.status_code == 200
    assert "Lena" in response.content.decode()
    assert 'id="my-learning-heading"' in response.content.decode()


@pytest.mark.django_db
def test_english_home_page_is_served_under_en(client, home_page):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Customers remember experiences" in html


@pytest.mark.django_db
def test_language_switcher_links_to_the_page_translation(client, home_page):
    html = client.get("/").content.decode()
    assert 'value="en"' in html
    assert "next=/en/" in html
    response = client.post("/language/?next=/en/", {"language": "en"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_language_switch_rejects_unknown_language_and_foreign_next(client, home_page):
    assert client.post("/language/", {"language": "xx"}).status_code == 400
    response = client.post("/language/?next=https://evil.example/", {"language": "en"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_language_switch_remembers_choice_for_logged_in_user(client_as, learner, home_page):
    client_as(learner).post("/language/?next=/en/", {"language": "en"})
    learner.refresh_from_db()
    assert learner.preferred_language == "en"


@pytest.mark.django_db
def test_home_page_is_the_only_child_of_root(home_page):
    root = Page.get_first_root_node()
    assert HomePage.can_create_at(root) is False  # max one per parent
    assert home_page.get_parent().pk == root.pk


@pytest.mark.django_db
def test_admin_login_page_renders(client, home_page):
    """The admin's log-in is allauth's (with the second factor); /admin/login/ leads there."""
    response = client.get("/admin/login/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


@pytest.mark.django_db
def test_editor_reaches_wagtail_admin_but_learner_does_not(client, editor, learner, home_page):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_unknown_url_gets_styled_404(client, home_page):
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert "CX Academy" in response.content.decode()


@pytest.mark.django_db
def test_roles_exist_as_groups_after_migrations():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"Learner", "Champion", "HR", "Editor"} <= names
    editor = Group.objects.get(name="Editor")
    assert editor.permissions.filter(codename="access_admin").exists()
    assert editor.page_permissions.filter(permission__codename="publish_page").exists()
