"""Form fields shared by the apps' forms: relations that refuse out-of-range ids."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .ids import MAX_ID


def _out_of_range(value: Any) -> bool:
    try:
        return abs(int(str(value).strip())) > MAX_ID
    except ValueError:
        return False  # not a number: the field reports it as an invalid choice itself


class IdChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` that treats an out-of-range id as an invalid choice."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A `ModelMultipleChoiceField` that treats out-of-range ids as invalid choices."""

    def _check_values(self, value: Any) -> Any:
        for item in value or ():
            if _out_of_range(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def id_safe_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """`formfield_callback` for model forms: relations get the out-of-range-safe fields."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoiceField)
    return db_field.formfield(**kwargs)


def error_summary(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of the given forms and formsets as {"target", "label", "message"}: what an
    error summary above a form lists, each entry linking to its field (GOV.UK pattern)."""
    entries: list[dict[str, str]] = []

    def add_form(form: forms.BaseForm, position: str = "") -> None:
        for name, errors in form.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                target = f"{form.prefix or 'form'}-errors"
                label = position
            else:
                field = form[name]
                target = field.id_for_label or field.auto_id
                label = f"{position}{' · ' if position else ''}{field.label}"
            for message in errors:
                entries.append({"target": target, "label": str(label), "message": str(message)})

    for item in forms_or_formsets:
        if isinstance(item, forms.BaseFormSet):
            for message in item.non_form_errors():
                entries.append({"target": f"{item.prefix}-errors", "label": "", "message": message})
            for index, form in enumerate(item.forms, start=1):
                add_form(form, position=f"{getattr(item, 'row_label', '#')} {index}")
        else:
            add_form(item)
    return entries
