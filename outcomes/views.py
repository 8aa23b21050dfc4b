"""Pages for course feedback and CX outcomes: parse the request, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import (
    can_manage_figures,
    can_view_course_feedback,
    can_view_outcomes,
    learner_required,
    role_required,
)
from core.charts import line_chart_svg
from core.exports import csv_response, xlsx_response
from curriculum.models import CoursePage

from . import services
from .forms import FeedbackForm, FigureUploadForm, MetricForm, OutcomesFilterForm
from .models import FigureUpload, Metric

outcomes_required = role_required(can_view_outcomes)
figures_required = role_required(can_manage_figures)
feedback_required = role_required(can_view_course_feedback)


@require_http_methods(["GET", "POST"])
@learner_required
def feedback_answer(request: HttpRequest, course_id: int) -> HttpResponse:
    """The short survey after finishing a course; answered once, or declined once."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not services.feedback_due(request.user, course):
        messages.info(request, _("Thank you – there is nothing to answer for this course."))
        return redirect(course.localized.url)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        try:
            if "decline" in request.POST:
                services.decline_feedback(request.user, course)
                return redirect(course.localized.url)
            if form.is_valid():
                services.record_feedback(
                    request.user, course, language=get_language() or "de", **form.cleaned_data
                )
                messages.success(request, _("Thank you for your feedback!"))
                return redirect(course.localized.url)
        except services.FeedbackAlreadyGiven:
            return redirect(course.localized.url)
    return render(
        request,
        "outcomes/feedback_form.html",
        {"course": course.localized, "form": form, "minimum": services.min_group_size()},
    )


@require_GET
@feedback_required
def feedback_overview(request: HttpRequest) -> HttpResponse:
    """Every course with its response rate and average rating (in aggregate only)."""
    return render(
        request,
        "outcomes/feedback_overview.html",
        {"rows": services.feedback_overview(), "minimum": services.min_group_size()},
    )


@require_GET
@feedback_required
def feedback_course(request: HttpRequest, course_id: int) -> HttpResponse:
    """One course's feedback: figures, themes per language and the monthly trend."""
    course = get_object_or_404(CoursePage, pk=course_id)
    summary = services.feedback_summary(course)
    chart = line_chart_svg(
        [(date_format(row["month"], "M y"), row["rating"]) for row in summary.trend],
        _("Average rating per month"),
        _("Months with too few answers are left out; the numbers are in the table below."),
    )
    return render(
        request,
        "outcomes/feedback_course.html",
        {"summary": summary, "chart": chart, "minimum": services.min_group_size()},
    )


def _filters(request: HttpRequest) -> tuple[OutcomesFilterForm, str, Metric | None, list]:
    form = OutcomesFilterForm(request.GET or None)
    kind, metric, months = form.values()
    return form, kind, metric, services.last_months(months)


@require_GET
@outcomes_required
def overview(request: HttpRequest) -> HttpResponse:
    """Units ranked by how their customer figure moved, beside their training completion."""
    form, kind, metric, months = _filters(request)
    units = services.visible_units(request.user, kind)
    ranked, correlation = (
        services.ranking(kind, units, metric, months) if metric and units else ([], None)
    )
    return render(
        request,
        "outcomes/overview.html",
        {
            "form": form,
            "kind": kind,
            "metric": metric,
            "months": months,
            "ranked": ranked,
            "correlation": correlation,
            "can_upload": can_manage_figures(request.user),
        },
    )


def _unit(request: HttpRequest, kind: str, pk: int):
    if kind not in services.UNIT_KINDS:
        raise Http404
    unit = next((u for u in services.visible_units(request.user, kind) if u.pk == pk), None)
    if unit is None:
        raise Http404
    return unit


TRAINING_COLOUR = "#0b5f8a"  # training and coaching in blue, customer figures in rust
FIGURE_COLOUR = "#8a3b0b"


