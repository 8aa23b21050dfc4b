"""URLs of My team (managers: people with direct reports)."""

from django.urls import path

from . import team_views

app_name = "team"

urlpatterns = [
    path("", team_views.overview, name="overview"),
    path("remind/", team_views.remind, name="remind"),
    path("assign/", team_views.assign, name="assign"),
    path("export.<str:fmt>", team_views.export, name="export"),
    path("<int:user_id>/", team_views.member, name="member"),
]
