"""What the adapters need to know about each stored aggregate: its key and its indexed fields.

The quote and configuration model aggregates name their classes as
``"module:Name"`` and import them on first use, so importing an adapter (or
building a store) for the catalog alone does not import :mod:`sfa_core.quotes`
and the pricing it pulls in, nor :mod:`sfa_core.configure`.
"""

from __future__ import annotations

import enum
import importlib
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from sfa_core._validate import as_member, require_key
from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import ValidationError

if TYPE_CHECKING:
    from sfa_core.approvals.policy import Policy
    from sfa_core.approvals.request import ApprovalRequest, RequestStatus
    from sfa_core.configure.model import ConfigurationModel
    from sfa_core.directory.model import Directory
    from sfa_core.quotes.model import Quote, QuoteStatus

T = TypeVar("T")

__all__ = [
    "AGGREGATES",
    "APPROVAL_POLICIES",
    "APPROVAL_REQUESTS",
    "CONFIGURATIONS",
    "CONTRACTED_PRICES",
    "DIRECTORIES",
    "DISCOUNT_SCHEDULES",
    "PRICING_SETTINGS",
    "PROMOTIONS",
    "RULE_SETS",
    "SETUP_AGGREGATES",
    "PRICE_BOOKS",
    "PRODUCTS",
    "QUOTES",
    "Aggregate",
    "ApprovalPolicyMethods",
    "ApprovalRequestMethods",
    "ConfigurationModelMethods",
    "DirectoryMethods",
    "Front",
    "PriceBookMethods",
    "ProductMethods",
    "QuoteMethods",
    "SetupMethods",
    "RuleSetMethods",
    "DiscountScheduleMethods",
    "PromotionMethods",
    "ContractedPricesMethods",
    "PricingSettingsMethods",
    "Table",
    "column_value",
]


@attrs.frozen
class Aggregate(Generic[T]):
    """Describes one stored aggregate.

    Attributes:
        kind: Name used in errors (``"product"``).
        table: Table (or collection) name (``"products"``).
        cls: The value class, or ``"module:Name"`` naming it: the module is then
            imported the first time :attr:`cls` is read, not when the
            aggregate is defined.
        key: Name of the field that is the key (``"sku"``).
        indexes: Fields the repository can filter on, stored in their own columns.
        keeps_revisions: Every stored version is kept, readable with
            ``revision(key, version)`` (the pricing setup's aggregates).

    Example:
        >>> PRODUCTS.kind, PRODUCTS.table, PRODUCTS.key, PRODUCTS.indexes
        ('product', 'products', 'sku', ('family', 'active'))
        >>> QUOTES.table, QUOTES.key, QUOTES.indexes
        ('quotes', 'id', ('account', 'status'))
        >>> CONFIGURATIONS.kind, CONFIGURATIONS.table, CONFIGURATIONS.key, CONFIGURATIONS.indexes
        ('configuration model', 'configuration_models', 'sku', ())
    """

    kind: str
    table: str
    _cls: type[T] | str
    key: str
    indexes: tuple[str, ...] = ()
    keeps_revisions: bool = False
    _resolved: Any = attrs.field(init=False, default=None, eq=False, repr=False)

    @property
    def cls(self) -> type[T]:
        """The value class (imported on first use when given by name).

        Returns:
            The class of the stored values.

        Example:
            >>> PRODUCTS.cls.__name__, QUOTES.cls.__name__, CONFIGURATIONS.cls.__name__
            ('Product', 'Quote', 'ConfigurationModel')
        """
        resolved: type[T] | None = self._resolved
        if resolved is None:
            if isinstance(self._cls, str):
                module, _, name = self._cls.partition(":")
                resolved = getattr(importlib.import_module(module), name)
            else:
                resolved = self._cls
            object.__setattr__(self, "_resolved", resolved)
        return resolved

    def key_of(self, value: T) -> str:
        """Return the key of ``value``.

        Args:
            value: A value of ``cls``.

        Returns:
            The value of its ``key`` attribute (a field, or a property such as
            :attr:`~sfa_core.configure.ConfigurationModel.sku`).

        Example:
            >>> PRODUCTS.key_of(Product(sku="A-1", name="Widget"))
            'A-1'
        """
        key: str = getattr(value, self.key)
        return key

    def index_values(self, value: T) -> tuple[Any, ...]:
        """Return the indexed field values of ``value``, in ``indexes`` order.

        Args:
            value: A value of ``cls``.

        Returns:
            One value per name in ``indexes``.

        Example:
            >>> PRODUCTS.index_values(Product(sku="A-1", name="Widget", family="hardware"))
            ('hardware', True)
        """
        return tuple(getattr(value, name) for name in self.indexes)


PRODUCTS: Aggregate[Product] = Aggregate(
    "product", "products", Product, "sku", ("family", "active")
)
PRICE_BOOKS: Aggregate[PriceBook] = Aggregate(
    "price book", "price_books", PriceBook, "id", ("currency", "active")
)

