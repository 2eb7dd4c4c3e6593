"""The helper every sandbox registers its admin screens with (the kit's own tables have none)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models


def _table(child: type[models.Model]) -> type[admin.TabularInline]:
    attrs = {"__module__": child.__module__, "model": child, "extra": 0}
    return type(f"{child.__name__}Inline", (admin.TabularInline,), attrs)


def admin_register(
    model: type[models.Model],
    columns: Sequence[str] = (),
    *,
    inlines: Sequence[type] = (),
    **options: Any,
) -> None:
    """Register ``model`` with a ``ModelAdmin`` listing ``columns`` and made of ``options``
    (``exclude``, ``search_fields``, ...); each model in ``inlines`` is shown as a table on its
    parent's page (an ``InlineModelAdmin`` class there is used as it is)."""
    tables = [child if issubclass(child, InlineModelAdmin) else _table(child) for child in inlines]
    attrs = {"__module__": model.__module__, "inlines": tables, **options}
    if columns:
        attrs["list_display"] = list(columns)
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs))
