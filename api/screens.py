"""HR's screens: API tokens, webhook endpoints and their delivery log, the schema and docs."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.permissions import hr_required

from . import services
from . import webhooks as webhook_services
from .auth import ApiTokenAuthentication, TokenOrHRSession, TokenRateThrottle
from .forms import TokenForm, WebhookEndpointForm
from .models import ApiToken, ResourceFamily, WebhookEndpoint


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: for any valid token, or HR logged in to the site."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [TokenOrHRSession]
    throttle_classes = [TokenRateThrottle]


docs = hr_required(
    SpectacularSwaggerSplitView.as_view(
        url_name="api:schema",
        authentication_classes=[SessionAuthentication],
        permission_classes=[AllowAny],
    )
)


@hr_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List tokens and create one; a new key is shown on this response only."""
    new_key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, new_key = services.create_token(
                request.user,
                form.cleaned_data["name"],
                form.scopes(),
                form.cleaned_data["valid_days"],
                form.cleaned_data["rate_limit_per_minute"],
            )
            form = TokenForm()
    else:
        form = TokenForm()
    rows = ApiToken.objects.select_related("created_by", "revoked_by")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": rows,
            "families": ResourceFamily,
        },
    )


@hr_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id)
    services.revoke_token(request.user, token)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("api:tokens")


@hr_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    """Webhook endpoints; the signing secret of a new one is shown once."""
    new_secret = None
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            endpoint = form.save(commit=False)
            endpoint.secret = new_secret = webhook_services.new_secret()
            endpoint.created_by = request.user
            endpoint.save()
            audit.record(
                request.user,
                "api.webhook_created",
                f"Webhook {endpoint.url}: {', '.join(endpoint.events)}",
                endpoint_id=endpoint.pk,
            )
            form = WebhookEndpointForm()
    else:
        form = WebhookEndpointForm()
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "new_secret": new_secret, "endpoints": WebhookEndpoint.objects.all()},
    )


@hr_required
@require_http_methods(["GET", "POST"])
def webhook_log(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """The delivery log of one endpoint; POST switches the endpoint on or off."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    if request.method == "POST":
        endpoint.is_active = not endpoint.is_active
        endpoint.save(update_fields=["is_active"])
        audit.record(
            request.user,
            "api.webhook_toggled",
            f"Webhook {endpoint.url} {'on' if endpoint.is_active else 'off'}",
            endpoint_id=endpoint.pk,
        )
        return redirect("api:webhook_log", endpoint_id=endpoint.pk)
    page_obj = Paginator(endpoint.deliveries.all(), 50).get_page(request.GET.get("page"))
    return render(request, "api/webhook_log.html", {"endpoint": endpoint, "page_obj": page_obj})
