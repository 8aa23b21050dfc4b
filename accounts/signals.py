"""Audit role changes; mark an invited sign-up's e-mail as verified."""

from __future__ import annotations

from allauth.account.signals import user_signed_up

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import audit
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
