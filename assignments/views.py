"""HR screens for mandatory training rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import hr_required

from .forms import AssignmentRuleForm
from .models import AssignmentRule
from .services import create_rule


@hr_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """List assignment rules and create a new one (applied at once and to future hires)."""
    form = AssignmentRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _rule, created = create_rule(request.user, **form.cleaned_data)
        messages.success(request, _("Assigned to %(count)d people.") % {"count": created})
        return redirect("assignments:rules")
    listing = (
        AssignmentRule.objects.select_related("course", "learning_path", "department", "location")
        .annotate(assignment_count=Count("assignments"))
        .order_by("-created_at")
    )
    page_obj = Paginator(listing, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "assignments/rules.html",
        {"form": form, "page_obj": page_obj},
        status=400 if form.errors else 200,
    )
