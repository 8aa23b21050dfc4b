"""HR dashboard, drill-down and exports (HR only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import privacy
from accounts.models import User
from accounts.permissions import hr_required
from assignments.services import with_status
from core.charts import bar_chart_svg
from core.exports import csv_response, xlsx_response
from outbox import services as outbox
from outbox.models import OutboxMessage

from . import services
from .forms import CertificateFilterForm, ReportFilterForm


@require_GET
@hr_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Completion and overdue figures by department, location, team, role and course."""
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    weeks = services.completions_by_week(filters)
    raw = services.dimension_tables(filters)
    totals = services.totals_of(raw["department"])
    rows = services.private_tables(raw)
    tables = [
        {"dimension": key, "label": label, "rows": rows[key]}
        for key, (_field, label) in services.DIMENSIONS.items()
    ]
    context = {
        "form": form,
        "totals": totals,
        "individual": privacy.policy_for(privacy.HR).individual_progress,
        "minimum": privacy.min_group_size(),
        "tables": tables,
        "weeks": weeks,
        "chart": bar_chart_svg(
            [
                (
                    week["week"].strftime("%d.%m.") + (" (–)" if week["suppressed"] else ""),
                    week["count"] or 0,
                )
                for week in weeks
            ],
            _("Completions per week"),
            _("Bar chart; the same numbers are in the table below."),
        ),
        "quiz_summary": services.quiz_summary(),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context)


def _individual_rows_allowed(request: HttpRequest) -> HttpResponse | None:
    """None when the policy lets HR see individual rows, else the page saying it does not."""
    if privacy.policy_for(privacy.HR).individual_progress:
        return None
    return render(
        request,
        "reports/individual_hidden.html",
        {"minimum": privacy.min_group_size()},
        status=403,
    )


def _dimension(dimension: str) -> str:
    if dimension not in services.DIMENSIONS:
        raise Http404
    return dimension


