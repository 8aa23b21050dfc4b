"""URLs of the people app (HR only)."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.employee_list, name="employees"),
    path("import/", views.import_employees, name="import"),
    path("import/apply/", views.apply_employee_import, name="import_apply"),
]
