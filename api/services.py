"""API tokens: create (shown once), look up by the presented key, revoke, audit each use."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.utils import timezone

from accounts import audit

from .models import Access, ApiToken, ResourceFamily

TOKEN_PREFIX = "cxa"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(
    actor,
    name: str,
    scopes: dict[str, str],
    valid_days: int,
    rate_limit_per_minute: int = 120,
) -> tuple[ApiToken, str]:
    """A new token and its plain key; the key is returned this once and only its hash is kept."""
    clean_scopes = {
        family: access
        for family, access in scopes.items()
        if family in ResourceFamily.values and access in (Access.READ, Access.WRITE)
    }
    prefix = secrets.token_hex(4)
    key = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        scopes=clean_scopes,
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=valid_days),
    )
    audit.record(
        actor,
        "api.token_created",
        f"API token {token.name} ({prefix}) created",
        token_id=token.pk,
        scopes=clean_scopes,
        expires_at=token.expires_at.isoformat(),
    )
    return token, key


def find_token(key: str) -> ApiToken | None:
    """The token a presented key belongs to (active or not), or None for an unknown key."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    return token


def revoke_token(actor, token: ApiToken) -> ApiToken:
    """Stop a token from working at once (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor,
            "api.token_revoked",
            f"API token {token.name} ({token.prefix}) revoked",
            token_id=token.pk,
        )
    return token


def record_use(token: ApiToken, method: str, path: str, status: int) -> None:
    """Every request made with a token lands in the audit log."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record(
        None,
        "api.token_used",
        f"{token.name} ({token.prefix}): {method} {path} → {status}",
        token_id=token.pk,
        method=method,
        path=path[:300],
        status=status,
    )


def record_refused(token: ApiToken, method: str, path: str, reason: str) -> None:
    """A revoked or expired token that was still presented is audited too."""
    audit.record(
        None,
        "api.token_refused",
        f"{token.name} ({token.prefix}): {method} {path} refused ({reason})",
        token_id=token.pk,
        method=method,
        path=path[:300],
        reason=reason,
    )
