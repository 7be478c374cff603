"""Derived price books: Odoo's pricelist formula, chains, cost, currencies and errors."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest

from sfa_core.catalog.book_set import (
    PriceBookCycleError,
    PriceBookSet,
    ResolutionKind,
    ResolutionStep,
    ResolvedPrice,
)
from sfa_core.catalog.derivation import Derivation, DerivedPrice, PriceBase, PriceStep
from sfa_core.catalog.model import PriceBook, Product
from sfa_core.errors import (
    FloatAmountError,
    MissingRateError,
    NotFoundError,
    ValidationError,
)
from sfa_core.money import ExchangeRate, ExchangeRates, Money
from sfa_core.serialization import structure, to_json, unstructure

D = Decimal
DAY = dt.date(2027, 3, 1)

# serialization.py currently unstructures str enums as members (not values); the direct
# round trip is checked as soon as it writes their values (the JSON round trip always is).
_ENUMS_AS_MEMBERS = isinstance(unstructure(PriceBase.COST), enum.Enum)


def assert_round_trip(value: object) -> None:
    assert structure(json.loads(to_json(value)), type(value)) == value
    if not _ENUMS_AS_MEMBERS:
        assert structure(unstructure(value), type(value)) == value


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def usd(amount: str) -> Money:
    return Money(amount, "USD")


WIDGET = Product(sku="W-1", name="Widget", family="hardware", cost=eur("70.00"))
LIST = PriceBook(id="LIST", currency="EUR", entries={"W-1": eur("100.00")})


def derived(book_id: str, currency: str = "EUR", **kwargs: object) -> PriceBook:
    entries = kwargs.pop("entries", {})
    return PriceBook(
        id=book_id,
        currency=currency,
        entries=entries,  # type: ignore[arg-type]
        derived_from=Derivation(**kwargs),  # type: ignore[arg-type]
    )


class TestFormula:
    """Each step of Odoo's formula, in Odoo's order, on hand-checked numbers."""

    def test_discount(self):
        # 100.00 x (100 - 10) / 100 = 90.00
        result = Derivation(base_price_book="LIST", discount=10).apply(D("100.00"))
        assert result.price == D("90.00")
        assert [(s.name, s.before, s.after, s.detail) for s in result.steps] == [
            ("discount", D("100.00"), D("90.00"), "10%")
        ]

    def test_negative_discount_is_a_markup(self):
        # 100.00 x (100 + 10) / 100 = 110.00
        assert Derivation(base_price_book="L", discount=-10).apply(D("100.00")).price == 110

    def test_markup(self):
        # cost 80.00 x (100 + 25) / 100 = 100.00
        result = Derivation(base="cost", markup=25).apply(D("80.00"))
        assert result.price == D("100.00")
        assert [s.name for s in result.steps] == ["markup"]

    def test_discount_then_markup(self):
        # 100 x 0.90 = 90; 90 x 1.10 = 99
        result = Derivation(base_price_book="L", discount=10, markup=10).apply(D("100"))
        assert result.price == D(99)
        assert [s.name for s in result.steps] == ["discount", "markup"]

    def test_round_to_five_cents(self):
        # 19.99 x 0.97 = 19.3903; / 0.05 = 387.806 -> 388; x 0.05 = 19.40
        d = Derivation(base_price_book="L", discount=3, round_to="0.05")
        assert d.apply(D("19.99")).price == D("19.40")

    @pytest.mark.parametrize(
        ("rounding", "expected"), [(ROUND_HALF_UP, "19.35"), (ROUND_HALF_EVEN, "19.30")]
    )
    def test_round_to_multiple_uses_the_mode_on_ties(self, rounding, expected):
        # 19.325 / 0.05 = 386.5: half-up 387 -> 19.35, half-even 386 -> 19.30
        d = Derivation(base_price_book="L", round_to="0.05", rounding=rounding)
        assert d.apply(D("19.325")).price == D(expected)

    def test_prices_ending_in_nine_ninety_nine(self):
        # Odoo's tip: round to 10, extra fee -0.01.
        # 100.00 x 0.88 = 88.00; round to 10 -> 90; 90 - 0.01 = 89.99
        d = Derivation(base_price_book="L", discount=12, round_to=10, surcharge="-0.01")
        result = d.apply(D("100.00"))
        assert result.price == D("89.99")
        assert [s.name for s in result.steps] == ["discount", "round", "surcharge"]
        assert [s.after for s in result.steps] == [D("88.00"), D(90), D("89.99")]

    def test_surcharge_is_added_after_rounding(self):
        # 47 -> round to 10 = 50 -> + 2.50 = 52.50 (not round(49.50) = 50)
        d = Derivation(base_price_book="L", round_to=10, surcharge="2.50")
        assert d.apply(D(47)).price == D("52.50")

    def test_min_margin_floors_the_price(self):
        # cost 50; 20 % off -> 40; floor 50 + 5 = 55 -> 55
        d = Derivation(base="cost", discount=20, min_margin=5)
        result = d.apply(D(50))
        assert result.price == D(55)
        assert result.steps[-1] == PriceStep("min_margin", D(40), D(55), "base + 5 = 55")

    def test_max_margin_caps_the_price(self):
        # cost 50; +100 % -> 100; cap 50 + 30 = 80 -> 80
        d = Derivation(base="cost", markup=100, max_margin=30)
        assert d.apply(D(50)).price == D(80)

    def test_margins_apply_after_the_surcharge(self):
        # base 100; 50 % off = 50; surcharge +10 = 60; min 100 - 30 = 70 -> 70; max 100 - 25
        # = 75 -> 70 stays
        d = Derivation(
            base_price_book="L", discount=50, surcharge=10, min_margin=-30, max_margin=-25
        )
        result = d.apply(D(100))
        assert result.price == D(70)
        assert [s.name for s in result.steps] == [
            "discount",
            "surcharge",
            "min_margin",
            "max_margin",
        ]

    def test_zero_min_margin_is_a_bound_none_is_not(self):
        # Odoo ignores 0; here 0 keeps the price at or above the base
        assert Derivation(base="cost", discount=10, min_margin=0).apply(D(100)).price == 100
        assert Derivation(base="cost", discount=10).apply(D(100)).price == 90

    def test_nothing_set_is_the_base(self):
        result = Derivation(base="cost").apply(D("12.34"))
        assert result == DerivedPrice(base=D("12.34"), price=D("12.34"), steps=())

    def test_str(self):
        d = Derivation(base_price_book="L", discount=12, round_to=10, surcharge="-0.01")
        assert str(d.apply(D("100.00"))) == (
            "base 100.00\n"
            "  discount 12%: 100.00 -> 88.0000\n"
            "  round to a multiple of 10 (ROUND_HALF_UP): 88.0000 -> 90\n"
            "  surcharge -0.01: 90 -> 89.99\n"
            "= 89.99"
        )

    @pytest.mark.parametrize("bad", ["-1", "x"])
    def test_base_price_must_be_a_non_negative_number(self, bad):
        with pytest.raises(ValidationError) as info:
            Derivation(base="cost").apply(bad)
        assert info.value.path == "base_price"


class TestDerivationValidation:
    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({}, "base_price_book"),
            ({"base": "cost", "base_price_book": "LIST"}, "base_price_book"),
            ({"base": "list_price"}, "base"),
            ({"base_price_book": " L"}, "base_price_book"),
            ({"base": "cost", "discount": "100.01"}, "discount"),
            ({"base": "cost", "discount": "x"}, "discount"),
            ({"base": "cost", "markup": -1}, "markup"),
            ({"base": "cost", "round_to": 0}, "round_to"),
            ({"base": "cost", "rounding": "HALF_UP"}, "rounding"),
            ({"base": "cost", "min_margin": 5, "max_margin": 4}, "max_margin"),
            ({"base": "cost", "skus": "A-1"}, "skus"),
            ({"base": "cost", "skus": ["A-1", ""]}, "skus[1]"),
            ({"base": "cost", "families": [None]}, "families[0]"),
        ],
    )
    def test_bad_fields_name_the_field(self, kwargs, path):
        with pytest.raises(ValidationError) as info:
            Derivation(**kwargs)
        assert info.value.path == path

    def test_float_is_refused(self):
        with pytest.raises(FloatAmountError, match="surcharge"):
            Derivation(base="cost", surcharge=0.5)

    def test_a_full_discount_is_allowed(self):
        assert Derivation(base="cost", discount=100).apply(D(10)).price == 0

    def test_applies_to(self):
        everything = Derivation(base="cost")
        by_sku = Derivation(base="cost", skus=["W-1"])
        by_family = Derivation(base="cost", families=["software"])
        assert everything.applies_to(WIDGET)
        assert by_sku.applies_to(WIDGET)
        assert not by_family.applies_to(WIDGET)
        assert Derivation(base="cost", skus=["X"], families=["hardware"]).applies_to(WIDGET)


class TestPriceBookSet:
    def test_listed_entry_is_returned_as_listed(self):
        books = PriceBookSet([LIST])
        result = books.unit_price("LIST", WIDGET, on=DAY)
        assert result.price == eur("100.00")
        assert result.source == "LIST"
        assert result.steps == (
            ResolutionStep("LIST", ResolutionKind.ENTRY, None, eur("100.00"), "'LIST' lists 'W-1'"),
        )

    def test_derived_from_another_book(self):
        # 100.00 x 0.90 = 90.00
        books = PriceBookSet([LIST, derived("PARTNER", base_price_book="LIST", discount=10)])
        result = books.unit_price("PARTNER", WIDGET, on=DAY)
        assert result.price == eur("90.00")
        assert result.source == "LIST"
        assert [s.kind for s in result.steps] == [ResolutionKind.ENTRY, ResolutionKind.FORMULA]

    def test_explicit_entry_wins(self):
        partner = derived(
            "PARTNER", base_price_book="LIST", discount=10, entries={"W-1": eur("95.00")}
        )
        result = PriceBookSet([LIST, partner]).unit_price("PARTNER", WIDGET, on=DAY)
        assert result.price == eur("95.00")
        assert result.source == "PARTNER"
        assert len(result.steps) == 1

    def test_chain_of_three(self):
        # LIST 100.00 -> PARTNER 10 % off = 90.00 -> GOLD 10 % off = 81.00, round to 1 = 81,
        # -0.01 = 80.99
        books = PriceBookSet(
            [
                derived(
                    "GOLD", base_price_book="PARTNER", discount=10, round_to=1, surcharge="-0.01"
                ),
                derived("PARTNER", base_price_book="LIST", discount=10),
                LIST,
            ]
        )
        assert books.chain("GOLD") == ("GOLD", "PARTNER", "LIST")
        result = books.unit_price("GOLD", WIDGET, on=DAY)
        assert result.price == eur("80.99")
        assert result.source == "LIST"
        assert [(s.book_id, s.kind.value) for s in result.steps] == [
            ("LIST", "entry"),
            ("PARTNER", "formula"),
            ("GOLD", "formula"),
            ("GOLD", "formula"),
            ("GOLD", "formula"),
        ]
        # the middle book's price is the same whether asked for directly or as a base
        assert books.unit_price("PARTNER", WIDGET, on=DAY).price == eur("90.00")

    def test_chain_stops_at_a_middle_entry(self):
        # PARTNER lists 95.00 itself: GOLD = 95.00 x 0.90 = 85.50
        books = PriceBookSet(
            [
                LIST,
                derived(
                    "PARTNER", base_price_book="LIST", discount=10, entries={"W-1": eur("95.00")}
                ),
                derived("GOLD", base_price_book="PARTNER", discount=10),
            ]
        )
        result = books.unit_price("GOLD", WIDGET, on=DAY)
        assert result.price == eur("85.50")
        assert result.source == "PARTNER"

    def test_cost_base(self):
        # cost 70.00 x 1.30 = 91.00
        books = PriceBookSet([derived("COST+", base="cost", markup=30)])
        result = books.unit_price("COST+", WIDGET, on=DAY)
        assert result.price == eur("91.00")
        assert result.source == "cost"
        assert result.steps[0] == ResolutionStep(
            "COST+", ResolutionKind.COST, None, eur("70.00"), "cost of 'W-1'"
        )

    def test_rounded_to_the_currency(self):
        # 10.01 x 1.125 = 11.26125 -> 11.26 (half-up); the rounding is a step
        product = Product(sku="X", name="x", cost=eur("10.01"))
        books = PriceBookSet([derived("C", base="cost", markup="12.5")])
        result = books.unit_price("C", product, on=DAY)
        assert result.price == eur("11.26")
        assert result.steps[-1] == ResolutionStep(
            "C",
            ResolutionKind.ROUNDING,
            eur("11.26125"),
            eur("11.26"),
            "to the currency's minor units, ROUND_HALF_UP",
        )

    def test_rounding_mode_of_the_set(self):
        # 10.03 x 1.5 = 15.045 -> 15.05 half-up, 15.04 half-even
        product = Product(sku="X", name="x", cost=eur("10.03"))
        book = derived("C", base="cost", markup=50)
        assert PriceBookSet([book]).unit_price("C", product, on=DAY).price == eur("15.05")
        even = PriceBookSet([book], rounding=ROUND_HALF_EVEN)
        assert even.unit_price("C", product, on=DAY).price == eur("15.04")

    def test_cross_currency_base_book(self):
        # 100.00 EUR x 1.0837 = 108.37 USD; 10 % off = 97.533 -> 97.53 USD
        rates = ExchangeRates((ExchangeRate("EUR", "USD", "1.0837", dt.date(2027, 1, 1)),))
        books = PriceBookSet([LIST, derived("US", "USD", base_price_book="LIST", discount=10)])
        result = books.unit_price("US", WIDGET, on=DAY, rates=rates)
        assert result.price == usd("97.53")
        conversion = result.steps[1]
        assert conversion.kind is ResolutionKind.CONVERSION
        assert (conversion.before, conversion.after) == (eur("100.00"), usd("108.37"))
        assert conversion.detail == "rate 1.0837 on 2027-03-01, rounded ROUND_HALF_UP"

    def test_conversion_is_rounded_before_the_formula(self):
        # 19.99 EUR x 161.53 = 3228.9847 -> 3229 JPY; x 1.50 = 4843.5 -> 4844 JPY (half-up)
        # (without rounding the conversion: 3228.9847 x 1.50 = 4843.47705 -> 4843)
        rates = ExchangeRates((ExchangeRate("EUR", "JPY", "161.53"),))
        product = Product(sku="X", name="x", cost=eur("19.99"))
        books = PriceBookSet([derived("JP", "JPY", base="cost", markup=50)])
        result = books.unit_price("JP", product, on=DAY, rates=rates)
        assert result.price == Money(4844, "JPY")
        assert result.steps[1].after == Money(3229, "JPY")
        assert result.steps[2].before == Money(3229, "JPY")

    def test_cross_currency_uses_the_rate_of_the_pricing_day(self):
        rates = ExchangeRates(
            (
                ExchangeRate("EUR", "USD", "1.10", dt.date(2027, 1, 1)),
                ExchangeRate("EUR", "USD", "1.20", dt.date(2027, 6, 1)),
            )
        )
        books = PriceBookSet([LIST, derived("US", "USD", base_price_book="LIST")])
        # no formula step changes the price: 100.00 x 1.10 = 110.00, then 120.00
        assert books.unit_price("US", WIDGET, on=DAY, rates=rates).price == usd("110.00")
        later = books.unit_price("US", WIDGET, on=dt.date(2027, 6, 1), rates=rates)
        assert later.price == usd("120.00")

    def test_missing_rate(self):
        books = PriceBookSet([LIST, derived("US", "USD", base_price_book="LIST")])
        with pytest.raises(MissingRateError):
            books.unit_price("US", WIDGET, on=DAY)
        rates = ExchangeRates((ExchangeRate("EUR", "USD", "1.1", dt.date(2028, 1, 1)),))
        with pytest.raises(MissingRateError):
            books.unit_price("US", WIDGET, on=DAY, rates=rates)

    def test_str(self):
        books = PriceBookSet([LIST, derived("PARTNER", base_price_book="LIST", discount=10)])
        assert str(books.unit_price("PARTNER", WIDGET, on=DAY)) == (
            "90.00 EUR from LIST\n"
            "  LIST entry: 100.00 EUR ('LIST' lists 'W-1')\n"
            "  PARTNER formula: 100.00 EUR -> 90.0000 EUR (discount 10%)"
        )


class TestPriceBookSetErrors:
    def test_cycle_is_refused_at_construction(self):
        a = derived("A", base_price_book="B")
        b = derived("B", base_price_book="A")
        with pytest.raises(PriceBookCycleError) as info:
            PriceBookSet([a, b])
        assert info.value.cycle == ("A", "B", "A")
        assert "A -> B -> A" in str(info.value)
        assert info.value.path == "books[0].derived_from.base_price_book"
        assert isinstance(info.value, ValidationError)

    def test_cycle_reached_through_a_tail(self):
        # T -> A -> B -> C -> A: the cycle is A -> B -> C -> A
        books = [
            derived("T", base_price_book="A"),
            derived("A", base_price_book="B"),
            derived("B", base_price_book="C"),
            derived("C", base_price_book="A"),
        ]
        with pytest.raises(PriceBookCycleError) as info:
            PriceBookSet(books)
        assert info.value.cycle == ("A", "B", "C", "A")
        assert info.value.path == "books[1].derived_from.base_price_book"

    def test_missing_base_book(self):
        with pytest.raises(ValidationError) as info:
            PriceBookSet([derived("PARTNER", base_price_book="LIST")])
        assert info.value.path == "books[0].derived_from.base_price_book"
        assert info.value.value == "LIST"

    def test_duplicate_ids(self):
        with pytest.raises(ValidationError) as info:
            PriceBookSet([LIST, PriceBook(id="LIST", currency="USD")])
        assert info.value.path == "books[1].id"

    def test_items_must_be_price_books(self):
        with pytest.raises(ValidationError) as info:
            PriceBookSet([LIST, "EU"])  # type: ignore[list-item]
        assert info.value.path == "books[1]"

    def test_unknown_book(self):
        with pytest.raises(NotFoundError, match="price book 'NOPE'"):
            PriceBookSet([LIST]).unit_price("NOPE", WIDGET, on=DAY)
        with pytest.raises(NotFoundError):
            PriceBookSet([LIST]).book("NOPE")

    def test_no_price_found(self):
        books = PriceBookSet(
            [LIST, derived("SOFT", base_price_book="LIST", discount=10, families=["software"])]
        )
        with pytest.raises(NotFoundError, match="price book 'SOFT' entry 'W-1'"):
            books.unit_price("SOFT", WIDGET, on=DAY)
        gadget = Product(sku="G-1", name="Gadget", family="software")
        with pytest.raises(NotFoundError, match="price book 'LIST' entry 'G-1'"):
            books.unit_price("SOFT", gadget, on=DAY)

    def test_no_cost(self):
        books = PriceBookSet([derived("C", base="cost", markup=10)])
        with pytest.raises(NotFoundError, match="cost of product 'X'"):
            books.unit_price("C", Product(sku="X", name="x"), on=DAY)

    def test_inactive_or_out_of_validity_books(self):
        closed = PriceBook(id="LIST", currency="EUR", entries=LIST.entries, active=False)
        books = PriceBookSet([closed, derived("P", base_price_book="LIST")])
        with pytest.raises(ValidationError) as info:
            books.unit_price("P", WIDGET, on=DAY)
        assert info.value.path == "active"
        dated = derived("P", base_price_book="LIST")
        dated = PriceBook(
            id="P",
            currency="EUR",
            derived_from=dated.derived_from,
            valid_from=dt.date(2027, 1, 1),
            valid_until=dt.date(2027, 12, 31),
        )
        books = PriceBookSet([LIST, dated])
        for day, path in [
            (dt.date(2026, 12, 31), "valid_from"),
            (dt.date(2028, 1, 1), "valid_until"),
        ]:
            with pytest.raises(ValidationError, match="'P' is not valid on") as info:
                books.unit_price("P", WIDGET, on=day)
            assert info.value.path == path

    def test_pricing_day_must_be_a_date(self):
        with pytest.raises(ValidationError) as info:
            PriceBookSet([LIST]).unit_price("LIST", WIDGET, on=dt.datetime(2027, 3, 1))
        assert info.value.path == "on"

    def test_a_surcharge_below_zero_floors_the_price_at_zero(self):
        # Was refused ("derives a negative price"); Odoo clamps at zero, and so does
        # Derivation.apply: both paths agree.
        books = PriceBookSet([derived("C", base="cost", surcharge=-100)])
        resolved = books.unit_price("C", WIDGET, on=DAY)
        assert resolved.price == eur("0.00")
        assert "floored at 0" in resolved.steps[-1].detail


class TestRoundTrips:
    def test_formula_values(self):
        d = Derivation(
            base_price_book="LIST",
            discount="-2.5",
            markup=3,
            round_to="0.05",
            rounding=ROUND_HALF_EVEN,
            surcharge="-0.01",
            min_margin=1,
            max_margin=9,
            skus=["A", "B"],
            families=["hardware"],
        )
        assert_round_trip(d)
        assert_round_trip(Derivation(base="cost"))
        result = d.apply(D("19.99"))
        assert_round_trip(result)
        for step in result.steps:
            assert_round_trip(step)

    def test_resolution_values(self):
        rates = ExchangeRates((ExchangeRate("EUR", "USD", "1.0837"),))
        books = PriceBookSet(
            [LIST, derived("US", "USD", base_price_book="LIST", discount=10, markup="0.5")],
            rounding=ROUND_HALF_EVEN,
        )
        assert_round_trip(books)
        resolved = books.unit_price("US", WIDGET, on=DAY, rates=rates)
        assert isinstance(resolved, ResolvedPrice)
        assert_round_trip(resolved)
        for step in resolved.steps:
            assert_round_trip(step)

    def test_structured_set_resolves_the_same(self):
        books = PriceBookSet([LIST, derived("P", base_price_book="LIST", discount=10)])
        again = structure(json.loads(to_json(books)), PriceBookSet)
        assert again.unit_price("P", WIDGET, on=DAY) == books.unit_price("P", WIDGET, on=DAY)


def test_a_surcharge_never_takes_a_derived_price_below_zero_and_both_paths_agree():
    from decimal import Decimal

    from sfa_core import Money
    from sfa_core.catalog import Derivation, PriceBook, PriceBookSet, Product

    ninety_nine = Derivation(base_price_book="LIST", round_to=1, surcharge="-0.01")
    direct = ninety_nine.apply(Decimal("0"))
    assert direct.price == Decimal("0")
    assert "floored at 0" in str(direct)
    assert ninety_nine.apply(Decimal("10")).price == Decimal("9.99")
    books = PriceBookSet(
        [
            PriceBook(id="LIST", currency="EUR", entries={"FREE": Money("0.00", "EUR")}),
            PriceBook(id="SHOP", currency="EUR", derived_from=ninety_nine),
        ]
    )
    free = Product(sku="FREE", name="Sample")
    assert books.unit_price("SHOP", free, on=DAY).price == Money("0.00", "EUR")
