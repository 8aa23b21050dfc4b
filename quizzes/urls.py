"""URLs of the quizzes app."""

from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<int:quiz_id>/start/", views.start, name="start"),
    path("<int:quiz_id>/history/", views.history, name="history"),
    path("<int:quiz_id>/statistics/", views.statistics, name="statistics"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.save, name="save"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
]
