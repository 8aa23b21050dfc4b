"""URLs of the champions app."""

from django.urls import path  # noqa: F401

app_name = "champions"

urlpatterns: list = []
