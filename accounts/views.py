"""Account page, personal data download, invitations and the HR audit log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.redirects import safe_next, with_query

from . import lifecycle, mfa, privacy, services
from .adapters import SESSION_KEY
from .forms import AccountForm, InvitationForm, PrivacySettingsForm
from .models import AuditEntry, User
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
    shows_views = privacy.subject_sees_views()
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "shows_views": shows_views,
            "views": privacy.views_of(request.user, 50) if shows_views else [],
        },
        status=400 if form.errors else 200,
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


@hr_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request: HttpRequest) -> HttpResponse:
    """HR/admin: the visibility policy per role, the minimum group size, retention periods."""
    form = PrivacySettingsForm(request.POST or None, instance=privacy.current_settings())
    if request.method == "POST" and form.is_valid():
        privacy.save_settings(form.save(commit=False), request.user, form.changes())
        messages.success(request, _("The privacy settings were saved."))
        return redirect("accounts:privacy_settings")
    return render(
        request,
        "accounts/privacy_settings.html",
        {
            "form": form,
            "roles": form.role_rows(),
            "retention": form.retention_fields(),
            "stored": privacy.current_settings(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def transparency(request: HttpRequest) -> HttpResponse:
    """For every employee and the works council: what is recorded, who sees what under the
    current settings, how long it is kept (printable)."""
    return render(request, "accounts/transparency.html", privacy.transparency_facts())


def _download(data: dict | str, fmt: str, filename: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@require_GET
@hr_required
def data_requests(request: HttpRequest) -> HttpResponse:
    """HR: find a person to export or erase their data on request (GDPR art. 15, 17)."""
    # Control characters (a NUL byte is refused by PostgreSQL) are dropped.
    query = "".join(c for c in request.GET.get("q", "") if c.isprintable()).strip()[:100]
    people = services.find_people(query) if len(query) >= 2 else []
    return render(
        request,
        "accounts/data_requests.html",
        {"query": query, "people": people, "too_short": 0 < len(query) < 2},
    )


@require_GET
@hr_required
def person_data(request: HttpRequest, user_id: int, fmt: str) -> HttpResponse:
    """HR: everything stored about one person, as the person's own download gives it."""
    if fmt not in ("json", "csv"):
        return HttpResponse(_("Unknown format."), status=404)
    person = get_object_or_404(User, pk=user_id)
    data = services.personal_data_for_hr(request.user, person, fmt)
    return _download(data, fmt, f"daten-person-{person.pk}")


@hr_required
@require_http_methods(["GET", "POST"])
def erase_person(request: HttpRequest, user_id: int) -> HttpResponse:
    """HR: preview, then erase a person (typing their e-mail address confirms)."""
    person = get_object_or_404(User, pk=user_id)
    refusal = services.erasure_refusal(request.user, person)
    error = ""
    if request.method == "POST" and refusal is None:
        typed = request.POST.get("confirm", "").strip().lower()
        if typed != person.email.lower():
            error = _("Type the person's e-mail address exactly to confirm.")
        else:
            lifecycle.erase_person(person, request.user)
            messages.success(
                request, _("The person's data was erased; group figures keep counting.")
            )
            return redirect("accounts:data_requests")
    status = 200
    if request.method == "POST":
        status = 403 if refusal else 400
    return render(
        request,
        "accounts/erase_person.html",
        {
            "person": person,
            "refusal": refusal,
            "error": error,
            "preview": services.erasure_summary(person) if refusal is None else [],
        },
        status=status,
    )
