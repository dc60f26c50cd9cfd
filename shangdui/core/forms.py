"""Form helpers shared by the apps' views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop


def apply_validation_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Django 6's empty choice of every select ("- Select an option -", BLANK_CHOICE_LABEL) has no
# Chinese in Django's own catalogue yet; named here so makemessages keeps our translation of it.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
