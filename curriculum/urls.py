"""URLs of the curriculum app."""

from django.urls import path

from . import views

app_name = "curriculum"

urlpatterns = [
    path("learning/courses/<int:course_id>/start/", views.start_course, name="start_course"),
    path("learning/lessons/<int:lesson_id>/done/", views.mark_lesson_done, name="mark_lesson_done"),
    path(
        "learning/lessons/<int:lesson_id>/reflections/<str:block_id>/",
        views.save_reflection,
        name="save_reflection",
    ),
    path("search/", views.search, name="search"),
    path("learning/catalogue/", views.catalogue, name="catalogue"),
    path(
        "certificates/<str:code>/download/", views.download_certificate, name="download_certificate"
    ),
    path("certificates/verify/", views.verify_certificate, name="verify_certificate_form"),
    path("certificates/verify/<str:code>/", views.verify_certificate, name="verify_certificate"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<str:code>/name/", views.certificate_name, name="certificate_name"),
]
