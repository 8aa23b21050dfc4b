"""HR screens for organisation data: employee list and CSV import."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.permissions import hr_required

from .forms import EmployeeFilterForm, EmployeeImportForm
from .importing import apply_import, preview_import
from .models import EmployeeProfile
from .signals import employees_imported

SESSION_KEY = "people_import_upload"


@hr_required
def employee_list(request: HttpRequest) -> HttpResponse:
    """All employees with filters, paginated."""
    form = EmployeeFilterForm(request.GET or None)
    profiles = EmployeeProfile.objects.select_related(
        "user", "department", "location", "team", "manager"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            profiles = profiles.filter(
                Q(user__email__icontains=data["q"])
                | Q(user__last_name__icontains=data["q"])
                | Q(user__first_name__icontains=data["q"])
            )
        for key in ("department", "location", "staff_role"):
            if data[key]:
                profiles = profiles.filter(**{key: data[key]})
    page_obj = Paginator(profiles.order_by("user__last_name", "user__first_name"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "people/employee_list.html", {"form": form, "page_obj": page_obj})


@hr_required
@require_http_methods(["GET", "POST"])
def import_employees(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a CSV and see the dry run (creates, updates, errors with line numbers)."""
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        preview = preview_import(content)
        if preview.ok:
            request.session[SESSION_KEY] = base64.b64encode(content).decode()
        else:
            request.session.pop(SESSION_KEY, None)
    status = 400 if preview is not None and not preview.ok else 200
    return render(request, "people/import.html", {"form": form, "preview": preview}, status=status)


@hr_required
@require_POST
def apply_employee_import(request: HttpRequest) -> HttpResponse:
    """Step 2: apply the previewed file in one transaction."""
    encoded = request.session.pop(SESSION_KEY, None)
    if not encoded:
        messages.error(request, _("Nothing to import – upload the file again."))
        return redirect("people:import")
    preview = preview_import(base64.b64decode(encoded))
    if not preview.ok:  # data changed since the preview
        return render(
            request,
            "people/import.html",
            {"form": EmployeeImportForm(), "preview": preview},
            status=400,
        )
    created = apply_import(preview)
    audit.record(
        request.user,
        "employees.import",
        f"CSV import: {len(preview.rows)} rows",
        created=len(created),
        updated=len(preview.updates),
    )
    employees_imported.send(sender=EmployeeProfile, created_users=created, actor=request.user)
    messages.success(
        request,
        _("%(created)d employees created, %(updated)d updated.")
        % {"created": len(created), "updated": len(preview.updates)},
    )
    return redirect("people:employees")
