"""URLs of the journeys app."""

from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path(
        "lessons/<int:lesson_id>/<str:block_id>/touchpoints/",
        views.add_touchpoint,
        name="add_touchpoint",
    ),
    path("touchpoints/<int:touchpoint_id>/", views.edit_touchpoint, name="edit_touchpoint"),
    path(
        "touchpoints/<int:touchpoint_id>/delete/", views.delete_touchpoint, name="delete_touchpoint"
    ),
    path("maps/<int:map_id>/", views.map_detail, name="map"),
    path("maps/<int:map_id>/top/", views.choose_top_three, name="top_three"),
    path("maps/<int:map_id>/share/", views.toggle_share, name="share"),
    path("maps/<int:map_id>/map.<str:fmt>", views.download, name="download"),
    path("insights/", views.insights, name="insights"),
]
