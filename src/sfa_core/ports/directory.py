"""The directory repository: directories (users, groups, delegations) by id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sfa_core.ports.versioned import VersionedRepository

if TYPE_CHECKING:
    # Only annotations use it: importing the ports must not import the directory.
    import sfa_core.directory.model  # noqa: F401 (named in the base class below)
    from sfa_core.directory.model import Directory

__all__ = ["DirectoryRepository"]


@runtime_checkable
class DirectoryRepository(VersionedRepository["sfa_core.directory.model.Directory"], Protocol):
    """Stores :class:`~sfa_core.directory.Directory` values by id.

    The same rules as :class:`ProductRepository` apply, with the directory's
    ``id`` as the key and ``"directory"`` as the ``kind`` of its errors. A
    directory is stored whole: its users (roles, manager, time zone), groups
    (members and weights) and delegations (with their timezone-aware windows) all
    come back equal. There is nothing to filter on. Prove an implementation with
    :class:`~sfa_core.testing.contracts.DirectoryRepositoryContract`.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.directory import Directory, User
        >>> directories = MemoryStore().directories
        >>> isinstance(directories, DirectoryRepository)
        True
        >>> stored = directories.add(Directory(users=[User("ceo")]))
        >>> grown = directories.update(stored.with_user(User("ana", manager="ceo")))
        >>> grown.version, [u.id for u in directories.get("main").users]
        (2, ['ceo', 'ana'])
        >>> directories.delete("main", expected_version=2)
        >>> directories.list()
        []
    """

    def get(self, directory_id: str) -> Directory:
        """Return the stored directory ``directory_id``.

        Args:
            directory_id: The key of the directory.

        Returns:
            The directory as last stored, every field equal to what was written,
            with its current ``version``.

        Raises:
            NotFoundError: No directory ``directory_id`` is stored
                (``kind="directory"``, ``key=directory_id``).
        """
        ...

    def list(self) -> list[Directory]:
        """Return every stored directory, sorted by id.

        Returns:
            A new list, in ascending string order of ``id``; empty when none is stored.
        """
        ...

    def add(self, directory: Directory) -> Directory:
        """Store a new directory.

        Args:
            directory: The directory to store; its ``version`` is ignored.

        Returns:
            The stored directory, ``directory`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A directory with this id is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, directory: Directory) -> Directory:
        """Replace the stored directory, if nobody changed it since it was read.

        ``directory.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            directory: The new value, carrying the version it was read at.

        Returns:
            The stored directory, with ``version`` one higher.

        Raises:
            NotFoundError: No directory with this id is stored.
            ConcurrencyError: The stored version is not ``directory.version``;
                nothing is changed.
        """
        ...

    def delete(self, directory_id: str, *, expected_version: int) -> None:
        """Delete directory ``directory_id`` if its stored version is ``expected_version``.

        Args:
            directory_id: The key of the directory.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No directory ``directory_id`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...
