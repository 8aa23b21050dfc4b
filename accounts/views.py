"""Account page, personal data download, invitations and the HR audit log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.redirects import safe_next, with_query

from . import mfa, services
from .adapters import SESSION_KEY
from .forms import AccountForm, InvitationForm
from .models import AuditEntry
from .permissions import hr_required


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Name, preferred language, and links to password, MFA and the data download."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.preferred_language)
        messages.success(request, _("Your account was saved."))
        response = redirect("accounts:account")
        response.set_cookie("django_language", user.preferred_language, samesite="Lax")
        return response
    return render(
        request, "accounts/account.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
@login_required
def data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The employee's own training data as JSON or CSV."""
    if fmt == "json":
        response = HttpResponse(
            json.dumps(services.personal_data(request.user), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        response = HttpResponse(
            services.personal_data_csv(request.user),
            content_type="text/csv; charset=utf-8",
        )
    else:
        return HttpResponse(_("Unknown format."), status=404)
    response["Content-Disposition"] = f'attachment; filename="meine-daten.{fmt}"'
    return response


@hr_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """HR invites one person by e-mail."""
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        services.invite_person(form.cleaned_data["email"], request.user, form.cleaned_data["roles"])
        messages.success(request, _("Invitation sent."))
        return redirect("accounts:invite")
    return render(
        request, "accounts/invite.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """Wagtail's own log-in form would skip the second factor and the log-in rate limits, so
    /admin/login/ (GET and POST alike) sends everyone to allauth's log-in, keeping a safe `next`."""
    return redirect(
        with_query(reverse("account_login"), next=safe_next(request, reverse("wagtailadmin_home")))
    )


def activate_totp(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """allauth's authenticator set-up. Setting it up takes a valid code, so the session that did
    it has passed the second factor (else it would be asked for a code straight away)."""
    from allauth.mfa.totp.views import activate_totp as allauth_activate_totp

    had_one = request.user.is_authenticated and mfa.has_second_factor(request.user)
    response = allauth_activate_totp(request, *args, **kwargs)
    if request.method == "POST" and response.status_code == 302 and not had_one:
        authenticator = mfa.second_factor_of(request.user)
        if authenticator is not None:
            mfa.record_second_factor(request, authenticator)
    return response


@require_GET
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link: remember it and continue to sign-up, or say why it cannot be used."""
    try:
        invitation = services.usable_invitation(token)
    except services.InvitationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": str(error)}, status=410
        )
    request.session[SESSION_KEY] = invitation.token
    request.session["account_verified_email"] = (
        invitation.email
    )  # allauth: the link proved the address
    return redirect(f"/accounts/signup/?email={invitation.email}")


@require_GET
@hr_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Sensitive HR actions: who did what, when (filter by action)."""
    entries = AuditEntry.objects.select_related("actor")
    actions = list(AuditEntry.objects.order_by().values_list("action", flat=True).distinct())
    action = request.GET.get("action", "")
    if action in actions:
        entries = entries.filter(action=action)
    else:
        action = ""
    page_obj = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_log.html",
        {"page_obj": page_obj, "actions": actions, "action": action},
    )
