"""GOV.UK Frontend markup for Django forms.

Every form in the app renders its fields through `govuk/forms/field.html`, which writes the
documented GOV.UK form-group, label, hint and error-message markup; `GovukFormMixin` adds the
component classes and aria attributes to widgets, so templates only say `{{ form }}`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

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
            base = (widget or self.field.widget).attrs.get("class", "").split(" ")[0]
            if base in ERROR_CLASSES:
                attrs["class"] = f"{attrs.get('class', base)} {ERROR_CLASSES[base]}"
        if described:
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class GovukFormMixin:
    """Gives every widget its GOV.UK component class; errors are wired in GovukBoundField."""

    fields: dict[str, forms.Field]
    bound_field_class: type[forms.BoundField] | None = GovukBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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
