"""Signals curriculum sends so faces (the API's xAPI feed) can react without curriculum knowing them."""

from django.dispatch import Signal

# Sent every time a learner opens a lesson: sender=LessonPage, user=<User>, lesson=<German LessonPage>.
lesson_opened = Signal()
