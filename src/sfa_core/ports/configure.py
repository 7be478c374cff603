"""The configuration model repository: CPQ models by their bundle's SKU."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sfa_core.ports.versioned import VersionedRepository

if TYPE_CHECKING:
    # Only annotations use it: importing the ports must not import the configurator.
    import sfa_core.configure.model  # noqa: F401 (named in the base class below)
    from sfa_core.configure.model import ConfigurationModel

__all__ = ["ConfigurationModelRepository"]


@runtime_checkable
class ConfigurationModelRepository(
    VersionedRepository["sfa_core.configure.model.ConfigurationModel"], Protocol
):
    """Stores :class:`~sfa_core.configure.ConfigurationModel` values by sku.

    The same rules as :class:`ProductRepository` apply, with the model's
    :attr:`~sfa_core.configure.ConfigurationModel.sku` (its root bundle's sku)
    as the key and ``"configuration model"`` as the ``kind`` of its errors. The
    key is a property, not a field: read it from the model, never write it back.
    A model is stored whole: its bundles, features, options, attributes,
    constraints and product rules (JSON Logic conditions included) all come
    back equal. There is nothing to filter on. Prove an implementation with
    :class:`~sfa_core.testing.contracts.ConfigurationModelRepositoryContract`.

    Example:
        >>> import attrs
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> models = MemoryStore().configurations
        >>> isinstance(models, ConfigurationModelRepository)
        True
        >>> stored = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[
        ...     Feature(id="ram", min_options=1, max_options=1, options=[
        ...         Option(id="r16", sku="RAM-16"), Option(id="r32", sku="RAM-32")])])))
        >>> renamed = models.update(attrs.evolve(stored, root=attrs.evolve(stored.root,
        ...                                                                name="Laptop 15")))
        >>> renamed.version, [m.root.name for m in models.list()]
        (2, ['Laptop 15'])
        >>> models.delete("LAPTOP", expected_version=2)
        >>> models.list()
        []
    """

    def get(self, sku: str) -> ConfigurationModel:
        """Return the stored configuration model of the bundle ``sku``.

        Args:
            sku: The key of the model: its root bundle's sku.

        Returns:
            The model as last stored (bundles, attributes, constraints, rules
            and every other field equal to what was written), with its
            current ``version``.

        Raises:
            NotFoundError: No model ``sku`` is stored
                (``kind="configuration model"``, ``key=sku``).
        """
        ...

    def version(self, sku: str) -> int:
        """Return the stored version of the model ``sku``, without reading the model.

        The engine asks this on every click, to reuse the model it compiled
        while the stored version is unchanged; make it cheap (one indexed read).

        Args:
            sku: The key of the model.

        Returns:
            The version :meth:`get` would return.

        Raises:
            NotFoundError: No model ``sku`` is stored
                (``kind="configuration model"``, ``key=sku``).
        """
        ...

    def list(self) -> list[ConfigurationModel]:
        """Return every stored configuration model, sorted by sku.

        Returns:
            A new list of the stored models, in ascending string order of
            ``sku``; empty when none is stored.
        """
        ...

    def add(self, model: ConfigurationModel) -> ConfigurationModel:
        """Store a new configuration model.

        Args:
            model: The model to store; its ``version`` is ignored.

        Returns:
            The stored model, ``model`` with ``version == 1``.

        Raises:
            AlreadyExistsError: A model with this sku is stored already; the
                stored one is left unchanged.
        """
        ...

    def update(self, model: ConfigurationModel) -> ConfigurationModel:
        """Replace the stored model, if nobody changed it since it was read.

        ``model.version`` is the expected version; every successful update
        increments the version, even when no field changed.

        Args:
            model: The new value, carrying the version it was read at.

        Returns:
            The stored model, ``model`` with ``version`` one higher.

        Raises:
            NotFoundError: No model with this sku is stored.
            ConcurrencyError: The stored version is not ``model.version``
                (``expected_version`` is ``model.version``, ``actual_version``
                the stored one); nothing is changed.
        """
        ...

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete model ``sku`` if its stored version is ``expected_version``.

        Args:
            sku: The key of the model.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: No model ``sku`` is stored.
            ConcurrencyError: The stored version is not ``expected_version``;
                nothing is deleted.
        """
        ...
