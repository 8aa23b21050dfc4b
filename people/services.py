"""Organisation queries shared by several apps."""

from __future__ import annotations

from .models import Department


def department_with_children(department: Department) -> list[int]:
    """Ids of a department and all departments below it."""
    ids, frontier = [department.pk], [department.pk]
    while frontier:
        frontier = list(
            Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids
