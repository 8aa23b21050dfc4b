"""Reading monthly CX figures from the files HR and operations really have.

Accepted: whatever the people import reads (`people.tabular`: CSV with `,`, `;` or tab in UTF-8,
UTF-16 or Windows-1252, and XLSX).
Two layouts: one row per unit and month with a column per figure ("wide"), or one row per value
with a figure column ("long"). German and English headers, German numbers (`42,5`)."""

from __future__ import annotations

import datetime
import re
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from people.models import Department, Location
from people.tabular import TableError, read_table

from .models import Metric

MAX_ROWS = 50_000
HEADER_ALIASES = {
    "month": {"monat", "month", "zeitraum", "period", "datum", "date"},
    "location": {"standort", "location", "filiale", "site", "branch"},
    "department": {"abteilung", "department", "bereich"},
    "metric": {"kennzahl", "metric", "kpi", "figure"},
    "value": {"wert", "value"},
}
GERMAN_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "january", "jan"),
            ("februar", "february", "feb"),
            ("märz", "march", "mär", "mar", "maerz"),
            ("april", "apr"),
            ("mai", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("dezember", "december", "dez", "dec"),
        ],
        start=1,
    )
    for name in names
}


class _Errors:
    """Errors grouped by message, each with the line numbers it occurs on."""

    def __init__(self) -> None:
        self.groups: OrderedDict[str, list[int]] = OrderedDict()

    def add(self, message: str, line: int | None = None) -> None:
        self.groups.setdefault(message, [])
        if line is not None:
            self.groups[message].append(line)

    def as_list(self) -> list[dict]:
        return [
            {"message": message, "count": len(lines), "where": line_ranges(lines)}
            for message, lines in self.groups.items()
        ]


def line_ranges(lines: list[int]) -> str:
    """2, 3, 4, 7 → "2–4, 7": a thousand identical errors stay one readable line."""
    parts: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if parts and parts[-1][1] == line - 1:
            parts[-1] = (parts[-1][0], line)
        else:
            parts.append((line, line))
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in parts)


def read_figures(content: bytes, filename: str) -> tuple[list[dict], list[dict]]:
    """(rows ready to apply, grouped errors). Rows are plain JSON-able dicts."""
    errors = _Errors()
    try:
        read = read_table(content, filename)
    except TableError as exc:
        errors.add(str(exc))
        return [], errors.as_list()
    table = [read.headers, *read.rows]
    if not table or not any(cell for cell in table[0]):
        errors.add(_("The file is empty."))
        return [], errors.as_list()
    header = [_clean(cell).lower() for cell in table[0]]
    columns, metric_columns = _map_header(header, errors)
    if errors.groups:
        return [], errors.as_list()
    if len(table) - 1 > MAX_ROWS:
        errors.add(_("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"})
        return [], errors.as_list()
    lookup = _Lookups()
    rows: dict[tuple, dict] = {}
    for line, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [""] * (len(header) - len(cells))
        if not any(_clean(cell) for cell in cells):
            continue
        month = _parse_month(cells[columns["month"]])
        if month is None:
            errors.add(_("Month not understood (use e.g. 2025-03, 03.2025 or 01.03.2025)"), line)
            continue
        unit = _unit_of(cells, columns, lookup, errors, line)
        if unit is None:
            continue
        pairs = (
            [(cells[columns["metric"]], cells[columns["value"]])]
            if "metric" in columns
            else [(metric, cells[index]) for index, metric in metric_columns]
        )
        for metric_cell, value_cell in pairs:
            metric = metric_cell if isinstance(metric_cell, Metric) else lookup.metric(metric_cell)
            if metric is None:
                errors.add(
                    _("Unknown figure “%(name)s” (add it on this page first)")
                    % {"name": _clean(metric_cell)},
                    line,
                )
                continue
            if _clean(value_cell) == "" and "metric" not in columns:
                continue  # no value for this figure in this month
            value = _parse_value(value_cell)
            if value is None:
                errors.add(
                    _("“%(value)s” is not a number (use e.g. 42,5)")
                    % {"value": _clean(value_cell)},
                    line,
                )
                continue
            key = (metric.pk, *unit, month.isoformat())
            if key in rows:
                errors.add(_("The same figure, unit and month appears twice"), line)
                continue
            rows[key] = {
                "line": line,
                "metric": metric.pk,
                unit[0]: unit[1],
                "month": month.isoformat(),
                "value": str(value),
            }
    if not rows and not errors.groups:
        errors.add(_("The file contains no values."))
    return ([] if errors.groups else list(rows.values())), errors.as_list()


