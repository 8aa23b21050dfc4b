"""URLs of the journeys app."""

from django.urls import path  # noqa: F401

app_name = "journeys"

urlpatterns: list = []
