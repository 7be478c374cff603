"""What every service shares: transactions, argument checks, and a missing repository."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any, NoReturn, TypeVar

from sfa_core.errors import MissingRepositoryError, ValidationError
from sfa_core.ports import STORE_REPOSITORIES, UnitOfWork

__all__ = ["Missing", "Transactions", "require", "require_optional_bool", "repository"]

T = TypeVar("T")


class Transactions:
    """Opens the store's transactions, or none when the engine has no unit of work.

    Without a unit of work each single write is still atomic on its own; a
    multi-write operation is then not.

    >>> with Transactions(None).transaction():
    ...     pass
    """

    def __init__(self, unit_of_work: UnitOfWork | None) -> None:
        self._unit_of_work = unit_of_work

    def transaction(self) -> AbstractContextManager[None]:
        """Return a block within which the store's writes are atomic.

        Returns:
            The unit of work's transaction, or a block that does nothing.
        """
        if self._unit_of_work is None:
            return nullcontext()
        return self._unit_of_work.transaction()


class Missing:
    """Stands for a repository the store does not have: using it raises, naming it.

    >>> Missing("configurations").get("PC")
    Traceback (most recent call last):
    ...
    sfa_core.errors.MissingRepositoryError: this engine's store has no 'configurations' \
repository (a ConfigurationModelRepository); pass configurations=... or use a store that has one
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> NoReturn:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        protocol = STORE_REPOSITORIES.get(self._name)
        raise MissingRepositoryError(
            self._name, protocol.__name__ if protocol is not None else "repository"
        )

    def __repr__(self) -> str:
        return f"Missing({self._name!r})"


def repository(value: Any, name: str) -> Any:
    """Return ``value``, or a :class:`Missing` placeholder named ``name`` when it is ``None``.

    Args:
        value: A repository or ``None``.
        name: Its name in :data:`~sfa_core.ports.STORE_REPOSITORIES`.

    Returns:
        The repository or its placeholder.

    Raises:
        ValidationError: ``value`` lacks a method of the repository's protocol.

    >>> repository(None, "quotes")
    Missing('quotes')
    >>> repository({}, "quotes")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: quotes: must be a QuoteRepository (get, list, add, update, \
delete) (got {})
    """
    if value is None:
        return Missing(name)
    protocol = STORE_REPOSITORIES[name]
    if not isinstance(value, protocol):
        methods = ", ".join(
            m
            for m in ("get", "list", "add", "update", "delete", "version", "versions", "revision")
            if hasattr(protocol, m)
        )
        raise ValidationError(f"must be a {protocol.__name__} ({methods})", path=name, value=value)
    return value


def require(value: Any, kind: type[T], name: str) -> T:
    """Return ``value`` if it is a ``kind``, else raise a :class:`ValidationError` naming it.

    Args:
        value: The argument.
        kind: The type it must have.
        name: The argument's name.

    Returns:
        ``value``.

    Raises:
        ValidationError: ``value`` is not a ``kind``.

    >>> require(3, str, "sku")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: sku: must be a str (got 3)
    """
    if not isinstance(value, kind):
        raise ValidationError(f"must be a {kind.__name__}", path=name, value=value)
    return value


def require_optional_bool(value: Any, name: str) -> None:
    """Refuse anything but ``True``, ``False`` or ``None``.

    Args:
        value: The argument.
        name: Its name.

    Raises:
        ValidationError: Another value.

    >>> require_optional_bool("yes", "active")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: active: must be True, False or None (got 'yes')
    """
    if value is not None and not isinstance(value, bool):
        raise ValidationError("must be True, False or None", path=name, value=value)
