"""HR reminds the people behind a report number (the drill-down list): confirm, then send."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import hr_required
from assignments import reminders

from . import services
from .forms import ReportFilterForm
from .team_views import _tell_reminded
from .views import _dimension, _individual_rows_allowed


def _listed(request: HttpRequest, dimension: str):
    """The assignments of the list the query names (the same as the drill-down page shows)."""
    filters = ReportFilterForm(request.GET or None).filters()
    value = request.GET.get("value", "")[:200]
    return services.drill_down(filters, dimension, value, request.GET.get("only", ""))


@require_http_methods(["GET", "POST"])
@hr_required
def remind(request: HttpRequest, dimension: str) -> HttpResponse:
    """ "Remind these people": GET says how many overdue or not-started people an e-mail would
    reach (and who was reminded recently), POST sends it (rate-limited, their language, logged)."""
    dimension = _dimension(dimension)
    if (refused := _individual_rows_allowed(request)) is not None:
        return refused
    query = request.GET.urlencode()
    back = f"{reverse('reports:people', args=[dimension])}?{query}"
    if request.method == "POST":
        result = reminders.remind_from_report(request.user, _listed(request, dimension))
        _tell_reminded(request, result, nobody=True)
        return redirect(back)
    value = request.GET.get("value", "")[:200]
    return render(
        request,
        "reports/remind.html",
        {
            "plan": reminders.plan_report_reminders(_listed(request, dimension)),
            "label": services.DIMENSIONS[dimension][1],
            "value_label": services.label_of(dimension, value),
            "back": back,
            "query": query,
            "dimension": dimension,
        },
    )
