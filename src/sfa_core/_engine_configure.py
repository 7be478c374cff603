"""The configuration half of :class:`~sfa_core.SalesEngine`: models, clicks, configured lines."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from sfa_core._validate import as_member, require_key
from sfa_core.errors import ValidationError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sfa_core.catalog.model import PriceBook, Product
    from sfa_core.configure import (
        ConfigurationModel,
        ConfigurationState,
        Preference,
        Selections,
    )
    from sfa_core.money import Money
    from sfa_core.ports import (
        Clock,
        ConfigurationModelRepository,
        PriceBookRepository,
        ProductRepository,
        QuoteRepository,
    )
    from sfa_core.quotes import BundlePricing, PricedQuote, Quote

__all__ = ["ConfigureOperations"]


class ConfigureOperations:
    """Configuration methods of the facade (mixed into :class:`~sfa_core.SalesEngine`)."""

    _products: ProductRepository
    _price_books: PriceBookRepository
    _clock: Clock
    _configurations: ConfigurationModelRepository | None
    _model_cache: dict[str, ConfigurationModel]

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _quote_repository(self) -> QuoteRepository:
        raise NotImplementedError

    def _sellable(self, sku: str, path: str) -> Product:
        raise NotImplementedError

    def _books_for(self, price_book_id: str) -> list[PriceBook]:
        raise NotImplementedError

    def _price(self, quote: Quote) -> PricedQuote:
        raise NotImplementedError

    def _configuration_repository(self) -> ConfigurationModelRepository:
        if self._configurations is None:
            raise ValidationError(
                "this engine has no configuration model repository (pass configurations=...)",
                path="configurations",
            )
        return self._configurations

    def _check_model(self, model: ConfigurationModel) -> None:
        from sfa_core.configure import ConfigurationModel, check_model

        if not isinstance(model, ConfigurationModel):
            raise ValidationError("must be a ConfigurationModel", path="model", value=model)
        self._sellable(model.sku, "root.sku")
        for option in model.options():
            self._sellable(option.sku, f"options[{option.id!r}].sku")
        check_model(model)

    def add_configuration_model(self, model: ConfigurationModel) -> ConfigurationModel:
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
        self._check_model(model)
        with self._transaction():
            return self._configuration_repository().add(model)

    def update_configuration_model(self, model: ConfigurationModel) -> ConfigurationModel:
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
        self._check_model(model)
        with self._transaction():
            return self._configuration_repository().update(model)

    def get_configuration_model(self, sku: str) -> ConfigurationModel:
        """Return the stored configuration model of the configurable product ``sku``.

        Args:
            sku: The bundle's sku.

        Returns:
            The model.

        Raises:
            NotFoundError: No model for this sku.
        """
        return self._configuration_repository().get(require_key(sku, "sku"))

    def configure(
        self, product_sku: str, selections: Selections | None = None
    ) -> ConfigurationState:
        """Answer one click on the stored model of ``product_sku``.

        The model is compiled once per stored version; later clicks reuse what
        the solver learnt.

        Args:
            product_sku: The configurable product.
            selections: The user's choices.

        Returns:
            The :class:`~sfa_core.configure.ConfigurationState`.

        Raises:
            NotFoundError: No model for this sku.
            ValidationError: A choice names an unknown option, attribute or value.

        >>> from sfa_core import SalesEngine
        >>> from sfa_core.catalog import Product
        >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
        >>> from sfa_core.configure import Selections
        >>> engine = SalesEngine.in_memory()
        >>> _ = engine.add_products([Product(sku=s, name=s) for s in ("PC", "SSD", "HDD")])
        >>> _ = engine.add_configuration_model(ConfigurationModel(root=Bundle(sku="PC", features=[
        ...     Feature(id="disk", min_options=1, max_options=1, options=[
        ...         Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")])])))
        >>> state = engine.configure("PC", Selections(options={"ssd": True}))
        >>> state.status.value, dict(state.forced)
        ('complete', {'hdd': False})
        """
        from sfa_core.configure import configure

        return configure(self._current_model(require_key(product_sku, "product_sku")), selections)

    def complete_configuration(
        self,
        product_sku: str,
        selections: Selections | None = None,
        *,
        preference: Preference | str = "defaults",
        price_book: str | None = None,
        account: str = "configurator",
    ) -> ConfigurationState:
        """Fill the open choices of a stored model, by the defaults or at the lowest price.

        For ``"cheapest"``, each option is priced by the pricing module as a quote
        line at its default quantity in ``price_book`` (rules, schedules and tiers
        the engine is configured with included), and the completion whose
        selected options cost least is returned
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
        >>> _ = engine.add_products([Product(sku=s, name=s) for s in prices])
        >>> _ = engine.add_price_book(PriceBook(id="EU", currency="EUR",
        ...     entries={s: Money(p, "EUR") for s, p in prices.items()}))
        >>> _ = engine.add_configuration_model(ConfigurationModel(root=Bundle(sku="PC", features=[
        ...     Feature(id="disk", min_options=1, max_options=1, options=[
        ...         Option(id="ssd", sku="SSD"), Option(id="hdd", sku="HDD")])])))
        >>> engine.complete_configuration("PC", preference="cheapest", price_book="EU").selected
        ('hdd',)
        """
        from sfa_core.configure import Preference, complete

        model = self._current_model(require_key(product_sku, "product_sku"))
        kind = as_member(Preference, preference, "preference")
        prices = None
        if kind is Preference.CHEAPEST:
            if price_book is None:
                raise ValidationError(
                    "is needed for the cheapest completion", path="price_book", value=None
                )
            prices = self._option_prices(model, require_key(price_book, "price_book"), account)
        return complete(model, selections, preference=kind, prices=prices)

    def _option_prices(
        self, model: ConfigurationModel, price_book: str, account: str
    ) -> dict[str, Decimal]:
        """Each option sku's net unit price at its default quantity, by the pricing module."""
        from sfa_core.quotes import Quote, QuoteLine

        book = self._price_books.get(price_book)
        quantities: dict[str, int] = {}
        for option in model.options():
            quantities.setdefault(option.sku, option.default_quantity)
        if not quantities:
            return {}
        quote = Quote(
            id="PRICE-CHECK",
            account=account,
            currency=book.currency,
            price_book=price_book,
            quote_date=self._clock.today(),
            lines=[
                QuoteLine(key=f"L{index}", sku=sku, quantity=quantity)
                for index, (sku, quantity) in enumerate(quantities.items(), start=1)
            ],
        )
        priced = self._price(quote)
        return {line.sku: line.net_total / line.quantity for line in priced.lines}

    def _current_model(self, sku: str) -> ConfigurationModel:
        """The model of ``sku`` as stored, the same object while its version is unchanged.

        A stored version names one stored value (every update raises it), so the
        object read first stands for every later read of that version, and its
        compiled solver is reused: a click reads only the version.
        """
        repository = self._configuration_repository()
        kept = self._model_cache.get(sku)
        if kept is not None and kept.version == repository.version(sku):
            return kept
        model = repository.get(sku)
        self._model_cache[sku] = model
        return model

    def add_configured_product(
        self,
        quote_id: str,
        state: ConfigurationState,
        *,
        pricing: BundlePricing | str = "separate",
        bundle_price: Money | None = None,
        key: str | None = None,
        group: str | None = None,
    ) -> Quote:
        """Add a complete configuration to a draft quote as linked lines, atomically.

        Args:
            quote_id: The quote.
            state: A complete configuration (of a stored model).
            pricing: ``"separate"``, ``"included"`` or ``"allocated"``
                (see :func:`~sfa_core.quotes.to_quote_lines`); allocation weighs the
                components by their list prices in the quote's price book.
            bundle_price: The bundle's price, for ``"allocated"``.
            key: The bundle line's key (default: the bundle's sku, numbered when
                taken: ``"PC-2"``).
            group: The quote group the lines join.

        Returns:
            The stored quote.

        Raises:
            QuoteLockedError: The quote is not a draft.
            NotFoundError: No such quote.
            ValidationError: The configuration is not complete, a key is taken, or a
                sku is not in the catalog.
        """
        from sfa_core.configure import ConfigurationState
        from sfa_core.quotes import to_quote_lines

        if not isinstance(state, ConfigurationState):
            raise ValidationError("must be a ConfigurationState", path="state", value=state)
        repository = self._quote_repository()
        with self._transaction():
            quote = repository.get(require_key(quote_id, "quote_id"))
            quote.require_draft("add a configured product to")
            taken = {line.key for line in quote.lines}
            if key is None:
                key, number = state.sku, 1
                while any(k == key or k.startswith(key + "/") for k in taken):
                    number += 1
                    key = f"{state.sku}-{number}"
            elif any(k == key or k.startswith(key + "/") for k in taken):
                raise ValidationError("a line with this key exists", path="key", value=key)
            lines = to_quote_lines(
                state,
                key=key,
                pricing=pricing,
                bundle_price=bundle_price,
                list_prices=self._list_prices(quote.price_book),
                group=group,
            )
            for index, line in enumerate(lines):
                self._sellable(line.sku, f"lines[{index}].sku")
            return repository.update(attrs.evolve(quote, lines=(*quote.lines, *lines)))

    def _list_prices(self, price_book_id: str) -> Mapping[str, Money | Decimal]:
        """The entries of the quote's price book (the weights of an allocated bundle price)."""
        books = self._books_for(price_book_id)
        prices: dict[str, Any] = {}
        for book in reversed(books):  # the quote's own book wins over its bases
            prices.update(book.entries)
        return prices
