"""One way to render every form, allauth's included.

``FormRenderer`` is set as ``FORM_RENDERER``: it gives each widget the
Designsystemet class and keeps Django's ``aria-describedby`` linking of help
text and errors (``<id>_helptext``, ``<id>_error``). The templates under
``templates/django/forms/`` add the field markup and an error summary that
links to each field with an error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_CHOICE_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


class DesignsystemetBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden:
            existing = str(attrs.get("class") or widget.attrs.get("class", ""))
            if "ds-input" not in existing:
                attrs["class"] = f"{existing} ds-input".strip()
        return attrs


class FormRenderer(TemplatesSetting):
    bound_field_class = DesignsystemetBoundField


def is_choice_field(bound_field: BoundField) -> bool:
    return isinstance(bound_field.field.widget, _CHOICE_WIDGETS)
