"""HR dashboard, drill-down and exports (HR only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import privacy
from accounts.models import User
from accounts.permissions import hr_required
from assignments.services import with_status
from core.charts import bar_chart_svg
from outbox import services as outbox
from outbox.models import OutboxMessage

from . import exports, services
from .forms import CertificateFilterForm, ReportFilterForm


def _weekly_chart(weeks: list[dict]) -> str:
    """Completions per week as an accessible bar chart (suppressed weeks marked "(–)")."""
    bars = [
        (
            week["week"].strftime("%d.%m.") + (" (–)" if week["suppressed"] else ""),
            week["count"] or 0,
        )
        for week in weeks
    ]
    return bar_chart_svg(
        bars,
        _("Completions per week"),
        _("Bar chart; the same numbers are in the table below."),
    )


@require_GET
@hr_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Completion and overdue figures by department, location, team, role and course."""
    form = ReportFilterForm(request.GET or None)
    figures = services.dashboard_figures(form.filters())
    raw, weeks = figures["tables"], figures["weeks"]
    rows = services.private_tables(raw)
    context = {
        "form": form,
        "totals": services.totals_of(raw["department"]),
        "individual": privacy.policy_for(privacy.HR).individual_progress,
        "minimum": privacy.min_group_size(),
        "tables": [
            {
                "dimension": key,
                "label": label,
                "rows": rows[key],
                # Once per table: every row links to it, twice.
                "people_url": reverse("reports:people", args=[key]),
            }
            for key, (_field, label) in services.DIMENSIONS.items()
        ],
        "weeks": weeks,
        "chart": _weekly_chart(weeks),
        "quiz_summary": figures["quiz_summary"],
        "as_of": figures["as_of"],
        "refresh_minutes": services.FIGURES_SECONDS // 60,
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


def _drill_down_sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "due")
    return sort if sort.lstrip("-") in services.DRILL_DOWN_SORTS else "due"


def _sort_links(request: HttpRequest, sort: str) -> dict[str, str]:
    """Query strings that sort the drill-down by each column (again: the other way round)."""
    base = request.GET.copy()
    for key in ("sort", "page"):
        base.pop(key, None)
    return {
        key: f"{base.urlencode()}&sort={'-' if sort == key else ''}{key}"
        for key in services.DRILL_DOWN_SORTS
    }


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
    sort = _drill_down_sort(request)
    page_obj = Paginator(services.drill_down(filters, dimension, value, only, sort), 50).get_page(
        request.GET.get("page")
    )
    page_obj.object_list = list(with_status(page_obj.object_list))
    privacy.record_views(
        request.user, [row.user for row in page_obj.object_list], "reports.people", privacy.HR
    )
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
            "sort_links": _sort_links(request, sort),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@hr_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    """One person for HR; their assignments, courses and certificates if the policy allows."""
    if user_id > 2**63 - 1:
        raise Http404
    user = get_object_or_404(User.objects.select_related("employee"), pk=user_id)
    return render(request, "reports/person.html", services.person_page(request.user, user))


@require_GET
@hr_required
def export(request: HttpRequest, dimension: str, fmt: str) -> HttpResponse:
    """Export a dashboard table (dimension) or, with ?value=, its drill-down as CSV or XLSX."""
    dimension = _dimension(dimension)
    fmt = exports.check_format(fmt)
    filters = ReportFilterForm(request.GET or None).filters()
    if "value" not in request.GET:
        return exports.dimension_export(filters, dimension).response(fmt)
    if (refused := _individual_rows_allowed(request)) is not None:
        return refused
    download = exports.drill_down_export(
        filters, dimension, request.GET["value"], request.GET.get("only", "")
    )
    privacy.record_views(request.user, download.people, "reports.export", privacy.HR)
    return download.response(fmt)


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
    individual = privacy.policy_for(privacy.HR).individual_progress
    people = services.certificates_in_band(filters, band) if individual else []
    page_obj = Paginator(people, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("band", None)
    query.pop("page", None)
    return render(
        request,
        "reports/recertification.html",
        {
            "form": form,
            "bands": services.certificate_bands(filters),
            "individual": individual,
            "minimum": privacy.min_group_size(),
            "band": band,
            "band_label": services.CERTIFICATE_BANDS[band],
            "page_obj": page_obj,
            "filter_query": query.urlencode(),
        },
    )


@require_GET
@hr_required
def recertification_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """One band of the recertification report as CSV or XLSX (names: only when the privacy
    settings let HR see individual progress)."""
    if (refused := _individual_rows_allowed(request)) is not None:
        return refused
    fmt = exports.check_format(fmt)
    filters = CertificateFilterForm(request.GET or None).filters()
    return exports.recertification_export(filters, _band(request)).response(fmt)
