"""The phone app's parts of other pages (the account page's push switch)."""

from __future__ import annotations

from django import template

from accounts import notifications
from pocket import push
from pocket.forms import PushPreferencesForm
from pocket.models import PushSubscription

register = template.Library()


@register.inclusion_tag("pocket/includes/push_settings.html", takes_context=True)
def push_settings(context) -> dict:
    """Turn push reminders on or off for this device, with how many devices have them on."""
    user = context["user"]
    available = push.push_available()
    chosen = notifications.preferences_for([user.pk])[user.pk]
    form = PushPreferencesForm(
        initial={
            "push_kinds": sorted(chosen.push_kinds),
            "quiet_from": chosen.quiet_from,
            "quiet_until": chosen.quiet_until,
        }
    )
    return {
        "form": form,
        "available": available,
        "public_key": push.public_key() if available else "",
        "devices": PushSubscription.objects.filter(user=user).count(),
        "csrf_token": context.get("csrf_token"),
    }
