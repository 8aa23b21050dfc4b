"""HR screens for mandatory training: mass assignment with the count shown first."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import hr_required

from .forms import AssignmentRuleForm
from .services import count_targets, create_rule_for_targets, rules_with_counts


@hr_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """List the rules; assign training: first post shows how many people, the second assigns."""
    form = AssignmentRuleForm(request.POST or None)
    target_count = None
    if request.method == "POST" and form.is_valid():
        target_count = count_targets(**form.target_filters())
        if form.cleaned_data["confirm"]:
            rule = form.save(commit=False)
            created = create_rule_for_targets(rule, form.target_filters(), request.user)
            people = len({a.user_id for a in created})
            messages.success(
                request,
                ngettext(
                    "Assigned to %(count)d person; they are told by e-mail.",
                    "Assigned to %(count)d people; they are told by e-mail.",
                    people,
                )
                % {"count": people},
            )
            return redirect("assignments:rules")
    listing = rules_with_counts()
    page_obj = Paginator(listing, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "assignments/rules.html",
        {"form": form, "page_obj": page_obj, "target_count": target_count},
        status=400 if form.errors else 200,
    )


@hr_required
@require_GET
def target_count(request: HttpRequest) -> HttpResponse:
    """How many people the filters currently reach (the form asks while HR chooses)."""
    form = AssignmentRuleForm(request.GET)
    form.is_valid()  # the count needs only the filters, not a complete rule
    filters = {
        name: form.cleaned_data.get(name)
        for name in ("department", "location", "team", "hired_from", "hired_until")
    }
    filters["staff_role"] = form.cleaned_data.get("staff_role") or ""
    filters["search"] = (form.cleaned_data.get("search") or "").strip()
    return render(
        request, "assignments/includes/target_count.html", {"count": count_targets(**filters)}
    )