def _clean(cell) -> str:
    return "" if cell is None else str(cell).strip().strip("\ufeff").strip()


def _map_header(header: list[str], errors: _Errors) -> tuple[dict[str, int], list]:
    columns: dict[str, int] = {}
    metric_columns = []
    metrics = _Lookups()
    for index, name in enumerate(header):
        if not name:
            continue
        role = next((role for role, names in HEADER_ALIASES.items() if name in names), None)
        if role is not None:
            if role in columns:
                errors.add(_("Column “%(name)s” appears twice") % {"name": name})
            columns[role] = index
            continue
        metric = metrics.metric(name)
        if metric is None:
            errors.add(
                _("Unknown column “%(name)s” (neither a known figure nor month/unit)")
                % {"name": name}
            )
        else:
            metric_columns.append((index, metric))
    if "month" not in columns:
        errors.add(_("A “Monat” (month) column is needed."))
    if "location" not in columns and "department" not in columns:
        errors.add(_("A “Standort” (location) or “Abteilung” (department) column is needed."))
    if ("metric" in columns) != ("value" in columns):
        errors.add(_("“Kennzahl” (figure) and “Wert” (value) columns go together."))
    if "metric" not in columns and not metric_columns:
        errors.add(_("No figure columns found (e.g. NPS, CSAT)."))
    if "metric" in columns and metric_columns:
        errors.add(_("Use either one “Kennzahl” column or one column per figure, not both."))
    return columns, [(index, metric) for index, metric in metric_columns]


class _Lookups:
    """Case-insensitive look-ups of figures and units, each table read once."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] | None = None
        self._units: dict[str, dict[str, int]] = {}

    def metric(self, name) -> Metric | None:
        if self._metrics is None:
            self._metrics = {}
            for metric in Metric.objects.all():
                for key in (metric.code, metric.name_de, metric.name_en):
                    self._metrics[key.lower()] = metric
        return self._metrics.get(_clean(name).lower())

    def unit(self, kind: str, name: str) -> int | None:
        if kind not in self._units:
            model = Location if kind == "location" else Department
            self._units[kind] = {n.lower(): pk for pk, n in model.objects.values_list("pk", "name")}
        return self._units[kind].get(name.lower())


def _unit_of(cells, columns, lookup: _Lookups, errors: _Errors, line: int):
    named = {
        kind: _clean(cells[columns[kind]])
        for kind in ("location", "department")
        if kind in columns and _clean(cells[columns[kind]])
    }
    if len(named) != 1:
        errors.add(_("Give either a location or a department per row"), line)
        return None
    kind, name = next(iter(named.items()))
    unit_id = lookup.unit(kind, name)
    if unit_id is None:
        message = (
            _("Unknown location “%(name)s”")
            if kind == "location"
            else _("Unknown department “%(name)s”")
        )
        errors.add(message % {"name": name}, line)
        return None
    return kind, unit_id


def _parse_month(cell) -> datetime.date | None:
    text = _clean(cell).lower()
    patterns = [
        (r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", lambda m: (m[1], m[2])),
        (r"(?:\d{1,2}\.)?(\d{1,2})\.(\d{4})", lambda m: (m[2], m[1])),
        (r"(\d{1,2})/(\d{4})", lambda m: (m[2], m[1])),
    ]
    for pattern, parts in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            year, month = (int(x) for x in parts(match))
            break
    else:
        match = re.fullmatch(r"([^\W\d_]+)\.?\s+(\d{4})", text)
        if not match or match[1] not in GERMAN_MONTHS:
            return None
        year, month = int(match[2]), GERMAN_MONTHS[match[1]]
    if not (1 <= month <= 12 and 1990 <= year <= 2100):
        return None
    return datetime.date(year, month, 1)


def _parse_value(cell) -> Decimal | None:
    text = _clean(cell).replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    text = text.removesuffix("%")
    if "," in text and "." in text:  # 1.234,5 or 1,234.5: the last one is the decimal mark
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
