"""Typed, strict reading of environment variables.

django-environ quietly turns any unknown word into ``False`` for booleans; a typo in
production must stop the process instead, with the variable named.
"""

from __future__ import annotations

import re
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env(environ.Env):
    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):  # noqa: ANN001
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except Exception as exc:
            raise ImproperlyConfigured(f"Environment variable {var} has a bad value: {exc}") from exc

    @classmethod
    def parse_value(cls, value: Any, cast: Any) -> Any:
        if cast is bool and isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError(f"expected one of true/false/1/0/yes/no/on/off, got {value!r}")
        return super().parse_value(value, cast)

    def url_with_scheme(self, var: str, schemes: tuple[str, ...], default: str = "") -> str:
        value = self.str(var, default=default)
        if value and not value.startswith(tuple(f"{s}://" for s in schemes)):
            raise ImproperlyConfigured(
                f"Environment variable {var} must be a URL starting with one of "
                f"{', '.join(s + '://' for s in schemes)}; got {value!r}"
            )
        return value

    def positive_int(self, var: str, default: int) -> int:
        value = self.int(var, default=default)
        if value <= 0:
            raise ImproperlyConfigured(f"Environment variable {var} must be a positive integer")
        return value

    def rate(self, var: str, default: str) -> str:
        """A throttle rate as DRF reads it: ``<count>/<period>``, e.g. ``120/min``."""
        value = self.str(var, default=default)
        if not _RATE.match(value):
            raise ImproperlyConfigured(
                f"Environment variable {var} must look like 120/min (count/sec|min|hour|day); got {value!r}"
            )
        return value


env = Env()
