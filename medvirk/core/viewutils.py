"""Small helpers every app's views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.http import urlencode


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page``, for links that keep the filters."""
    return urlencode(
        [(key, value) for key, value in request.GET.lists() if key != "page"], doseq=True
    )


def add_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal beside the fields it names (or on top if it names none)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
