"""URLs of the curriculum app."""

from django.urls import path  # noqa: F401

app_name = "curriculum"

urlpatterns: list = []
