"""Hostile arguments to the core's public functions end as an SfaError naming the field.

Each test is one mechanism the fuzz suite (tests/fuzz) found escaping: a message that
printed a huge int, a lookup with an unhashable key, a duck-typed argument read before
it was checked, a callback that was not callable or failed, a type that is not a type.
"""

from __future__ import annotations

import datetime as dt
import enum
import pathlib
from typing import Any

import attrs
import pytest

from sfa_core import SalesEngine
from sfa_core.catalog import Derivation, PriceBook, PriceBookSet, Product
from sfa_core.catalog.book_set import as_book_set
from sfa_core.catalog.lookup import load_chain, require_sellable
from sfa_core.errors import (
    NotFoundError,
    SerializationError,
    SfaError,
    StorageError,
    ValidationError,
)
from sfa_core.money import Money
from sfa_core.ports.versioned import with_version
from sfa_core.quotes import Quote, QuoteLine
from sfa_core.quotes.drafting import (
    bundle_key,
    check_fields,
    edit_line,
    edit_quote,
    line_key,
    new_line,
    next_revision_id,
)
from sfa_core.quotes.model import InvalidTransitionError, QuoteLockedError, QuoteStatus
from sfa_core.serialization import from_json, structure, to_json, unstructure

HUGE = 10**5000
DAY = dt.date(2027, 1, 1)


def _id(value: Any) -> str | None:
    """A test id for a parameter (pytest cannot print an int this long)."""
    return "huge-int" if value is HUGE else None


def _quote() -> Quote:
    return Quote(
        id="Q-1",
        account="ACME",
        currency="EUR",
        price_book="EU",
        quote_date=DAY,
        lines=[QuoteLine(key="L1", sku="X", quantity=1)],
    )


def _printable(error: BaseException) -> str:
    text = str(error)
    repr(error)
    assert len(text) < 5000
    return text


# -- errors: a message that is not text ---------------------------------------------------


@pytest.mark.parametrize("cls", [SfaError, StorageError])
def test_an_error_made_with_a_huge_int_prints_it_bounded(cls):
    error = cls(HUGE)
    assert str(error) == "<int of 5001 digits>"
    assert repr(error) == f"{cls.__name__}(<int of 5001 digits>)"
    assert error.args == (HUGE,)  # the value itself is kept


def test_an_error_prints_any_message_bounded_and_text_as_it_is():
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no")

        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert str(SfaError("plain text")) == "plain text"
    assert repr(SfaError("plain text")) == "SfaError('plain text')"
    assert str(SfaError()) == ""
    assert str(SfaError("a", 1)) == "('a', 1)"
    assert str(SfaError(Broken())) == "<Broken object>"
    assert repr(SfaError(Broken())) == "SfaError(<Broken object>)"
    assert len(str(SfaError(["x" * 100_000]))) <= 2000


# -- money -------------------------------------------------------------------------------


def test_round_with_a_huge_int_as_the_mode_names_it_bounded():
    with pytest.raises(ValidationError) as caught:
        Money("1.5", "EUR").round(HUGE)  # type: ignore[arg-type]
    assert caught.value.path == "rounding"
    assert "<int of 5001 digits>" in _printable(caught.value)


# -- serialization -----------------------------------------------------------------------


@pytest.mark.parametrize("cls", [1.5, HUGE, None, "Money", [Money]], ids=_id)
def test_structure_refuses_a_cls_that_is_not_a_type(cls):
    with pytest.raises(SerializationError, match="cls must be a class") as caught:
        structure([], cls)
    _printable(caught.value)
    with pytest.raises(SerializationError, match="cls must be a class"):
        from_json("1E+999999999", cls)


@pytest.mark.parametrize("cls", [object, type])
def test_structure_refuses_a_type_it_has_no_document_form_for(cls):
    with pytest.raises(SerializationError, match="no document form"):
        structure({}, cls)


def test_structure_still_reads_generic_types():
    assert structure([1, 2], list[int]) == [1, 2]
    assert structure(None, int | None) is None


def test_unstructure_refuses_an_int_too_long_to_write_and_names_where():
    with pytest.raises(SerializationError, match="integer too long to write") as caught:
        unstructure(HUGE)
    assert "<int of 5001 digits>" in _printable(caught.value)
    with pytest.raises(SerializationError) as caught:
        unstructure([1, {"a": HUGE}])
    assert caught.value.path == "[1].a"
    with pytest.raises(SerializationError) as caught:
        unstructure(Product(sku="A", name="x", attributes={"k": HUGE}))
    assert caught.value.path == "attributes.k"


def test_unstructure_keeps_ints_and_bools_that_fit():
    assert unstructure([0, -1, 2**63, True, 10**600]) == [0, -1, 2**63, True, 10**600]


def test_structure_refuses_an_int_too_long_to_write():
    with pytest.raises(SerializationError, match="integer too long"):
        structure(HUGE, int)


