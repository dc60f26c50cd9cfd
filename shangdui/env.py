"""Typed access to environment variables.

Every setting of 商队 comes from the environment through these helpers. A value that is
present but malformed raises ``ImproperlyConfigured`` at start-up, naming the variable,
instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        if default is None:
            return ""
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be <= {maximum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}.")
    return value


def env_secret(name: str, *, generate_into: Path | None = None) -> str:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    With ``generate_into`` (the embedded default), a missing secret is generated once into that
    file (mode 0600) and reused on every later start. Without it, a missing secret is an error.
    """
    direct = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if direct and file_name:
        raise ImproperlyConfigured(f"Set only one of {name} and {name}_FILE.")
    if direct:
        if len(direct) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long.")
        return direct
    if file_name:
        path = Path(file_name)
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read: {exc}") from exc
        if len(value) < 32:
            raise ImproperlyConfigured(f"The secret in {file_name} must be at least 32 characters long.")
        return value
    if generate_into is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) is required in production.")
    if generate_into.exists():
        return generate_into.read_text(encoding="utf-8").strip()
    generate_into.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    # Create with 0600 from the start so the secret is never world-readable, even briefly.
    fd = os.open(generate_into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
