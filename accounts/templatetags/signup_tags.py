"""Whether the log-in page may invite people to sign up."""

from __future__ import annotations

from allauth.account.adapter import get_adapter

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_is_open(context) -> bool:
    """True when someone on this request could sign up (an invitation in the session or open
    company domains); the log-in page shows its "sign up" sentence only then."""
    request = context.get("request")
    return request is not None and get_adapter(request).is_open_for_signup(request)