def _unit_charts(rows, metrics) -> list[tuple[str, str]]:
    """(title, SVG) per series of a unit's monthly table: training, coaching, each figure."""
    labels = [date_format(row.month, "M y") for row in rows]
    note = _("The same numbers are in the table below.")
    series = [
        (_("Training completion"), [r.completion for r in rows], " %", TRAINING_COLOUR),
        (_("Champion coverage"), [r.coverage for r in rows], " %", TRAINING_COLOUR),
    ] + [
        (
            metric.name,
            [None if r.figures[metric.pk] is None else float(r.figures[metric.pk]) for r in rows],
            f" {metric.unit}" if metric.unit else "",
            FIGURE_COLOUR,
        )
        for metric in metrics
    ]
    return [
        (
            title,
            line_chart_svg(
                list(zip(labels, values, strict=True)), title, note, unit, colour=colour
            ),
        )
        for title, values, unit, colour in series
    ]


@require_GET
@outcomes_required
def unit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One location or department: training, coaching and each figure on one time axis."""
    unit = _unit(request, kind, pk)
    form, kind_, _metric, months = _filters(request)
    rows = services.monthly_table(kind, [unit], months)[unit.pk]
    metrics = list(Metric.objects.all())
    charts = _unit_charts(rows, metrics)
    return render(
        request,
        "outcomes/unit.html",
        {
            "unit": unit,
            "kind": kind,
            "rows": rows,
            "metrics": metrics,
            "charts": charts,
            "query": request.GET.urlencode(),
            "minimum": services.min_group_size(),
        },
    )


@require_GET
@outcomes_required
def unit_export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    """The combined monthly table of one unit as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    unit = _unit(request, kind, pk)
    _form, _kind, _metric, months = _filters(request)
    rows = services.monthly_table(kind, [unit], months)[unit.pk]
    metrics = list(Metric.objects.all())
    header = [_("Month"), _("Unit"), _("Training completion %"), _("Champion coverage %")]
    header += [metric.name for metric in metrics]
    lines = [
        [row.month.strftime("%Y-%m"), unit.name, row.completion, row.coverage]
        + [row.figures[metric.pk] for metric in metrics]
        for row in rows
    ]
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(f"cx-outcomes-{kind}-{unit.pk}", header, lines)


@require_http_methods(["GET", "POST"])
@figures_required
def figures(request: HttpRequest) -> HttpResponse:
    """Upload monthly figures (checked first, applied after confirming) and list the figures."""
    form = FigureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = services.create_upload(request.user, upload.name, upload.read())
        return redirect("outcomes:figure_upload", pk=record.pk)
    return render(
        request,
        "outcomes/figures.html",
        {
            "form": form,
            "metric_form": MetricForm(),
            "metrics": Metric.objects.all(),
            "uploads": FigureUpload.objects.order_by("-created_at")[:10],
        },
    )


@require_POST
@figures_required
def metric_create(request: HttpRequest) -> HttpResponse:
    """Add a custom figure (name, unit, direction)."""
    form = MetricForm(request.POST)
    if form.is_valid():
        form.save()
        messages.success(request, _("Figure added."))
        return redirect("outcomes:figures")
    return render(
        request,
        "outcomes/figures.html",
        {
            "form": FigureUploadForm(),
            "metric_form": form,
            "metrics": Metric.objects.all(),
            "uploads": FigureUpload.objects.order_by("-created_at")[:10],
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
@figures_required
def figure_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """What an upload will do (or why it cannot), and applying it."""
    upload = get_object_or_404(FigureUpload, pk=pk)
    if request.method == "POST":
        try:
            count = services.apply_upload(upload)
        except services.UploadNotApplicable:
            messages.error(request, _("This file cannot be applied (again)."))
            return redirect("outcomes:figure_upload", pk=upload.pk)
        messages.success(request, _("%(count)s values saved.") % {"count": count})
        return redirect("outcomes:overview")
    preview = None if upload.errors else services.upload_preview(upload)
    return render(request, "outcomes/figure_upload.html", {"upload": upload, "preview": preview})