@require_GET
@hr_required
def people(request: HttpRequest, dimension: str) -> HttpResponse:
    """The people behind one number: ?value=<group>&only=overdue|completed."""
    dimension = _dimension(dimension)
    if (refused := _individual_rows_allowed(request)) is not None:
        return refused
    filters = ReportFilterForm(request.GET or None).filters()
    value = request.GET.get("value", "")[:200]
    only = request.GET.get("only", "")
    sort = request.GET.get("sort", "due")
    if sort.lstrip("-") not in services.DRILL_DOWN_SORTS:
        sort = "due"
    page_obj = Paginator(services.drill_down(filters, dimension, value, only, sort), 50).get_page(
        request.GET.get("page")
    )
    page_obj.object_list = list(with_status(page_obj.object_list))
    privacy.record_views(
        request.user, [row.user for row in page_obj.object_list], "reports.people", privacy.HR
    )
    base = request.GET.copy()
    for key in ("sort", "page"):
        base.pop(key, None)
    sort_links = {
        key: f"{base.urlencode()}&sort={'-' if sort == key else ''}{key}"
        for key in services.DRILL_DOWN_SORTS
    }
    return render(
        request,
        "reports/people.html",
        {
            "page_obj": page_obj,
            "dimension": dimension,
            "label": services.DIMENSIONS[dimension][1],
            "value": value,
            "value_label": services.label_of(dimension, value),
            "only": only,
            "sort": sort,
            "sort_links": sort_links,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@hr_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    """One person's training for HR: assignments with status and dates, courses, certificates."""
    if user_id > 2**63 - 1:
        raise Http404
    user = get_object_or_404(User.objects.select_related("employee"), pk=user_id)
    privacy.record_views(request.user, [user], "reports.person", privacy.HR)
    return render(
        request, "reports/person.html", {"person": user, **services.person_training(user)}
    )


@require_GET
@hr_required
def export(request: HttpRequest, dimension: str, fmt: str) -> HttpResponse:
    """Export a dashboard table (dimension) or, with ?value=, its drill-down as CSV or XLSX."""
    dimension = _dimension(dimension)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = ReportFilterForm(request.GET or None).filters()
    label = str(services.DIMENSIONS[dimension][1])
    if "value" in request.GET:
        if (refused := _individual_rows_allowed(request)) is not None:
            return refused
        header = [_("E-mail"), _("Name"), _("Course"), _("Due"), _("Status"), _("Completed on")]
        source = list(
            with_status(
                services.drill_down(
                    filters, dimension, request.GET["value"][:200], request.GET.get("only", "")
                )
            )
        )
        privacy.record_views(request.user, {r.user for r in source}, "reports.export", privacy.HR)
        rows = (
            [
                r.user.email,
                str(r.user),
                r.course.title,
                r.due_date,
                r.status_label,
                timezone.localdate(r.completed_at) if r.completed_at else None,
            ]
            for r in source
        )
        name = f"cx-report-{dimension}-people"
    else:
        header = [label, _("Assigned"), _("Completed"), _("Completion rate (%)"), _("Overdue")]
        hidden = _("hidden (fewer than %(minimum)s people)") % {"minimum": privacy.min_group_size()}
        rows = (
            [r["label"], hidden, hidden, hidden, hidden]
            if r["suppressed"]
            else [r["label"], r["total"], r["completed"], r["percent"], r["overdue"]]
            for r in privacy.suppress_small(
                services.grouped(filters, dimension), hide=services.FIGURES
            )
        )
        name = f"cx-report-{dimension}"
    if fmt == "csv":
        return csv_response(name, header, rows)
    return xlsx_response(name, header, rows, sheet_title=label)


@require_GET
@hr_required
def undelivered_mails(request: HttpRequest) -> HttpResponse:
    """E-mails that failed or still wait: to whom, what, why, and a button to send again."""
    page = Paginator(outbox.undelivered(), 50).get_page(request.GET.get("page"))
    return render(request, "reports/mails.html", {"page": page})


@require_POST
@hr_required
def retry_mail(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed or waiting e-mail again now."""
    with transaction.atomic():
        message = get_object_or_404(OutboxMessage.objects.select_for_update(), pk=pk)
        outbox.retry_now(message)
    messages.success(
        request, _("The e-mail to %(to)s will be sent again now.") % {"to": message.recipient}
    )
    return redirect("reports:mails")


def _band(request: HttpRequest) -> str:
    band = request.GET.get("band", "90")
    return band if band in services.CERTIFICATE_BANDS else "90"


@require_GET
@hr_required
def recertification(request: HttpRequest) -> HttpResponse:
    """Certificates expiring in 30/60/90 days, expired, renewed on time or late, by unit."""
    form = CertificateFilterForm(request.GET or None)
    filters = form.filters()
    band = _band(request)
    figures = services.certificate_figures(filters)
    page_obj = Paginator(services.certificates_in_band(filters, band), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("band", None)
    query.pop("page", None)
    return render(
        request,
        "reports/recertification.html",
        {
            "form": form,
            "bands": [
                {"key": key, "label": label, "count": figures[key]}
                for key, label in services.CERTIFICATE_BANDS.items()
            ],
            "band": band,
            "band_label": services.CERTIFICATE_BANDS[band],
            "page_obj": page_obj,
            "filter_query": query.urlencode(),
        },
    )


@require_GET
@hr_required
def recertification_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """One band of the recertification report as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = CertificateFilterForm(request.GET or None).filters()
    band = _band(request)
    header = [
        "Name",
        "E-Mail",
        "Abteilung",
        "Standort",
        "Team",
        "Kurs",
        "Ausgestellt",
        "Gültig bis",
        "Erneuert am",
    ]

    def text(unit) -> str:
        return unit.name if unit else ""

    def rows():
        for c in services.certificates_in_band(filters, band).iterator(chunk_size=2000):
            employee = getattr(c.user, "employee", None)
            renewed = getattr(c, "renewed_by", None)
            yield [
                c.learner_name,
                c.user.email,
                text(employee.department) if employee else "",
                text(employee.location) if employee else "",
                text(employee.team) if employee else "",
                c.course_title,
                timezone.localdate(c.issued_at),
                c.expires_on,
                timezone.localdate(renewed.issued_at) if renewed else None,
            ]

    name = f"cx-rezertifizierung-{band}"
    if fmt == "csv":
        return csv_response(name, header, rows())
    return xlsx_response(name, header, rows(), sheet_title="Rezertifizierung")
