"""Back-office helpers every app's admin shares: read-only pages and bulk actions that go
through the services one object at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest

from .errors import Conflict


class ReadOnlyMixin:
    """Nothing is added, changed or deleted here: the rows are records (money, logs)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


def refusal_text(exc: Exception) -> str:
    """What a service said when it refused, in words for the person."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)


def apply_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Any],
    act: Callable[[Any], Any],
    *,
    noun: str,
    done: str,
    name: Callable[[Any], str] = str,
) -> int:
    """A bulk action's body: ``act`` on each object; each refusal is shown with the object's
    name, and the count of the others in one line ("3 events activated."). Returns that count."""
    count = 0
    for obj in objects:
        try:
            act(obj)
            count += 1
        except (Conflict, PermissionDenied, ValidationError) as exc:
            modeladmin.message_user(request, f"{name(obj)}: {refusal_text(exc)}", messages.ERROR)
    if count:
        modeladmin.message_user(
            request, f"{count} {noun}{'s' if count != 1 else ''} {done}.", messages.SUCCESS
        )
    return count
