"""Schemas: the fields a rule may read, with their types, checked when a rule compiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sfa_core._frozen import FrozenMap
from sfa_core.errors import ValidationError

__all__ = ["FIELD_TYPES", "Schema"]

#: The type names a schema may give a field.
FIELD_TYPES = frozenset({"any", "array", "boolean", "date", "number", "object", "string"})


def _freeze_fields(value: Any) -> FrozenMap[str, str]:
    if isinstance(value, Schema):
        return value.fields
    if not isinstance(value, Mapping):
        raise ValidationError(
            "must be a mapping of field names to types", path="fields", value=value
        )
    for name, type_name in value.items():
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValidationError("field names must be non-empty text", path="fields", value=name)
        if any(not part for part in name.split(".")):
            raise ValidationError(
                "field names must not have empty parts", path="fields", value=name
            )
        if not isinstance(type_name, str) or type_name not in FIELD_TYPES:
            raise ValidationError(
                f"unknown field type (expected one of {', '.join(sorted(FIELD_TYPES))})",
                path=f"fields[{name!r}]",
                value=type_name,
            )
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def _parents(fields: Mapping[str, str]) -> frozenset[str]:
    found: set[str] = set()
    for name in fields:
        parts = name.split(".")
        for size in range(1, len(parts)):
            found.add(".".join(parts[:size]))
    return frozenset(found)


@attrs.frozen
class Schema:
    """The fields of the data a rule reads, by dotted name, with their types.

    Types are ``"number"``, ``"string"``, ``"boolean"``, ``"date"`` (a date or
    datetime, or ISO 8601 text), ``"array"``, ``"object"`` and ``"any"``.

    A name is known when it is declared; when it lies under an ``"object"`` or
    ``"any"`` field (``quote.anything`` under ``quote: object``); when it is an
    item of an ``"array"`` field by index (``lines.0``, ``lines.0.sku``); or when
    it is the parent of declared names (``quote`` when ``quote.net_total`` is
    declared, typed ``"object"``). Names under a field of any other type are
    unknown. What :func:`~sfa_core.rules.compile` checks with a schema is listed
    in the rules documentation.

    Attributes:
        fields: The declared names and their types.

    Raises:
        ValidationError: A name is not text or a type is not one of the above.

    Example:
        >>> from sfa_core.rules import Schema
        >>> schema = Schema({"quote.net_total": "number", "account": "object"})
        >>> schema.field_type("quote.net_total"), schema.field_type("quote")
        ('number', 'object')
        >>> schema.field_type("account.tier"), schema.field_type("region") is None
        ('any', True)
    """

    fields: FrozenMap[str, str] = attrs.field(converter=_freeze_fields)
    _parent_names: frozenset[str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_parent_names", _parents(self.fields))

    def field_type(self, name: str) -> str | None:
        """Return the type of the field ``name`` reads, or ``None`` if it is unknown.

        Args:
            name: A dotted field name, as a ``var`` writes it.

        Returns:
            A type name (``"any"`` for names under an object, any or array
            field), or ``None``.

        Raises:
            ValidationError: ``name`` is not text.

        Example:
            >>> from sfa_core.rules import Schema
            >>> Schema({"lines": "array"}).field_type("lines.0.sku")
            'any'
            >>> Schema({"lines": "array"}).field_type("lines.sku") is None
            True
        """
        if not isinstance(name, str):
            raise ValidationError("must be a field name (text)", path="name", value=name)
        found = self.fields.get(name)
        if found is not None:
            return str(found)
        if name == "":
            return "object"
        parts = name.split(".")
        for size in range(len(parts) - 1, 0, -1):
            declared = self.fields.get(".".join(parts[:size]))
            if declared is None:
                continue
            if declared in ("object", "any"):
                return "any"
            if declared == "array" and parts[size].isdigit():
                return "any"
            return None
        if name in self._parent_names:
            return "object"
        return None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Schema, (dict(self.fields),))
