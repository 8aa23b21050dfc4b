"""Signals of the people app, and the invitation of imported employees.

`people` sits above `accounts` (it keeps profiles of accounts' users and calls its audit and
invitation services); `accounts` imports nothing from `people`."""

from django.dispatch import Signal, receiver

from accounts import services as account_services

# Sent after a CSV import was applied: created_users=[User, ...], actor=<User or None>.
employees_imported = Signal()


@receiver(employees_imported)
def invite_imported_employees(sender, created_users, actor=None, **kwargs) -> None:
    """Everyone new from a CSV import gets an invitation."""
    for user in created_users:
        account_services.invite(user.email, actor, ["Learner"])
