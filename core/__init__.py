"""Shared building blocks that know no app: form fields, ids, charts, the default-language page.

The bottom layer: `core` imports Django and Wagtail only, never one of our apps (the
import-linter contract in pyproject.toml keeps it so)."""
