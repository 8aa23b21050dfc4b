"""Audit role changes; mark invited sign-ups as verified; track the second factor."""

from __future__ import annotations

from allauth.account.signals import user_logged_in, user_signed_up

from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_migrate
from django.dispatch import receiver

from . import audit, mfa
from .models import Invitation, User


@receiver(m2m_changed, sender=User.groups.through)
def audit_role_change(sender, instance, action, pk_set, **kwargs) -> None:
    """Every change of someone's roles lands in the audit log."""
    if action not in ("post_add", "post_remove") or not pk_set or not isinstance(instance, User):
        return
    from django.contrib.auth.models import Group

    names = ", ".join(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    verb = "added" if action == "post_add" else "removed"
    audit.record(None, "accounts.roles", f"{instance.email}: {verb} {names}", user_id=instance.pk)


@receiver(user_signed_up)
def verify_invited_email(sender, request, user, **kwargs) -> None:
    """Whoever signed up through their invitation link has proven their e-mail address."""
    from allauth.account.models import EmailAddress

    if Invitation.objects.filter(email=user.email.lower(), accepted_at__isnull=False).exists():
        EmailAddress.objects.update_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )


@receiver(post_migrate)
def name_the_site(sender, **kwargs) -> None:
    """The Sites framework (allauth's "current site") carries SITE_URL's host and ACADEMY_NAME."""
    if sender.label != "accounts":
        return
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.ACADEMY_NAME},
    )
    Site.objects.clear_cache()


@receiver(user_logged_in)
def remember_sso_provider(sender, request, user, sociallogin=None, **kwargs) -> None:
    """Who logged in by SSO is logged out of the provider too (RP-initiated log-out)."""
    if sociallogin is not None and request is not None:
        from . import sso

        sso.remember_provider(request, sociallogin.account.provider)


@receiver(auth_signals.user_logged_in)
def note_skipped_second_factor(sender, request, user, **kwargs) -> None:
    """A log-in that did not pass the user's second factor leaves the session pending MFA."""
    if request is None or not hasattr(request, "session"):
        return
    if not mfa.session_passed_second_factor(request) and mfa.has_second_factor(user):
        request.session[mfa.SECOND_FACTOR_PENDING] = True
