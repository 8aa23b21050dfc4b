"""The four roles of CX Academy, stored as Django groups."""

from __future__ import annotations

LEARNER = "Learner"
CHAMPION = "Champion"
HR = "HR"
EDITOR = "Editor"

ALL_ROLES = (LEARNER, CHAMPION, HR, EDITOR)

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", ["add_document", "change_document", "choose_document"]),
]
EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("simple_translation", "submit_translation"),
    ("quizzes", "add_quiz"),
    ("quizzes", "change_quiz"),
    ("quizzes", "delete_quiz"),
    ("champions", "add_observationchecklist"),
    ("champions", "change_observationchecklist"),
    ("champions", "delete_observationchecklist"),
]


def ensure_roles(apps=None) -> None:
    """Create the role groups and the Editor's admin permissions (idempotent).

    Used by the data migration (with historical `apps`) and by the demo loader, so a flushed
    database gets its roles back."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    editor = Group.objects.get(name=EDITOR)
    editor.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in={app for app, _code in EDITOR_MODEL_PERMISSIONS},
            codename__in={code for _app, code in EDITOR_MODEL_PERMISSIONS},
        )
    )
    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editor,
                page_id=root_page.pk,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS:
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=editor,
                    collection_id=root_collection.pk,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=codename
                    ),
                )
