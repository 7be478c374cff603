"""Exchange rates: dated lookups, inverses, cross rates through a base, conversion, refusals."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import attrs
import cattrs
import pytest

from sfa_core.errors import (
    FloatAmountError,
    InvalidAmountError,
    MissingRateError,
    UnknownCurrencyError,
    ValidationError,
)
from sfa_core.money import ExchangeRate, ExchangeRates, Money

JAN = dt.date(2024, 1, 1)
FEB = dt.date(2024, 2, 1)
MAR = dt.date(2024, 3, 1)


def table(*rates: ExchangeRate, base: str | None = None) -> ExchangeRates:
    return ExchangeRates(rates, base=base)


class TestExchangeRate:
    def test_fields(self) -> None:
        rate = ExchangeRate("EUR", "USD", "1.0837", effective=JAN)
        assert (rate.source, rate.target, rate.rate, rate.effective) == (
            "EUR",
            "USD",
            Decimal("1.0837"),
            JAN,
        )
        assert [field.name for field in attrs.fields(ExchangeRate)] == [
            "source",
            "target",
            "rate",
            "effective",
        ]

    def test_effective_defaults_to_always(self) -> None:
        assert ExchangeRate("EUR", "USD", 2).effective == dt.date.min

    @pytest.mark.parametrize("bad", ["0", 0, "-1.5", Decimal("-0.0001")])
    def test_rate_must_be_positive(self, bad: object) -> None:
        with pytest.raises(ValidationError) as info:
            ExchangeRate("EUR", "USD", bad)  # type: ignore[arg-type]
        assert info.value.path == "rate"

    def test_rate_float_and_garbage(self) -> None:
        with pytest.raises(FloatAmountError) as info:
            ExchangeRate("EUR", "USD", 1.08)  # type: ignore[arg-type]
        assert info.value.path == "rate"
        with pytest.raises(InvalidAmountError):
            ExchangeRate("EUR", "USD", "Infinity")

    def test_currencies_are_validated(self) -> None:
        with pytest.raises(UnknownCurrencyError) as info:
            ExchangeRate("EUX", "USD", 1)
        assert info.value.path == "source"
        with pytest.raises(UnknownCurrencyError) as info:
            ExchangeRate("EUR", "usd", 1)
        assert info.value.path == "target"

    def test_same_currency_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            ExchangeRate("EUR", "EUR", 1)
        assert info.value.path == "target"

    @pytest.mark.parametrize("bad", [dt.datetime(2024, 1, 1), "2024-01-01", None, 20240101])
    def test_effective_must_be_a_date(self, bad: object) -> None:
        with pytest.raises(ValidationError) as info:
            ExchangeRate("EUR", "USD", 1, effective=bad)  # type: ignore[arg-type]
        assert info.value.path == "effective"


class TestTable:
    def test_only_data_fields(self) -> None:
        assert [field.name for field in attrs.fields(ExchangeRates)] == ["rates", "base"]

    def test_equality_and_hash_ignore_the_lookup_cache(self) -> None:
        first = table(ExchangeRate("EUR", "USD", "1.1", JAN))
        second = table(ExchangeRate("EUR", "USD", "1.1", JAN))
        first.rate("EUR", "USD", FEB)  # builds the first table's index only
        assert first == second
        assert hash(first) == hash(second)
        assert first != table(ExchangeRate("EUR", "USD", "1.2", JAN))

    def test_rates_become_a_tuple(self) -> None:
        rates = ExchangeRates([ExchangeRate("EUR", "USD", "1.1", JAN)])
        assert isinstance(rates.rates, tuple)

    @pytest.mark.parametrize("bad", [[("EUR", "USD", "1.1")], "EUR", None, 5])
    def test_items_must_be_rates(self, bad: object) -> None:
        with pytest.raises(ValidationError):
            ExchangeRates(bad)  # type: ignore[arg-type]

    def test_duplicate_pair_and_day_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            table(
                ExchangeRate("EUR", "USD", "1.1", JAN),
                ExchangeRate("EUR", "GBP", "0.8", JAN),
                ExchangeRate("EUR", "USD", "1.2", JAN),
            )
        assert info.value.path == "rates[2]"
        assert "rates[0]" in str(info.value)

    def test_base_is_validated(self) -> None:
        with pytest.raises(UnknownCurrencyError) as info:
            ExchangeRates((), base="eur")
        assert info.value.path == "base"

    def test_serializes_with_plain_cattrs(self) -> None:
        rates = table(
            ExchangeRate("EUR", "USD", "1.1", JAN),
            ExchangeRate("USD", "JPY", "150", FEB),
            base="EUR",
        )
        converter = cattrs.Converter()
        converter.register_unstructure_hook(Decimal, str)
        converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
        converter.register_unstructure_hook(dt.date, dt.date.isoformat)
        converter.register_structure_hook(dt.date, lambda value, _: dt.date.fromisoformat(value))
        data = converter.unstructure(rates)
        assert data == {
            "rates": [
                {"source": "EUR", "target": "USD", "rate": "1.1", "effective": "2024-01-01"},
                {"source": "USD", "target": "JPY", "rate": "150", "effective": "2024-02-01"},
            ],
            "base": "EUR",
        }
        assert converter.structure(data, ExchangeRates) == rates

    def test_pickles(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.1", JAN))
        rates.rate("EUR", "USD", FEB)
        copy = pickle.loads(pickle.dumps(rates))
        assert copy == rates
        assert copy.rate("USD", "EUR", FEB) == rates.rate("USD", "EUR", FEB)


class TestRateLookup:
    def test_rate_applies_from_its_day_until_superseded(self) -> None:
        rates = table(
            ExchangeRate("EUR", "USD", "1.10", JAN),
            ExchangeRate("EUR", "USD", "1.20", MAR),
            ExchangeRate("EUR", "USD", "1.15", FEB),
        )
        assert rates.rate("EUR", "USD", JAN) == Decimal("1.10")
        assert rates.rate("EUR", "USD", dt.date(2024, 1, 31)) == Decimal("1.10")
        assert rates.rate("EUR", "USD", FEB) == Decimal("1.15")
        assert rates.rate("EUR", "USD", dt.date(2024, 2, 29)) == Decimal("1.15")
        assert rates.rate("EUR", "USD", MAR) == Decimal("1.20")
        assert rates.rate("EUR", "USD", dt.date(2030, 1, 1)) == Decimal("1.20")

    def test_before_the_first_day_is_missing(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.10", JAN))
        with pytest.raises(MissingRateError) as info:
            rates.rate("EUR", "USD", dt.date(2023, 12, 31))
        assert (info.value.source, info.value.target, info.value.on) == (
            "EUR",
            "USD",
            dt.date(2023, 12, 31),
        )
        assert str(info.value) == "no exchange rate from EUR to USD on 2023-12-31"

    def test_unknown_pair_is_missing(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.10", JAN))
        with pytest.raises(MissingRateError):
            rates.rate("EUR", "GBP", FEB)
        with pytest.raises(MissingRateError):
            ExchangeRates().rate("EUR", "USD", FEB)

    def test_same_currency_is_one(self) -> None:
        assert ExchangeRates().rate("EUR", "EUR", FEB) == 1

    def test_inverse(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.25", JAN))
        assert rates.rate("USD", "EUR", FEB) == Decimal("0.8")
        rates = table(ExchangeRate("EUR", "USD", "3", JAN))
        assert rates.rate("USD", "EUR", FEB) == Decimal("0." + "3" * 28)

    def test_explicit_inverse_wins(self) -> None:
        rates = table(
            ExchangeRate("EUR", "USD", "1.25", JAN),
            ExchangeRate("USD", "EUR", "0.79", JAN),
        )
        assert rates.rate("USD", "EUR", FEB) == Decimal("0.79")
        assert rates.rate("EUR", "USD", FEB) == Decimal("1.25")

    def test_most_recent_rate_of_either_direction_wins(self) -> None:
        rates = table(
            ExchangeRate("EUR", "USD", "1.25", JAN),
            ExchangeRate("USD", "EUR", "0.5", FEB),
        )
        # January: only EUR -> USD exists; its inverse answers USD -> EUR.
        assert rates.rate("USD", "EUR", JAN) == Decimal("0.8")
        # From February the newer USD -> EUR rate applies both ways.
        assert rates.rate("USD", "EUR", MAR) == Decimal("0.5")
        assert rates.rate("EUR", "USD", MAR) == Decimal("2")

    def test_cross_rate_through_base(self) -> None:
        rates = table(
            ExchangeRate("EUR", "GBP", "0.8", JAN),
            ExchangeRate("EUR", "JPY", "160", JAN),
            base="EUR",
        )
        # 1 GBP = 1/0.8 EUR = 1.25 EUR = 1.25 * 160 JPY = 200 JPY.
        assert rates.rate("GBP", "JPY", FEB) == Decimal("200")
        assert rates.rate("JPY", "GBP", FEB) == Decimal("0.005")

    def test_cross_rate_both_directions_stored(self) -> None:
        rates = table(
            ExchangeRate("GBP", "EUR", "1.25", JAN),
            ExchangeRate("EUR", "JPY", "160", JAN),
            base="EUR",
        )
        assert rates.rate("GBP", "JPY", FEB) == Decimal("200")
        rates = table(
            ExchangeRate("GBP", "EUR", "1.25", JAN),
            ExchangeRate("JPY", "EUR", "0.00625", JAN),
            base="EUR",
        )
        assert rates.rate("GBP", "JPY", FEB) == Decimal("200")
        assert rates.rate("JPY", "GBP", FEB) == Decimal("0.005")

    def test_cross_rate_is_rounded_once(self) -> None:
        rates = table(
            ExchangeRate("EUR", "USD", "1.08", JAN),
            ExchangeRate("EUR", "JPY", "160", JAN),
            base="EUR",
        )
        # 160 / 1.08 = 148.148148..., to 28 significant digits.
        assert rates.rate("USD", "JPY", FEB) == Decimal("148.1481481481481481481481481")
        rates = table(
            ExchangeRate("EUR", "GBP", "0.85", JAN),
            ExchangeRate("EUR", "JPY", "150", JAN),
            base="EUR",
        )
        # 150 / 0.85 = 176.47058823529411764705882352941...; going through a rounded
        # 1 / 0.85 first would end in ...236.
        assert rates.rate("GBP", "JPY", FEB) == Decimal("176.4705882352941176470588235")

    def test_no_cross_rate_without_base(self) -> None:
        rates = table(
            ExchangeRate("EUR", "GBP", "0.8", JAN),
            ExchangeRate("EUR", "JPY", "160", JAN),
        )
        with pytest.raises(MissingRateError):
            rates.rate("GBP", "JPY", FEB)

    def test_cross_rate_needs_both_legs_on_the_day(self) -> None:
        rates = table(
            ExchangeRate("EUR", "GBP", "0.8", JAN),
            ExchangeRate("EUR", "JPY", "160", MAR),
            base="EUR",
        )
        with pytest.raises(MissingRateError):
            rates.rate("GBP", "JPY", FEB)
        assert rates.rate("GBP", "JPY", MAR) == Decimal("200")

    def test_direct_rate_beats_cross_rate(self) -> None:
        rates = table(
            ExchangeRate("EUR", "GBP", "0.8", JAN),
            ExchangeRate("EUR", "JPY", "160", JAN),
            ExchangeRate("GBP", "JPY", "199", JAN),
            base="EUR",
        )
        assert rates.rate("GBP", "JPY", FEB) == Decimal("199")

    def test_lookup_arguments_are_validated(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.1", JAN))
        with pytest.raises(UnknownCurrencyError) as info:
            rates.rate("EUR", "XXY", FEB)
        assert info.value.path == "target"
        with pytest.raises(ValidationError) as error:
            rates.rate("EUR", "USD", dt.datetime(2024, 2, 1))  # type: ignore[arg-type]
        assert error.value.path == "on"
        with pytest.raises(ValidationError):
            rates.rate("EUR", "USD", "2024-02-01")  # type: ignore[arg-type]

    def test_many_rates_lookup(self) -> None:
        days = [JAN + dt.timedelta(days=n) for n in range(0, 365, 7)]
        rates = ExchangeRates(
            tuple(ExchangeRate("EUR", "USD", Decimal(100 + n), day) for n, day in enumerate(days))
        )
        for n, day in enumerate(days):
            assert rates.rate("EUR", "USD", day + dt.timedelta(days=6)) == Decimal(100 + n)


class TestConvert:
    def test_rounds_to_the_target_minor_units(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.0837", JAN))
        # 19.99 * 1.0837 = 21.663163 -> 21.66
        assert rates.convert(Money("19.99", "EUR"), "USD", FEB) == Money("21.66", "USD")
        assert str(rates.convert(Money("19.99", "EUR"), "USD", FEB).amount) == "21.66"

    def test_zero_and_three_decimal_targets(self) -> None:
        rates = table(
            ExchangeRate("EUR", "JPY", "161.53", JAN),
            ExchangeRate("EUR", "BHD", "0.4091", JAN),
        )
        # 10.00 * 161.53 = 1615.3 -> 1615
        assert str(rates.convert(Money("10.00", "EUR"), "JPY", FEB).amount) == "1615"
        # 10.00 * 0.4091 = 4.091
        assert str(rates.convert(Money("10.00", "EUR"), "BHD", FEB).amount) == "4.091"

    def test_rounding_mode_and_places(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.5", JAN))
        # 0.05 * 1.5 = 0.075
        money = Money("0.05", "EUR")
        assert str(rates.convert(money, "USD", FEB).amount) == "0.08"
        assert str(rates.convert(money, "USD", FEB, rounding=ROUND_HALF_EVEN).amount) == "0.08"
        assert str(rates.convert(money, "USD", FEB, rounding=ROUND_DOWN).amount) == "0.07"
        assert str(rates.convert(money, "USD", FEB, places=4).amount) == "0.0750"

    def test_inverse_conversion(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.25", JAN))
        assert rates.convert(Money("10.00", "USD"), "EUR", FEB) == Money("8.00", "EUR")

    def test_convert_is_exact_before_rounding(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.000000000000000000000000000005", JAN))
        amount = Money("100000000000000000000.00", "EUR")
        # 1e20 * (1 + 5e-30) = 1e20 + 5e-10: rounds to 1e20 with any mode but ROUND_UP.
        assert rates.convert(amount, "USD", FEB).amount == Decimal("100000000000000000000.00")
        assert rates.convert(amount, "USD", FEB, rounding="ROUND_UP").amount == Decimal(
            "100000000000000000000.01"
        )

    def test_same_currency_only_rounds(self) -> None:
        assert ExchangeRates().convert(Money("1.005", "EUR"), "EUR", FEB) == Money("1.01", "EUR")

    def test_missing_rate(self) -> None:
        with pytest.raises(MissingRateError):
            ExchangeRates().convert(Money("1", "EUR"), "USD", FEB)

    def test_bad_arguments(self) -> None:
        rates = table(ExchangeRate("EUR", "USD", "1.5", JAN))
        with pytest.raises(ValidationError) as info:
            rates.convert(Decimal("1"), "USD", FEB)  # type: ignore[arg-type]
        assert info.value.path == "money"
        with pytest.raises(UnknownCurrencyError) as unknown:
            rates.convert(Money("1", "EUR"), "usd", FEB)
        assert unknown.value.path == "to"
        with pytest.raises(ValidationError) as info:
            rates.convert(Money("1", "EUR"), "USD", FEB, rounding="UP")
        assert info.value.path == "rounding"
        with pytest.raises(ValidationError) as info:
            rates.convert(Money("1", "EUR"), "USD", FEB, places=-1)
        assert info.value.path == "places"
