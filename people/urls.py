"""URLs of the people app (HR only)."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.employee_list, name="employees"),
    path("import/", views.import_employees, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/create-units/", views.import_create_units, name="import_create_units"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("import/<int:pk>/restart/", views.import_restart, name="import_restart"),
    path(
        "import/<int:pk>/invitations/",
        views.import_send_invitations,
        name="import_send_invitations",
    ),
    path("organisation/<str:kind>/", views.unit_list, name="units"),
    path("organisation/<str:kind>/new/", views.unit_edit, name="unit_new"),
    path("organisation/<str:kind>/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("organisation/<str:kind>/<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("organisation/<str:kind>/<int:pk>/active/", views.unit_set_active, name="unit_active"),
]
