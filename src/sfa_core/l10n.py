"""Locale-aware display of money, with babel's CLDR data.

Formatting is kept apart from :mod:`sfa_core.money` so that computing with money
never pays for loading locale data.

>>> from sfa_core.money import Money
>>> from sfa_core.l10n import format_money, parse_money
>>> format_money(Money("1199", "USD"), "en_US")
'$1,199.00'
>>> parse_money("1.199,00 €", locale="de_DE")
Money(amount=Decimal('1199.00'), currency='EUR')
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata

from babel.core import Locale, UnknownLocaleError, get_global
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
    parse_decimal,
)

from sfa_core.errors import InvalidAmountError, ValidationError, _shown
from sfa_core.money import DEFAULT_ROUNDING, ROUNDING_MODES, Money, validate_currency

__all__ = ["format_money", "parse_money"]

# Babel rounds with the current decimal context; these give it a wide precision and the
# requested mode without touching the caller's context.
_CONTEXTS = {
    mode: decimal.Context(
        prec=100,
        rounding=mode,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )
    for mode in ROUNDING_MODES
}


@functools.lru_cache(maxsize=256)
def _parse_locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def _locale(locale: str | Locale) -> Locale:
    if isinstance(locale, Locale):
        return locale
    if not isinstance(locale, str):
        raise ValidationError(
            "must be a locale identifier such as 'en_US'", path="locale", value=locale
        )
    try:
        return _parse_locale(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            "unknown locale; use an identifier such as 'en_US' or 'de_DE'",
            path="locale",
            value=locale,
        ) from None


def format_money(
    money: Money,
    locale: str | Locale = "en_US",
    *,
    format: str | None = None,
    currency_digits: bool = True,
    rounding: str = DEFAULT_ROUNDING,
) -> str:
    r"""Return ``money`` written the way ``locale`` writes amounts of money.

    Args:
        money: The amount to display.
        locale: A babel locale identifier such as ``"de_DE"`` (or a ``babel.Locale``).
        format: A CLDR number pattern such as ``"¤#,##0.00"``; the locale's standard
            currency pattern when ``None``.
        currency_digits: Show the currency's minor units (2 for EUR, 0 for JPY) rather
            than the pattern's number of decimals.
        rounding: How to round to the displayed decimals, a :mod:`decimal` rounding mode
            (``ROUND_HALF_UP`` by default, like :meth:`Money.round`).

    Returns:
        The formatted text. Some locales put a no-break space (``"\xa0"``) between
        number and symbol.

    Raises:
        ValidationError: ``money`` is not a Money (path ``"money"``), the locale is
            unknown (path ``"locale"``), the pattern is not a string (path ``"format"``)
            or the rounding mode is unknown (path ``"rounding"``).

    >>> format_money(Money("1199", "EUR"), "de_DE")
    '1.199,00\xa0€'
    >>> format_money(Money("1199", "JPY"), "ja_JP")
    '￥1,199'
    >>> format_money(Money("0.125", "EUR"), "en_US")
    '€0.13'
    >>> format_money(Money("1", "EUR"), "xx_XX")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: locale: unknown locale; ... (got 'xx_XX')
    """
    if not isinstance(money, Money):
        raise ValidationError("must be a Money", path="money", value=money)
    context = _CONTEXTS.get(rounding) if rounding.__class__ is str else None
    if context is None:
        raise ValidationError(
            "must be one of the decimal rounding modes " + ", ".join(sorted(ROUNDING_MODES)),
            path="rounding",
            value=rounding,
        )
    parsed = _locale(locale)
    if format is not None and not isinstance(format, str):
        raise ValidationError("must be a CLDR number pattern or None", path="format", value=format)
    with decimal.localcontext(context):
        return format_currency(
            money.amount,
            money.currency,
            format=format,
            locale=parsed,
            currency_digits=currency_digits,
        )


#: Longest text :func:`parse_money` reads: far more than any amount in the supported range.
_MAX_TEXT = 256
#: Invisible marks that right-to-left locales put around numbers and symbols.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The number inside an amount's text: from its first digit to its last.
_DIGITS = re.compile(r"[0-9](?:.*[0-9])?", re.S)
_SPACES = re.compile(r"\s+")
_ASCII_DIGITS = re.compile("[0-9]+")


@functools.lru_cache(maxsize=64)
def _symbols(identifier: str) -> dict[str, tuple[str, ...]]:
    """For one locale: each currency symbol it writes, with the codes written so."""
    locale = _parse_locale(identifier)
    found: dict[str, set[str]] = {}
    for code, symbol in locale.currency_symbols.items():
        try:
            validate_currency(code)
        except ValidationError:  # a code babel lists but money does not use
            continue
        found.setdefault(_folded(symbol), set()).add(code)
    return {symbol: tuple(sorted(codes)) for symbol, codes in found.items()}


@functools.lru_cache(maxsize=64)
def _default_currency(territory: str | None) -> str | None:
    """The currency CLDR says a territory uses now (open-ended and legal tender)."""
    if not territory:
        return None
    for code, _start, end, tender in get_global("territory_currencies").get(territory, ()):
        if end is None and tender:
            return str(code)
    return None


@functools.lru_cache(maxsize=64)
def _signs(identifier: str) -> tuple[frozenset[str], frozenset[str]]:
    """The characters ``locale`` writes for minus and plus (besides ASCII ``-`` and ``+``)."""
    locale = _parse_locale(identifier)
    minus = {"-", "\u2212", _clean(get_minus_sign_symbol(locale))[-1:]}
    plus = {"+", _clean(get_plus_sign_symbol(locale))[-1:]}
    return frozenset(minus - {""}), frozenset(plus - {""})


def _folded(symbol: str) -> str:
    """A symbol as it is compared: no invisible marks, compatibility forms folded (¥ for ￥)."""
    return unicodedata.normalize("NFKC", _clean(symbol))


def _clean(text: str) -> str:
    return _BIDI.sub("", text).strip()


def _sign_and_marker(affix: str, signs: frozenset[str]) -> tuple[str, str]:
    """Split the text before (or after) the number into its sign and currency marker."""
    part = _clean(affix)
    if part[:1] in signs:
        return part[0], part[1:].strip()
    if part[-1:] in signs:
        return part[-1], part[:-1].strip()
    return "", part


def parse_money(text: str, *, currency: str | None = None, locale: str | Locale = "en_US") -> Money:
    r"""Read an amount of money written the way ``locale`` writes it; :func:`format_money` reversed.

    The text holds a number in the locale's notation (its decimal and group symbols)
    and a currency: an ISO 4217 code (``"USD 5.00"``) or a symbol the locale uses
    (``"12,30 €"`` in ``de_DE``), before or after the number, with a minus or plus
    sign on either side. The amount keeps the decimals written (``"12,30"`` is
    ``Decimal("12.30")``); nothing is rounded.

    A symbol means what the locale says it means (``"$"`` is USD in ``en_US``, CAD
    in ``en_CA``). A symbol the locale does not use, such as ``"$"`` in ``fr_FR``,
    needs ``currency`` (it is accepted when it is that currency's symbol at home),
    unless it is the locale's own currency's symbol at home. Text with no currency
    at all needs ``currency``.

    Args:
        text: The amount as written, for example ``"1.234,56 €"``.
        currency: The currency the text must be in. A code or symbol in the text
            that names another currency is refused.
        locale: A babel locale identifier such as ``"de_DE"`` (or a ``babel.Locale``).

    Returns:
        The amount as a :class:`~sfa_core.money.Money`.

    Raises:
        InvalidAmountError: The text is not an amount in this locale's notation, or
            names a currency the locale does not know (path ``"text"``).
        ValidationError: The text names a currency other than ``currency``, names
            none when ``currency`` is not given, or uses a symbol several
            currencies share (path ``"text"``); or ``currency`` is not a known
            code (path ``"currency"``), or the locale is unknown (path ``"locale"``).

    >>> parse_money("12,30\xa0€", locale="de_DE")
    Money(amount=Decimal('12.30'), currency='EUR')
    >>> parse_money("-$1,234.50", locale="en_US")
    Money(amount=Decimal('-1234.50'), currency='USD')
    >>> parse_money("USD 5.00")
    Money(amount=Decimal('5.00'), currency='USD')
    >>> parse_money("12.30", currency="CHF")
    Money(amount=Decimal('12.30'), currency='CHF')
    >>> parse_money("5,00 $", currency="CAD", locale="fr_FR")
    Money(amount=Decimal('5.00'), currency='CAD')
    >>> parse_money("12,30 €", currency="USD", locale="de_DE")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: text: is written in EUR, not in USD as asked (got '12,30 €')
    >>> parse_money("twelve euros", locale="de_DE")
    Traceback (most recent call last):
    ...
    sfa_core.errors.InvalidAmountError: text: holds no number (got 'twelve euros')
    """
    if not isinstance(text, str):
        raise ValidationError("must be text", path="text", value=text)
    if currency is not None:
        currency = validate_currency(currency)
    parsed = _locale(locale)
    if len(text) > _MAX_TEXT:
        raise InvalidAmountError(
            f"is too long for an amount (at most {_MAX_TEXT} characters)", path="text", value=text
        )
    found = _DIGITS.search(text)
    if found is None:
        raise InvalidAmountError("holds no number", path="text", value=text)
    minus, plus = _signs(str(parsed))
    before_sign, before = _sign_and_marker(text[: found.start()], minus | plus)
    after_sign, after = _sign_and_marker(text[found.end() :], minus | plus)
    if before_sign and after_sign:
        raise InvalidAmountError("has two signs", path="text", value=text)
    if before and after:
        raise InvalidAmountError(
            f"has text both before and after the number ({before!r}, {after!r})",
            path="text",
            value=text,
        )
    amount = _number(found.group(), parsed, text)
    if (before_sign or after_sign) in minus:
        amount = amount.copy_negate()
    code = _currency_of(before or after, currency, parsed, text)
    try:
        return Money(amount, code)
    except InvalidAmountError as exc:  # out of the supported range
        raise InvalidAmountError(exc.reason, path="text", value=text) from None


def _number(number: str, locale: Locale, text: str) -> decimal.Decimal:
    """The number (digits, group and decimal symbols) in ``locale``'s notation.

    Groups must be where the locale puts them, in its number or its currency
    pattern (``1,23,456.00`` in ``en_IN``), so that ``"12.30"`` is not read as
    ``1230`` in ``de_DE``.
    """
    group = get_group_symbol(locale)
    point = get_decimal_symbol(locale)
    if group.isspace():  # typed with ordinary spaces where the locale writes a no-break one
        number = _SPACES.sub(group, number)
    whole, _, fraction = number.partition(point)
    groups = whole.split(group)
    if not all(map(_ASCII_DIGITS.fullmatch, groups)) or (
        fraction and not _ASCII_DIGITS.fullmatch(fraction)
    ):
        raise InvalidAmountError(
            f"is not a number as {locale} writes numbers", path="text", value=text
        )
    if len(groups) > 1 and not any(
        _grouped(groups, pattern.grouping)
        for pattern in (locale.decimal_formats[None], locale.currency_formats["standard"])
    ):
        _check_as_babel_writes(number, locale, text)
    try:
        with decimal.localcontext(_CONTEXTS[DEFAULT_ROUNDING]):
            return parse_decimal(number, locale)
    except (NumberFormatError, decimal.DecimalException):
        raise InvalidAmountError(
            f"is not a number as {locale} writes numbers", path="text", value=text
        ) from None


def _grouped(groups: list[str], grouping: tuple[int, int]) -> bool:
    """Whether digit groups (most significant first) follow ``(primary, secondary)`` sizes."""
    primary, secondary = grouping
    *rest, last = groups
    first, *middle = rest
    return (
        len(last) == primary
        and all(len(part) == secondary for part in middle)
        and 1 <= len(first) <= secondary
    )


def _check_as_babel_writes(number: str, locale: Locale, text: str) -> None:
    """Refuse a number unless babel writes its digit groups so (its strict check)."""
    try:
        with decimal.localcontext(_CONTEXTS[DEFAULT_ROUNDING]):
            parse_decimal(number, locale, strict=True)
    except NumberFormatError as exc:
        hint = " or ".join(_shown(suggestion) for suggestion in exc.suggestions or ())
        hint = f"; did you mean {hint}?" if hint else ""
        raise InvalidAmountError(
            f"does not group digits the way {locale} does{hint}", path="text", value=text
        ) from None
    except decimal.DecimalException:
        raise InvalidAmountError(
            f"is not a number as {locale} writes numbers", path="text", value=text
        ) from None


def _currency_of(marker: str, currency: str | None, locale: Locale, text: str) -> str:
    """The currency a code or symbol stands for in ``locale``, checked against ``currency``.

    A currency's symbol at home (``"$"`` for CAD in Canada, ``"kr"`` for SEK in
    Sweden) is accepted for ``currency``, even where the locale gives the symbol to
    another currency; and for the locale's own currency when the locale does not
    use the symbol at all.
    """
    if not marker:
        if currency is None:
            raise ValidationError(
                "names no currency; pass currency=... to say which", path="text", value=text
            )
        return currency
    try:
        codes: tuple[str, ...] = (validate_currency(marker),)
    except ValidationError:
        codes = _symbols(str(locale)).get(_folded(marker), ())
    if currency is not None:
        if currency in codes or _folded(marker) in _home_symbols(currency):
            return currency
        if codes:
            raise ValidationError(
                f"is written in {' or '.join(codes)}, not in {currency} as asked",
                path="text",
                value=text,
            )
        raise InvalidAmountError(
            f"{marker!r} is not a symbol of {currency}, nor a currency code or a symbol "
            f"{locale} uses",
            path="text",
            value=text,
        )
    if len(codes) == 1:
        return codes[0]
    own = _default_currency(locale.territory)
    if own is not None and (own in codes or (not codes and _folded(marker) in _home_symbols(own))):
        return own
    if codes:
        raise ValidationError(
            f"{marker!r} stands for several currencies in {locale} ({', '.join(codes)}); "
            "pass currency=... to say which",
            path="text",
            value=text,
        )
    raise InvalidAmountError(
        f"{marker!r} is not a currency code or a symbol {locale} uses; "
        "pass currency=... if it stands for one",
        path="text",
        value=text,
    )


@functools.lru_cache(maxsize=64)
def _home_symbols(code: str) -> frozenset[str]:
    """The symbols ``code`` has in the territories that use it, each in its likely locale."""
    subtags = get_global("likely_subtags")
    symbols = set()
    for territory in get_global("territory_currencies"):
        if _default_currency(territory) != code:
            continue
        # CLDR leaves out the territories whose likely language is English
        tag = subtags.get(f"und_{territory}", f"en_{territory}")
        try:
            home = _parse_locale(tag)
        except (UnknownLocaleError, ValueError):
            continue
        symbols.add(_folded(home.currency_symbols.get(code, code)))
    return frozenset(symbols)
