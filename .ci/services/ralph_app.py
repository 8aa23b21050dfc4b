"""Ralph's LRS app with its file backend appending statements.

Ralph 5.1's file LRS backend writes every POST to the same file with "create", so the second
POST fails ("already exists and overwrite is not allowed"). Appending is what a file-backed LRS
needs; everything else (validation, storage, queries) is Ralph's own code."""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402

__all__ = ["app"]