QUOTES: Aggregate[Quote] = Aggregate(
    "quote", "quotes", "sfa_core.quotes.model:Quote", "id", ("account", "status")
)

#: Keyed by the root bundle's sku, a property of the model (never written back:
#: the stored value carries it in ``root``). Nothing to filter on.
CONFIGURATIONS: Aggregate[ConfigurationModel] = Aggregate(
    "configuration model",
    "configuration_models",
    "sfa_core.configure.model:ConfigurationModel",
    "sku",
)

#: The pricing setup: what an admin edits, each with its history of revisions.
RULE_SETS: Aggregate[Any] = Aggregate(
    "rule set", "rule_sets", "sfa_core.pricing.price_rules:RuleSet", "id", keeps_revisions=True
)
DISCOUNT_SCHEDULES: Aggregate[Any] = Aggregate(
    "discount schedule",
    "discount_schedules",
    "sfa_core.pricing.schedules:DiscountSchedule",
    "id",
    keeps_revisions=True,
)
PROMOTIONS: Aggregate[Any] = Aggregate(
    "promotion", "promotions", "sfa_core.pricing.promotions:Promotion", "id", keeps_revisions=True
)
CONTRACTED_PRICES: Aggregate[Any] = Aggregate(
    "contracted prices",
    "contracted_prices",
    "sfa_core.pricing.setup:ContractedPrices",
    "account",
    keeps_revisions=True,
)
PRICING_SETTINGS: Aggregate[Any] = Aggregate(
    "pricing settings",
    "pricing_settings",
    "sfa_core.pricing.setup:PricingSettings",
    "id",
    keeps_revisions=True,
)
SETUP_AGGREGATES: tuple[Aggregate[Any], ...] = (
    RULE_SETS,
    DISCOUNT_SCHEDULES,
    PROMOTIONS,
    CONTRACTED_PRICES,
    PRICING_SETTINGS,
)

#: The directory (users, groups, delegations), keyed by its id. Nothing to filter on.
DIRECTORIES: Aggregate[Directory] = Aggregate(
    "directory", "directories", "sfa_core.directory.model:Directory", "id"
)

#: Approval policies, keyed by id. Nothing to filter on.
APPROVAL_POLICIES: Aggregate[Policy] = Aggregate(
    "approval policy", "approval_policies", "sfa_core.approvals.policy:Policy", "id"
)

#: Approval requests, keyed by id, filterable by quote and status (the enum's value).
APPROVAL_REQUESTS: Aggregate[ApprovalRequest] = Aggregate(
    "approval request",
    "approval_requests",
    "sfa_core.approvals.request:ApprovalRequest",
    "id",
    ("quote_id", "status"),
)

AGGREGATES: tuple[Aggregate[Any], ...] = (
    PRODUCTS,
    PRICE_BOOKS,
    QUOTES,
    CONFIGURATIONS,
    *SETUP_AGGREGATES,
    DIRECTORIES,
    APPROVAL_POLICIES,
    APPROVAL_REQUESTS,
)


def column_value(value: Any) -> Any:
    """Return an indexed field value as a storage column holds it.

    Booleans become ``0``/``1`` and enum members their ``value``; anything else
    is returned unchanged.

    Args:
        value: A field value (or a filter value) of an indexed field.

    Returns:
        The value to store in, or compare with, the column.

    Example:
        >>> from sfa_core.catalog.model import PricingMethod
        >>> column_value(True), column_value(PricingMethod.LIST), column_value("EUR")
        (1, 'list', 'EUR')
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _expected(version: Any) -> int:
    """An expected version: an ``int`` (``bool`` refused)."""
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("must be an integer", path="expected_version", value=version)
    return version


def _text(value: Any, name: str) -> Any:
    """A text filter: a ``str`` or ``None``."""
    if value is not None and not isinstance(value, str):
        raise ValidationError("must be a string or None", path=name, value=value)
    return value


def _flag(value: Any, name: str) -> Any:
    """A flag filter: ``True``, ``False`` or ``None``."""
    if value is not None and not isinstance(value, bool):
        raise ValidationError("must be True, False or None", path=name, value=value)
    return value


def _request_status_filter(status: Any) -> RequestStatus | None:
    """Return the status filter as a :class:`~sfa_core.approvals.RequestStatus` (or ``None``)."""
    if status is None:
        return None
    from sfa_core.approvals.request import RequestStatus as Status

    return as_member(Status, status, "status")


def _status_filter(status: Any) -> QuoteStatus | None:
    """Return the status filter as a :class:`~sfa_core.quotes.QuoteStatus` (or ``None``)."""
    if status is None:
        return None
    from sfa_core.quotes.model import QuoteStatus as Status

    return as_member(Status, status, "status")


@runtime_checkable
class Table(Protocol[T]):
    """Where one aggregate's values live: the primitives each adapter implements once.

    The repositories below are fronts over a table: they turn its primitives
    into the protocol methods of one aggregate (named keys, filters, docs), so
    an adapter writes its storage logic once for every aggregate and a
    repository holds its table rather than inheriting it.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().products.table, Table)
        True
    """

    @property
    def aggregate(self) -> Aggregate[T]:
        """What is stored: the kind, table, class, key and indexed fields."""
        ...

    def get(self, key: str) -> T:
        """Return the value stored under ``key``, or raise ``NotFoundError``."""
        ...

    def version(self, key: str) -> int:
        """Return the stored version of ``key``, or raise ``NotFoundError``."""
        ...

    def list(self, **filters: Any) -> list[T]:
        """Return the values whose indexed fields equal the filters given (``None``: any)."""
        ...

    def add(self, value: T) -> T:
        """Store a new value at version 1, or raise ``AlreadyExistsError``."""
        ...

    def update(self, value: T) -> T:
        """Store ``value`` if its version is the stored one, else raise ``ConcurrencyError``."""
        ...

    def delete(self, key: str, expected_version: int) -> None:
        """Delete ``key`` if stored at ``expected_version``, else raise."""
        ...

    def versions(self) -> dict[str, int]:
        """Return every key's version, sorted by key."""
        ...

    def revision(self, key: str, version: int) -> T:
        """Return the value ``key`` as stored at ``version`` (tables that keep revisions)."""
        ...


