"""The configuration service: CPQ models checked against the catalog, clicks, completions.

>>> from sfa_core import SalesEngine
>>> from sfa_core.catalog import Product
>>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option, Selections
>>> engine = SalesEngine.in_memory()
>>> _ = engine.catalog.add_products([Product(sku=s, name=s) for s in ("PC", "SSD", "HDD")])
>>> _ = engine.configurations.add_model(ConfigurationModel(root=Bundle(sku="PC", features=[
...     Feature(id="disk", min_options=1, max_options=1, options=[
...         Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")])])))
>>> state = engine.configurations.configure("PC", Selections(options={"ssd": True}))
>>> state.status.value, dict(state.forced)
('complete', {'hdd': False})
"""

from __future__ import annotations

from sfa_core._validate import as_member, require_key
from sfa_core.configure import (
    ConfigurationModel,
    ConfigurationState,
    Preference,
    Selections,
    check_model,
    complete,
    configure,
)
from sfa_core.engine._support import Transactions, require
from sfa_core.engine.catalog import CatalogService
from sfa_core.engine.quotes import QuoteService
from sfa_core.errors import ValidationError
from sfa_core.ports import ConfigurationModelRepository

__all__ = ["ConfigurationService"]


class ConfigurationService:
    """Configuration models and clicks: ``engine.configurations``.

    A model is compiled once per stored version; later clicks reuse what the
    solver learnt (the repository answers the version without reading the model).

    Args:
        configurations: Where configuration models are stored.
        catalog: The catalog service (every sku of a model must be sellable).
        quotes: The quote service (prices options for the cheapest completion).
        transactions: The store's transactions.
    """

    def __init__(
        self,
        configurations: ConfigurationModelRepository,
        catalog: CatalogService,
        quotes: QuoteService,
        transactions: Transactions,
    ) -> None:
        self._configurations = configurations
        self._catalog = catalog
        self._quotes = quotes
        self._transactions = transactions
        self._models: dict[str, ConfigurationModel] = {}

    def _check(self, model: ConfigurationModel) -> ConfigurationModel:
        require(model, ConfigurationModel, "model")
        self._catalog.require_sellable(model.sku, "root.sku")
        for option in model.options():
            self._catalog.require_sellable(option.sku, f"options[{option.id!r}].sku")
        check_model(model)
        return model

    def add_model(self, model: ConfigurationModel) -> ConfigurationModel:
        """Store a configuration model, after checking it against the catalog.

        Args:
            model: The model; its bundle's sku and every option's sku must be
                stored, active products.

        Returns:
            The stored model (version 1).

        Raises:
            ValidationError: A sku is not in the catalog or its product is inactive
                (path ``"options['ssd'].sku"``).
            UnsatisfiableModelError: The model has no valid configuration.
            AlreadyExistsError: A model for this sku is stored.
        """
        with self._transactions.transaction():
            return self._configurations.add(self._check(model))

    def update_model(self, model: ConfigurationModel) -> ConfigurationModel:
        """Replace a stored configuration model (``model.version`` is the one read).

        Args:
            model: The new model.

        Returns:
            The stored model.

        Raises:
            NotFoundError: No model for this sku.
            ValidationError: A sku is not in the catalog.
            ConcurrencyError: The stored model changed since it was read.
            UnsatisfiableModelError: The model has no valid configuration.
        """
        with self._transactions.transaction():
            return self._configurations.update(self._check(model))

    def get_model(self, sku: str) -> ConfigurationModel:
        """Return the stored configuration model of the configurable product ``sku``.

        Args:
            sku: The bundle's sku.

        Returns:
            The model.

        Raises:
            NotFoundError: No model for this sku.
        """
        return self._configurations.get(require_key(sku, "sku"))

    def configure(
        self, product_sku: str, selections: Selections | None = None
    ) -> ConfigurationState:
        """Answer one click on the stored model of ``product_sku``.

        Args:
            product_sku: The configurable product.
            selections: The user's choices.

        Returns:
            The :class:`~sfa_core.configure.ConfigurationState`.

        Raises:
            NotFoundError: No model for this sku.
            ValidationError: A choice names an unknown option, attribute or value.
        """
        return configure(self._current(require_key(product_sku, "product_sku")), selections)

    def complete(
        self,
        product_sku: str,
        selections: Selections | None = None,
        *,
        preference: Preference | str = "defaults",
        price_book: str | None = None,
        account: str = "configurator",
    ) -> ConfigurationState:
        """Fill the open choices of a stored model, by the defaults or at the lowest price.

        For ``"cheapest"``, each option's product is priced at its default
        quantity in ``price_book`` by the whole waterfall with the stored setup
        (:meth:`QuoteService.unit_prices <sfa_core.engine.QuoteService.unit_prices>`),
        and the completion whose selected options cost least is returned
        (:func:`~sfa_core.configure.complete`).

        Args:
            product_sku: The configurable product.
            selections: The user's choices, kept.
            preference: ``"defaults"`` or ``"cheapest"``.
            price_book: The price book, for ``"cheapest"``.
            account: The account the prices are for (contracted prices, rules).

        Returns:
            The complete :class:`~sfa_core.configure.ConfigurationState`.

        Raises:
            NotFoundError: No model for this sku, or no such price book.
            ValidationError: ``price_book`` is missing for ``"cheapest"``, a choice is
                unknown, or an option's product has no price there (the error names
                its line).
            ConflictingSelectionsError: The choices conflict.

        >>> from sfa_core import Money, SalesEngine
        >>> from sfa_core.catalog import PriceBook, Product
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> engine = SalesEngine.in_memory()
        >>> prices = {"PC": "0", "SSD": "90.00", "HDD": "40.00"}
        >>> _ = engine.catalog.add_products([Product(sku=s, name=s) for s in prices])
        >>> _ = engine.catalog.add_price_book(PriceBook(id="EU", currency="EUR",
        ...     entries={s: Money(p, "EUR") for s, p in prices.items()}))
        >>> _ = engine.configurations.add_model(ConfigurationModel(root=Bundle(sku="PC", features=[
        ...     Feature(id="disk", min_options=1, max_options=1, options=[
        ...         Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")])])))
        >>> engine.configurations.complete("PC", preference="cheapest", price_book="EU").selected
        ('hdd',)
        """
        model = self._current(require_key(product_sku, "product_sku"))
        kind = as_member(Preference, preference, "preference")
        prices = None
        if kind is Preference.CHEAPEST:
            if price_book is None:
                raise ValidationError(
                    "is needed for the cheapest completion", path="price_book", value=None
                )
            quantities: dict[str, int] = {}
            for option in model.options():
                quantities.setdefault(option.sku, option.default_quantity)
            prices = self._quotes.unit_prices(price_book, quantities, account=account)
        return complete(model, selections, preference=kind, prices=prices)

    def _current(self, sku: str) -> ConfigurationModel:
        """The model of ``sku`` as stored, the same object while its version is unchanged.

        A stored version names one stored value (every update raises it), so the
        object read first stands for every later read of that version, and its
        compiled solver is reused: a click reads only the version.
        """
        kept = self._models.get(sku)
        if kept is not None and kept.version == self._configurations.version(sku):
            return kept
        model = self._configurations.get(sku)
        self._models[sku] = model
        return model
