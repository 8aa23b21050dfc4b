"""URLs of the assignments app (HR only)."""

from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("", views.rules, name="rules"),
    path("count/", views.target_count, name="target_count"),
]
