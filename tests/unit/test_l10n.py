"""format_money: locale patterns, minor units, rounding and refusals."""

from __future__ import annotations

import decimal
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

import pytest
from babel import Locale

from sfa_core.errors import ValidationError
from sfa_core.l10n import format_money
from sfa_core.money import Money

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money("1199", "USD"), "en_US", "$1,199.00"),
        (Money("1199", "EUR"), "de_DE", f"1.199,00{NBSP}€"),
        (Money("1199", "JPY"), "ja_JP", "￥1,199"),
        (Money("1199", "EUR"), "en_US", "€1,199.00"),
        (Money("1234567.891", "BHD"), "en_US", "BHD1,234,567.891"),
        (Money("-5.5", "USD"), "en_US", "-$5.50"),
        (Money("0", "EUR"), "fr_FR", f"0,00{NBSP}€"),
    ],
)
def test_locale_patterns(money: Money, locale: str, expected: str) -> None:
    assert format_money(money, locale) == expected


def test_default_locale_is_en_us() -> None:
    assert format_money(Money("1199", "USD")) == "$1,199.00"


def test_accepts_a_babel_locale() -> None:
    assert format_money(Money("1199", "EUR"), Locale.parse("de_DE")) == f"1.199,00{NBSP}€"


def test_rounds_half_up_by_default_like_money_round() -> None:
    assert format_money(Money("0.125", "EUR")) == "€0.13"
    assert format_money(Money("0.125", "EUR"), rounding=ROUND_HALF_EVEN) == "€0.12"
    assert format_money(Money("0.129", "EUR"), rounding=ROUND_DOWN) == "€0.12"
    assert format_money(Money("1234.5", "JPY"), "ja_JP") == "￥1,235"


def test_formatting_leaves_the_callers_context_alone() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = ROUND_DOWN
        assert format_money(Money("123456789.125", "EUR")) == "€123,456,789.13"
        assert decimal.getcontext().rounding == ROUND_DOWN
        assert decimal.getcontext().prec == 5


def test_currency_digits_off_uses_the_pattern() -> None:
    money = Money("1199", "JPY")
    assert format_money(money, "en_US") == "¥1,199"
    assert format_money(money, "en_US", currency_digits=False) == "¥1,199.00"


def test_custom_pattern() -> None:
    money = Money("1234.5", "EUR")
    assert format_money(money, "en_US", format="#,##0.00 ¤¤") == "1,234.50 EUR"
    assert format_money(-money, "en_US", format="¤#,##0.00;(¤#,##0.00)") == "(€1,234.50)"


def test_large_amounts_keep_their_digits() -> None:
    money = Money("12345678901234567890123456789.99", "EUR")
    assert format_money(money) == "€12,345,678,901,234,567,890,123,456,789.99"


@pytest.mark.parametrize("locale", ["xx_XX", "en-US", "!!", "", None, 5])
def test_unknown_locale(locale: object) -> None:
    with pytest.raises(ValidationError) as info:
        format_money(Money("1", "EUR"), locale)  # type: ignore[arg-type]
    assert info.value.path == "locale"
    assert info.value.value == locale


def test_refuses_non_money() -> None:
    with pytest.raises(ValidationError) as info:
        format_money(Decimal("1"), "en_US")  # type: ignore[arg-type]
    assert info.value.path == "money"


def test_refuses_bad_rounding_and_format() -> None:
    with pytest.raises(ValidationError) as info:
        format_money(Money("1", "EUR"), rounding="HALF_UP")
    assert info.value.path == "rounding"
    with pytest.raises(ValidationError) as info:
        format_money(Money("1", "EUR"), format=5)  # type: ignore[arg-type]
    assert info.value.path == "format"
