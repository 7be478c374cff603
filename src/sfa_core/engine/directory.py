"""The directory service: the stored directory, read and edited with optimistic concurrency.

>>> from sfa_core import SalesEngine
>>> from sfa_core.directory import User
>>> engine = SalesEngine.in_memory()
>>> _ = engine.directory.add_user(User("ceo", roles=["vp"]))
>>> engine.directory.add_user(User("ana", manager="ceo")).version
2
>>> engine.directory.get().manager_of("ana").id
'ceo'
"""

from __future__ import annotations

from sfa_core._validate import require_key
from sfa_core.directory import Delegation, Directory, Group, User
from sfa_core.directory.errors import UnknownUserError
from sfa_core.engine._support import Transactions, require
from sfa_core.errors import AlreadyExistsError, NotFoundError
from sfa_core.ports import DirectoryRepository

__all__ = ["DirectoryService"]


class DirectoryService:
    """Users, groups and delegations: ``engine.directory``.

    The directory is one stored value (most hosts keep one, with the id
    ``"main"``). Each edit reads it, changes it with the pure methods of
    :class:`~sfa_core.directory.Directory` (which check it whole again) and saves
    it, in one transaction; a concurrent edit made in between is refused with
    :class:`~sfa_core.errors.ConcurrencyError` rather than lost.

    Args:
        directories: Where directories are stored.
        transactions: The store's transactions.

    >>> from sfa_core.adapters.memory import MemoryStore
    >>> store = MemoryStore()
    >>> service = DirectoryService(store.directories, Transactions(store))
    >>> service.save(Directory(users=[User("ana")])).version
    1
    """

    def __init__(self, directories: DirectoryRepository, transactions: Transactions) -> None:
        self._directories = directories
        self._transactions = transactions

    def get(self, directory_id: str = "main") -> Directory:
        """Return the stored directory.

        Args:
            directory_id: Its id.

        Returns:
            The directory with its stored version.

        Raises:
            NotFoundError: No directory has this id.
            ValidationError: ``directory_id`` is not an identifier.

        >>> from sfa_core import SalesEngine
        >>> SalesEngine.in_memory().directory.get()
        Traceback (most recent call last):
        ...
        sfa_core.errors.NotFoundError: directory 'main' not found
        """
        return self._directories.get(require_key(directory_id, "directory_id"))

    def save(self, directory: Directory) -> Directory:
        """Store a directory: add it at version 0, else update the version it was read at.

        Args:
            directory: The directory; ``version`` 0 for a new one, otherwise the
                version it was read at.

        Returns:
            The stored directory at its new version.

        Raises:
            ValidationError: ``directory`` is not a :class:`~sfa_core.directory.Directory`.
            AlreadyExistsError: A new directory's id is taken.
            NotFoundError: The directory to update is not stored.
            ConcurrencyError: It changed since it was read; nothing is saved.

        >>> from sfa_core import SalesEngine
        >>> directory = SalesEngine.in_memory().directory
        >>> first = directory.save(Directory(users=[User("ana")]))
        >>> directory.save(first.with_user(User("bo"))).version
        2
        >>> directory.save(first)
        Traceback (most recent call last):
        ...
        sfa_core.errors.ConcurrencyError: directory 'main': expected version 1, ...
        """
        require(directory, Directory, "directory")
        if directory.version == 0:
            return self._directories.add(directory)
        return self._directories.update(directory)

    def _current(self, directory_id: str) -> Directory:
        """The stored directory, or an empty one (version 0) when none is stored yet."""
        try:
            return self._directories.get(directory_id)
        except NotFoundError:
            return Directory(id=directory_id)

    def add_user(self, user: User, *, directory_id: str = "main") -> Directory:
        """Add a user (the directory is created when none is stored yet).

        Args:
            user: The new user; its manager must already be in the directory.
            directory_id: The directory.

        Returns:
            The stored directory.

        Raises:
            ValidationError: ``user`` is not a :class:`~sfa_core.directory.User`.
            AlreadyExistsError: A user with this id is in the directory already.
            UnknownUserReferenceError: The manager is not a user.
            ConcurrencyError: The directory changed while it was being edited.

        >>> from sfa_core import SalesEngine
        >>> directory = SalesEngine.in_memory().directory
        >>> _ = directory.add_user(User("ana"))
        >>> directory.add_user(User("ana"))
        Traceback (most recent call last):
        ...
        sfa_core.errors.AlreadyExistsError: user 'ana' already exists
        """
        require(user, User, "user")
        key = require_key(directory_id, "directory_id")
        with self._transactions.transaction():
            current = self._current(key)
            if any(existing.id == user.id for existing in current.users):
                raise AlreadyExistsError("user", user.id)
            return self.save(current.with_user(user))

    def update_user(self, user: User, *, directory_id: str = "main") -> Directory:
        """Replace the user with ``user.id`` (a new manager is checked for loops).

        Args:
            user: The changed user.
            directory_id: The directory.

        Returns:
            The stored directory.

        Raises:
            ValidationError: ``user`` is not a :class:`~sfa_core.directory.User`.
            NotFoundError: No directory has this id.
            UnknownUserError: The directory has no user with this id.
            ManagerCycleError: The new manager closes a loop.
            ConcurrencyError: The directory changed while it was being edited.

        >>> import attrs
        >>> from sfa_core import SalesEngine
        >>> directory = SalesEngine.in_memory().directory
        >>> _ = directory.add_user(User("ceo"))
        >>> _ = directory.add_user(User("ana", manager="ceo"))
        >>> directory.update_user(User("ceo", manager="ana"))
        Traceback (most recent call last):
        ...
        sfa_core.directory.errors.ManagerCycleError: users[0].manager: managers form a loop: \
ceo -> ana -> ceo (got 'ana')
        >>> stored = directory.update_user(User("ana", name="Ana Ruiz", manager="ceo"))
        >>> stored.user("ana").name
        'Ana Ruiz'
        """
        require(user, User, "user")
        key = require_key(directory_id, "directory_id")
        with self._transactions.transaction():
            current = self._directories.get(key)
            if not any(existing.id == user.id for existing in current.users):
                raise UnknownUserError(user.id)
            return self.save(current.with_user(user))

    def add_group(self, group: Group, *, directory_id: str = "main") -> Directory:
        """Add a group or team (its members must be users of the directory).

        Args:
            group: The new group.
            directory_id: The directory.

        Returns:
            The stored directory.

        Raises:
            ValidationError: ``group`` is not a :class:`~sfa_core.directory.Group`.
            AlreadyExistsError: A group with this id is in the directory already.
            UnknownUserReferenceError: A member is not a user.
            ConcurrencyError: The directory changed while it was being edited.

        >>> from sfa_core import SalesEngine
        >>> from sfa_core.directory import Group
        >>> directory = SalesEngine.in_memory().directory
        >>> _ = directory.add_user(User("ana"))
        >>> [g.id for g in directory.add_group(Group("emea", members=["ana"])).groups]
        ['emea']
        """
        require(group, Group, "group")
        key = require_key(directory_id, "directory_id")
        with self._transactions.transaction():
            current = self._current(key)
            if any(existing.id == group.id for existing in current.groups):
                raise AlreadyExistsError("group", group.id)
            return self.save(current.with_group(group))

    def add_delegation(self, delegation: Delegation, *, directory_id: str = "main") -> Directory:
        """Add a delegation (both users must be in the directory; loops are refused).

        Args:
            delegation: The delegation.
            directory_id: The directory.

        Returns:
            The stored directory.

        Raises:
            ValidationError: ``delegation`` is not a
                :class:`~sfa_core.directory.Delegation`.
            UnknownUserReferenceError: A party is not a user.
            DelegationCycleError: It closes a loop of delegations active together.
            ConcurrencyError: The directory changed while it was being edited.

        >>> import datetime as dt
        >>> from sfa_core import SalesEngine
        >>> from sfa_core.directory import Delegation
        >>> directory = SalesEngine.in_memory().directory
        >>> _ = directory.add_user(User("ana"))
        >>> _ = directory.add_user(User("bo"))
        >>> august = dt.datetime(2027, 8, 1, tzinfo=dt.timezone.utc)
        >>> stored = directory.add_delegation(Delegation("ana", "bo", august))
        >>> stored.delegates_of("ana", august)
        ('bo',)
        """
        require(delegation, Delegation, "delegation")
        key = require_key(directory_id, "directory_id")
        with self._transactions.transaction():
            return self.save(self._current(key).with_delegation(delegation))
