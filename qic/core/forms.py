"""GOV.UK Frontend markup for Django forms.

Every form in the app renders its fields through `govuk/forms/field.html`, which writes the
documented GOV.UK form-group, label, hint and error-message markup; `GovukFormMixin` adds the
component classes and aria attributes to widgets, so templates only say `{{ form }}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name

WIDGET_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


ERROR_CLASSES = {
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-input": "govuk-input--error",
}


class GovukBoundField(forms.BoundField):
    """Adds the error class and aria-describedby (hint, error) when the widget is rendered.

    Done at render time, not in the form's __init__, so that reading errors never triggers
    validation before the form is fully set up.
    """

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.form.is_bound and self.errors:
            described.append(f"{self.auto_id}-error")
            if isinstance(widget or self.field.widget, GovukDateInput):
                attrs["error_parts"] = error_parts(self)  # type: ignore[assignment]  # read by GovukDateInput
            base = (widget or self.field.widget).attrs.get("class", "").split(" ")[0]
            if base in ERROR_CLASSES:
                attrs["class"] = f"{attrs.get('class', base)} {ERROR_CLASSES[base]}"
        if described:
            attrs["aria-describedby"] = " ".join(described)
        return attrs

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first box at fault of a date input, the first
        option of radios and checkboxes, else the field itself."""
        if isinstance(self.field.widget, GovukDateInput):
            parts = error_parts(self) if self.form.is_bound else ()
            return f"{self.auto_id}_{(parts or DATE_PARTS)[0]}"
        if self.widget_type in ("radioselect", "checkboxselectmultiple"):
            return f"{self.auto_id}_0"
        return str(self.auto_id)


class GovukFormMixin:
    """Gives every widget its GOV.UK component class; errors are wired in GovukBoundField."""

    fields: dict[str, forms.Field]
    bound_field_class: type[forms.BoundField] | None = GovukBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, GovukDateField):
                raise TypeError(
                    f"{type(self).__name__}.{name}: a date is typed into the GOV.UK date input (GovukDateField)"
                )
            if isinstance(field, GovukDateField):
                field.label = field.label or pretty_name(name)
                continue
            widget = field.widget
            kind = widget.__class__.__name__.lower().removesuffix("input").removesuffix("widget")
            css = WIDGET_CLASSES.get(kind, "govuk-input")
            width = widget.attrs.pop("width", None)
            if width:
                css += f" govuk-input--width-{width}"
            widget.attrs["class"] = css


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass


DATE_PARTS = ("day", "month", "year")
MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B").lower(), dt.date(2000, number, 1).strftime("%b").lower())
}
MONTH_NAMES["sept"] = 9


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (`<name>_day`, `<name>_month`,
    `<name>_year`), rendered inside the fieldset that `govuk/forms/field.html` writes.

    `error_parts` (set by GovukBoundField from the error) says which boxes get the error style.
    A plain `<name>=2026-12-03` is still read when no box was sent, so links and scripts that
    pass an ISO date keep working.
    """

    template_name = "govuk/forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [day.day, day.month, day.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if not any(f"{name}_{part}" in data for part in DATE_PARTS) and name in data:
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Django hands every box the whole widget's attributes and ids ending _0, _1, _2: the
        # boxes get their own (`id_date_day`, `bday-day`), the fieldset gets aria-describedby.
        merged = context["widget"]["attrs"]
        error_parts = merged.pop("error_parts", ())
        autocomplete = merged.pop("autocomplete", None)
        base_id = merged.get("id")
        for part, sub in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = sub["attrs"]
            for key in ("error_parts", "aria-describedby", "class", "autocomplete"):
                sub_attrs.pop(key, None)
            if base_id:
                sub_attrs["id"] = f"{base_id}_{part}"
            width = 4 if part == "year" else 2
            sub_attrs["class"] = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            if part in error_parts:
                sub_attrs["class"] += " govuk-input--error"
            if autocomplete:
                sub_attrs["autocomplete"] = f"{autocomplete}-{part}"
            sub["label"] = part.capitalize()
        return context


class GovukDateField(forms.DateField):
    """A date typed into the GOV.UK date input, with the errors the Design System words:
    "… must include a month", "… must be a real date", "Year must include 4 numbers".

    Each error carries the boxes at fault (`params["parts"]`) so the right box is marked and the
    error summary links to it; an error from a date sense rule (qic.domain.dates) marks all three.
    """

    widget = GovukDateInput
    default_error_messages = {
        "incomplete": "%(label)s must include a %(missing)s",
        "invalid": "%(label)s must be a real date",
        "year": "Year must include 4 numbers",
    }

    def __init__(self, *, example: str = "27 3 2026", **kwargs: Any) -> None:
        self.example = example
        super().__init__(**kwargs)

    def _error(self, code: str, parts: tuple[str, ...], **params: str) -> forms.ValidationError:
        label = str(self.label or "The date")
        return forms.ValidationError(
            self.error_messages[code] % {"label": label, **params},
            code=code,
            params={"parts": parts},
        )

    def to_python(self, value: Any) -> dt.date | None:
        if not isinstance(value, (list, tuple)):
            if isinstance(value, str) and value.strip():
                try:
                    return dt.date.fromisoformat(value.strip())
                except ValueError:
                    raise self._error("invalid", DATE_PARTS) from None
            return super().to_python(value)
        day_text, month_text, year_text = (str(v or "").strip() for v in value)
        if not (day_text or month_text or year_text):
            return None
        missing = tuple(part for part, text in zip(DATE_PARTS, value, strict=True) if not str(text or "").strip())
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))
        month_number = MONTH_NAMES.get(month_text.lower().rstrip("."))
        bad = tuple(
            part
            for part, text in (("day", day_text), ("month", month_text), ("year", year_text))
            # ASCII digits only: "²" and "٢" pass isdigit() but are not how anyone writes a date.
            if not (text.isascii() and text.isdigit()) and not (part == "month" and month_number)
        )
        if bad:
            raise self._error("invalid", bad)
        if len(year_text) != 4:
            raise self._error("year", ("year",))
        day, month, year = int(day_text), month_number or int(month_text), int(year_text)
        if not 1 <= month <= 12:
            raise self._error("invalid", ("month",))
        try:
            return dt.date(year, month, day)
        except (ValueError, OverflowError):
            # The month and year are fine, so the day is the part at fault (31 February, 0 March).
            raise self._error("invalid", ("day",)) from None


def error_parts(bound: forms.BoundField) -> tuple[str, ...]:
    """The boxes of a date input to mark: those the field's own errors name, else all three."""
    parts: list[str] = []
    for error in bound.errors.as_data():
        named = (error.params or {}).get("parts") if isinstance(error.params, dict) else None
        parts.extend(named or DATE_PARTS)
    return tuple(part for part in DATE_PARTS if part in parts)
