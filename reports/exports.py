"""What HR downloads: header and rows of each report export, built from the report services."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import privacy
from assignments.services import with_status
from core.exports import Row, csv_response, xlsx_response

from . import services
from .services import CertificateFilters, ReportFilters

FORMATS = ("csv", "xlsx")


@dataclass
class Export:
    """One download: file name (without extension), sheet title, header, rows and who is in it."""

    name: str
    sheet_title: str
    header: list[str]
    rows: Iterable[Row]
    people: set = field(default_factory=set)

    def response(self, fmt: str) -> HttpResponse:
        """The download in the asked format (CSV or XLSX)."""
        if fmt == "csv":
            return csv_response(self.name, self.header, self.rows)
        return xlsx_response(self.name, self.header, self.rows, sheet_title=self.sheet_title)


def check_format(fmt: str) -> str:
    """The format when it is one we write; any other is a page that does not exist."""
    if fmt not in FORMATS:
        raise Http404
    return fmt


def drill_down_export(filters: ReportFilters, dimension: str, value: str, only: str) -> Export:
    """The people behind one dashboard cell: e-mail, name, course, due, status, completed on."""
    source = list(with_status(services.drill_down(filters, dimension, value[:200], only)))
    rows = (
        [
            r.user.email,
            str(r.user),
            r.course.title,
            r.due_date,
            r.status_label,
            timezone.localdate(r.completed_at) if r.completed_at else None,
        ]
        for r in source
    )
    return Export(
        name=f"cx-report-{dimension}-people",
        sheet_title=str(services.DIMENSIONS[dimension][1]),
        header=[_("E-mail"), _("Name"), _("Course"), _("Due"), _("Status"), _("Completed on")],
        rows=rows,
        people={r.user for r in source},
    )


def dimension_export(filters: ReportFilters, dimension: str) -> Export:
    """One dashboard table; groups smaller than the privacy minimum show 'hidden'."""
    label = str(services.DIMENSIONS[dimension][1])
    hidden = _("hidden (fewer than %(minimum)s people)") % {"minimum": privacy.min_group_size()}
    rows = (
        [r["label"], hidden, hidden, hidden, hidden]
        if r["suppressed"]
        else [r["label"], r["total"], r["completed"], r["percent"], r["overdue"]]
        for r in privacy.suppress_small(services.grouped(filters, dimension), hide=services.FIGURES)
    )
    return Export(
        name=f"cx-report-{dimension}",
        sheet_title=label,
        header=[label, _("Assigned"), _("Completed"), _("Completion rate (%)"), _("Overdue")],
        rows=rows,
    )


RECERTIFICATION_HEADER = [
    "Name",
    "E-Mail",
    "Abteilung",
    "Standort",
    "Team",
    "Kurs",
    "Ausgestellt",
    "Gültig bis",
    "Erneuert am",
]


def _unit_name(unit) -> str:
    return unit.name if unit else ""


def _certificate_rows(filters: CertificateFilters, band: str) -> Iterator[Row]:
    for c in services.certificates_in_band(filters, band).iterator(chunk_size=2000):
        employee = getattr(c.user, "employee", None)
        renewed = getattr(c, "renewed_by", None)
        yield [
            c.learner_name,
            c.user.email,
            _unit_name(employee.department) if employee else "",
            _unit_name(employee.location) if employee else "",
            _unit_name(employee.team) if employee else "",
            c.course_title,
            timezone.localdate(c.issued_at),
            c.expires_on,
            timezone.localdate(renewed.issued_at) if renewed else None,
        ]


def recertification_export(filters: CertificateFilters, band: str) -> Export:
    """One band of the recertification report (streamed, German column names)."""
    return Export(
        name=f"cx-rezertifizierung-{band}",
        sheet_title="Rezertifizierung",
        header=RECERTIFICATION_HEADER,
        rows=_certificate_rows(filters, band),
    )
