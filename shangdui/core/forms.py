"""Form helpers shared by the apps' views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_validation_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
