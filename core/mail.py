"""The one way the product writes an e-mail: multipart (plain text + HTML), from templates, in the
recipient's language, with absolute links to SITE_URL.

Every mail has three templates next to each other (allauth's naming, so allauth's own mails go
through here too):

- ``<prefix>_subject.txt``  one line, rendered without HTML escaping
- ``<prefix>_message.txt``  the plain-text part, rendered without HTML escaping
- ``<prefix>_message.html`` the HTML part (extends ``email/base.html``: inline styles only)

`compose()` only builds the message; whoever calls it decides when and how it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "") -> str:
    """An absolute link on the public site: SITE_URL plus the path of `path` (which may be a
    relative URL or an absolute one built from another host, e.g. a Wagtail page URL)."""
    base = settings.SITE_URL.rstrip("/")
    if not path:
        return base + "/"
    if "://" in path or path.startswith("//"):
        parts = urlsplit(path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        path += f"#{parts.fragment}" if parts.fragment else ""
    return base + ("" if path.startswith("/") else "/") + path


def language_of(user: object | None) -> str:
    """The language a mail to this person is written in: their preference, else the default."""
    preferred = getattr(user, "preferred_language", "") or ""
    return preferred if preferred in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template: no HTML escaping (an "&" stays an "&")."""
    template = engines["django"].get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def compose(
    template_prefix: str,
    context: dict,
    to: str | Iterable[str],
    language: str | None = None,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """Build a multipart e-mail (text + HTML) from `<template_prefix>_subject.txt`,
    `_message.txt` and `_message.html`, rendered in `language`."""
    recipients = [to] if isinstance(to, str) else list(to)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        full_context = {
            "site_url": site_url(),
            "academy_name": settings.ACADEMY_NAME,
            "language": language,
            **context,
        }
        subject = " ".join(render_text(f"{template_prefix}_subject.txt", full_context).split())
        text = render_text(f"{template_prefix}_message.txt", full_context).strip() + "\n"
        html = render_to_string(f"{template_prefix}_message.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message


def to_payload(message: EmailMultiAlternatives) -> dict:
    """A composed mail as plain JSON (for a Celery task or an outbox row)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "html": next((c for c, mimetype in message.alternatives if mimetype == "text/html"), None),
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
    }


def from_payload(payload: dict) -> EmailMultiAlternatives:
    """The mail again from `to_payload`'s JSON."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        headers=payload.get("headers") or {},
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    return message
