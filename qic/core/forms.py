"""GOV.UK Frontend markup for Django forms.

Every form in the app renders its fields through `govuk/forms/field.html`, which writes the
documented GOV.UK form-group, label, hint and error-message markup; `GovukFormMixin` adds the
component classes and aria attributes to widgets, so templates only say `{{ form }}`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates

WIDGET_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukFormMixin:
    """Adds GOV.UK classes and error/hint wiring to every widget of the form."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            kind = widget.__class__.__name__.lower().removesuffix("input").removesuffix("widget")
            css = WIDGET_CLASSES.get(kind, "govuk-input")
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                css += {
                    "govuk-select": " govuk-select--error",
                    "govuk-textarea": " govuk-textarea--error",
                    "govuk-file-upload": " govuk-file-upload--error",
                }.get(css, " govuk-input--error")
            width = widget.attrs.pop("width", None)
            if width:
                css += f" govuk-input--width-{width}"
            widget.attrs["class"] = css
            described = []
            if field.help_text:
                described.append(f"id_{name}-hint")
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                described.append(f"id_{name}-error")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
