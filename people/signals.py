"""Signals of the people app (higher apps listen; people imports none of them)."""

from django.dispatch import Signal

# Sent after an import was applied: created_user_ids=[int, ...], actor=<User or None>.
employees_imported = Signal()

# Sent once per import batch inside the import's transaction: profiles=[EmployeeProfile, ...]
# (saved, active), today=<date>, context=<dict shared by the batches of one import>. Receivers return how many records they created (assignments).
employees_batch_saved = Signal()

# Sent by the import preview: profiles=[PlannedProfile, ...] as they will be after the
# import (user_id None for new people). Receivers return a dict of counts to announce, e.g.
# {"assignments": 120, "overdue_at_once": 3}.
import_forecast = Signal()

# Sent before a department/location/team `source` is merged into `target` (same model) and
# deleted: apps whose records point at units move them (assignment rules).
units_merged = Signal()
