"""URLs of the outcomes app."""

from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("figures/", views.figures, name="figures"),
    path("figures/new/", views.metric_create, name="metric_create"),
    path("figures/upload/<int:pk>/", views.figure_upload, name="figure_upload"),
    path("feedback/", views.feedback_overview, name="feedback_overview"),
    path("feedback/<int:course_id>/", views.feedback_course, name="feedback_course"),
    path("feedback/<int:course_id>/answer/", views.feedback_answer, name="feedback_answer"),
    path("<str:kind>/<int:pk>/", views.unit, name="unit"),
    path("<str:kind>/<int:pk>/export.<str:fmt>", views.unit_export, name="unit_export"),
]
