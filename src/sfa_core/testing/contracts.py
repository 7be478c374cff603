"""Contract tests for the repository protocols: subclass them to prove your own storage.

Each contract is a pytest test class whose tests use one fixture you provide.
Subclass it in your test suite, return a fresh, empty repository (or store)
from the fixture, and pytest runs every test of the contract against it::

    import pytest
    from sfa_core.testing.contracts import (
        ConfigurationModelRepositoryContract,
        ProductRepositoryContract,
        QuoteRepositoryContract,
        UnitOfWorkContract,
    )

    class TestMyProducts(ProductRepositoryContract):
        @pytest.fixture
        def repository(self):
            return MyProductRepository(connection=...)

    class TestMyQuotes(QuoteRepositoryContract):
        @pytest.fixture
        def repository(self):
            return MyQuoteRepository(connection=...)

    class TestMyConfigurationModels(ConfigurationModelRepositoryContract):
        @pytest.fixture
        def repository(self):
            return MyConfigurationModelRepository(connection=...)

    class TestMyStore(UnitOfWorkContract):
        @pytest.fixture
        def store(self):
            return MyStore(...)

The contracts check round trips (every field comes back equal), not-found and
already-exists errors, listing order and filters, optimistic concurrency (a
stale write is refused and nothing is lost, also from several threads), and
rollback (a failed transaction leaves every repository as it was). The pricing
setup's contracts (``RuleSetRepositoryContract``...) also check ``versions()``
and that every revision stays readable after updates and deletes.

A store need not have every repository: :class:`UnitOfWorkContract` checks the
ones it has (a store of products, price books and quotes passes it).

sfa_core runs these same classes against its memory and SQLite adapters.
The quote contract imports :mod:`sfa_core.quotes`, the configuration model
contract :mod:`sfa_core.configure`, the directory contract
:mod:`sfa_core.directory`, and the approval contracts :mod:`sfa_core.approvals`,
only when their tests run.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs
import pytest

from sfa_core.catalog import PriceBook, Product
from sfa_core.errors import AlreadyExistsError, ConcurrencyError, NotFoundError, ValidationError
from sfa_core.money import Money
from sfa_core.ports import STORE_REPOSITORIES

if TYPE_CHECKING:
    from sfa_core.approvals.policy import Policy
    from sfa_core.approvals.request import ApprovalRequest
    from sfa_core.configure.model import ConfigurationModel
    from sfa_core.directory.model import Directory
    from sfa_core.pricing.price_rules import RuleSet
    from sfa_core.pricing.promotions import Promotion
    from sfa_core.pricing.schedules import DiscountSchedule
    from sfa_core.pricing.setup import ContractedPrices, PricingSettings
    from sfa_core.quotes.model import Quote

__all__ = [
    "ApprovalPolicyRepositoryContract",
    "ApprovalRequestRepositoryContract",
    "ConfigurationModelRepositoryContract",
    "ContractedPricesRepositoryContract",
    "DirectoryRepositoryContract",
    "DiscountScheduleRepositoryContract",
    "PriceBookRepositoryContract",
    "PricingSettingsRepositoryContract",
    "ProductRepositoryContract",
    "PromotionRepositoryContract",
    "QuoteRepositoryContract",
    "RuleSetRepositoryContract",
    "UnitOfWorkContract",
]

T = TypeVar("T")

_UTC = _dt.timezone.utc


class _RepositoryContract(Generic[T]):
    """Tests shared by every repository; subclasses say how to make and change values.

    Example:
        >>> contract = ProductRepositoryContract()
        >>> contract.key_field, [p.sku for p in contract.samples()][:3]
        ('sku', ['K-0', 'K-1', 'K-2'])
    """

    #: Name of the key field of the stored values.
    key_field: ClassVar[str]
    #: ``(filter keyword arguments, predicate)`` pairs the ``list`` method must honour.
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = ()

    @pytest.fixture
    def repository(self) -> Any:
        """Return a fresh, empty repository. Override this in your subclass.

        Every test gets its own repository, so nothing may be shared between
        calls (a new table, schema or connection each time, or a cleared one).
        """
        raise NotImplementedError("override the `repository` fixture")

    def make(self, key: str, variant: int = 0) -> T:
        """Return a new value with key ``key``; different variants differ in other fields.

        Args:
            key: The key of the value.
            variant: Which of the prepared variants to build (any non-negative int).

        Returns:
            A valid, not yet stored value (``version == 0``).

        Example:
            >>> ProductRepositoryContract().make("A-1", 2).active
            False
        """
        raise NotImplementedError

    def samples(self) -> list[T]:
        """Return tricky values that must survive a round trip unchanged.

        Returns:
            Values with distinct keys (``"K-0"``, ``"K-1"``...), one per variant.

        Example:
            >>> books = PriceBookRepositoryContract().samples()
            >>> sorted({b.currency for b in books})
            ['BHD', 'EUR', 'JPY', 'USD']
        """
        return [self.make(f"K-{i}", i) for i in range(6)]

    def renamed(self, value: T, text: str) -> T:
        """Return ``value`` with a changed non-key field.

        The default sets ``name``; override it if your values have none.

        Args:
            value: The value to change.
            text: The new name.

        Returns:
            A copy of ``value`` (same key and version) with ``name == text``.

        Example:
            >>> contract = ProductRepositoryContract()
            >>> contract.renamed(contract.make("A-1"), "Dock 2").name
            'Dock 2'
        """
        return attrs.evolve(value, name=text)  # type: ignore[misc]

    def name_of(self, value: T) -> str:
        """Return the text :meth:`renamed` sets (the default reads ``name``).

        Args:
            value: A value returned by the repository.

        Returns:
            The text last given to :meth:`renamed`.

        Example:
            >>> contract = ProductRepositoryContract()
            >>> contract.name_of(contract.renamed(contract.make("A-1"), "Dock 2"))
            'Dock 2'
        """
        name: str = getattr(value, "name")  # noqa: B009 - T has no declared `name`
        return name

    def _key(self, value: T) -> str:
        key: str = getattr(value, self.key_field)
        return key

    def test_add_then_get_round_trips_every_field(self, repository: Any) -> None:
        for value in self.samples():
            stored = repository.add(value)
            assert stored == attrs.evolve(value, version=1)  # type: ignore[misc]
            assert repository.get(self._key(value)) == stored

    def test_get_unknown_key_raises_not_found(self, repository: Any) -> None:
        with pytest.raises(NotFoundError) as info:
            repository.get("NO-SUCH-KEY")
        assert info.value.key == "NO-SUCH-KEY"

    def test_add_taken_key_is_refused_and_keeps_the_original(self, repository: Any) -> None:
        original = repository.add(self.make("K-1", 0))
        with pytest.raises(AlreadyExistsError):
            repository.add(self.renamed(self.make("K-1", 1), "Intruder"))
        assert repository.get("K-1") == original

    def test_update_increments_the_version_and_persists(self, repository: Any) -> None:
        stored = repository.add(self.make("K-1"))
        updated = repository.update(self.renamed(stored, "Renamed"))
        assert updated.version == 2
        assert repository.get("K-1") == updated
        assert repository.update(updated).version == 3

    def test_stale_update_is_refused_and_nothing_is_lost(self, repository: Any) -> None:
        stored = repository.add(self.make("K-1"))
        first = repository.update(self.renamed(stored, "First writer"))
        with pytest.raises(ConcurrencyError) as info:
            repository.update(self.renamed(stored, "Second writer"))
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert repository.get("K-1") == first

    def test_update_unknown_key_raises_not_found(self, repository: Any) -> None:
        with pytest.raises(NotFoundError):
            repository.update(attrs.evolve(self.make("GHOST"), version=1))  # type: ignore[misc]

    def test_delete_needs_the_current_version(self, repository: Any) -> None:
        stored = repository.add(self.make("K-1"))
        repository.update(stored)
        with pytest.raises(ConcurrencyError):
            repository.delete("K-1", expected_version=1)
        assert repository.get("K-1").version == 2
        repository.delete("K-1", expected_version=2)
        with pytest.raises(NotFoundError):
            repository.get("K-1")
        with pytest.raises(NotFoundError):
            repository.delete("K-1", expected_version=2)

    def test_list_is_sorted_by_key(self, repository: Any) -> None:
        for key in ("K-3", "K-1", "K-2"):
            repository.add(self.make(key))
        assert [self._key(v) for v in repository.list()] == ["K-1", "K-2", "K-3"]

    def test_list_filters(self, repository: Any) -> None:
        values = [repository.add(v) for v in self.samples()]
        for kwargs, predicate in self.filters:
            expected = sorted(self._key(v) for v in values if predicate(v))
            assert [self._key(v) for v in repository.list(**kwargs)] == expected, kwargs

    def test_concurrent_read_modify_write_loses_no_update(self, repository: Any) -> None:
        """Threads that read the same version and then all write lose no increment.

        Each round, every worker reads the counter, waits until all have read it
        (so their writes really collide), then writes, retrying on
        ``ConcurrencyError`` with a fresh read.
        """
        repository.add(self.renamed(self.make("K-1"), "0"))
        workers, rounds = 4, 5
        barrier = threading.Barrier(workers, timeout=30)
        failures: list[BaseException] = []

        def bump() -> None:
            try:
                for _ in range(rounds):
                    current = repository.get("K-1")
                    barrier.wait()
                    while True:
                        try:
                            bumped = str(int(self.name_of(current)) + 1)
                            repository.update(self.renamed(current, bumped))
                            break
                        except ConcurrencyError:
                            current = repository.get("K-1")
                    barrier.wait()
            except BaseException as exc:  # reported by the main thread
                failures.append(exc)
                barrier.abort()

        threads = [threading.Thread(target=bump) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        final = repository.get("K-1")
        assert self.name_of(final) == str(workers * rounds)
        assert final.version == 1 + workers * rounds


class ProductRepositoryContract(_RepositoryContract[Product]):
    """The contract of :class:`~sfa_core.ports.ProductRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.

    Example:
        :meth:`make` builds the products the tests store; every variant is a
        valid product, and each test can also be called by hand:

        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = ProductRepositoryContract()
        >>> product = contract.make("A-1", 1)
        >>> product.sku, product.family, product.cost, product.version
        ('A-1', 'software', Money(amount=Decimal('700.00'), currency='EUR'), 0)
        >>> contract.test_stale_update_is_refused_and_nothing_is_lost(MemoryStore().products)
    """

    key_field = "sku"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (
        ({}, lambda p: True),
        ({"family": "hardware"}, lambda p: p.family == "hardware"),
        ({"family": "nothing"}, lambda p: False),
        ({"active": True}, lambda p: p.active),
        ({"active": False}, lambda p: not p.active),
        ({"family": "software", "active": True}, lambda p: p.family == "software" and p.active),
    )

    def make(self, key: str, variant: int = 0) -> Product:
        """Return a product; variants cover costs, attributes, families and inactive ones.

        Args:
            key: The SKU.
            variant: Which variant to build; they repeat with periods of 3 and 4.

        Returns:
            A valid product at ``version == 0``.

        Example:
            >>> ProductRepositoryContract().make("A-1", 3).attributes["big"]
            1000000000000000000000000000000
        """
        costs = [None, Money("700.00", "EUR"), Money("0.0001", "USD"), Money("1500", "JPY")]
        attributes: list[dict[str, Any]] = [
            {},
            {"ram_gb": 16, "colour": "grey"},
            {"refurbished": True, "grade": "A"},
            {"name with spaces": "Grüße, 東京", "big": 10**30},
        ]
        return Product(
            sku=key,
            name=["Laptop 15", "Dock", "Licence «Pro»", "Support, per hour"][variant % 4],
            family=["hardware", "software", "", "hardware"][variant % 4],
            unit_of_measure=["each", "seat", "hour"][variant % 3],
            cost=costs[variant % 4],
            active=variant % 3 != 2,
            attributes=attributes[variant % 4],
        )


class PriceBookRepositoryContract(_RepositoryContract[PriceBook]):
    """The contract of :class:`~sfa_core.ports.PriceBookRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = PriceBookRepositoryContract()
        >>> book = contract.make("EU-2027", 1)
        >>> book.id, book.currency, sorted(book.entries), book.version
        ('EU-2027', 'USD', ['SKU-0', 'SKU-1'], 0)
        >>> contract.test_list_filters(MemoryStore().price_books)
    """

    key_field = "id"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (
        ({}, lambda b: True),
        ({"currency": "EUR"}, lambda b: b.currency == "EUR"),
        ({"currency": "CHF"}, lambda b: False),
        ({"active": False}, lambda b: not b.active),
        ({"currency": "USD", "active": True}, lambda b: b.currency == "USD" and b.active),
    )

    def make(self, key: str, variant: int = 0) -> PriceBook:
        """Return a price book; variants cover currencies, validity and entry precision.

        Args:
            key: The id.
            variant: Which variant to build; variant 0 has no entries.

        Returns:
            A valid price book at ``version == 0``.

        Example:
            >>> book = PriceBookRepositoryContract().make("ME", 3)
            >>> book.currency, book.entries["SKU-0"].amount
            ('BHD', Decimal('12.345'))
        """
        currency = ["EUR", "USD", "JPY", "BHD"][variant % 4]
        amounts = ["1199.00", "0.0125", "1500", "12.345"]
        return PriceBook(
            id=key,
            currency=currency,
            name=f"Book {variant}",
            entries={
                f"SKU-{n}": Money(Decimal(amounts[variant % 4]) * (n + 1), currency)
                for n in range(variant % 3 + (1 if variant else 0))
            },
            active=variant % 3 != 2,
            valid_from=_dt.date(2027, 1, 1) if variant % 2 else None,
            valid_until=_dt.date(2027, 12, 31) if variant % 4 == 1 else None,
        )


class QuoteRepositoryContract(_RepositoryContract["Quote"]):
    """The contract of :class:`~sfa_core.ports.QuoteRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.
    On top of the shared tests it checks that decimals keep their digits and
    custom fields their types, and that ``list`` takes a status as a
    :class:`~sfa_core.quotes.QuoteStatus` or its value and refuses anything else.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = QuoteRepositoryContract()
        >>> quote = contract.make("Q-1", 1)
        >>> quote.id, quote.account, quote.status.value, [line.key for line in quote.lines]
        ('Q-1', 'GLOBEX', 'in_review', ['L1', 'L1.1', 'L2'])
        >>> contract.test_list_filters_by_status_member_or_value(MemoryStore().quotes)
    """

    key_field = "id"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (
        ({}, lambda q: True),
        ({"account": "ACME"}, lambda q: q.account == "ACME"),
        ({"account": "acme"}, lambda q: False),
        ({"account": "NOBODY"}, lambda q: False),
        ({"status": "draft"}, lambda q: q.status.value == "draft"),
        ({"status": "approved"}, lambda q: q.status.value == "approved"),
        ({"status": "expired"}, lambda q: False),
        (
            {"account": "ACME", "status": "draft"},
            lambda q: q.account == "ACME" and q.status.value == "draft",
        ),
    )

    def make(self, key: str, variant: int = 0) -> Quote:
        """Return a quote; variants cover statuses, lines, groups, dates and discounts.

        Args:
            key: The id.
            variant: Which variant to build; they repeat with a period of 6.
                Variant 0 has no lines; the others hold bundles, groups,
                return lines, sub-cent and many-digit decimals, subscription
                dates and custom fields of every allowed type.

        Returns:
            A valid quote at ``version == 0``.

        Example:
            >>> quote = QuoteRepositoryContract().make("Q-1", 2)
            >>> quote.status.value, quote.line("R1").quantity, quote.line("R1").is_return
            ('approved', Decimal('-2.5'), True)
        """
        from sfa_core.quotes.model import Quote, QuoteGroup, QuoteLine, QuoteStatus

        day = _dt.date(2027, 3, 1)
        variant %= 6
        statuses = ["draft", "in_review", "approved", "draft", "accepted", "superseded"]
        accounts = ["ACME", "GLOBEX", "ACME", "Grüße GmbH, 東京", "ACME", "INITECH"]
        lines: list[QuoteLine] = []
        groups: list[QuoteGroup] = []
        extra: dict[str, Any] = {}
        if variant == 1:
            groups = [QuoteGroup(key="G1", name="Option A"), QuoteGroup(key="G2")]
            lines = [
                QuoteLine(key="L1", sku="BUNDLE", quantity=1, group="G1"),
                QuoteLine(
                    key="L1.1",
                    sku="PART",
                    quantity="2.000",
                    parent="L1",
                    group="G1",
                    additional_discount="12.50",
                    fields={"colour": "grey", "seats": 25, "rush": True},
                ),
                QuoteLine(
                    key="L2",
                    sku="SUPPORT",
                    quantity=12,
                    term="12",
                    start_date=day,
                    end_date=_dt.date(2028, 2, 29),
                    additional_discount_amount="0.0001",
                    group="G2",
                ),
            ]
            extra = {"additional_discount": "33.3333333333333333333333", "valid_until": day}
        elif variant == 2:
            lines = [
                QuoteLine(key="L1", sku="LAPTOP-15", quantity="1.5", special_price="999.99"),
                QuoteLine(key="R1", sku="LAPTOP-15", quantity="-2.5", is_return=True),
            ]
            extra = {
                "partner_discount": "5",
                "distributor_discount": "2.25",
                "discount_amount": "100.00",
                "revision": 2,
                "supersedes": "Q-OLD",
                "start_date": day,
                "end_date": _dt.date(2027, 12, 31),
            }
        elif variant == 3:
            groups = [QuoteGroup(key="Phase «1»", name="Grüße, 東京")]
            lines = [
                QuoteLine(
                    key="L1",
                    sku="SEAT",
                    quantity=10**20,
                    group="Phase «1»",
                    partner_discount="0",
                    distributor_discount="100",
                    fields={"note": "", "big": 10**30, "flag": False},
                )
            ]
            extra = {"fields": {"region": "EMEA", "priority": 3, "strategic": True}}
        elif variant >= 4:
            lines = [QuoteLine(key=f"L{n}", sku=f"SKU-{n}", quantity=n) for n in range(1, 6)]
            extra = {"valid_until": _dt.date(2027, 3, 31), "quote_date": _dt.date(2027, 2, 28)}
        base: dict[str, Any] = {"quote_date": day}
        base.update(extra)
        return Quote(
            id=key,
            account=accounts[variant],
            currency=["EUR", "USD", "JPY", "BHD", "EUR", "CHF"][variant],
            price_book=f"BOOK-{variant}",
            lines=lines,
            groups=groups,
            status=QuoteStatus(statuses[variant]),
            **base,
        )

    def renamed(self, value: Quote, text: str) -> Quote:
        """Return ``value`` with the custom field ``title`` set to ``text``.

        Args:
            value: The quote to change.
            text: The new title.

        Returns:
            A copy of ``value`` (same id and version) with ``fields["title"] == text``.

        Example:
            >>> contract = QuoteRepositoryContract()
            >>> contract.renamed(contract.make("Q-1", 3), "Renewal").fields["title"]
            'Renewal'
        """
        return attrs.evolve(value, fields={**value.fields, "title": text})

    def name_of(self, value: Quote) -> str:
        """Return the custom field ``title`` (``""`` when absent).

        Args:
            value: A quote returned by the repository.

        Returns:
            The title.

        Example:
            >>> QuoteRepositoryContract().name_of(QuoteRepositoryContract().make("Q-1"))
            ''
        """
        return str(value.fields.get("title", ""))

    def test_round_trip_keeps_decimal_digits_dates_and_field_types(self, repository: Any) -> None:
        """Equal is not enough: ``12.50`` stays ``12.50``, ``True`` stays a bool, dates dates."""
        from sfa_core.quotes.model import QuoteStatus

        for value in self.samples():
            repository.add(value)
            got = repository.get(value.id)
            assert isinstance(got.status, QuoteStatus)
            assert list(_exact(got)) == list(_exact(attrs.evolve(value, version=1))), value.id

    def test_list_filters_by_status_member_or_value(self, repository: Any) -> None:
        """Every status filters the same as a ``QuoteStatus`` member and as its value."""
        from sfa_core.quotes.model import QuoteStatus

        values = [repository.add(v) for v in self.samples()]
        for status in QuoteStatus:
            expected = [v.id for v in values if v.status is status]
            assert [q.id for q in repository.list(status=status)] == expected, status
            assert [q.id for q in repository.list(status=status.value)] == expected, status
        both = repository.list(account="ACME", status=QuoteStatus.DRAFT)
        assert [q.id for q in both] == [
            v.id for v in values if v.account == "ACME" and v.status is QuoteStatus.DRAFT
        ]

    @pytest.mark.parametrize("status", ["open", "DRAFT", "", 1, True])
    def test_list_refuses_an_unknown_status(self, repository: Any, status: Any) -> None:
        """A status filter that is no quote status raises ``ValidationError`` naming it."""
        repository.add(self.make("K-1"))
        with pytest.raises(ValidationError) as info:
            repository.list(status=status)
        assert info.value.path == "status"

    def test_status_change_moves_the_quote_between_filters(self, repository: Any) -> None:
        """An update re-indexes the status: the old filter no longer finds the quote."""
        stored = repository.add(self.make("K-1"))
        repository.update(stored.transition("in_review"))
        assert repository.list(status="draft") == []
        assert [q.id for q in repository.list(status="in_review")] == ["K-1"]


class ConfigurationModelRepositoryContract(_RepositoryContract["ConfigurationModel"]):
    """The contract of :class:`~sfa_core.ports.ConfigurationModelRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.
    The key is the model's ``sku`` property (its root bundle's sku), and
    :meth:`renamed` changes the root bundle's name. On top of the shared tests
    it checks that decimals keep their digits and values their types (a
    quantity relation's ``ratio`` of ``1.50`` stays ``1.50``, ``True`` in a
    condition stays a bool), and that an update replaces the whole model.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = ConfigurationModelRepositoryContract()
        >>> model = contract.make("SRV", 2)
        >>> model.sku, [b.sku for b in model.bundles], [c.id for c in model.constraints]
        ('SRV', ['SRV-CHASSIS'], ['x1', 'q1'])
        >>> contract.test_stale_update_is_refused_and_nothing_is_lost(MemoryStore().configurations)
    """

    key_field = "sku"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (({}, lambda m: True),)

    def make(self, key: str, variant: int = 0) -> ConfigurationModel:
        """Return a configuration model; variants cover every part of a model.

        Args:
            key: The sku of the root bundle (the model's key).
            variant: Which variant to build; they repeat with a period of 6.
                Variant 0 is a root bundle with one feature of two options;
                the others add attributes, every kind of constraint, product
                rules of every kind with JSON Logic conditions, a nested
                bundle, quantity bounds, non-ASCII text and huge integers;
                variant 5 has no features at all.

        Returns:
            A valid model at ``version == 0``.

        Example:
            >>> model = ConfigurationModelRepositoryContract().make("LAPTOP", 1)
            >>> model.sku, [o.id for o in model.options()], [r.kind.value for r in model.rules]
            ('LAPTOP', ['r16', 'r32', 'd1', 'd2'], ['validation'])
        """
        from sfa_core.configure.model import (
            Attribute,
            Bundle,
            Compatibility,
            ConfigurationModel,
            Excludes,
            Feature,
            Option,
            ProductRule,
            QuantityRelation,
            Requires,
            SelectionAction,
        )

        variant %= 6
        if variant == 0:
            return ConfigurationModel(
                root=Bundle(
                    sku=key,
                    features=[
                        Feature(
                            id="ram",
                            options=[
                                Option(id="r16", sku="RAM-16"),
                                Option(id="r32", sku="RAM-32"),
                            ],
                        )
                    ],
                )
            )
        if variant == 1:
            return ConfigurationModel(
                root=Bundle(
                    sku=key,
                    name="Laptop 15",
                    features=[
                        Feature(
                            id="ram",
                            name="Memory",
                            min_options=1,
                            max_options=1,
                            options=[
                                Option(id="r16", sku="RAM-16", selected=True),
                                Option(id="r32", sku="RAM-32"),
                            ],
                        ),
                        Feature(
                            id="dock",
                            options=[Option(id="d1", sku="DOCK-1"), Option(id="d2", sku="DOCK-2")],
                        ),
                    ],
                ),
                attributes=[Attribute(id="colour", values=["black", "silver"])],
                constraints=[
                    Requires(id="c1", option="d1", needs=["r32"], message="Dock 1 needs 32 GB"),
                    Compatibility(id="k1", option="d2", attribute="colour", values=["black"]),
                ],
                rules=[
                    ProductRule(
                        id="v1",
                        kind="validation",
                        condition={
                            "and": [
                                {"var": "options.d1"},
                                {"==": [{"var": "attributes.colour"}, "silver"]},
                            ]
                        },
                        message="Dock 1 comes in black only",
                    )
                ],
            )
        if variant == 2:
            chassis = f"{key}-CHASSIS"
            return ConfigurationModel(
                root=Bundle(
                    sku=key,
                    name="Server",
                    features=[
                        Feature(
                            id="base",
                            min_options=1,
                            options=[Option(id="srv", sku="SERVER", required=True, bundle=chassis)],
                        ),
                        Feature(
                            id="support",
                            max_options=1,
                            options=[
                                Option(id="s1", sku="SUPPORT-BASIC"),
                                Option(id="s2", sku="SUPPORT-24x7", quantity_editable=True),
                            ],
                        ),
                    ],
                ),
                bundles=[
                    Bundle(
                        sku=chassis,
                        name="Chassis",
                        features=[
                            Feature(
                                id="disk",
                                options=[
                                    Option(
                                        id="hdd",
                                        sku="HDD-8TB",
                                        min_quantity=2,
                                        default_quantity=4,
                                        max_quantity=12,
                                        quantity_editable=True,
                                    ),
                                    Option(id="ssd", sku="SSD-2TB"),
                                ],
                            )
                        ],
                    )
                ],
                constraints=[
                    Excludes(id="x1", options=["hdd", "ssd"]),
                    QuantityRelation(id="q1", option="s2", limit="hdd", ratio="1.50"),
                ],
                rules=[
                    ProductRule(
                        id="sel",
                        kind="selection",
                        condition={"var": "options.ssd"},
                        actions=[
                            SelectionAction(kind="add", option="s2"),
                            SelectionAction(kind="disable", option="s1"),
                        ],
                    ),
                    ProductRule(
                        id="psu",
                        kind="alert",
                        condition={">": [{"var": "options.hdd"}, 8]},
                        message="More than 8 disks need a second power supply",
                    ),
                ],
            )
        if variant == 3:
            return ConfigurationModel(
                root=Bundle(
                    sku=key,
                    name="Grüße, 東京 «Pro»",
                    features=[
                        Feature(
                            id="farbe",
                            name="Farbe",
                            options=[
                                Option(
                                    id="o-grün",
                                    sku="GRÜN",
                                    name="Grün",
                                    max_quantity=10**20,
                                    attributes={"farbe": "grün", "größe": "XL"},
                                ),
                                Option(id="o-weiß", sku="WEISS", attributes={"farbe": "weiß"}),
                            ],
                        )
                    ],
                ),
                attributes=[
                    Attribute(
                        id="farbe",
                        name="Farbe",
                        values=["grün", "weiß"],
                        required=False,
                        product_attribute="farbe",
                    )
                ],
                rules=[
                    ProductRule(
                        id="f1",
                        kind="filter",
                        condition={"==": [{"var": "attributes.farbe"}, "grün"]},
                        feature="farbe",
                        keep=["o-grün"],
                        message="Nur grün, 東京",
                    )
                ],
            )
        if variant == 4:
            options = [Option(id=f"o{n}", sku=f"SKU-{n}", default_quantity=n) for n in range(1, 6)]
            return ConfigurationModel(
                root=Bundle(
                    sku=key,
                    features=[Feature(id="pick", min_options=2, max_options=3, options=options)],
                ),
                attributes=[Attribute(id="size", values=["S", "M", "L"])],
                constraints=[
                    Requires(id="r1", option="o1", needs=["o2", "o3"]),
                    Excludes(id="x1", options=["o3", "o4", "o5"], message="Pick one of 3-5"),
                    Compatibility(id="k1", option="o5", attribute="size", values=["L"]),
                    QuantityRelation(id="q1", option="o2", limit="o1", ratio="0.333"),
                ],
                rules=[
                    ProductRule(
                        id="v1",
                        kind="validation",
                        condition={
                            "if": [
                                {"in": [{"var": "attributes.size"}, ["S", "M"]]},
                                {"==": [{"var": "options.o4"}, True]},
                                False,
                            ]
                        },
                    ),
                ],
            )
        return ConfigurationModel(
            root=Bundle(sku=key, features=[]),
            rules=[ProductRule(id="always", kind="alert", message="Check the site survey")],
        )

    def renamed(self, value: ConfigurationModel, text: str) -> ConfigurationModel:
        """Return ``value`` with its root bundle's ``name`` set to ``text``.

        Args:
            value: The model to change.
            text: The new name.

        Returns:
            A copy of ``value`` (same sku and version) with ``root.name == text``.

        Example:
            >>> contract = ConfigurationModelRepositoryContract()
            >>> contract.renamed(contract.make("LAPTOP", 1), "Laptop 16").root.name
            'Laptop 16'
        """
        return attrs.evolve(value, root=attrs.evolve(value.root, name=text))

    def name_of(self, value: ConfigurationModel) -> str:
        """Return the root bundle's name.

        Args:
            value: A model returned by the repository.

        Returns:
            ``value.root.name``.

        Example:
            >>> contract = ConfigurationModelRepositoryContract()
            >>> contract.name_of(contract.make("LAPTOP", 1))
            'Laptop 15'
        """
        return value.root.name

    def test_round_trip_keeps_decimal_digits_and_value_types(self, repository: Any) -> None:
        """Equal is not enough: a ratio of ``1.50`` stays ``1.50``, ``True`` stays a bool."""
        for value in self.samples():
            repository.add(value)
            got = repository.get(value.sku)
            assert list(_exact(got)) == list(_exact(attrs.evolve(value, version=1))), value.sku

    def test_update_replaces_the_whole_model(self, repository: Any) -> None:
        """An update stores every part of the new model, not just the root bundle."""
        stored = repository.add(self.make("K-1", 0))
        replacement = attrs.evolve(self.make("K-1", 2), version=stored.version)
        updated = repository.update(replacement)
        assert updated == attrs.evolve(replacement, version=2)
        got = repository.get("K-1")
        assert got == updated
        assert [b.sku for b in got.bundles] == ["K-1-CHASSIS"]
        assert [r.id for r in got.rules] == ["sel", "psu"]
        assert [m.sku for m in repository.list()] == ["K-1"]

    def test_version_follows_every_write(self, repository: Any) -> None:
        """``version`` answers what ``get`` would say, and names a missing model."""
        with pytest.raises(NotFoundError):
            repository.version("K-1")
        stored = repository.add(self.make("K-1", 1))
        assert repository.version("K-1") == 1
        repository.update(stored)
        assert repository.version("K-1") == 2 == repository.get("K-1").version
        with pytest.raises(ConcurrencyError):
            repository.update(stored)  # stale: the version stays
        assert repository.version("K-1") == 2
        repository.delete("K-1", expected_version=2)
        with pytest.raises(NotFoundError):
            repository.version("K-1")


def _exact(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, type name, str)`` of every leaf of an attrs value, for strict comparison.

    Fields left out of equality (caches derived from the others) are skipped.
    """
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.eq:
                yield from _exact(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _exact(item, f"{path}[{index}]")
    elif isinstance(value, Mapping):
        for key in sorted(value):
            yield from _exact(value[key], f"{path}[{key!r}]")
    else:
        yield path, type(value).__name__, str(value)


class UnitOfWorkContract:
    """The contract of :class:`~sfa_core.ports.UnitOfWork`: atomic, nestable transactions.

    Override the ``store`` fixture to return a fresh, empty unit of work.

    Example:
        Each test can also be called by hand on a store:

        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = UnitOfWorkContract()
        >>> contract.test_failed_transaction_leaves_everything_as_it_was(MemoryStore())
        >>> contract.test_nested_failure_rolls_back_only_the_inner_block(MemoryStore())
        >>> contract.test_failed_transaction_undoes_quote_and_product_writes(MemoryStore())
        >>> contract.test_failed_transaction_undoes_configuration_model_writes(MemoryStore())
    """

    @pytest.fixture
    def store(self) -> Any:
        """Return a fresh, empty unit of work. Override this in your subclass.

        Every test gets its own store, whose repositories start empty.
        """
        raise NotImplementedError("override the `store` fixture")

    def test_repositories_honour_their_protocols(self, store: Any) -> None:
        """Every repository the store has satisfies its runtime-checkable protocol."""
        found = [name for name in STORE_REPOSITORIES if getattr(store, name, None) is not None]
        assert "products" in found, "a store keeps products at least"
        for name in found:
            assert isinstance(getattr(store, name), STORE_REPOSITORIES[name]), name

    def test_transaction_commits_writes_to_every_repository(self, store: Any) -> None:
        """Writes to several repositories in one block are all kept."""
        writes = [(name, make) for name, make in _SAMPLES.items() if _has(store, name)]
        with store.transaction():
            keys = [_key_of(getattr(store, name).add(make("A"))) for name, make in writes]
        for (name, _), key in zip(writes, keys, strict=True):
            assert getattr(store, name).get(key).version == 1, name

    def test_failed_transaction_undoes_every_repository(self, store: Any) -> None:
        """A block that adds to every repository the store has, then raises, adds nothing."""
        writes = [(name, make) for name, make in _SAMPLES.items() if _has(store, name)]
        with pytest.raises(RuntimeError), store.transaction():
            for name, make in writes:
                getattr(store, name).add(make("A"))
            raise RuntimeError("boom")
        for name, _ in writes:
            assert getattr(store, name).list() == [], name

    def test_failed_transaction_leaves_everything_as_it_was(self, store: Any) -> None:
        """A block that raises undoes its adds, updates and deletes everywhere."""
        kept = store.products.add(Product(sku="KEEP", name="kept"))
        with pytest.raises(RuntimeError), store.transaction():
            store.products.add(Product(sku="NEW", name="new"))
            store.products.update(attrs.evolve(kept, name="changed"))
            store.price_books.add(PriceBook(id="EU", currency="EUR"))
            store.products.delete("KEEP", expected_version=2)
            raise RuntimeError("boom")
        assert store.products.list() == [kept]
        assert store.price_books.list() == []

    def test_failed_transaction_undoes_quote_and_product_writes(self, store: Any) -> None:
        """A block that writes quotes and a product, then raises, leaves all unwritten."""
        _need(store, "quotes")
        kept = store.quotes.add(_quote("Q-KEEP"))
        doomed = store.quotes.add(_quote("Q-GONE"))
        with pytest.raises(RuntimeError), store.transaction():
            store.quotes.add(_quote("Q-NEW"))
            store.products.add(Product(sku="NEW", name="new"))
            store.quotes.update(kept.transition("in_review"))
            store.quotes.delete("Q-GONE", expected_version=1)
            raise RuntimeError("approval service down")
        assert store.quotes.list() == [doomed, kept]
        assert store.quotes.list(status="in_review") == []
        assert store.products.list() == []
        with pytest.raises(NotFoundError):
            store.quotes.get("Q-NEW")

    def test_failed_transaction_undoes_configuration_model_writes(self, store: Any) -> None:
        """A block that writes models and a product, then raises, leaves all unwritten."""
        _need(store, "configurations")
        kept = store.configurations.add(_model("LAPTOP"))
        doomed = store.configurations.add(_model("SERVER"))
        with pytest.raises(RuntimeError), store.transaction():
            store.configurations.add(_model("DESKTOP"))
            store.products.add(Product(sku="DESKTOP", name="Desktop"))
            store.configurations.update(attrs.evolve(kept, root=attrs.evolve(kept.root, name="x")))
            store.configurations.delete("SERVER", expected_version=1)
            raise RuntimeError("catalog sync failed")
        assert store.configurations.list() == [kept, doomed]
        assert store.products.list() == []
        with pytest.raises(NotFoundError):
            store.configurations.get("DESKTOP")

    def test_concurrency_error_inside_transaction_rolls_back(self, store: Any) -> None:
        """A stale write inside a block undoes the block's earlier writes."""
        stale = store.products.add(Product(sku="A", name="a"))
        store.products.update(stale)
        with pytest.raises(ConcurrencyError), store.transaction():
            store.products.add(Product(sku="B", name="b"))
            store.products.update(stale)
        assert [p.sku for p in store.products.list()] == ["A"]

    def test_nested_failure_rolls_back_only_the_inner_block(self, store: Any) -> None:
        """A failing inner block is undone; the outer block still commits."""
        others = [(name, make) for name, make in _SAMPLES.items() if _has(store, name)]
        with store.transaction():
            store.products.add(Product(sku="OUTER", name="outer"))
            outer = [_key_of(getattr(store, name).add(make("OUTER"))) for name, make in others]
            with pytest.raises(RuntimeError), store.transaction():
                store.products.add(Product(sku="INNER", name="inner"))
                for name, make in others:
                    getattr(store, name).add(make("INNER"))
                raise RuntimeError("inner failure")
            store.products.add(Product(sku="AFTER", name="after"))
        assert [p.sku for p in store.products.list()] == ["AFTER", "OUTER"]
        for (name, _), key in zip(others, outer, strict=True):
            assert [_key_of(v) for v in getattr(store, name).list()] == [key], name


def _quote(quote_id: str) -> Quote:
    """Return a small draft quote with one line (imports the quotes on first use)."""
    from sfa_core.quotes.model import Quote, QuoteLine

    return Quote(
        id=quote_id,
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=_dt.date(2027, 3, 1),
        lines=[QuoteLine(key="L1", sku="A", quantity=1)],
    )


def _model(sku: str) -> ConfigurationModel:
    """Return a small model of bundle ``sku`` (imports the configurator on first use)."""
    from sfa_core.configure.model import (
        Bundle,
        ConfigurationModel,
        Feature,
        Option,
        ProductRule,
        Requires,
    )

    return ConfigurationModel(
        root=Bundle(
            sku=sku,
            features=[
                Feature(
                    id="ram",
                    options=[Option(id="r16", sku="RAM-16"), Option(id="r32", sku="RAM-32")],
                )
            ],
        ),
        constraints=[Requires(id="c1", option="r32", needs=["r16"])],
        rules=[ProductRule(id="a1", kind="alert", condition={"var": "options.r32"})],
    )


def _has(store: Any, name: str) -> bool:
    return getattr(store, name, None) is not None


def _need(store: Any, name: str) -> None:
    if not _has(store, name):
        pytest.skip(f"the store has no {name!r} repository")


def _key_of(value: Any) -> str:
    for field in ("sku", "id", "account"):
        key = getattr(value, field, None)
        if isinstance(key, str):
            return key
    raise AssertionError(f"no key on {value!r}")  # pragma: no cover - every sample has one


def _directory(key: str) -> Directory:
    return DirectoryRepositoryContract().make(key)


def _policy(key: str) -> Policy:
    return ApprovalPolicyRepositoryContract().make(key, 1)


def _request(key: str) -> ApprovalRequest:
    return ApprovalRequestRepositoryContract().make(key, 1)


def _rule_set(key: str) -> RuleSet:
    return RuleSetRepositoryContract().make(key)


def _schedule(key: str) -> DiscountSchedule:
    return DiscountScheduleRepositoryContract().make(key)


def _promotion(key: str) -> Promotion:
    return PromotionRepositoryContract().make(key)


def _contracted(key: str) -> ContractedPrices:
    return ContractedPricesRepositoryContract().make(key)


def _settings(key: str) -> PricingSettings:
    return PricingSettingsRepositoryContract().make(key)


#: One small value per repository besides products, made from a key.
_SAMPLES: dict[str, Any] = {
    "price_books": lambda key: PriceBook(id=key, currency="EUR"),
    "quotes": _quote,
    "configurations": _model,
    "rule_sets": _rule_set,
    "discount_schedules": _schedule,
    "promotions": _promotion,
    "contracted_prices": _contracted,
    "pricing_settings": _settings,
    "directories": _directory,
    "approval_policies": _policy,
    "approval_requests": _request,
}


class _SetupRepositoryContract(_RepositoryContract[T]):
    """Tests of a pricing setup repository: versions, and every revision kept.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = RuleSetRepositoryContract()
        >>> contract.test_revisions_survive_updates_and_delete(MemoryStore().rule_sets)
    """

    def test_versions_answers_every_key(self, repository: Any) -> None:
        assert repository.versions() == {}
        first = repository.add(self.make("K-2"))
        repository.add(self.make("K-1", 1))
        repository.update(first)
        assert repository.versions() == {"K-1": 1, "K-2": 2}
        assert list(repository.versions()) == ["K-1", "K-2"]

    def test_revisions_survive_updates_and_delete(self, repository: Any) -> None:
        first = repository.add(self.make("K-1"))
        second = repository.update(self.renamed(first, "Second"))
        assert repository.revision("K-1", 1) == first
        assert repository.revision("K-1", 2) == second
        repository.delete("K-1", expected_version=2)
        assert repository.revision("K-1", 1) == first
        assert repository.revision("K-1", 2) == second

    def test_unknown_revision_raises_not_found(self, repository: Any) -> None:
        repository.add(self.make("K-1"))
        for key, version in (("K-1", 2), ("K-1", 0), ("NO-SUCH-KEY", 1)):
            with pytest.raises(NotFoundError):
                repository.revision(key, version)

    def test_failed_update_keeps_no_revision(self, repository: Any) -> None:
        stored = repository.add(self.make("K-1"))
        repository.update(stored)
        with pytest.raises(ConcurrencyError):
            repository.update(self.renamed(stored, "Stale"))
        with pytest.raises(NotFoundError):
            repository.revision("K-1", 3)


class RuleSetRepositoryContract(_SetupRepositoryContract["RuleSet"]):
    """The contract of :class:`~sfa_core.ports.RuleSetRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.
    :meth:`renamed` names the set's first rule.

    Example:
        >>> contract = RuleSetRepositoryContract()
        >>> contract.name_of(contract.renamed(contract.make("R", 1), "Gold"))
        'Gold'
    """

    key_field = "id"

    def make(self, key: str, variant: int = 0) -> RuleSet:
        """Return a rule set; variants cover stacking policies, phases and conditions.

        Args:
            key: The id.
            variant: Which variant to build.

        Returns:
            A valid rule set at ``version == 0``.

        Example:
            >>> RuleSetRepositoryContract().make("R", 1).stacking.value
            'best_for_customer'
        """
        from sfa_core.pricing.price_rules import PriceAction, PriceRule, RuleSet

        rules = [
            PriceRule(
                id="gold",
                name="Gold customers",
                condition={"==": [{"var": "customer.tier"}, "gold"]},
                actions=(PriceAction.percent_off(Decimal("7.5")),),
                priority=variant,
            ),
            PriceRule(
                id="bulk",
                name="Bulk «Größe»",
                condition={">=": [{"var": "line.quantity"}, 100]},
                actions=(PriceAction.percent_off(Decimal("2.25")),),
                families=("hardware",) if variant % 2 else (),
            ),
        ]
        stacking = ["compounding", "best_for_customer", "additive"][variant % 3]
        return RuleSet(rules[: 1 + variant % 2], stacking=stacking, id=key)

    def renamed(self, value: RuleSet, text: str) -> RuleSet:
        """Return ``value`` with its first rule renamed ``text``.

        Args:
            value: The rule set.
            text: The new name.

        Returns:
            The changed rule set (same id and version).
        """
        first, *rest = value.rules
        return attrs.evolve(value, rules=(attrs.evolve(first, name=text), *rest))

    def name_of(self, value: RuleSet) -> str:
        """Return the name of ``value``'s first rule.

        Args:
            value: A rule set.

        Returns:
            The name.
        """
        return value.rules[0].name


class DiscountScheduleRepositoryContract(_SetupRepositoryContract["DiscountSchedule"]):
    """The contract of :class:`~sfa_core.ports.DiscountScheduleRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.

    Example:
        >>> DiscountScheduleRepositoryContract().make("V", 1).unit.value
        'amount'
    """

    key_field = "id"

    def make(self, key: str, variant: int = 0) -> DiscountSchedule:
        """Return a schedule; variants cover percent and amount, range and slab, term.

        Args:
            key: The id.
            variant: Which variant to build.

        Returns:
            A valid schedule at ``version == 0``.

        Example:
            >>> DiscountScheduleRepositoryContract().make("V", 2).basis.value
            'term'
        """
        from sfa_core.pricing.schedules import DiscountSchedule

        if variant % 3 == 1:
            return DiscountSchedule(
                key,
                [(10, {"EUR": Decimal("0.5"), "JPY": Decimal(50)}), (None, {"EUR": 1, "JPY": 100})],
                unit="amount",
                mode="slab",
                name="Amount «slab»",
            )
        if variant % 3 == 2:
            return DiscountSchedule(key, [(12, 0), (None, Decimal("3.125"))], basis="term")
        return DiscountSchedule(key, [(9, 0), (49, 5), (None, 10)], name="Volume")


class PromotionRepositoryContract(_SetupRepositoryContract["Promotion"]):
    """The contract of :class:`~sfa_core.ports.PromotionRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.

    Example:
        >>> PromotionRepositoryContract().make("P", 1).exclusive
        True
    """

    key_field = "id"

    def make(self, key: str, variant: int = 0) -> Promotion:
        """Return a promotion; variants cover kinds, limits and exclusivity.

        Args:
            key: The id.
            variant: Which variant to build.

        Returns:
            A valid promotion at ``version == 0``.

        Example:
            >>> PromotionRepositoryContract().make("P").benefit.value
            Decimal('10')
        """
        from sfa_core.pricing.promotions import (
            Benefit,
            BenefitKind,
            Condition,
            ConditionKind,
            ProductRange,
            Promotion,
        )

        hardware = ProductRange(families=("hardware",))
        return Promotion(
            id=key,
            name=["10 % off hardware", "Dock für 1 €"][variant % 2],
            condition=Condition(ConditionKind.COUNT, Decimal(1 + variant), hardware),
            benefit=Benefit(
                [BenefitKind.PERCENT, BenefitKind.FIXED_PRICE][variant % 2],
                Decimal(10) if variant % 2 == 0 else Decimal("1.00"),
            ),
            priority=variant,
            exclusive=variant % 2 == 1,
            max_discount=None if variant % 2 == 0 else Decimal("250.00"),
            usage_limit=None if variant % 3 else 100,
        )


class ContractedPricesRepositoryContract(_SetupRepositoryContract["ContractedPrices"]):
    """The contract of :class:`~sfa_core.ports.ContractedPricesRepository` (keyed by account).

    Override the ``repository`` fixture to return a fresh, empty repository.
    :meth:`renamed` changes the SKU of the first price.

    Example:
        >>> contract = ContractedPricesRepositoryContract()
        >>> contract.name_of(contract.renamed(contract.make("ACME"), "DOCK-2"))
        'DOCK-2'
    """

    key_field = "account"

    def make(self, key: str, variant: int = 0) -> ContractedPrices:
        """Return an account's contracted prices; variants cover currencies and precision.

        Args:
            key: The account.
            variant: Which variant to build.

        Returns:
            Valid contracted prices at ``version == 0``.

        Example:
            >>> ContractedPricesRepositoryContract().make("ACME", 1).prices["LICENCE"]
            Money(amount=Decimal('0.0001'), currency='USD')
        """
        from sfa_core.pricing.setup import ContractedPrices

        prices = [
            {"DOCK": Money("79.00", "EUR")},
            {"LICENCE": Money("0.0001", "USD"), "DOCK": Money("1500", "JPY")},
            {"Grüße «1»": Money("12.345", "BHD")},
        ]
        return ContractedPrices(key, prices[variant % 3])

    def renamed(self, value: ContractedPrices, text: str) -> ContractedPrices:
        """Return ``value`` whose first price is for the SKU ``text``.

        Args:
            value: The contracted prices.
            text: The new SKU.

        Returns:
            The changed value (same account and version).
        """
        first, *rest = value.prices.items()
        return attrs.evolve(value, prices=dict([(text, first[1]), *rest]))

    def name_of(self, value: ContractedPrices) -> str:
        """Return the SKU of ``value``'s first price.

        Args:
            value: Contracted prices.

        Returns:
            The SKU.
        """
        return next(iter(value.prices))


class PricingSettingsRepositoryContract(_SetupRepositoryContract["PricingSettings"]):
    """The contract of :class:`~sfa_core.ports.PricingSettingsRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.
    :meth:`renamed` renames the tax policy's first category.

    Example:
        >>> contract = PricingSettingsRepositoryContract()
        >>> contract.name_of(contract.renamed(contract.make("default", 1), "reduced"))
        'reduced'
    """

    key_field = "id"

    def make(self, key: str, variant: int = 0) -> PricingSettings:
        """Return settings; variants cover tax policies, exchange rates and options.

        Args:
            key: The id.
            variant: Which variant to build.

        Returns:
            Valid settings at ``version == 0``.

        Example:
            >>> PricingSettingsRepositoryContract().make("default", 1).tax.prices_include_tax
            True
        """
        from sfa_core.money import ExchangeRate, ExchangeRates
        from sfa_core.pricing.model import PricingOptions
        from sfa_core.pricing.setup import PricingSettings
        from sfa_core.pricing.tax import RateTaxPolicy

        tax = RateTaxPolicy(
            {"standard": Decimal("20"), "reduced": Decimal("5.5")},
            prices_include_tax=variant % 2 == 1,
            default_category="standard",
        )
        rates = ExchangeRates(
            [ExchangeRate("EUR", "USD", Decimal("1.0842"), effective=_dt.date(2027, 1, 1))],
            base="EUR",
        )
        return PricingSettings(
            id=key,
            tax=tax,
            rates=rates if variant % 3 == 1 else None,
            options=PricingOptions(additional_discount_last=variant % 2 == 0),
        )

    def renamed(self, value: PricingSettings, text: str) -> PricingSettings:
        """Return ``value`` whose tax policy's first category is named ``text``.

        Args:
            value: The settings (with a tax policy).
            text: The new category name.

        Returns:
            The changed settings (same id and version).
        """
        assert value.tax is not None
        (first, rate), *rest = value.tax.rates.items()
        rates = dict([(text, rate), *((k, v) for k, v in rest if k != text)])
        default = value.tax.default_category
        tax = attrs.evolve(
            value.tax, rates=rates, default_category=text if default == first else None
        )
        return attrs.evolve(value, tax=tax)

    def name_of(self, value: PricingSettings) -> str:
        """Return the name of ``value``'s first tax category.

        Args:
            value: Settings with a tax policy.

        Returns:
            The category.
        """
        assert value.tax is not None
        return next(iter(value.tax.rates))


class DirectoryRepositoryContract(_RepositoryContract["Directory"]):
    """The contract of :class:`~sfa_core.ports.DirectoryRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository.
    :meth:`renamed` renames the directory's first user. On top of the shared
    tests it checks that a delegation's window keeps its UTC offset and
    microseconds, that users keep their roles, managers and time zones, and
    that an update replaces the whole directory.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = DirectoryRepositoryContract()
        >>> directory = contract.make("main", 1)
        >>> [u.id for u in directory.users], [g.id for g in directory.groups]
        (['ceo', 'ana', 'bo'], ['emea'])
        >>> contract.test_stale_update_is_refused_and_nothing_is_lost(MemoryStore().directories)
    """

    key_field = "id"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (({}, lambda d: True),)

    def make(self, key: str, variant: int = 0) -> Directory:
        """Return a directory; variants cover managers, groups, weights and delegations.

        Args:
            key: The directory's id.
            variant: Which variant to build.

        Returns:
            A valid directory at ``version == 0``.

        Example:
            >>> directory = DirectoryRepositoryContract().make("main", 2)
            >>> [(d.from_user, d.to_user) for d in directory.delegations]
            [('ana', 'bo'), ('bo', 'ceo')]
        """
        from sfa_core.directory.model import Delegation, Directory, Group, GroupMember, User

        variant %= 4
        users = [User("ceo", name="Chief «Größe»", roles=("vp", "approver"))]
        if variant >= 1:
            users += [
                User("ana", name="Ana", manager="ceo", roles=("sales",), time_zone="Europe/Paris"),
                User("bo", name="Bo", manager="ana", active=False, time_zone="Asia/Kolkata"),
            ]
        groups = []
        if variant >= 1:
            groups.append(Group("emea", name="EMEA", members=[GroupMember("ana", 3), "bo", "ceo"]))
        delegations = []
        if variant >= 2:
            india = _dt.timezone(_dt.timedelta(hours=5, minutes=30))
            start = _dt.datetime(2027, 8, 1, 9, 30, 0, 123456, tzinfo=india)
            delegations = [
                Delegation("ana", "bo", start, start + _dt.timedelta(days=14)),
                Delegation("bo", "ceo", _dt.datetime(2027, 1, 1, tzinfo=_dt.timezone.utc)),
            ]
        if variant == 3:
            groups.append(Group("empty"))
        return Directory(id=key, users=users, groups=groups, delegations=delegations)

    def renamed(self, value: Directory, text: str) -> Directory:
        """Return ``value`` with its first user's ``name`` set to ``text``.

        Args:
            value: The directory.
            text: The new name.

        Returns:
            The changed directory (same id and version).

        Example:
            >>> contract = DirectoryRepositoryContract()
            >>> contract.renamed(contract.make("main"), "Boss").users[0].name
            'Boss'
        """
        first = value.users[0]
        return value.with_user(attrs.evolve(first, name=text))

    def name_of(self, value: Directory) -> str:
        """Return the name of ``value``'s first user.

        Args:
            value: A directory.

        Returns:
            The name.

        Example:
            >>> contract = DirectoryRepositoryContract()
            >>> contract.name_of(contract.make("main"))
            'Chief «Größe»'
        """
        return value.users[0].name

    def test_round_trip_keeps_offsets_and_value_types(self, repository: Any) -> None:
        """Equal is not enough: a window keeps its offset and microseconds, text stays text."""
        for value in self.samples():
            stored = repository.add(value)
            got = repository.get(self._key(value))
            assert list(_exact(got)) == list(_exact(stored))
            for mine, theirs in zip(got.delegations, value.delegations, strict=True):
                assert mine.valid_from.utcoffset() == theirs.valid_from.utcoffset()

    def test_update_replaces_the_whole_directory(self, repository: Any) -> None:
        """An update stores every part of the new directory: users, groups, delegations."""
        stored = repository.add(self.make("K-1", 0))
        replacement = attrs.evolve(self.make("K-1", 2), version=stored.version)
        updated = repository.update(replacement)
        assert updated == attrs.evolve(replacement, version=2)
        got = repository.get("K-1")
        assert got == updated
        assert [u.id for u in got.manager_chain("bo")] == ["ana", "ceo"]
        assert [(m.user, m.weight) for m in got.members_of("emea", active_only=False)] == [
            ("ana", 3),
            ("bo", 1),
            ("ceo", 1),
        ]
        assert len(got.delegations) == 2
        assert [d.id for d in repository.list()] == ["K-1"]


class ApprovalPolicyRepositoryContract(_RepositoryContract["Policy"]):
    """The contract of :class:`~sfa_core.ports.ApprovalPolicyRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository. On
    top of the shared tests it checks that a policy read back keeps every rule
    (conditions, approver specifications, levels, chains, SLAs, escalations,
    inactive rules), its hit policy and its options, and decides like the one
    written.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = ApprovalPolicyRepositoryContract()
        >>> [rule.id for rule in contract.make("default", 1).rules]
        ['deep', 'thin-margin', 'terms', 'big-deal']
        >>> contract.test_policy_read_back_decides_like_the_one_written(
        ...     MemoryStore().approval_policies)
    """

    key_field = "id"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (({}, lambda p: True),)

    def make(self, key: str, variant: int = 0) -> Policy:
        """Return a policy; variants cover every approver kind and hit policy.

        Args:
            key: The policy's id.
            variant: Which variant to build.

        Returns:
            A valid policy at ``version == 0``.

        Example:
            >>> ApprovalPolicyRepositoryContract().make("default", 2).hit_policy.value
            'first'
        """
        from sfa_core.approvals import ApprovalRule, ApproverSpec, HitPolicy, Policy

        variant %= 4
        hit = [HitPolicy.COLLECT, HitPolicy.COLLECT, HitPolicy.FIRST, HitPolicy.PRIORITY][variant]
        rules = []
        if variant >= 1:
            rules = [
                ApprovalRule(
                    id="deep",
                    condition={">": [{"var": "max_line_discount"}, 15]},
                    approvers=ApproverSpec.manager(),
                    chain="discount",
                    description="Remise «profonde» > 15 %",
                    sla_hours=24,
                    escalate_to=("vp",),
                ),
                ApprovalRule(
                    id="thin-margin",
                    condition={"<": [{"var": "margin_percent"}, 20]},
                    approvers=ApproverSpec.role("finance", mode="at_least", minimum=2),
                    level=2,
                    chain="margin",
                    priority=5,
                ),
                ApprovalRule(
                    id="terms",
                    condition={"var": "non_standard_terms"},
                    approvers=ApproverSpec.group("legal", mode="first_response"),
                    chain="legal",
                    active=variant != 3,
                ),
                ApprovalRule(
                    id="big-deal",
                    condition={">=": [{"var": "net_total"}, 50000]},
                    approvers=ApproverSpec.user("vp"),
                    level=3,
                    priority=-1,
                ),
            ]
        if variant >= 2:
            rules.append(
                ApprovalRule(
                    id="kam",
                    approvers=ApproverSpec.from_field("account_fields.key_account_manager"),
                    level=4,
                    chain="account",
                )
            )
        return Policy(
            id=key,
            rules=rules,
            hit_policy=hit,
            allow_self_approval=variant == 2,
            name=f"Policy {variant}: Größe «€»",
        )

    def test_policy_read_back_decides_like_the_one_written(self, repository: Any) -> None:
        """Rules come back compiled: the policy read back matches what the original matches."""
        from decimal import Decimal

        contexts = [
            {"max_line_discount": Decimal("16.5"), "margin_percent": Decimal("12"),
             "non_standard_terms": True, "net_total": Decimal("72000")},
            {"max_line_discount": Decimal("3"), "margin_percent": Decimal("40"),
             "non_standard_terms": False, "net_total": Decimal("100")},
        ]  # fmt: skip
        for value in self.samples():
            repository.add(value)
            got = repository.get(self._key(value))
            assert list(_exact(got)) == list(_exact(attrs.evolve(value, version=1)))
            for context in contexts:
                assert got.matching(context) == value.matching(context)


class ApprovalRequestRepositoryContract(_RepositoryContract["ApprovalRequest"]):
    """The contract of :class:`~sfa_core.ports.ApprovalRequestRepository`.

    Override the ``repository`` fixture to return a fresh, empty repository. The
    samples are made by running the pure transitions (submit, decisions,
    escalation, recall...), one per status. :meth:`renamed` changes the
    submission's comment. On top of the shared tests it checks the ``quote_id``
    and ``status`` filters, that times keep their UTC offsets, that a request's
    status can be recomputed from its stored audit trail, that a transition moves
    a request between the filters, and that the numbers a plan's reasons saw read
    back the same on every read.

    Example:
        >>> from sfa_core.adapters.memory import MemoryStore
        >>> contract = ApprovalRequestRepositoryContract()
        >>> [r.status.value for r in contract.samples()]
        ['pending', 'approved', 'rejected', 'pending', 'recalled', 'approved']
        >>> contract.test_status_replays_from_the_stored_audit(MemoryStore().approval_requests)
    """

    key_field = "id"
    filters: ClassVar[tuple[tuple[dict[str, Any], Any], ...]] = (
        ({}, lambda r: True),
        ({"quote_id": "Q-1"}, lambda r: r.quote_id == "Q-1"),
        ({"status": "pending"}, lambda r: r.status.value == "pending"),
        ({"quote_id": "Q-2", "status": "pending"}, lambda r: (r.quote_id, r.status.value)
         == ("Q-2", "pending")),
        ({"quote_id": "Q-9"}, lambda r: False),
    )  # fmt: skip

    def make(self, key: str, variant: int = 0) -> ApprovalRequest:
        """Return a request made by the transitions; variants cover each status.

        Args:
            key: The request's id.
            variant: Which variant to build (0 pending, 1 approved over two levels,
                2 rejected, 3 pending escalated and delegated, 4 recalled, 5
                approved with an empty plan).

        Returns:
            A valid request at the version its transitions gave it.

        Example:
            >>> request = ApprovalRequestRepositoryContract().make("AR-1", 3)
            >>> request.status.value, request.step("1/discount").escalated_to
            ('pending', ('vp',))
        """
        from sfa_core.approvals import (
            ApprovalPlan,
            ConditionCheck,
            PlanStep,
            RuleMatch,
            decide,
            delegate,
            escalate,
            recall,
            submit,
        )
        from sfa_core.directory.model import Directory, User

        variant %= 6
        india = _dt.timezone(_dt.timedelta(hours=5, minutes=30))
        at = _dt.datetime(2027, 3, 1, 9, 30, 0, 123456, tzinfo=india if variant % 2 else _UTC)
        people = Directory(users=[User(u) for u in ("rep", "mia", "bo", "vp", "kim")])
        check = ConditionCheck("max_line_discount", ">", 15, 22, True)
        why = RuleMatch("deep", "Remise «profonde»", (check,), {"max_line_discount": 22})
        first = PlanStep(
            level=1,
            chain="discount",
            approvers=("mia", "bo"),
            mode="unanimous" if variant != 3 else "first_response",
            rules=("deep",),
            reasons=(why,),
            sla_hours=24,
            escalate_to=("vp",),
        )
        second = PlanStep(level=2, chain="deal-size", approvers=("vp", "kim"), mode="at_least",
                          minimum=1, required=("vp",))  # fmt: skip
        steps = () if variant == 5 else (first, second) if variant == 1 else (first,)
        request, _ = submit(
            ApprovalPlan(steps),
            request_id=key,
            quote_id=("Q-1", "Q-1", "Q-2", "Q-2", "Q-3", "Q-3")[variant],
            quote_revision=1 + variant,
            submitter="rep",
            at=at,
            fingerprint="0" * 63 + str(variant),
            comment="Bitte prüfen ✓",
        )
        later = at + _dt.timedelta(hours=30)
        if variant == 1:
            request, _ = decide(request, "mia", "1/discount", True, at=later, directory=people)
            request, _ = decide(request, "bo", "1/discount", True, at=later, directory=people)
            request, _ = decide(request, "vp", "2/deal-size", True, at=later, directory=people,
                                comment="ok")  # fmt: skip
        elif variant == 2:
            request, _ = decide(request, "bo", "1/discount", False, at=later, directory=people,
                                comment="too deep")  # fmt: skip
        elif variant == 3:
            request, _ = escalate(request, "1/discount", at=later)
            request, _ = delegate(request, "mia", "1/discount", "kim", at=later, directory=people)
        elif variant == 4:
            request, _ = recall(request, "rep", at=later, comment="wrong price book")
        return request

    def renamed(self, value: ApprovalRequest, text: str) -> ApprovalRequest:
        """Return ``value`` with the submission's comment set to ``text``.

        Args:
            value: The request.
            text: The new comment.

        Returns:
            The changed request (same id and version).

        Example:
            >>> contract = ApprovalRequestRepositoryContract()
            >>> contract.renamed(contract.make("AR-1"), "urgent").audit[0].comment
            'urgent'
        """
        first = attrs.evolve(value.audit[0], comment=text)
        return attrs.evolve(value, audit=(first, *value.audit[1:]))

    def name_of(self, value: ApprovalRequest) -> str:
        """Return the submission's comment of ``value``.

        Args:
            value: A request.

        Returns:
            The comment.

        Example:
            >>> contract = ApprovalRequestRepositoryContract()
            >>> contract.name_of(contract.make("AR-1"))
            'Bitte prüfen ✓'
        """
        return value.audit[0].comment

    def test_round_trip_keeps_offsets_and_value_types(self, repository: Any) -> None:
        """Equal is not enough: times keep their offsets and microseconds, numbers their type."""
        for value in self.samples():
            stored = repository.add(value)
            got = repository.get(self._key(value))
            assert list(_exact(got)) == list(_exact(stored))
            for mine, theirs in zip(got.audit, value.audit, strict=True):
                assert mine.at.utcoffset() == theirs.at.utcoffset()

    def test_status_replays_from_the_stored_audit(self, repository: Any) -> None:
        """The stored audit trail still explains the stored status."""
        from sfa_core.approvals import status_from_audit

        for value in self.samples():
            repository.add(value)
            got = repository.get(self._key(value))
            assert status_from_audit(got.audit, got.plan, got.options) is got.status

    def test_list_filters_by_status_member_or_value(self, repository: Any) -> None:
        """``status`` is a RequestStatus member or its value; an unknown one is refused."""
        from sfa_core.approvals import RequestStatus

        for value in self.samples():
            repository.add(value)
        by_member = repository.list(status=RequestStatus.APPROVED)
        assert [r.id for r in by_member] == [r.id for r in repository.list(status="approved")]
        assert [r.id for r in by_member] == ["K-1", "K-5"]
        with pytest.raises(ValidationError) as info:
            repository.list(status="open")
        assert info.value.path == "status"

    def test_transition_moves_the_request_between_filters(self, repository: Any) -> None:
        """A decision stored with the version read moves the request from pending to approved."""
        from sfa_core.approvals import decide
        from sfa_core.directory.model import Directory, User

        stored = repository.add(self.make("K-1", 0))
        at = _dt.datetime(2027, 3, 2, tzinfo=_UTC)
        people = Directory(users=[User("mia"), User("bo")])
        for approver in ("mia", "bo"):
            changed, _ = decide(stored, approver, "1/discount", True, at=at, directory=people)
            stored = repository.update(attrs.evolve(changed, version=stored.version))
        assert stored.version == 3
        assert repository.list(status="pending") == []
        assert repository.list(status="approved") == [stored]
        assert [a.action.value for a in repository.get("K-1").audit] == [
            "submit",
            "approve",
            "approve",
        ]

    def test_reasons_read_back_the_same_on_every_read(self, repository: Any) -> None:
        """A ``Decimal`` a reason saw reads back the same on every read, as a number or its text."""
        from decimal import Decimal

        from sfa_core.approvals import ApprovalPlan, ConditionCheck, PlanStep, RuleMatch, submit

        check = ConditionCheck("max_line_discount", ">", 15, Decimal("22.50"), True)
        why = RuleMatch("deep", "", (check,), {"max_line_discount": Decimal("22.50")})
        plan = ApprovalPlan((PlanStep(level=1, chain="a", approvers=("mia",), reasons=(why,)),))
        request, _ = submit(plan, request_id="K-1", quote_id="Q-1", quote_revision=1,
                            submitter="rep", at=_dt.datetime(2027, 3, 1, tzinfo=_UTC))  # fmt: skip
        stored = repository.add(request)
        got = repository.get("K-1")
        assert got == stored
        assert repository.list() == [stored]
        seen = got.plan.steps[0].reasons[0].checks[0].actual
        assert str(seen) == "22.50"
