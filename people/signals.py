"""Signals of the people app."""

from django.dispatch import Signal

# Sent after a CSV import was applied: created_users=[User, ...], actor=<User or None>.
employees_imported = Signal()
