"""URLs of the installable app (outside the language prefixes: one worker for the site)."""

from django.urls import path

from . import views

app_name = "pocket"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("offline/lessons.json", views.offline_lessons, name="offline_lessons"),
    path("minute/", views.minute, name="minute"),
    path("minute/retention/", views.retention, name="retention"),
    path("minute/<int:card_id>/", views.minute_answer, name="minute_answer"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("push/settings/", views.push_preferences, name="push_preferences"),
]
