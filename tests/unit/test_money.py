"""Money: construction, arithmetic, comparison, rounding and allocation, checked by hand."""

from __future__ import annotations

import decimal
import pickle
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from fractions import Fraction

import attrs
import pytest

from sfa_core.errors import (
    CurrencyMismatchError,
    FloatAmountError,
    InvalidAmountError,
    UnknownCurrencyError,
    ValidationError,
)
from sfa_core.money import (
    DEFAULT_ROUNDING,
    ROUNDING_MODES,
    Money,
    currency_precision,
    validate_currency,
)


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def amounts(parts: tuple[Money, ...]) -> list[str]:
    return [str(part.amount) for part in parts]


# -- construction -----------------------------------------------------------------------


class TestConstruction:
    def test_is_an_attrs_class_with_two_fields(self) -> None:
        assert attrs.has(Money)
        assert [field.name for field in attrs.fields(Money)] == ["amount", "currency"]

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            (Decimal("12.30"), Decimal("12.30")),
            (12, Decimal("12")),
            ("12.30", Decimal("12.30")),
            ("-0.5", Decimal("-0.5")),
            ("1E+3", Decimal("1000")),
            (" 7.25 ", Decimal("7.25")),
        ],
    )
    def test_accepts_exact_numbers(self, given: object, expected: Decimal) -> None:
        money = Money(given, "EUR")  # type: ignore[arg-type]
        assert money.amount == expected
        assert type(money.amount) is Decimal
        assert money.currency == "EUR"

    def test_keeps_the_amount_as_given(self) -> None:
        assert str(Money("12.30", "EUR").amount) == "12.30"
        assert str(Money("0.0001", "USD").amount) == "0.0001"

    def test_float_is_refused_with_a_type_error(self) -> None:
        with pytest.raises(FloatAmountError) as info:
            Money(0.1, "EUR")  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError)
        assert info.value.path == "amount"
        assert info.value.value == 0.1
        assert "0.1" in str(info.value)

    @pytest.mark.parametrize(
        "bad",
        [
            Decimal("NaN"),
            Decimal("sNaN"),
            Decimal("Infinity"),
            Decimal("-Infinity"),
            "NaN",
            "inf",
            "12,30",
            "",
            "abc",
            "1.2.3",
            True,
            False,
            None,
            [1],
            Fraction(1, 3),
            b"12",
        ],
    )
    def test_garbage_is_refused(self, bad: object) -> None:
        with pytest.raises(InvalidAmountError) as info:
            Money(bad, "EUR")  # type: ignore[arg-type]
        assert info.value.path == "amount"
        assert not isinstance(info.value, FloatAmountError)

    def test_garbage_is_refused_even_when_the_context_does_not_trap(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.traps[decimal.InvalidOperation] = False
            with pytest.raises(InvalidAmountError):
                Money("abc", "EUR")

    @pytest.mark.parametrize("bad", ["eur", "EURO", "XYZ", "", " EUR", "EU", 978, None, b"EUR"])
    def test_unknown_currency_is_refused(self, bad: object) -> None:
        with pytest.raises(UnknownCurrencyError) as info:
            Money("1", bad)  # type: ignore[arg-type]
        assert info.value.path == "currency"
        assert info.value.currency == bad
        assert isinstance(info.value, ValidationError)

    def test_zero_has_the_minor_units_of_the_currency(self) -> None:
        assert str(Money.zero("EUR").amount) == "0.00"
        assert str(Money.zero("JPY").amount) == "0"
        assert str(Money.zero("BHD").amount) == "0.000"
        with pytest.raises(UnknownCurrencyError):
            Money.zero("ZZZ")

    def test_is_frozen(self) -> None:
        money = eur("1.00")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            money.amount = Decimal(2)  # type: ignore[misc]

    def test_evolve_validates(self) -> None:
        assert attrs.evolve(eur("1.00"), amount="2.50") == eur("2.50")
        with pytest.raises(FloatAmountError):
            attrs.evolve(eur("1.00"), amount=2.5)

    def test_repr_and_str(self) -> None:
        assert repr(eur("12.30")) == "Money(amount=Decimal('12.30'), currency='EUR')"
        assert str(eur("12.30")) == "12.30 EUR"
        assert str(Money("1E+3", "JPY")) == "1000 JPY"

    def test_pickles(self) -> None:
        money = Money("1234.5678", "BHD")
        assert pickle.loads(pickle.dumps(money)) == money


class TestCurrencyHelpers:
    @pytest.mark.parametrize(
        ("code", "places"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("BHD", 3), ("KWD", 3)]
    )
    def test_precision(self, code: str, places: int) -> None:
        assert currency_precision(code) == places

    def test_precision_of_unknown_code(self) -> None:
        with pytest.raises(UnknownCurrencyError):
            currency_precision("ABC")

    def test_validate_returns_the_code_and_names_the_path(self) -> None:
        assert validate_currency("GBP") == "GBP"
        with pytest.raises(UnknownCurrencyError) as info:
            validate_currency("gbp", path="lines[2].currency")
        assert info.value.path == "lines[2].currency"
        assert str(info.value) == ("lines[2].currency: unknown ISO 4217 currency code (got 'gbp')")


# -- arithmetic ---------------------------------------------------------------------------


class TestArithmetic:
    def test_add_and_subtract(self) -> None:
        assert eur("10.10") + eur("0.25") == eur("10.35")
        assert eur("10.10") - eur("0.25") == eur("9.85")
        assert eur("0.10") - eur("0.25") == eur("-0.15")

    def test_add_keeps_every_digit(self) -> None:
        big = Money("123456789012345678901234567890.01", "EUR")
        tiny = Money("0.000000000000000000000000000001", "EUR")
        assert (big + tiny).amount == Decimal(
            "123456789012345678901234567890.010000000000000000000000000001"
        )

    def test_arithmetic_ignores_the_callers_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            ctx.rounding = ROUND_FLOOR
            assert (eur("1234.56") + eur("0.01")).amount == Decimal("1234.57")
            assert (eur("1234.56") * 3).amount == Decimal("3703.68")

    def test_results_too_long_raise_instead_of_rounding(self) -> None:
        long = Money("1" * 29 + "." + "1" * 29, "EUR")  # the largest supported digits
        with pytest.raises(InvalidAmountError, match="significant digits"):
            long * Decimal("1." + "1" * 45)  # 58 x 46 digits: over the 100 kept exactly

    def test_currency_mismatch(self) -> None:
        with pytest.raises(CurrencyMismatchError) as info:
            eur("1") + Money("1", "USD")
        assert (info.value.left, info.value.right) == ("EUR", "USD")
        with pytest.raises(CurrencyMismatchError):
            eur("1") - Money("1", "USD")

    @pytest.mark.parametrize("other", [1, Decimal(1), "1", None])
    def test_adding_a_plain_number_is_a_type_error(self, other: object) -> None:
        with pytest.raises(TypeError):
            eur("1") + other  # type: ignore[operator]
        with pytest.raises(TypeError):
            eur("1") - other  # type: ignore[operator]

    def test_sum(self) -> None:
        parts = [eur("0.10"), eur("0.20"), eur("0.30")]
        assert sum(parts) == eur("0.60")
        assert sum(parts, Money.zero("EUR")) == eur("0.60")
        assert 0 + eur("5") == eur("5")
        with pytest.raises(TypeError):
            1 + eur("5")  # type: ignore[operator]
        with pytest.raises(CurrencyMismatchError):
            sum([eur("1"), Money("1", "USD")])

    @pytest.mark.parametrize(
        ("factor", "expected"),
        [(3, "59.97"), (Decimal("0.5"), "9.995"), (0, "0.00"), (-2, "-39.98")],
    )
    def test_multiply(self, factor: Decimal | int, expected: str) -> None:
        assert (eur("19.99") * factor).amount == Decimal(expected)
        assert (factor * eur("19.99")).amount == Decimal(expected)

    def test_multiply_refusals(self) -> None:
        with pytest.raises(FloatAmountError) as info:
            eur("1") * 1.5  # type: ignore[operator]
        assert info.value.path == "factor"
        with pytest.raises(InvalidAmountError):
            eur("1") * Decimal("NaN")
        with pytest.raises(InvalidAmountError):
            eur("1") * True
        with pytest.raises(TypeError):
            eur("1") * "2"  # type: ignore[operator]
        with pytest.raises(TypeError):
            eur("1") * eur("2")  # type: ignore[operator]

    def test_divide(self) -> None:
        assert (eur("10.00") / 4).amount == Decimal("2.5")
        assert (eur("1") / 3).amount == Decimal("0." + "3" * 28)
        assert (eur("2") / 3).amount == Decimal("0." + "6" * 27 + "7")
        assert (eur("10") / Decimal("0.5")).amount == Decimal("20")

    @pytest.mark.parametrize("zero", [0, Decimal(0), Decimal("-0.00")])
    def test_divide_by_zero_is_a_validation_error(self, zero: Decimal | int) -> None:
        with pytest.raises(ValidationError) as info:
            eur("10") / zero
        assert info.value.path == "divisor"
        assert not isinstance(info.value, decimal.DecimalException)

    def test_divide_refusals(self) -> None:
        with pytest.raises(FloatAmountError):
            eur("1") / 2.0  # type: ignore[operator]
        with pytest.raises(TypeError):
            eur("1") / eur("1")  # type: ignore[operator]
        with pytest.raises(TypeError):
            2 / eur("1")  # type: ignore[operator]

    def test_negation_and_abs(self) -> None:
        assert -eur("1.50") == eur("-1.50")
        assert str((-eur("0.00")).amount) == "0.00"
        assert +eur("1.50") == eur("1.50")
        assert abs(eur("-1.50")) == eur("1.50")
        assert abs(eur("1.50")) == eur("1.50")

    def test_is_zero_and_truth(self) -> None:
        assert eur("0.00").is_zero()
        assert eur("-0").is_zero()
        assert not eur("0.01").is_zero()
        assert not eur("0")
        assert eur("-0.01")


# -- comparison and hashing ---------------------------------------------------------------


class TestComparison:
    def test_equality_is_numeric_within_a_currency(self) -> None:
        assert eur("1.0") == eur("1.00")
        assert hash(eur("1.0")) == hash(eur("1.00"))
        assert eur("1.00") != eur("1.01")

    def test_equality_across_currencies_is_false(self) -> None:
        assert eur("1") != Money("1", "USD")
        assert not eur("1") == Money("1", "USD")  # noqa: SIM201

    def test_not_equal_to_plain_numbers(self) -> None:
        assert eur("1") != Decimal(1)
        assert eur("0") != 0

    def test_hashable_in_sets(self) -> None:
        values = {eur("1.0"), eur("1.00"), Money("1", "USD"), eur("2")}
        assert len(values) == 3

    def test_ordering(self) -> None:
        small, big = eur("1.99"), eur("2.00")
        assert small < big
        assert small <= big
        assert small <= eur("1.990")
        assert big > small
        assert big >= small
        assert not big < small
        assert sorted([big, small, eur("-5")]) == [eur("-5"), small, big]
        assert max(small, big) is big

    @pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__"])
    def test_ordering_across_currencies_raises(self, op: str) -> None:
        with pytest.raises(CurrencyMismatchError) as info:
            getattr(eur("1"), op)(Money("1", "USD"))
        assert info.value.operation == "compare"

    def test_ordering_with_a_number_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            eur("1") < 2  # type: ignore[operator]  # noqa: B015


# -- rounding -------------------------------------------------------------------------------


class TestRounding:
    def test_default_mode_is_half_up(self) -> None:
        assert DEFAULT_ROUNDING == ROUND_HALF_UP
        assert eur("0.125").round() == eur("0.13")
        assert eur("-0.125").round() == eur("-0.13")
        assert eur("0.124").round() == eur("0.12")

    @pytest.mark.parametrize(
        ("mode", "positive", "negative"),
        [
            (ROUND_HALF_UP, "2.35", "-2.35"),
            (ROUND_HALF_DOWN, "2.34", "-2.34"),
            (ROUND_HALF_EVEN, "2.34", "-2.34"),
            (ROUND_UP, "2.35", "-2.35"),
            (ROUND_DOWN, "2.34", "-2.34"),
            (ROUND_CEILING, "2.35", "-2.34"),
            (ROUND_FLOOR, "2.34", "-2.35"),
            (ROUND_05UP, "2.34", "-2.34"),
        ],
    )
    def test_every_mode_on_a_half(self, mode: str, positive: str, negative: str) -> None:
        assert str(eur("2.345").round(mode).amount) == positive
        assert str(eur("-2.345").round(mode).amount) == negative

    def test_half_even_goes_to_the_even_neighbour(self) -> None:
        assert str(eur("2.355").round(ROUND_HALF_EVEN).amount) == "2.36"
        assert str(eur("2.365").round(ROUND_HALF_EVEN).amount) == "2.36"

    def test_05up_rounds_away_only_after_0_or_5(self) -> None:
        assert str(eur("2.301").round(ROUND_05UP).amount) == "2.31"
        assert str(eur("2.351").round(ROUND_05UP).amount) == "2.36"
        assert str(eur("2.341").round(ROUND_05UP).amount) == "2.34"

    def test_all_modes_are_listed(self) -> None:
        assert len(ROUNDING_MODES) == 8

    @pytest.mark.parametrize(
        ("amount", "currency", "expected"),
        [
            ("1234.5", "JPY", "1235"),
            ("1234.4999", "JPY", "1234"),
            ("1.2345", "BHD", "1.235"),
            ("1.2344", "BHD", "1.234"),
            ("7", "EUR", "7.00"),
            ("19.999", "USD", "20.00"),
        ],
    )
    def test_rounds_to_the_currency_minor_units(
        self, amount: str, currency: str, expected: str
    ) -> None:
        rounded = Money(amount, currency).round()
        assert str(rounded.amount) == expected
        assert rounded.currency == currency

    def test_explicit_places(self) -> None:
        assert str(eur("1.23456").round(places=4).amount) == "1.2346"
        assert str(eur("1.23456").round(ROUND_DOWN, places=0).amount) == "1"
        assert str(Money("5", "JPY").round(places=2).amount) == "5.00"

    def test_builtin_round(self) -> None:
        assert round(eur("2.345")) == eur("2.35")
        assert str(round(eur("2.34567"), 3).amount) == "2.346"

    def test_rounding_ignores_the_callers_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 2
            ctx.rounding = ROUND_FLOOR
            assert str(eur("1234.565").round().amount) == "1234.57"

    @pytest.mark.parametrize("bad", ["HALF_UP", "round_half_up", "", None, 1.5])
    def test_unknown_mode(self, bad: object) -> None:
        with pytest.raises(ValidationError) as info:
            eur("1").round(bad)  # type: ignore[arg-type]
        assert info.value.path == "rounding"
        assert "ROUND_HALF_UP" in str(info.value)

    @pytest.mark.parametrize("bad", [-1, 29, 2.0, "2", True])
    def test_bad_places(self, bad: object) -> None:
        with pytest.raises(ValidationError) as info:
            eur("1").round(places=bad)  # type: ignore[arg-type]
        assert info.value.path == "places"


# -- allocation -------------------------------------------------------------------------------


class TestAllocation:
    def test_split_in_three(self) -> None:
        assert amounts(eur("100.00").split(3)) == ["33.34", "33.33", "33.33"]

    def test_split_leftover_goes_to_the_first_parts(self) -> None:
        # 1.00 = 100 cents; 100 = 6 * 16 + 4: four parts of 17, two of 16.
        assert amounts(eur("1.00").split(6)) == ["0.17", "0.17", "0.17", "0.17", "0.16", "0.16"]

    def test_split_more_parts_than_units(self) -> None:
        assert amounts(eur("0.02").split(4)) == ["0.01", "0.01", "0.00", "0.00"]

    def test_split_negative(self) -> None:
        assert amounts(eur("-100.00").split(3)) == ["-33.34", "-33.33", "-33.33"]

    def test_split_zero_decimal_currency(self) -> None:
        assert amounts(Money("1000", "JPY").split(3)) == ["334", "333", "333"]

    def test_split_three_decimal_currency(self) -> None:
        assert amounts(Money("1.000", "BHD").split(3)) == ["0.334", "0.333", "0.333"]

    def test_split_into_one(self) -> None:
        assert eur("12.34").split(1) == (eur("12.34"),)

    @pytest.mark.parametrize("bad", [0, -1, 2.0, "3", True, None])
    def test_split_bad_count(self, bad: object) -> None:
        with pytest.raises(ValidationError) as info:
            eur("1").split(bad)  # type: ignore[arg-type]
        assert info.value.path == "parts"

    def test_allocate_five_cents_three_to_seven(self) -> None:
        # Exact shares: 5 * 3/10 = 1.5 and 5 * 7/10 = 3.5 cents. Floors 1 + 3 = 4, one cent
        # left; the remainders tie (0.5 each), so the earlier part gets it: 2 and 3.
        assert amounts(eur("0.05").allocate([3, 7])) == ["0.02", "0.03"]

    def test_allocate_largest_remainder_wins(self) -> None:
        # 100 cents in 1:1:1:1:1:1:4 -> exact 10 x6 and 40: no leftover.
        assert amounts(eur("1.00").allocate([1, 1, 1, 1, 1, 1, 4])) == [
            "0.10",
            "0.10",
            "0.10",
            "0.10",
            "0.10",
            "0.10",
            "0.40",
        ]
        # 10 cents in 1:2:3 (of 6): exact 1.67, 3.33, 5.00; floors 1, 3, 5 -> one cent left;
        # remainders 4/6, 2/6, 0 -> the first part gets it.
        assert amounts(eur("0.10").allocate([1, 2, 3])) == ["0.02", "0.03", "0.05"]
        # 10 cents in 3:2:1: exact 5.00, 3.33, 1.67 -> the last part gets the cent.
        assert amounts(eur("0.10").allocate([3, 2, 1])) == ["0.05", "0.03", "0.02"]

    def test_allocate_decimal_ratios(self) -> None:
        # 0.3 : 0.7 is the same as 3 : 7.
        assert amounts(eur("0.05").allocate([Decimal("0.3"), Decimal("0.7")])) == ["0.02", "0.03"]
        # Percentages 33.3 % / 66.7 % of 10.00: 333 and 667 cents exactly.
        result = eur("10.00").allocate([Decimal("33.3"), Decimal("66.7")])
        assert amounts(result) == ["3.33", "6.67"]

    def test_allocate_zero_ratio_gets_zero(self) -> None:
        assert amounts(eur("0.03").allocate([1, 0, 1])) == ["0.02", "0.00", "0.01"]

    def test_allocate_negative_is_symmetric(self) -> None:
        assert amounts(eur("-0.05").allocate([3, 7])) == ["-0.02", "-0.03"]

    def test_allocate_zero_amount(self) -> None:
        assert amounts(eur("0").allocate([1, 2])) == ["0.00", "0.00"]

    def test_allocate_in_finer_places(self) -> None:
        assert amounts(eur("0.0005").allocate([1, 1], places=4)) == ["0.0003", "0.0002"]

    def test_allocate_refuses_sub_unit_amounts(self) -> None:
        with pytest.raises(ValidationError) as info:
            eur("0.125").allocate([1, 1])
        assert info.value.path == "amount"
        assert "round it first" in str(info.value)
        with pytest.raises(ValidationError):
            eur("0.125").split(2)

    def test_allocate_accepts_trailing_zeros(self) -> None:
        assert amounts(eur("1.000").split(2)) == ["0.50", "0.50"]

    @pytest.mark.parametrize(
        ("ratios", "path"),
        [
            ([], "ratios"),
            ([0, 0], "ratios"),
            ([1, -1], "ratios[1]"),
            ([1, 0.5], "ratios[1]"),
            ([1, "2"], "ratios[1]"),
            ([True], "ratios[0]"),
            ([Decimal("NaN")], "ratios[0]"),
            ("12", "ratios"),
            (None, "ratios"),
        ],
    )
    def test_allocate_bad_ratios(self, ratios: object, path: str) -> None:
        with pytest.raises(ValidationError) as info:
            eur("1.00").allocate(ratios)  # type: ignore[arg-type]
        assert info.value.path == path

    def test_allocate_float_ratio_is_a_type_error(self) -> None:
        with pytest.raises(FloatAmountError):
            eur("1.00").allocate([0.5, 0.5])  # type: ignore[list-item]


@pytest.mark.parametrize("places", [0, 2, 5])
def test_round_with_a_number_asks_for_places_by_name(places):
    with pytest.raises(ValidationError, match=rf"round\(places={places}\)") as info:
        Money("1.555", "EUR").round(places)  # type: ignore[arg-type]
    assert info.value.path == "rounding"
    assert Money("1.555", "EUR").round(places=places).amount == Decimal("1.555").quantize(
        Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP"
    )


def test_round_takes_places_only_by_name():
    with pytest.raises(TypeError):
        Money("1.5", "EUR").round("ROUND_HALF_UP", 0)  # type: ignore[misc]


@pytest.mark.parametrize(
    "amount",
    ["1e999999999", "1E-999999999", "1E+30", 10**30, -(10**5000), Decimal("1E+400")],
    ids=["huge-exponent", "tiny-exponent", "1E+30", "10**30", "-10**5000", "1E+400"],
)
def test_amounts_out_of_the_supported_range_are_refused_at_the_door(amount):
    with pytest.raises(InvalidAmountError, match="supported range") as info:
        Money(amount, "EUR")
    assert info.value.path == "amount"
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("amount", ["1" * 30, "-" + "9" * 30, "0." + "0" * 29 + "1", "0"])
def test_amounts_at_the_edges_of_the_range_are_kept(amount):
    assert Money(amount, "EUR").amount == Decimal(amount)


def test_split_and_allocate_have_a_bounded_number_of_parts():
    from sfa_core.money import MAX_PARTS

    with pytest.raises(ValidationError, match="1 to 1,000,000") as info:
        Money("1", "EUR").split(MAX_PARTS + 1)
    assert info.value.path == "parts"
    with pytest.raises(ValidationError) as info:
        Money("1", "EUR").allocate([1] * (MAX_PARTS + 1))
    assert info.value.path == "ratios"
    with pytest.raises(InvalidAmountError, match="supported range"):
        Money("1", "EUR") * Decimal("1E+999999")


@pytest.mark.parametrize("text", ["0E-58", "-0E-99999", "0E+99", "0E-31"])
def test_a_zero_is_in_range_whatever_its_exponent(text: str) -> None:
    # Exact arithmetic makes such zeros (a price less itself to many places); a
    # priced quote holding one must read back from its own document.
    amount = Money(Decimal(text), "EUR").amount
    assert amount == 0
    assert -30 <= amount.as_tuple().exponent <= 29  # type: ignore[operator]
    assert Money(text, "EUR") == Money("0", "EUR")