@pytest.mark.parametrize("indent", [HUGE, -1, 101, True, 1.5, "  "], ids=_id)
def test_to_json_refuses_an_indent_out_of_range(indent):
    with pytest.raises(SerializationError) as caught:
        to_json([], indent=indent)
    assert caught.value.path == "indent"
    _printable(caught.value)


def test_to_json_keeps_a_plausible_indent():
    assert to_json([1], indent=2).startswith("{\n")


# -- catalog -----------------------------------------------------------------------------

BOOK = PriceBook(id="EU", currency="EUR", entries={"A": Money("1.00", "EUR")})


@pytest.mark.parametrize("book_id", [bytearray(b"A"), {}, [], HUGE, None], ids=_id)
def test_book_set_lookups_refuse_a_key_that_is_not_text(book_id):
    books = PriceBookSet([BOOK])
    for call in (
        lambda: books.book(book_id),
        lambda: books.chain(book_id),
        lambda: books.unit_price(book_id, Product(sku="A", name="a"), on=DAY),
        lambda: as_book_set([BOOK]).book(book_id),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.path == "book_id"
        _printable(caught.value)


@pytest.mark.parametrize("product", [None, False, "A", object()])
def test_unit_price_refuses_a_product_that_is_not_one(product):
    for books in (PriceBookSet([BOOK]), as_book_set([BOOK])):
        with pytest.raises(ValidationError) as caught:
            books.unit_price("EU", product, on=DAY)
        assert caught.value.path == "product"


@pytest.mark.parametrize("product", [False, None, 3])
def test_derivation_applies_to_refuses_what_is_not_a_product(product):
    derivation = Derivation(base="cost", skus=["A"])
    with pytest.raises(ValidationError) as caught:
        derivation.applies_to(product)
    assert caught.value.path == "product"


def test_derivation_applies_to_refuses_an_unhashable_sku():
    @attrs.frozen
    class Odd:
        sku: Any
        family: Any

    with pytest.raises(ValidationError):
        Derivation(base="cost", skus=["A"]).applies_to(Odd(sku=[], family={}))
    assert Derivation(base="cost", families=["hw"]).applies_to(Odd(sku="B", family="hw"))


@pytest.mark.parametrize("sku", [{}, [], bytearray(b"A"), HUGE], ids=_id)
def test_tiers_for_refuses_a_key_that_is_not_text(sku):
    with pytest.raises(ValidationError) as caught:
        BOOK.tiers_for(sku)
    assert caught.value.path == "sku"
    with pytest.raises(NotFoundError):
        BOOK.tiers_for("A")


@pytest.mark.parametrize("sku", [HUGE, None, {}, ""], ids=_id)
def test_with_price_refuses_a_bad_sku_before_building(sku):
    with pytest.raises(ValidationError) as caught:
        BOOK.with_price(sku, Money("2.00", "EUR"))
    assert caught.value.path == "sku"
    _printable(caught.value)


def test_a_price_book_entry_keyed_by_a_huge_int_is_named_bounded():
    with pytest.raises(ValidationError) as caught:
        PriceBook(id="EU", currency="EUR", entries={HUGE: Money("1", "EUR")})
    assert caught.value.path == "entries[<int of 5001 digits>]"
    _printable(caught.value)


def _finder(**items: Any) -> Any:
    def find(key: str) -> Any:
        if key not in items:
            raise NotFoundError("item", key)
        return items[key]

    return find


@pytest.mark.parametrize("find", [None, 3, "find"])
def test_lookups_refuse_a_find_that_is_not_callable(find):
    with pytest.raises(ValidationError) as caught:
        load_chain(find, "EU")
    assert caught.value.path == "find"
    with pytest.raises(ValidationError) as caught:
        require_sellable(find, "A", "sku")
    assert caught.value.path == "find"


@pytest.mark.parametrize("find", [enum.Enum, print, type])
def test_lookups_refuse_a_class_or_a_find_that_returns_the_wrong_thing(find):
    with pytest.raises(ValidationError) as caught:
        load_chain(find, "EU")
    assert caught.value.path == "find"
    _printable(caught.value)
    with pytest.raises(ValidationError) as caught:
        require_sellable(find, "A", "sku")
    assert caught.value.path == "find"


def test_what_a_hosts_find_raises_propagates_unchanged():
    # A host's storage failing is the host's error, not a bad argument.
    def broken(key: str) -> Any:
        raise OSError("disk")

    with pytest.raises(OSError, match="disk"):
        load_chain(broken, "EU")

    def storage(key: str) -> Any:
        raise StorageError("down")

    with pytest.raises(StorageError):
        require_sellable(storage, "A", "sku")


@pytest.mark.parametrize("book_id", [None, [], HUGE], ids=_id)
def test_load_chain_refuses_a_bad_book_id(book_id):
    with pytest.raises(ValidationError) as caught:
        load_chain(_finder(EU=BOOK), book_id)
    assert caught.value.path == "price_book_id"


def test_lookups_still_work():
    assert [b.id for b in load_chain(_finder(EU=BOOK), "EU")] == ["EU"]
    product = Product(sku="A", name="a")
    assert require_sellable(_finder(A=product), "A", "sku") is product


# -- ports -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 1, "x", Product, {"version": 1}])
def test_with_version_refuses_a_value_that_is_not_stored(value):
    with pytest.raises(ValidationError) as caught:
        with_version(value, 0)
    assert caught.value.path == "value"


@pytest.mark.parametrize("version", [None, -1, True, 1.5, HUGE, 2**63], ids=_id)
def test_with_version_refuses_a_version_out_of_range(version):
    with pytest.raises(ValidationError) as caught:
        with_version(Product(sku="A", name="a"), version)
    assert caught.value.path == "version"
    _printable(caught.value)


def test_with_version_still_sets_the_version():
    assert with_version(Product(sku="A", name="a"), 2**63 - 1).version == 2**63 - 1


# -- engine ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [None, 0, 1.5, b"crm.db", [], HUGE], ids=_id)
def test_sqlite_engine_refuses_a_path_that_is_not_text(path):
    with pytest.raises(ValidationError) as caught:
        SalesEngine.sqlite(path)
    assert caught.value.path == "path"


def test_sqlite_engine_refuses_a_path_like_that_gives_no_text():
    class Odd:
        def __fspath__(self) -> Any:
            return None

    with pytest.raises(ValidationError):
        SalesEngine.sqlite(Odd())  # type: ignore[arg-type]


def test_sqlite_engine_opens_a_path_like(tmp_path):
    with SalesEngine.sqlite(pathlib.Path(tmp_path) / "crm.db") as engine:
        assert engine.catalog.list_products() == []
    with pytest.raises(StorageError):
        SalesEngine.sqlite("a\x00b")


# -- quotes ------------------------------------------------------------------------------

DRAFTING = [
    lambda q: bundle_key(q, "A"),
    lambda q: edit_line(q, "L1", quantity=2),
    lambda q: edit_quote(q, additional_discount=5),
    lambda q: line_key(q),
    lambda q: new_line(q, sku="A"),
    lambda q: next_revision_id(q),
]


@pytest.mark.parametrize("call", DRAFTING)
@pytest.mark.parametrize("quote", [None, {}, "Q-1", object()])
def test_drafting_refuses_what_is_not_a_quote(call, quote):
    with pytest.raises(ValidationError) as caught:
        call(quote)
    assert caught.value.path == "quote"


@pytest.mark.parametrize("call", DRAFTING)
def test_drafting_still_works_on_a_quote(call):
    call(_quote())


@pytest.mark.parametrize("sku", [None, HUGE, []], ids=_id)
def test_bundle_key_refuses_a_bad_sku(sku):
    with pytest.raises(ValidationError) as caught:
        bundle_key(_quote(), sku)
    assert caught.value.path == "sku"


def test_check_fields_refuses_bad_arguments():
    with pytest.raises(ValidationError) as caught:
        check_fields(None, {})  # type: ignore[arg-type]
    assert caught.value.path == "cls"
    with pytest.raises(ValidationError) as caught:
        check_fields(Quote, None)  # type: ignore[arg-type]
    assert caught.value.path == "given"
    with pytest.raises(ValidationError) as caught:
        check_fields(Quote, {"account": "B"}, None)  # type: ignore[arg-type]
    assert caught.value.path == "refused"
    check_fields(Quote, {"account": "B"}, ["status"])


@pytest.mark.parametrize("source", [None, [], HUGE, "draft"], ids=_id)
@pytest.mark.parametrize("target", [None, {}, HUGE, QuoteStatus.ACCEPTED], ids=_id)
def test_quote_errors_made_with_anything_print(source, target):
    _printable(InvalidTransitionError(source, target))
    _printable(QuoteLockedError(HUGE, source, HUGE))  # type: ignore[arg-type]


def test_quote_errors_made_by_the_package_read_as_before():
    error = InvalidTransitionError(QuoteStatus.DRAFT, QuoteStatus.ACCEPTED)
    assert str(error) == (
        "status: a quote in status draft cannot become accepted "
        "(allowed: in_review, superseded) (got 'accepted')"
    )
    assert error.value == "accepted"
    locked = QuoteLockedError("Q-1", QuoteStatus.APPROVED, "edit")
    assert str(locked) == (
        "cannot edit quote 'Q-1': it is approved (only a draft can change; create a new version)"
    )


@pytest.mark.parametrize(
    "version", [-1, 2**63, 10**5000, True, 1.0], ids=["-1", "2**63", "10**5000", "True", "1.0"]
)
def test_a_stored_value_refuses_a_version_a_database_cannot_hold(version):
    from sfa_core.catalog import Product

    with pytest.raises(ValidationError) as caught:
        Product(sku="A", name="a", version=version)
    assert caught.value.path == "version"
    str(caught.value)  # the message builds, bounded
    assert Product(sku="A", name="a", version=2**63 - 1).version == 2**63 - 1
