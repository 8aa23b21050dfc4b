"""URLs of the accounts app."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("data.<str:fmt>", views.data_download, name="data_download"),
    path("invite/", views.invite, name="invite"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("audit/", views.audit_log, name="audit_log"),
    path("privacy/", views.privacy_settings, name="privacy_settings"),
    path("transparency/", views.transparency, name="transparency"),
    path("requests/", views.data_requests, name="data_requests"),
    path("requests/<int:user_id>/data.<str:fmt>", views.person_data, name="person_data"),
    path("requests/<int:user_id>/erase/", views.erase_person, name="erase_person"),
]
