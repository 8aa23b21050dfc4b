"""Signals quizzes send so higher apps (curriculum) can react without quizzes knowing them."""

from django.dispatch import Signal

# Sent once when an attempt is submitted and scored: sender=Attempt, attempt=<Attempt>.
attempt_submitted = Signal()
