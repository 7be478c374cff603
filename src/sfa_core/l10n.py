"""Locale-aware display of money, with babel's CLDR data.

Formatting is kept apart from :mod:`sfa_core.money` so that computing with money
never pays for loading locale data.

>>> from sfa_core.money import Money
>>> from sfa_core.l10n import format_money
>>> format_money(Money("1199", "USD"), "en_US")
'$1,199.00'
"""

from __future__ import annotations

import decimal
import functools

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency

from sfa_core.errors import ValidationError
from sfa_core.money import DEFAULT_ROUNDING, ROUNDING_MODES, Money

__all__ = ["format_money"]

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