class Front(Generic[T]):
    """A repository over a :class:`Table`: the table it was built on, and nothing else.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> MemoryStore().quotes.table.aggregate.kind
        'quote'
    """

    def __init__(self, table: Table[T]) -> None:
        self._table = table

    def _key(self, key: Any) -> str:
        """Refuse a key that is not an identifier before it reaches the storage."""
        return require_key(key, self._table.aggregate.key)

    def _value(self, value: Any) -> T:
        """Refuse a value of another class before it reaches the storage."""
        cls = self._table.aggregate.cls
        if not isinstance(value, cls):
            raise ValidationError(
                f"must be a {cls.__name__}", path=self._table.aggregate.kind, value=value
            )
        return value

    @property
    def table(self) -> Table[T]:
        """The table the repository reads and writes.

        Returns:
            The adapter's table of this aggregate.
        """
        return self._table


class ProductMethods(Front[Product]):
    """:class:`~sfa_core.ports.ProductRepository` on top of the primitives.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().products, ProductMethods)
        True
    """

    def get(self, sku: str) -> Product:
        """Return the stored product ``sku``.

        Args:
            sku: The key of the product.

        Returns:
            The product with its current version.

        Raises:
            NotFoundError: No product ``sku`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> products = MemoryStore().products
            >>> _ = products.add(Product(sku="A-1", name="Widget"))
            >>> products.get("A-1").name
            'Widget'
        """
        return self._table.get(self._key(sku))

    def list(self, *, family: str | None = None, active: bool | None = None) -> list[Product]:
        """Return the stored products sorted by SKU, optionally filtered.

        Args:
            family: Keep only this family; ``None`` keeps all.
            active: Keep only products with this ``active`` flag; ``None`` keeps all.

        Returns:
            The matching products, sorted by SKU.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> products = MemoryStore().products
            >>> for sku in ("B-2", "A-1"):
            ...     _ = products.add(Product(sku=sku, name=sku, family="hardware"))
            >>> [p.sku for p in products.list(family="hardware", active=True)]
            ['A-1', 'B-2']
        """
        return self._table.list(family=_text(family, "family"), active=_flag(active, "active"))

    def add(self, product: Product) -> Product:
        """Store a new product; return it with ``version == 1``.

        Args:
            product: The product to store.

        Returns:
            The stored product, at version 1.

        Raises:
            AlreadyExistsError: The SKU is taken.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> MemoryStore().products.add(Product(sku="A-1", name="Widget")).version
            1
        """
        return self._table.add(self._value(product))

    def update(self, product: Product) -> Product:
        """Replace the product stored at ``product.version``; return it at the next version.

        Args:
            product: The new value, carrying the version it was read at.

        Returns:
            The stored product, its version incremented.

        Raises:
            NotFoundError: The SKU is not stored.
            ConcurrencyError: The stored version is not ``product.version``.

        Example:
            >>> import attrs
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> products = MemoryStore().products
            >>> stored = products.add(Product(sku="A-1", name="Widget"))
            >>> products.update(attrs.evolve(stored, name="Widget v2")).version
            2
        """
        return self._table.update(self._value(product))

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete product ``sku`` if it is stored at ``expected_version``.

        Args:
            sku: The key of the product.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The SKU is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> products = MemoryStore().products
            >>> _ = products.add(Product(sku="A-1", name="Widget"))
            >>> products.delete("A-1", expected_version=1)
            >>> products.list()
            []
        """
        self._table.delete(self._key(sku), _expected(expected_version))


class PriceBookMethods(Front[PriceBook]):
    """:class:`~sfa_core.ports.PriceBookRepository` on top of the primitives.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().price_books, PriceBookMethods)
        True
    """

    def get(self, price_book_id: str) -> PriceBook:
        """Return the stored price book.

        Args:
            price_book_id: The key of the price book.

        Returns:
            The price book with its current version.

        Raises:
            NotFoundError: No such price book is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> books = MemoryStore().price_books
            >>> _ = books.add(PriceBook(id="EU", currency="EUR"))
            >>> books.get("EU").currency
            'EUR'
        """
        return self._table.get(self._key(price_book_id))

    def list(self, *, currency: str | None = None, active: bool | None = None) -> list[PriceBook]:
        """Return the stored price books sorted by id, optionally filtered.

        Args:
            currency: Keep only this currency; ``None`` keeps all.
            active: Keep only price books with this ``active`` flag; ``None`` keeps all.

        Returns:
            The matching price books, sorted by id.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> books = MemoryStore().price_books
            >>> for book_id, code in (("US", "USD"), ("EU", "EUR"), ("EU-2", "EUR")):
            ...     _ = books.add(PriceBook(id=book_id, currency=code))
            >>> [b.id for b in books.list(currency="EUR")]
            ['EU', 'EU-2']
        """
        return self._table.list(
            currency=_text(currency, "currency"), active=_flag(active, "active")
        )

    def add(self, price_book: PriceBook) -> PriceBook:
        """Store a new price book; return it with ``version == 1``.

        Args:
            price_book: The price book to store.

        Returns:
            The stored price book, at version 1.

        Raises:
            AlreadyExistsError: The id is taken.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> MemoryStore().price_books.add(PriceBook(id="EU", currency="EUR")).version
            1
        """
        return self._table.add(self._value(price_book))

    def update(self, price_book: PriceBook) -> PriceBook:
        """Replace the price book stored at ``price_book.version``.

        Args:
            price_book: The new value, carrying the version it was read at.

        Returns:
            The stored price book, its version incremented.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``price_book.version``.

        Example:
            >>> import attrs
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> books = MemoryStore().price_books
            >>> stored = books.add(PriceBook(id="EU", currency="EUR"))
            >>> books.update(attrs.evolve(stored, active=False)).version
            2
        """
        return self._table.update(self._value(price_book))

    def delete(self, price_book_id: str, *, expected_version: int) -> None:
        """Delete the price book if it is stored at ``expected_version``.

        Args:
            price_book_id: The key of the price book.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> books = MemoryStore().price_books
            >>> _ = books.add(PriceBook(id="EU", currency="EUR"))
            >>> books.delete("EU", expected_version=2)
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: price book 'EU': expected version 2, but ... is 1
        """
        self._table.delete(self._key(price_book_id), _expected(expected_version))


class QuoteMethods(Front["Quote"]):
    """:class:`~sfa_core.ports.QuoteRepository` on top of the primitives.

    ``list`` checks its ``status`` filter here, once for every adapter: a
    :class:`~sfa_core.quotes.QuoteStatus` or its string value.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().quotes, QuoteMethods)
        True
    """

    def get(self, quote_id: str) -> Quote:
        """Return the stored quote ``quote_id``.

        Args:
            quote_id: The key of the quote.

        Returns:
            The quote with its current version.

        Raises:
            NotFoundError: No such quote is stored.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.quotes import Quote
            >>> quotes = MemoryStore().quotes
            >>> _ = quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
            ...                      price_book="EU", quote_date=dt.date(2027, 3, 1)))
            >>> quotes.get("Q-1").account
            'ACME'
        """
        return self._table.get(self._key(quote_id))

    def list(
        self, *, account: str | None = None, status: QuoteStatus | str | None = None
    ) -> list[Quote]:
        """Return the stored quotes sorted by id, optionally filtered.

        Args:
            account: Keep only this account's quotes; ``None`` keeps all.
            status: Keep only quotes in this status, a
                :class:`~sfa_core.quotes.QuoteStatus` or its value (``"draft"``);
                ``None`` keeps all.

        Returns:
            The matching quotes, sorted by id.

        Raises:
            ValidationError: ``status`` is not a quote status (``path="status"``).

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.quotes import Quote, QuoteStatus
            >>> quotes = MemoryStore().quotes
            >>> for quote_id, status in (("Q-2", "draft"), ("Q-1", "draft"), ("Q-3", "approved")):
            ...     _ = quotes.add(Quote(id=quote_id, account="ACME", currency="EUR",
            ...                          price_book="EU", quote_date=dt.date(2027, 3, 1),
            ...                          status=status))
            >>> [q.id for q in quotes.list(account="ACME", status=QuoteStatus.DRAFT)]
            ['Q-1', 'Q-2']
            >>> [q.id for q in quotes.list(status="approved")]
            ['Q-3']
            >>> quotes.list(status="open")
            Traceback (most recent call last):
            ...
            sfa_core.errors.ValidationError: status: must be one of 'draft', ... (got 'open')
        """
        return self._table.list(account=_text(account, "account"), status=_status_filter(status))

    def add(self, quote: Quote) -> Quote:
        """Store a new quote; return it with ``version == 1``.

        Args:
            quote: The quote to store.

        Returns:
            The stored quote, at version 1.

        Raises:
            AlreadyExistsError: The id is taken.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.quotes import Quote
            >>> quote = Quote(id="Q-1", account="ACME", currency="EUR", price_book="EU",
            ...               quote_date=dt.date(2027, 3, 1))
            >>> MemoryStore().quotes.add(quote).version
            1
        """
        return self._table.add(self._value(quote))

    def update(self, quote: Quote) -> Quote:
        """Replace the quote stored at ``quote.version``; return it at the next version.

        Args:
            quote: The new value, carrying the version it was read at.

        Returns:
            The stored quote, its version incremented.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``quote.version``.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.quotes import Quote
            >>> quotes = MemoryStore().quotes
            >>> stored = quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
            ...                           price_book="EU", quote_date=dt.date(2027, 3, 1)))
            >>> quotes.update(stored.transition("in_review")).version
            2
            >>> quotes.update(stored.transition("in_review"))
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: quote 'Q-1': expected version 1, but ... is 2
        """
        return self._table.update(self._value(quote))

    def delete(self, quote_id: str, *, expected_version: int) -> None:
        """Delete the quote if it is stored at ``expected_version``.

        Args:
            quote_id: The key of the quote.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.quotes import Quote
            >>> quotes = MemoryStore().quotes
            >>> _ = quotes.add(Quote(id="Q-1", account="ACME", currency="EUR",
            ...                      price_book="EU", quote_date=dt.date(2027, 3, 1)))
            >>> quotes.delete("Q-1", expected_version=1)
            >>> quotes.list()
            []
        """
        self._table.delete(self._key(quote_id), _expected(expected_version))


class ConfigurationModelMethods(Front["ConfigurationModel"]):
    """:class:`~sfa_core.ports.ConfigurationModelRepository` on top of the primitives.

    The key is the model's :attr:`~sfa_core.configure.ConfigurationModel.sku`
    (its root bundle's sku); ``list`` takes no filters.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().configurations, ConfigurationModelMethods)
        True
    """

    def get(self, sku: str) -> ConfigurationModel:
        """Return the stored configuration model of the bundle ``sku``.

        Args:
            sku: The key of the model: its root bundle's sku.

        Returns:
            The model with its current version.

        Raises:
            NotFoundError: No model ``sku`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel, Feature, Option
            >>> models = MemoryStore().configurations
            >>> _ = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[
            ...     Feature(id="ram", options=[Option(id="r16", sku="RAM-16")])])))
            >>> [option.id for option in models.get("LAPTOP").options()]
            ['r16']
        """
        return self._table.get(self._key(sku))

    def version(self, sku: str) -> int:
        """Return the stored version of the model ``sku``, without reading the model.

        Args:
            sku: The key of the model.

        Returns:
            Its current version.

        Raises:
            NotFoundError: No model ``sku`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel
            >>> models = MemoryStore().configurations
            >>> _ = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[])))
            >>> models.version("LAPTOP")
            1
        """
        return self._table.version(self._key(sku))

    def list(self) -> list[ConfigurationModel]:
        """Return the stored configuration models sorted by sku.

        Returns:
            Every stored model, sorted by sku.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel
            >>> models = MemoryStore().configurations
            >>> for sku in ("SERVER", "LAPTOP"):
            ...     _ = models.add(ConfigurationModel(root=Bundle(sku=sku, features=[])))
            >>> [m.sku for m in models.list()]
            ['LAPTOP', 'SERVER']
        """
        return self._table.list()

    def add(self, model: ConfigurationModel) -> ConfigurationModel:
        """Store a new configuration model; return it with ``version == 1``.

        Args:
            model: The model to store.

        Returns:
            The stored model, at version 1.

        Raises:
            AlreadyExistsError: A model with this sku is stored already.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel
            >>> model = ConfigurationModel(root=Bundle(sku="LAPTOP", features=[]))
            >>> MemoryStore().configurations.add(model).version
            1
        """
        return self._table.add(self._value(model))

    def update(self, model: ConfigurationModel) -> ConfigurationModel:
        """Replace the model stored at ``model.version``; return it at the next version.

        Args:
            model: The new value, carrying the version it was read at.

        Returns:
            The stored model, its version incremented.

        Raises:
            NotFoundError: The sku is not stored.
            ConcurrencyError: The stored version is not ``model.version``.

        Example:
            >>> import attrs
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel
            >>> models = MemoryStore().configurations
            >>> stored = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[])))
            >>> renamed = attrs.evolve(stored, root=attrs.evolve(stored.root, name="Laptop"))
            >>> models.update(renamed).version
            2
            >>> models.update(renamed)
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: configuration model 'LAPTOP': expected version 1, ...
        """
        return self._table.update(self._value(model))

    def delete(self, sku: str, *, expected_version: int) -> None:
        """Delete model ``sku`` if it is stored at ``expected_version``.

        Args:
            sku: The key of the model.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The sku is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.configure import Bundle, ConfigurationModel
            >>> models = MemoryStore().configurations
            >>> _ = models.add(ConfigurationModel(root=Bundle(sku="LAPTOP", features=[])))
            >>> models.delete("LAPTOP", expected_version=1)
            >>> models.list()
            []
        """
        self._table.delete(self._key(sku), _expected(expected_version))


class DirectoryMethods(Front["Directory"]):
    """:class:`~sfa_core.ports.DirectoryRepository` on top of the primitives.

    The key is the directory's ``id``; ``list`` takes no filters.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().directories, DirectoryMethods)
        True
    """

    def get(self, directory_id: str) -> Directory:
        """Return the stored directory ``directory_id``.

        Args:
            directory_id: The key of the directory.

        Returns:
            The directory with its current version.

        Raises:
            NotFoundError: No directory ``directory_id`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.directory import Directory, User
            >>> directories = MemoryStore().directories
            >>> _ = directories.add(Directory(users=[User("ana")]))
            >>> [u.id for u in directories.get("main").users]
            ['ana']
        """
        return self._table.get(self._key(directory_id))

    def list(self) -> list[Directory]:
        """Return the stored directories sorted by id.

        Returns:
            Every stored directory, sorted by id.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.directory import Directory
            >>> directories = MemoryStore().directories
            >>> for name in ("main", "archive"):
            ...     _ = directories.add(Directory(id=name))
            >>> [d.id for d in directories.list()]
            ['archive', 'main']
        """
        return self._table.list()

    def add(self, directory: Directory) -> Directory:
        """Store a new directory; return it with ``version == 1``.

        Args:
            directory: The directory to store.

        Returns:
            The stored directory, at version 1.

        Raises:
            AlreadyExistsError: A directory with this id is stored already.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.directory import Directory
            >>> MemoryStore().directories.add(Directory()).version
            1
        """
        return self._table.add(self._value(directory))

    def update(self, directory: Directory) -> Directory:
        """Replace the directory stored at ``directory.version``; return it at the next version.

        Args:
            directory: The new value, carrying the version it was read at.

        Returns:
            The stored directory, its version incremented.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``directory.version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.directory import Directory, User
            >>> directories = MemoryStore().directories
            >>> stored = directories.add(Directory())
            >>> directories.update(stored.with_user(User("ana"))).version
            2
            >>> directories.update(stored)
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: directory 'main': expected version 1, ...
        """
        return self._table.update(self._value(directory))

    def delete(self, directory_id: str, *, expected_version: int) -> None:
        """Delete directory ``directory_id`` if it is stored at ``expected_version``.

        Args:
            directory_id: The key of the directory.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.directory import Directory
            >>> directories = MemoryStore().directories
            >>> _ = directories.add(Directory())
            >>> directories.delete("main", expected_version=1)
            >>> directories.list()
            []
        """
        self._table.delete(self._key(directory_id), _expected(expected_version))


class ApprovalPolicyMethods(Front["Policy"]):
    """:class:`~sfa_core.ports.ApprovalPolicyRepository` on top of the primitives.

    The key is the policy's ``id``; ``list`` takes no filters.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().approval_policies, ApprovalPolicyMethods)
        True
    """

    def get(self, policy_id: str) -> Policy:
        """Return the stored policy ``policy_id``.

        Args:
            policy_id: The key of the policy.

        Returns:
            The policy with its current version.

        Raises:
            NotFoundError: No policy ``policy_id`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import Policy
            >>> policies = MemoryStore().approval_policies
            >>> _ = policies.add(Policy(id="default", name="Discounts"))
            >>> policies.get("default").name
            'Discounts'
        """
        return self._table.get(self._key(policy_id))

    def list(self) -> list[Policy]:
        """Return the stored policies sorted by id.

        Returns:
            Every stored policy, sorted by id.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import Policy
            >>> policies = MemoryStore().approval_policies
            >>> for name in ("partners", "default"):
            ...     _ = policies.add(Policy(id=name))
            >>> [p.id for p in policies.list()]
            ['default', 'partners']
        """
        return self._table.list()

    def add(self, policy: Policy) -> Policy:
        """Store a new policy; return it with ``version == 1``.

        Args:
            policy: The policy to store.

        Returns:
            The stored policy, at version 1.

        Raises:
            AlreadyExistsError: A policy with this id is stored already.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import Policy
            >>> MemoryStore().approval_policies.add(Policy(id="default")).version
            1
        """
        return self._table.add(self._value(policy))

    def update(self, policy: Policy) -> Policy:
        """Replace the policy stored at ``policy.version``; return it at the next version.

        Args:
            policy: The new value, carrying the version it was read at.

        Returns:
            The stored policy, its version incremented.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``policy.version``.

        Example:
            >>> import attrs
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import Policy
            >>> policies = MemoryStore().approval_policies
            >>> stored = policies.add(Policy(id="default"))
            >>> policies.update(attrs.evolve(stored, hit_policy="first")).version
            2
            >>> policies.update(stored)
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: approval policy 'default': expected version 1, ...
        """
        return self._table.update(self._value(policy))

    def delete(self, policy_id: str, *, expected_version: int) -> None:
        """Delete policy ``policy_id`` if it is stored at ``expected_version``.

        Args:
            policy_id: The key of the policy.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import Policy
            >>> policies = MemoryStore().approval_policies
            >>> _ = policies.add(Policy(id="default"))
            >>> policies.delete("default", expected_version=1)
            >>> policies.list()
            []
        """
        self._table.delete(self._key(policy_id), _expected(expected_version))


class ApprovalRequestMethods(Front["ApprovalRequest"]):
    """:class:`~sfa_core.ports.ApprovalRequestRepository` on top of the primitives.

    ``list`` checks its ``status`` filter here, once for every adapter: a
    :class:`~sfa_core.approvals.RequestStatus` or its string value. A request
    is written as the package's converter reads it back (see the protocol: a
    ``Decimal`` a plan's reasons show becomes its text), so every adapter
    returns the same value from ``add``, ``update`` and ``get``.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().approval_requests, ApprovalRequestMethods)
        True
    """

    def _value(self, value: Any) -> ApprovalRequest:
        checked = super()._value(value)
        from sfa_core.serialization import structure, unstructure

        # As the document reads back: equal on every adapter, and what `get` returns.
        return structure(unstructure(checked), type(checked))

    def get(self, request_id: str) -> ApprovalRequest:
        """Return the stored request ``request_id``.

        Args:
            request_id: The key of the request.

        Returns:
            The request with its current version.

        Raises:
            NotFoundError: No request ``request_id`` is stored.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> MemoryStore().approval_requests.get("AR-9")
            Traceback (most recent call last):
            ...
            sfa_core.errors.NotFoundError: approval request 'AR-9' not found
        """
        return self._table.get(self._key(request_id))

    def list(
        self, *, quote_id: str | None = None, status: RequestStatus | str | None = None
    ) -> list[ApprovalRequest]:
        """Return the stored requests sorted by id, optionally filtered.

        Args:
            quote_id: Keep only the requests about this quote; ``None`` keeps all.
            status: Keep only requests in this status, a
                :class:`~sfa_core.approvals.RequestStatus` or its value
                (``"pending"``); ``None`` keeps all.

        Returns:
            The matching requests, sorted by id.

        Raises:
            ValidationError: ``status`` is not a request status (``path="status"``),
                or ``quote_id`` is not text.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> requests = MemoryStore().approval_requests
            >>> requests.list(quote_id="Q-1", status="pending")
            []
            >>> requests.list(status="open")
            Traceback (most recent call last):
            ...
            sfa_core.errors.ValidationError: status: must be one of 'draft', ... (got 'open')
        """
        return self._table.list(
            quote_id=_text(quote_id, "quote_id"), status=_request_status_filter(status)
        )

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        """Store a new request; return it with ``version == 1``.

        Args:
            request: The request to store.

        Returns:
            The stored request, at version 1.

        Raises:
            AlreadyExistsError: The id is taken.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import ApprovalPlan, submit
            >>> request, _ = submit(ApprovalPlan(), request_id="AR-1", quote_id="Q-1",
            ...                     quote_revision=1, submitter="rep",
            ...                     at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
            >>> MemoryStore().approval_requests.add(request).status
            <RequestStatus.APPROVED: 'approved'>
        """
        return self._table.add(self._value(request))

    def update(self, request: ApprovalRequest) -> ApprovalRequest:
        """Replace the request stored at ``request.version``; return it at the next version.

        Args:
            request: The new value, carrying the version it was read at.

        Returns:
            The stored request, its version incremented.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``request.version``.

        Example:
            >>> import attrs
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import ApprovalPlan, PlanStep, recall, submit
            >>> at = dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc)
            >>> plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",)),))
            >>> request, _ = submit(plan, request_id="AR-1", quote_id="Q-1",
            ...                     quote_revision=1, submitter="rep", at=at)
            >>> requests = MemoryStore().approval_requests
            >>> stored = requests.add(request)
            >>> recalled, _ = recall(stored, "rep", at=at)
            >>> requests.update(attrs.evolve(recalled, version=stored.version)).status
            <RequestStatus.RECALLED: 'recalled'>
            >>> requests.update(attrs.evolve(recalled, version=stored.version))
            Traceback (most recent call last):
            ...
            sfa_core.errors.ConcurrencyError: approval request 'AR-1': expected version 1, ...
        """
        return self._table.update(self._value(request))

    def delete(self, request_id: str, *, expected_version: int) -> None:
        """Delete the request if it is stored at ``expected_version``.

        Args:
            request_id: The key of the request.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The id is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> import datetime as dt
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.approvals import ApprovalPlan, submit
            >>> request, _ = submit(ApprovalPlan(), request_id="AR-1", quote_id="Q-1",
            ...                     quote_revision=1, submitter="rep",
            ...                     at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
            >>> requests = MemoryStore().approval_requests
            >>> _ = requests.add(request)
            >>> requests.delete("AR-1", expected_version=1)
            >>> requests.list()
            []
        """
        self._table.delete(self._key(request_id), _expected(expected_version))


class SetupMethods(Front[T]):
    """:class:`~sfa_core.ports.SetupRepository` on top of the primitives, for any setup value.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> isinstance(MemoryStore().rule_sets, SetupMethods)
        True
    """

    def get(self, key: str) -> T:
        """Return the stored value ``key``.

        Args:
            key: Its key (an id, or an account for contracted prices).

        Returns:
            The value with its current version.

        Raises:
            NotFoundError: Nothing is stored under ``key``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import DiscountSchedule
            >>> schedules = MemoryStore().discount_schedules
            >>> _ = schedules.add(DiscountSchedule("VOL", [(9, 0), (None, 5)]))
            >>> schedules.get("VOL").version
            1
        """
        return self._table.get(self._key(key))

    def list(self) -> list[T]:
        """Return every stored value, sorted by key.

        Returns:
            The values.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import RuleSet
            >>> rule_sets = MemoryStore().rule_sets
            >>> for name in ("B", "A"):
            ...     _ = rule_sets.add(RuleSet((), id=name))
            >>> [r.id for r in rule_sets.list()]
            ['A', 'B']
        """
        return self._table.list()

    def add(self, value: T) -> T:
        """Store a new value; return it with ``version == 1``.

        Args:
            value: The value.

        Returns:
            The stored value.

        Raises:
            AlreadyExistsError: The key is taken.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import PricingSettings
            >>> MemoryStore().pricing_settings.add(PricingSettings()).version
            1
        """
        return self._table.add(self._value(value))

    def update(self, value: T) -> T:
        """Replace the value stored at ``value.version``; return it at the next version.

        The replaced version stays readable with :meth:`revision`.

        Args:
            value: The new value, carrying the version it was read at.

        Returns:
            The stored value, its version incremented.

        Raises:
            NotFoundError: The key is not stored.
            ConcurrencyError: The stored version is not ``value.version``.

        Example:
            >>> from sfa_core import Money
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import ContractedPrices
            >>> prices = MemoryStore().contracted_prices
            >>> stored = prices.add(ContractedPrices("ACME", {"DOCK": Money("79", "EUR")}))
            >>> prices.update(stored).version
            2
        """
        return self._table.update(self._value(value))

    def delete(self, key: str, *, expected_version: int) -> None:
        """Delete the value ``key`` if it is stored at ``expected_version``.

        Its revisions stay readable with :meth:`revision`.

        Args:
            key: The key.
            expected_version: The version the caller read.

        Raises:
            NotFoundError: The key is not stored.
            ConcurrencyError: The stored version is not ``expected_version``.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import RuleSet
            >>> rule_sets = MemoryStore().rule_sets
            >>> _ = rule_sets.add(RuleSet((), id="R"))
            >>> rule_sets.delete("R", expected_version=1)
            >>> rule_sets.list(), rule_sets.revision("R", 1).id
            ([], 'R')
        """
        self._table.delete(self._key(key), _expected(expected_version))

    def versions(self) -> dict[str, int]:
        """Return the current version of every stored value, by key.

        Returns:
            A new dict of key to version.

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import RuleSet
            >>> rule_sets = MemoryStore().rule_sets
            >>> _ = rule_sets.add(RuleSet((), id="R"))
            >>> rule_sets.versions()
            {'R': 1}
        """
        return self._table.versions()

    def revision(self, key: str, version: int) -> T:
        """Return the value ``key`` as stored at ``version``.

        Args:
            key: The key.
            version: A version it was stored at.

        Returns:
            The value at that version.

        Raises:
            NotFoundError: It was never stored at that version (key
                ``"<key>@<version>"``).

        Example:
            >>> from sfa_core.adapters.memory import MemoryStore
            >>> from sfa_core.pricing import RuleSet
            >>> MemoryStore().rule_sets.revision("R", 1)
            Traceback (most recent call last):
            ...
            sfa_core.errors.NotFoundError: rule set 'R@1' not found
        """
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValidationError("must be an integer", path="version", value=version)
        return self._table.revision(self._key(key), version)


# The setup's repositories, typed by their values for the type checker; at run
# time the value classes are not imported (a catalog-only store never needs them).
if TYPE_CHECKING:
    from sfa_core.pricing.price_rules import RuleSet
    from sfa_core.pricing.promotions import Promotion
    from sfa_core.pricing.schedules import DiscountSchedule
    from sfa_core.pricing.setup import ContractedPrices, PricingSettings

    RuleSetMethods = SetupMethods[RuleSet]
    DiscountScheduleMethods = SetupMethods[DiscountSchedule]
    PromotionMethods = SetupMethods[Promotion]
    ContractedPricesMethods = SetupMethods[ContractedPrices]
    PricingSettingsMethods = SetupMethods[PricingSettings]
else:
    RuleSetMethods = DiscountScheduleMethods = PromotionMethods = SetupMethods
    ContractedPricesMethods = PricingSettingsMethods = SetupMethods
