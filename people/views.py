"""HR screens for organisation data: employees, departments/locations/teams, and imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import privacy
from accounts.permissions import hr_required
from core.exports import csv_response, xlsx_response

from . import services
from .forms import (
    UNIT_FORMS,
    EmployeeFilterForm,
    EmployeeImportForm,
    ImportApplyForm,
    MergeForm,
    UnitFilterForm,
)
from .importing import create_missing_units, preview_import
from .models import EmployeeImport, ImportStatus

PREVIEW_ROWS_PER_PAGE = 50
MAX_ID = 2**63 - 1  # a larger id in a URL is "not found", not a database overflow


def _get(queryset, pk: int):
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


EMPLOYEE_EXPORT_FORMATS = ("csv", "xlsx")


@require_GET
@hr_required
def employee_list(request: HttpRequest) -> HttpResponse:
    """All employees with filters and a count, paginated; ?export=csv|xlsx downloads the list."""
    form = EmployeeFilterForm(request.GET or None)
    profiles = services.filter_employees(form.cleaned_data if form.is_valid() else {})
    export = request.GET.get("export", "")
    if export in EMPLOYEE_EXPORT_FORMATS:
        header, rows = services.employee_export_rows(profiles)
        respond = csv_response if export == "csv" else xlsx_response
        return respond("cx-employees", header, rows)
    page_obj = Paginator(profiles, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "people/employee_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "individual": privacy.policy_for(privacy.HR).individual_progress,
        },
    )


# Organisation units --------------------------------------------------------------------------


def _unit_model(kind: str):
    model = services.UNIT_MODELS.get(kind)
    if model is None:
        raise Http404
    return model


def _titles(kind: str) -> tuple[str, str]:
    return {
        "departments": (_("Departments"), _("New department")),
        "locations": (_("Locations"), _("New location")),
        "teams": (_("Teams"), _("New team")),
    }[kind]


@hr_required
@require_GET
def unit_list(request: HttpRequest, kind: str) -> HttpResponse:
    """Departments, locations or teams with search, status filter and head counts."""
    model = _unit_model(kind)
    form = UnitFilterForm(request.GET or None)
    units = model.objects.annotate(
        people=Count("employees", filter=Q(employees__is_active=True))
    ).order_by("name")
    if kind == "departments":
        units = units.select_related("parent")
    elif kind == "teams":
        units = units.select_related("department").order_by("department__name", "name")
    if form.is_valid():
        if form.cleaned_data["q"]:
            units = units.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            units = units.filter(is_active=form.cleaned_data["status"] == "active")
    page_obj = Paginator(units, 50).get_page(request.GET.get("page"))
    title, new_title = _titles(kind)
    return render(
        request,
        "people/unit_list.html",
        {"kind": kind, "form": form, "page_obj": page_obj, "title": title, "new_title": new_title},
    )


@hr_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create or edit one department, location or team."""
    model = _unit_model(kind)
    unit = _get(model.objects.all(), pk) if pk is not None else None
    form = UNIT_FORMS[kind](request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        services.save_unit(saved, request.user)
        messages.success(request, _("“%(name)s” saved.") % {"name": saved})
        return redirect("people:units", kind=kind)
    title, new_title = _titles(kind)
    return render(
        request,
        "people/unit_form.html",
        {"kind": kind, "form": form, "unit": unit, "title": str(unit) if unit else new_title},
        status=400 if form.errors else 200,
    )


@hr_required
@require_POST
def unit_set_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Deactivate or reactivate a unit (people stay where they are; history is kept)."""
    unit = _get(_unit_model(kind).objects.all(), pk)
    active = request.POST.get("active") == "1"
    services.set_unit_active(unit, active, request.user)
    messages.success(
        request,
        (_("“%(name)s” is active again.") if active else _("“%(name)s” is deactivated."))
        % {"name": unit},
    )
    return redirect("people:units", kind=kind)


@hr_required
@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Merge a unit into another: its people (and teams, sub-departments, rules) move over."""
    source = _get(_unit_model(kind).objects.all(), pk)
    form = MergeForm(request.POST or None, source=source)
    people = source.employees.count()
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        name = str(source)
        moved = services.merge_units(source, target, request.user)
        messages.success(
            request,
            _("“%(source)s” merged into “%(target)s”; %(count)d people moved.")
            % {"source": name, "target": target, "count": moved},
        )
        return redirect("people:units", kind=kind)
    return render(
        request,
        "people/unit_merge.html",
        {"kind": kind, "form": form, "unit": source, "people": people},
        status=400 if form.errors else 200,
    )


# Imports -------------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def import_employees(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file; it is stored and checked on the next page (nothing changes yet)."""
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = EmployeeImport.objects.create(
            filename=upload.name[:255], content=upload.read(), created_by=request.user
        )
        return redirect("people:import_detail", pk=job.pk)
    recent = EmployeeImport.objects.defer("content").select_related("created_by")[:10]
    return render(
        request,
        "people/import.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _import_job(request: HttpRequest, pk: int) -> EmployeeImport:
    return _get(EmployeeImport.objects.select_related("created_by"), pk)


@hr_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: the preview (changes, grouped errors, side effects), or the job's progress."""
    job = _import_job(request, pk)
    context = {"job": job, "form": EmployeeImportForm()}
    status = 200
    if job.status == ImportStatus.PREVIEW:
        preview = preview_import(bytes(job.content), job.filename, actor=request.user)
        changed = [row for row in preview.rows if row.is_new or row.changes]
        context.update(
            preview=preview,
            changed_page=Paginator(changed, PREVIEW_ROWS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            apply_form=ImportApplyForm(),
        )
        status = 200 if preview.ok else 400
    else:
        context["progress"] = services.import_progress(job)
    return render(request, "people/import_detail.html", context, status=status)


@hr_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx until the job is finished)."""
    job = _import_job(request, pk)
    return render(
        request,
        "people/includes/import_progress.html",
        {"job": job, "progress": services.import_progress(job)},
    )


@hr_required
@require_POST
def import_create_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the unknown departments, locations and teams of a preview in one step."""
    job = _import_job(request, pk)
    if job.status != ImportStatus.PREVIEW:
        return redirect("people:import_detail", pk=job.pk)
    preview = preview_import(bytes(job.content), job.filename, actor=request.user)
    created = create_missing_units(preview, request.user, filename=job.filename, import_id=job.pk)
    messages.success(
        request,
        _("Created %(departments)d departments, %(locations)d locations and %(teams)d teams.")
        % created,
    )
    return redirect("people:import_detail", pk=job.pk)


@hr_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: start the background job with HR's choices; the page then shows its progress.

    The job checks the file again before it writes (the data may have changed since the
    preview), so this request stays short even for 100,000 rows."""
    job = _import_job(request, pk)
    form = ImportApplyForm(request.POST)
    if job.status != ImportStatus.PREVIEW:
        messages.info(request, _("This import has already been started."))
        return redirect("people:import_detail", pk=job.pk)
    if not form.is_valid():
        messages.error(request, _("Choose when the invitations are sent."))
        return redirect("people:import_detail", pk=job.pk)
    services.queue_import(
        job, form.cleaned_data["invitations"], form.cleaned_data["deactivate_missing"]
    )
    return redirect("people:import_detail", pk=job.pk)


@hr_required
@require_POST
def import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an import again that a stopped worker interrupted (it had changed nothing)."""
    job = _import_job(request, pk)
    if services.restart_import(job, request.user):
        messages.success(request, _("The import has been started again."))
    else:
        messages.info(request, _("Only an interrupted import can be started again."))
    return redirect("people:import_detail", pk=job.pk)


@hr_required
@require_POST
def import_send_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitations of an import applied with "later", sent now."""
    job = _import_job(request, pk)
    count = services.send_import_invitations(job, request.user)
    messages.success(request, _("%(count)d invitations are being sent.") % {"count": count})
    return redirect("people:import_detail", pk=job.pk)
