"""``parse_money`` reads back what ``format_money`` writes, in every locale.

The issue: a host that displays amounts with ``format_money`` had no way to read
an amount a user typed in the same notation (``"1.234,56 €"`` in ``de_DE``), and
a naive ``Decimal(text.replace(",", "."))`` misreads ``"12.30"`` in German as
1230. ``parse_money`` reads the locale's notation strictly, resolves codes and
symbols to currencies, and names the text in every error.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from sfa_core.errors import InvalidAmountError, UnknownCurrencyError, ValidationError
from sfa_core.l10n import format_money, parse_money
from sfa_core.money import Money, currency_precision

LOCALES = [
    "en_US",
    "en_IE",
    "en_IN",
    "de_DE",
    "de_CH",
    "fr_FR",
    "fr_CA",
    "nl_NL",
    "sv_SE",
    "ja_JP",
    "ar_EG",
    "he_IL",
    "hi_IN",
    "pt_BR",
]
CURRENCIES = ["EUR", "USD", "JPY", "BHD", "GBP", "CHF", "INR", "SEK"]


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("12,30 €", "de_DE", Money("12.30", "EUR")),
        ("12,30\xa0€", "de_DE", Money("12.30", "EUR")),
        ("€12.30", "en_IE", Money("12.30", "EUR")),
        ("1.234,56 €", "de_DE", Money("1234.56", "EUR")),
        ("-12,30 €", "de_DE", Money("-12.30", "EUR")),
        ("\u221212,30 €", "de_DE", Money("-12.30", "EUR")),
        ("USD 5.00", "en_US", Money("5.00", "USD")),
        ("5.00 USD", "en_US", Money("5.00", "USD")),
        ("-$1,234.50", "en_US", Money("-1234.50", "USD")),
        ("$5", "en_CA", Money("5", "CAD")),
        ("€\xa0-1.234,50", "nl_NL", Money("-1234.50", "EUR")),
        ("CHF-1'234.50", "de_CH", Money("-1234.50", "CHF")),
        ("1 234,50 €", "fr_FR", Money("1234.50", "EUR")),  # ordinary spaces for no-break ones
        ("¥1,000", "ja_JP", Money("1000", "JPY")),  # half-width yen for the full-width one
        ("₹1,23,456.50", "en_IN", Money("123456.50", "INR")),
        ("\u200f-1,234.50\xa0\u200f₪", "he_IL", Money("-1234.50", "ILS")),
    ],
)
def test_reads_amounts_as_the_locale_writes_them(text: str, locale: str, expected: Money) -> None:
    assert parse_money(text, locale=locale) == expected


def test_keeps_the_decimals_written() -> None:
    assert str(parse_money("12,30 €", locale="de_DE").amount) == "12.30"
    assert str(parse_money("12.345 USD").amount) == "12.345"


def test_accepts_a_babel_locale_and_defaults_to_en_us() -> None:
    assert parse_money("€12.30", locale=Locale.parse("en_IE")) == Money("12.30", "EUR")
    assert parse_money("$12.30") == Money("12.30", "USD")


def test_currency_fills_in_a_bare_number_and_must_agree_with_the_text() -> None:
    assert parse_money("12,30", currency="EUR", locale="de_DE") == Money("12.30", "EUR")
    assert parse_money("12,30 €", currency="EUR", locale="de_DE") == Money("12.30", "EUR")
    with pytest.raises(ValidationError, match="names no currency") as info:
        parse_money("12,30", locale="de_DE")
    assert (info.value.path, info.value.value) == ("text", "12,30")


@pytest.mark.parametrize(
    ("text", "currency", "locale"),
    [("12,30 €", "USD", "de_DE"), ("USD 5.00", "EUR", "en_US"), ("€5", "GBP", "en_GB")],
)
def test_a_code_or_symbol_contradicting_currency_is_refused(
    text: str, currency: str, locale: str
) -> None:
    with pytest.raises(ValidationError) as info:
        parse_money(text, currency=currency, locale=locale)
    assert (info.value.path, info.value.value) == ("text", text)
    assert f"not in {currency}" in str(info.value)


def test_a_symbol_the_locale_does_not_use_needs_currency() -> None:
    with pytest.raises(InvalidAmountError, match="pass currency=") as info:
        parse_money("5,00 $", locale="fr_FR")  # fr_FR writes "$US", "$CA"...
    assert (info.value.path, info.value.value) == ("text", "5,00 $")
    assert parse_money("5,00 $", currency="CAD", locale="fr_FR") == Money("5.00", "CAD")
    assert parse_money("5,00 $", currency="USD", locale="fr_FR") == Money("5.00", "USD")
    # "$" is the Canadian dollar's symbol at home, even where it means USD
    assert parse_money("$5", currency="CAD", locale="en_US") == Money("5", "CAD")
    # the locale's own currency's symbol at home: "kr" for SEK, where en_SE writes "SEK"
    assert parse_money("5 kr", locale="en_SE") == Money("5", "SEK")
    with pytest.raises(InvalidAmountError, match="'kr' is not a currency code"):
        parse_money("5 kr", locale="en_US")


@pytest.mark.parametrize(
    ("text", "locale", "reason"),
    [
        ("twelve euros", "de_DE", "holds no number"),
        ("12.30 €", "de_DE", "does not group digits the way de_DE does"),  # not 1230
        ("30.00", "de_DE", "did you mean '3.000' or '30'?"),
        ("1,2345.00 USD", "en_US", "does not group digits"),
        ("1e5 €", "de_DE", "is not a number as de_DE writes numbers"),
        ("1_000 €", "de_DE", "is not a number"),
        ("12,3,4 €", "de_DE", "is not a number"),
        ("12,30 zorks", "de_DE", "'zorks' is not a currency code or a symbol de_DE uses"),
        ("EUR 12,30 €", "de_DE", "has text both before and after the number"),
        ("-12,30 €-", "de_DE", "has two signs"),
        ("--12 EUR", "en_US", "has text both before and after the number ('-', 'EUR')"),
        ("1" * 31 + " EUR", "en_US", "out of the supported range"),
        ("1" * 300, "en_US", "too long"),
    ],
)
def test_garbage_is_refused_naming_the_text(text: str, locale: str, reason: str) -> None:
    with pytest.raises(InvalidAmountError) as info:
        parse_money(text, currency="EUR" if text == "30.00" else None, locale=locale)
    assert info.value.path == "text"
    assert info.value.value == text
    assert reason in str(info.value)


def test_bad_arguments_name_their_field() -> None:
    with pytest.raises(ValidationError) as info:
        parse_money(12.3)  # type: ignore[arg-type]
    assert (info.value.path, info.value.value) == ("text", 12.3)
    with pytest.raises(UnknownCurrencyError) as unknown:
        parse_money("12.30", currency="eur")
    assert (unknown.value.path, unknown.value.currency) == ("currency", "eur")
    with pytest.raises(ValidationError) as bad_locale:
        parse_money("12.30 EUR", locale="xx_XX")
    assert (bad_locale.value.path, bad_locale.value.value) == ("locale", "xx_XX")


@st.composite
def moneys(draw: st.DrawFn) -> Money:
    """Amounts within the supported range, with the currency's own decimals."""
    currency = draw(st.sampled_from(CURRENCIES))
    places = currency_precision(currency)
    units = draw(
        st.one_of(
            st.integers(-(10**8), 10**8),
            st.integers(-(10 ** (29 + places)), 10 ** (29 + places)),
        )
    )
    return Money(Decimal(units).scaleb(-places), currency)


@given(moneys(), st.sampled_from(LOCALES))
def test_parse_money_reads_back_what_format_money_writes(money: Money, locale: str) -> None:
    text = format_money(money, locale=locale)
    assert parse_money(text, locale=locale) == money
    assert parse_money(text, currency=money.currency, locale=locale) == money


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("amount", ["0", "0.01", "-0.5", "1234567.89", "-98765432109876.54"])
def test_round_trip_examples(locale: str, amount: str) -> None:
    for currency in CURRENCIES:
        money = Money(amount, currency).round()
        assert parse_money(format_money(money, locale=locale), locale=locale) == money
