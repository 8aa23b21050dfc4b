"""URLs of the reports app (HR only)."""

from django.urls import path

from . import remind_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mails/", views.undelivered_mails, name="mails"),
    path("recertification/", views.recertification, name="recertification"),
    path(
        "recertification/export.<str:fmt>",
        views.recertification_export,
        name="recertification_export",
    ),
    path("mails/<int:pk>/retry/", views.retry_mail, name="retry_mail"),
    path("person/<int:user_id>/", views.person, name="person"),
    path("<str:dimension>/people/", views.people, name="people"),
    path("<str:dimension>/remind/", remind_views.remind, name="remind"),
    path("<str:dimension>/export.<str:fmt>", views.export, name="export"),
]
