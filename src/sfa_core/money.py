"""Exact amounts of money in ISO 4217 currencies, rounding, allocation and exchange rates.

A :class:`Money` is a ``Decimal`` amount and a currency code, nothing else. Floats are
refused, currencies never mix silently, every rounding names its mode, and splitting an
amount never loses or invents a minor unit.

>>> from decimal import Decimal
>>> from sfa_core.money import Money
>>> price = Money("19.99", "EUR")
>>> price * 3
Money(amount=Decimal('59.97'), currency='EUR')
>>> (price * Decimal("0.15")).round()
Money(amount=Decimal('3.00'), currency='EUR')
>>> [str(part) for part in Money("100.00", "EUR").split(3)]
['33.34 EUR', '33.33 EUR', '33.33 EUR']

Arithmetic never depends on the caller's ``decimal`` context. Sums, differences and
products are exact (up to 100 significant digits; beyond that an
:class:`~sfa_core.errors.InvalidAmountError` is raised rather than a digit being dropped).
Division rounds the quotient to 28 significant digits with ``ROUND_HALF_EVEN``; use
:meth:`Money.allocate` or :meth:`Money.split` to divide an amount into parts that add up.

Currency data (the known codes and their minor units) comes from babel and is loaded on
first use, so importing this module stays cheap.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence, Sized
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
from typing import Final

import attrs

from sfa_core._fast import builder
from sfa_core._validate import in_range, require_day, require_decimal
from sfa_core.errors import (
    CurrencyMismatchError,
    FloatAmountError,
    InvalidAmountError,
    MissingRateError,
    UnknownCurrencyError,
    ValidationError,
    _shown,
)

__all__ = [
    "DEFAULT_ROUNDING",
    "MAX_PARTS",
    "ROUNDING_MODES",
    "ExchangeRate",
    "ExchangeRates",
    "Money",
    "currency_precision",
    "validate_currency",
]

#: The rounding mode used when none is given. Halves round away from zero (0.125 -> 0.13).
DEFAULT_ROUNDING: Final = ROUND_HALF_UP

#: Every rounding mode of the :mod:`decimal` module, by name (``"ROUND_HALF_UP"``...).
ROUNDING_MODES: Final = frozenset(
    {
        ROUND_05UP,
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    }
)

_Number = Decimal | int
_AmountLike = Decimal | int | str

# Significant digits kept by sums and products (exact up to this size) and by quotients.
_EXACT_DIGITS: Final = 100
_DIVISION_DIGITS: Final = 28
_MAX_PLACES: Final = 28

_COMMON_TRAPS: Final = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
# Sums and products: exact, or an error (Inexact is trapped).
_EXACT: Final = decimal.Context(
    prec=_EXACT_DIGITS, rounding=ROUND_HALF_EVEN, traps=[*_COMMON_TRAPS, decimal.Inexact]
)
# Rounding to a quantum and products that are rounded right after (conversions).
_ROUNDING: Final = decimal.Context(
    prec=_EXACT_DIGITS, rounding=ROUND_HALF_EVEN, traps=_COMMON_TRAPS
)
# Quotients, inverse and cross rates.
_DIVISION: Final = decimal.Context(
    prec=_DIVISION_DIGITS, rounding=ROUND_HALF_EVEN, traps=_COMMON_TRAPS
)
_exact_add = _EXACT.add
_exact_subtract = _EXACT.subtract
_exact_multiply = _EXACT.multiply

# One quantum per number of places: _QUANTA[2] == Decimal("0.01").
_QUANTA: Final = tuple(Decimal(1).scaleb(-places) for places in range(_MAX_PLACES + 1))

# Filled from babel on first use: code -> minor units, code -> quantum of the minor unit.
_PRECISION: dict[str, int] = {}
_QUANTUM: dict[str, Decimal] = {}

_new = object.__new__


def _load_currencies() -> None:
    """Fill the currency caches from babel (once)."""
    if _PRECISION:
        return
    from babel.numbers import get_currency_precision, list_currencies

    precision = {
        code: get_currency_precision(code)
        for code in list_currencies()
        if len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
    }
    # Each update is a single step, so another thread never sees a half-filled table.
    _QUANTUM.update({code: _QUANTA[places] for code, places in precision.items()})
    _PRECISION.update(precision)


def validate_currency(code: str, *, path: str = "currency") -> str:
    """Return ``code`` if it is an ISO 4217 currency code known to babel.

    Codes are three upper-case letters; ``"eur"`` is refused rather than guessed.

    Args:
        code: The code to check, for example ``"EUR"``.
        path: Where the code sits, used in the error (``"currency"`` by default).

    Returns:
        The code, as a plain ``str``.

    Raises:
        UnknownCurrencyError: ``code`` is not a known upper-case ISO 4217 code.

    >>> validate_currency("JPY")
    'JPY'
    >>> validate_currency("eur", path="quote.currency")
    Traceback (most recent call last):
    ...
    sfa_core.errors.UnknownCurrencyError: quote.currency: unknown ISO 4217 ... (got 'eur')
    """
    if code.__class__ is str and code in _PRECISION:
        return code
    _load_currencies()
    if isinstance(code, str) and code in _PRECISION:
        return str(code)
    raise UnknownCurrencyError(code, path=path)


def currency_precision(code: str) -> int:
    """Return the number of minor-unit digits of a currency, from babel's data.

    Args:
        code: An ISO 4217 code such as ``"EUR"``.

    Returns:
        The number of digits after the decimal point (2 for EUR, 0 for JPY, 3 for BHD).

    Raises:
        UnknownCurrencyError: ``code`` is not a known ISO 4217 code.

    >>> currency_precision("EUR"), currency_precision("JPY"), currency_precision("BHD")
    (2, 0, 3)
    """
    return _PRECISION[validate_currency(code)]


def _currency_quantum(code: str) -> Decimal:
    try:
        return _QUANTUM[code]
    except KeyError:
        return _QUANTUM[validate_currency(code)]


def _to_currency(code: str) -> str:
    if code.__class__ is str and code in _PRECISION:
        return code
    return validate_currency(code)


#: The most shares :meth:`Money.split` and :meth:`Money.allocate` make (each
#: share is a value: a bound on the memory and time one call may take).
MAX_PARTS = 1_000_000


def _operand(value: object, path: str) -> Decimal | int | None:
    """Check a multiplier or divisor: Decimal or int; ``None`` means "not a number type"."""
    cls = value.__class__
    if cls is int:
        return value  # type: ignore[return-value]
    if cls is Decimal or isinstance(value, Decimal):
        if in_range(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        return require_decimal(value, path)  # type: ignore[arg-type]
    if isinstance(value, bool):
        raise InvalidAmountError("must be a Decimal or an int, not a bool", path=path, value=value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        raise FloatAmountError(
            "floats are inexact; pass a Decimal or an int", path=path, value=value
        )
    return None


def _check_rounding(rounding: object) -> None:
    if rounding.__class__ is not str or rounding not in ROUNDING_MODES:
        raise ValidationError(
            "must be one of the decimal rounding modes " + ", ".join(sorted(ROUNDING_MODES)),
            path="rounding",
            value=rounding,
        )


def _quantum_for(places: object) -> Decimal:
    if places.__class__ is int and 0 <= places <= _MAX_PLACES:
        return _QUANTA[places]
    raise ValidationError(
        f"must be an int from 0 to {_MAX_PLACES} (or None for the currency's minor units)",
        path="places",
        value=places,
    )


def _too_large(path: str, value: object) -> InvalidAmountError:
    return InvalidAmountError(
        f"result does not fit in {_EXACT_DIGITS} significant digits", path=path, value=value
    )


@attrs.frozen(order=False)
class Money:
    """An exact amount in one ISO 4217 currency.

    The amount is kept exactly as given (``Money("0.0001", "USD")`` is fine); round it
    with :meth:`round` when a payable amount is needed. Two amounts are equal when they
    have the same currency and the same numeric value (``"1.0"`` equals ``"1.00"``);
    amounts in different currencies are never equal, and ordering them raises.

    Args:
        amount: A ``Decimal``, an ``int`` or a numeric string such as ``"12.30"``.
        currency: An upper-case ISO 4217 code known to babel, such as ``"EUR"``.

    Raises:
        FloatAmountError: ``amount`` is a ``float`` (also a ``TypeError``).
        InvalidAmountError: ``amount`` is NaN, infinite, a bool or not a number.
        UnknownCurrencyError: ``currency`` is not a known ISO 4217 code.

    >>> Money("12.30", "EUR")
    Money(amount=Decimal('12.30'), currency='EUR')
    >>> Money(5, "JPY") + Money("7", "JPY")
    Money(amount=Decimal('12'), currency='JPY')
    >>> sum([Money("1.10", "EUR"), Money("2.20", "EUR")])
    Money(amount=Decimal('3.30'), currency='EUR')
    >>> Money(0.1, "EUR")
    Traceback (most recent call last):
    ...
    sfa_core.errors.FloatAmountError: amount: floats are inexact; ... (got 0.1)
    """

    amount: Decimal = attrs.field(converter=require_decimal)
    currency: str = attrs.field(converter=_to_currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``, written with the currency's minor units.

        Args:
            currency: An ISO 4217 code.

        Returns:
            ``0.00`` for EUR, ``0`` for JPY, ``0.000`` for BHD.

        Raises:
            UnknownCurrencyError: ``currency`` is not a known ISO 4217 code.

        >>> Money.zero("EUR"), Money.zero("JPY").amount
        (Money(amount=Decimal('0.00'), currency='EUR'), Decimal('0'))
        """
        code = validate_currency(currency)
        return _make(Decimal(0).scaleb(-_PRECISION[code]), code)

    def is_zero(self) -> bool:
        """Return whether the amount is zero.

        Returns:
            ``True`` for ``0``, ``0.00``, ``-0``...

        >>> Money("0.00", "EUR").is_zero(), Money("0.01", "EUR").is_zero()
        (True, False)
        """
        return not self.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency}"

    # -- arithmetic -------------------------------------------------------------------

    def __add__(self, other: Money) -> Money:
        if other.__class__ is Money:
            currency = self.currency
            if other.currency == currency:
                try:
                    amount = _exact_add(self.amount, other.amount)
                except decimal.DecimalException:
                    raise _too_large("amount", other.amount) from None
                result = _new(Money)
                _set_amount(result, amount)
                _set_currency(result, currency)
                return result
            raise CurrencyMismatchError(currency, other.currency, operation="add")
        if isinstance(other, Money):
            return _make(self.amount, self.currency) + _make(other.amount, other.currency)
        return NotImplemented

    def __radd__(self, other: int) -> Money:
        # Lets sum() start from its default 0.
        if other.__class__ is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if isinstance(other, Money):
            currency = self.currency
            if other.currency == currency:
                try:
                    amount = _exact_subtract(self.amount, other.amount)
                except decimal.DecimalException:
                    raise _too_large("amount", other.amount) from None
                return _make(amount, currency)
            raise CurrencyMismatchError(currency, other.currency, operation="subtract")
        return NotImplemented

    def __mul__(self, factor: _Number) -> Money:
        if factor.__class__ is not int:
            checked = _operand(factor, "factor")
            if checked is None:
                return NotImplemented
            factor = checked
        try:
            amount = _exact_multiply(self.amount, factor)
        except decimal.DecimalException:
            raise _too_large("factor", factor) from None
        result = _new(Money)
        _set_amount(result, amount)
        _set_currency(result, self.currency)
        return result

    __rmul__ = __mul__

    def __truediv__(self, divisor: _Number) -> Money:
        checked = _operand(divisor, "divisor")
        if checked is None:
            return NotImplemented
        if not checked:
            raise InvalidAmountError("cannot divide money by zero", path="divisor", value=divisor)
        try:
            amount = _DIVISION.divide(self.amount, checked)
        except decimal.DecimalException:
            raise _too_large("divisor", divisor) from None
        return _make(amount, self.currency)

    def __neg__(self) -> Money:
        try:
            return _make(_EXACT.minus(self.amount), self.currency)
        except decimal.DecimalException:
            raise _too_large("amount", self.amount) from None

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        try:
            return _make(_EXACT.abs(self.amount), self.currency)
        except decimal.DecimalException:
            raise _too_large("amount", self.amount) from None

    # -- ordering (within one currency) -------------------------------------------------

    def _other_amount(self, other: Money) -> Decimal:
        if self.currency != other.currency:
            raise CurrencyMismatchError(self.currency, other.currency, operation="compare")
        return other.amount

    def __lt__(self, other: Money) -> bool:
        if isinstance(other, Money):
            return self.amount < self._other_amount(other)
        return NotImplemented

    def __le__(self, other: Money) -> bool:
        if isinstance(other, Money):
            return self.amount <= self._other_amount(other)
        return NotImplemented

    def __gt__(self, other: Money) -> bool:
        if isinstance(other, Money):
            return self.amount > self._other_amount(other)
        return NotImplemented

    def __ge__(self, other: Money) -> bool:
        if isinstance(other, Money):
            return self.amount >= self._other_amount(other)
        return NotImplemented

    # -- rounding -------------------------------------------------------------------------

    def round(self, rounding: str = DEFAULT_ROUNDING, *, places: int | None = None) -> Money:
        """Return the amount rounded to the currency's minor units (or to ``places``).

        The only positional argument is the rounding mode; ``places`` is named,
        so ``round(0)`` cannot be read as "0 places": it is refused with a hint.

        Args:
            rounding: A :mod:`decimal` rounding mode such as ``"ROUND_HALF_EVEN"``;
                :data:`DEFAULT_ROUNDING` (``ROUND_HALF_UP``) when omitted.
            places: Digits after the decimal point, by keyword; ``None`` means the
                currency's minor units from babel (2 for EUR, 0 for JPY, 3 for BHD).

        Returns:
            A new Money whose amount has exactly that many decimal places.

        Raises:
            ValidationError: ``rounding`` is not a rounding mode (path ``"rounding"``) or
                ``places`` is not an int from 0 to 28 (path ``"places"``).

        >>> from decimal import ROUND_HALF_EVEN
        >>> Money("0.125", "EUR").round()
        Money(amount=Decimal('0.13'), currency='EUR')
        >>> Money("0.125", "EUR").round(ROUND_HALF_EVEN)
        Money(amount=Decimal('0.12'), currency='EUR')
        >>> Money("1234.5", "JPY").round().amount, Money("1.23456", "USD").round(places=4).amount
        (Decimal('1235'), Decimal('1.2346'))
        >>> Money("1.5", "EUR").round(0)
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: rounding: is the rounding mode; to round to 0 places \
write round(places=0) (got 0)
        """
        if rounding.__class__ is not str or rounding not in ROUNDING_MODES:
            given: object = rounding  # callers may pass anything
            if isinstance(given, int) and not isinstance(given, bool):
                shown = _shown(given)  # an int may be too long to print
                raise ValidationError(
                    f"is the rounding mode; to round to {shown} places write round(places={shown})",
                    path="rounding",
                    value=given,
                )
            _check_rounding(rounding)
        currency = self.currency
        if places is None:
            try:
                quantum = _QUANTUM[currency]
            except KeyError:
                quantum = _currency_quantum(currency)
        else:
            quantum = _quantum_for(places)
        try:
            amount = self.amount.quantize(quantum, rounding, _ROUNDING)
        except decimal.DecimalException:
            raise _too_large("amount", self.amount) from None
        result = _new(Money)
        _set_amount(result, amount)
        _set_currency(result, currency)
        return result

    def __round__(self, ndigits: int | None = None) -> Money:
        # round(money) and round(money, 3) use DEFAULT_ROUNDING.
        return self.round(DEFAULT_ROUNDING, places=ndigits)

    # -- allocation -----------------------------------------------------------------------

    def allocate(
        self, ratios: Sequence[_Number], *, places: int | None = None
    ) -> tuple[Money, ...]:
        """Split the amount in proportion to ``ratios``, losing and inventing nothing.

        Uses the largest-remainder method in minor units: each part first gets its
        exact share rounded towards zero, then the units left over go one by one to
        the parts with the largest remainders, the earlier part first when remainders
        are equal. The parts always add up exactly to the amount, each is within one
        minor unit of its exact share, and a zero ratio always gets zero. A negative
        amount is split like its absolute value, with every part negated.

        Args:
            ratios: Non-negative ``Decimal`` or ``int`` weights, at least one positive.
            places: Decimal places of the unit to split in; ``None`` means the currency's
                minor units.

        Returns:
            One Money per ratio, in order, each with exactly ``places`` decimals.

        Raises:
            ValidationError: A ratio is negative, not a number or not finite (path
                ``"ratios[i]"``), no ratio is positive (path ``"ratios"``), or the
                amount has more decimals than the unit (path ``"amount"``: round it
                first, so that the parts add up to the amount you hold).

        >>> [str(m) for m in Money("0.05", "EUR").allocate([3, 7])]
        ['0.02 EUR', '0.03 EUR']
        >>> [str(m) for m in Money("-10", "JPY").allocate([1, 0, 2])]
        ['-3 JPY', '0 JPY', '-7 JPY']
        """
        if isinstance(ratios, Sized) and len(ratios) > MAX_PARTS:
            raise ValidationError(
                f"must have at most {MAX_PARTS:,} ratios", path="ratios", value=len(ratios)
            )
        weights = _weights(ratios)
        places_ = self._places(places)
        return self._distribute(self._units(places_), weights, places_)

    def split(self, parts: int, *, places: int | None = None) -> tuple[Money, ...]:
        """Split the amount into ``parts`` equal shares that add up exactly.

        The minor units that do not divide evenly go to the first parts, one each.

        Args:
            parts: How many shares, an ``int`` from 1 to :data:`MAX_PARTS`.
            places: Decimal places of the unit to split in; ``None`` means the currency's
                minor units.

        Returns:
            ``parts`` Money values, the larger ones (by absolute value) first.

        Raises:
            ValidationError: ``parts`` is not a positive int (path ``"parts"``) or the
                amount has more decimals than the unit (path ``"amount"``).

        >>> [str(m) for m in Money("100.00", "EUR").split(3)]
        ['33.34 EUR', '33.33 EUR', '33.33 EUR']
        >>> [str(m) for m in Money("-0.05", "USD").split(2)]
        ['-0.03 USD', '-0.02 USD']
        """
        if parts.__class__ is not int or not 1 <= parts <= MAX_PARTS:
            raise ValidationError(
                f"must be an int from 1 to {MAX_PARTS:,}", path="parts", value=parts
            )
        places_ = self._places(places)
        units = self._units(places_)
        sign = -1 if units < 0 else 1
        share, left = divmod(abs(units), parts)
        shares = [share + 1] * left + [share] * (parts - left)
        return self._build(shares, sign, places_)

    def _places(self, places: int | None) -> int:
        if places is None:
            try:
                return _PRECISION[self.currency]
            except KeyError:
                return currency_precision(self.currency)
        _quantum_for(places)
        return places

    def _units(self, places: int) -> int:
        numerator, denominator = self.amount.as_integer_ratio()
        scale: int = 10**places
        units, rest = divmod(numerator * scale, denominator)
        if rest:
            raise ValidationError(
                f"must be a whole number of units of 10**-{places} to be allocated; round it first",
                path="amount",
                value=self.amount,
            )
        return units

    def _distribute(self, units: int, weights: list[int], places: int) -> tuple[Money, ...]:
        sign = -1 if units < 0 else 1
        return self._build(_largest_remainder(abs(units), weights), sign, places)

    def _build(self, shares: list[int], sign: int, places: int) -> tuple[Money, ...]:
        currency = self.currency
        try:
            return tuple(
                _make(_EXACT.scaleb(Decimal(sign * share), -places), currency) for share in shares
            )
        except decimal.DecimalException:
            raise _too_large("amount", self.amount) from None


#: ``_make(amount, currency)``: a Money from values that are already valid (no checks).
_make = builder(Money)
# The slot descriptors of Money's two fields, for the arithmetic that runs most
# (``+``, ``*``, :meth:`Money.round`): they build their result as ``_make`` does,
# written out in place to save a call per operation.
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def _largest_remainder(units: int, weights: list[int]) -> list[int]:
    """Split ``units`` (>= 0) in proportion to ``weights`` (>= 0, one positive), exactly.

    Each part gets its share rounded down; the units left over go one by one to
    the largest remainders, the earlier part first when remainders are equal.
    """
    total = sum(weights)
    shares: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        share, remainder = divmod(units * weight, total)
        shares.append(share)
        remainders.append(remainder)
    left = units - sum(shares)
    if left:
        # Stable sort: on equal remainders the earlier index comes first.
        order = sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)
        for index in order[:left]:
            shares[index] += 1
    return shares


def _common_weights(fractions: list[tuple[int, int]]) -> list[int]:
    """Integer weights in the proportions of ``fractions`` (numerator, denominator > 0)."""
    common = math.lcm(*{denominator for _, denominator in fractions})
    return [numerator * (common // denominator) for numerator, denominator in fractions]


def _weights(ratios: Sequence[_Number]) -> list[int]:
    """Turn ratios into integer weights with the same proportions."""
    if isinstance(ratios, (str, bytes)) or not isinstance(ratios, Iterable):
        raise ValidationError("must be a sequence of numbers", path="ratios", value=ratios)
    fractions: list[tuple[int, int]] = []
    for index, ratio in enumerate(ratios):
        cls = ratio.__class__
        if cls is int or (cls is Decimal and in_range(ratio)):  # type: ignore[arg-type]
            checked: Decimal | int | None = ratio
        else:
            checked = _operand(ratio, f"ratios[{index}]")
        if checked is None:
            raise ValidationError(
                "must be a Decimal or an int", path=f"ratios[{index}]", value=ratio
            )
        if checked < 0:
            raise ValidationError("must not be negative", path=f"ratios[{index}]", value=ratio)
        fractions.append(checked.as_integer_ratio())
    if not fractions:
        raise ValidationError("must not be empty", path="ratios", value=ratios)
    weights = _common_weights(fractions)
    if not any(weights):
        raise ValidationError("at least one ratio must be positive", path="ratios", value=ratios)
    return weights


# -- exchange rates -----------------------------------------------------------------------


def _source(code: str) -> str:
    return validate_currency(code, path="source")


def _target(code: str) -> str:
    return validate_currency(code, path="target")


def _rate(value: _AmountLike) -> Decimal:
    rate = require_decimal(value, "rate")
    if rate <= 0:
        raise ValidationError("must be positive", path="rate", value=value)
    return rate


def _effective(instance: object, attribute: object, value: object) -> None:
    require_day(value, "effective")


@attrs.frozen
class ExchangeRate:
    """One exchange rate: ``1 source = rate target``, from ``effective`` until superseded.

    Args:
        source: The currency converted from, such as ``"EUR"``.
        target: The currency converted to, such as ``"USD"``.
        rate: How many ``target`` one ``source`` buys: a positive ``Decimal``, ``int``
            or numeric string.
        effective: The first day the rate applies (``datetime.date.min``, "always",
            by default).

    Raises:
        UnknownCurrencyError: ``source`` or ``target`` is not a known ISO 4217 code.
        ValidationError: ``rate`` is not positive, ``effective`` is not a date, or
            ``target`` equals ``source``.

    >>> import datetime
    >>> ExchangeRate("EUR", "USD", "1.0837", effective=datetime.date(2024, 1, 1)).rate
    Decimal('1.0837')
    >>> ExchangeRate("EUR", "USD", "-1")
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: rate: must be positive (got '-1')
    """

    source: str = attrs.field(converter=_source)
    target: str = attrs.field(converter=_target)
    rate: Decimal = attrs.field(converter=_rate)
    effective: _dt.date = attrs.field(default=_dt.date.min, validator=_effective)

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise ValidationError("must differ from source", path="target", value=self.target)


def _rate_tuple(rates: Iterable[ExchangeRate]) -> tuple[ExchangeRate, ...]:
    if isinstance(rates, (str, bytes, ExchangeRate)) or not isinstance(rates, Iterable):
        raise ValidationError("must be a sequence of ExchangeRate", path="rates", value=rates)
    result = tuple(rates)
    for index, rate in enumerate(result):
        if not isinstance(rate, ExchangeRate):
            raise ValidationError("must be an ExchangeRate", path=f"rates[{index}]", value=rate)
    return result


def _optional_base(code: str | None) -> str | None:
    return None if code is None else validate_currency(code, path="base")


def _cross(first: _Entry, second: _Entry) -> Decimal:
    """Multiply two rates, rounding once (to 28 digits) even when they are inverses."""
    _, raw_first, first_inverted = first
    _, raw_second, second_inverted = second
    if not first_inverted and not second_inverted:
        return _DIVISION.multiply(raw_first, raw_second)
    if first_inverted and not second_inverted:
        return _DIVISION.divide(raw_second, raw_first)
    if second_inverted and not first_inverted:
        return _DIVISION.divide(raw_first, raw_second)
    return _DIVISION.divide(1, _ROUNDING.multiply(raw_first, raw_second))


# An applicable rate: (the rate, the stored rate it comes from, whether it is its inverse).
_Entry = tuple[Decimal, Decimal, bool]
# pair -> (effective days in order, the entry of each day)
_Index = dict[tuple[str, str], tuple[list[_dt.date], list[_Entry]]]


@attrs.frozen
class ExchangeRates:
    """A table of dated exchange rates that converts money on a given day.

    A rate applies from its ``effective`` date until a later rate for the same pair
    supersedes it. A rate ``EUR -> USD`` also answers ``USD -> EUR`` as ``1 / rate``
    (28 significant digits), unless a ``USD -> EUR`` rate of its own applies: on each
    day the most recent rate of either direction wins, an explicit one on a tie. When
    ``base`` is set and no rate links two currencies, the table goes through the base
    (``GBP -> EUR -> JPY``).

    Args:
        rates: The rates, any order; at most one per (source, target, effective).
        base: The currency used for cross rates, or ``None`` for direct rates only.

    Raises:
        ValidationError: An item is not an :class:`ExchangeRate`, or two rates have
            the same source, target and effective date (path ``"rates[i]"``).
        UnknownCurrencyError: ``base`` is not a known ISO 4217 code.

    >>> import datetime
    >>> day = datetime.date(2024, 3, 1)
    >>> table = ExchangeRates(
    ...     rates=(
    ...         ExchangeRate("EUR", "USD", "1.08", effective=datetime.date(2024, 1, 1)),
    ...         ExchangeRate("EUR", "JPY", "160", effective=datetime.date(2024, 1, 1)),
    ...     ),
    ...     base="EUR",
    ... )
    >>> table.convert(Money("100.00", "EUR"), "USD", day)
    Money(amount=Decimal('108.00'), currency='USD')
    >>> table.rate("USD", "JPY", day)
    Decimal('148.1481481481481481481481481')
    """

    rates: tuple[ExchangeRate, ...] = attrs.field(default=(), converter=_rate_tuple)
    base: str | None = attrs.field(default=None, converter=_optional_base)

    def __attrs_post_init__(self) -> None:
        seen: dict[tuple[str, str, _dt.date], int] = {}
        for index, rate in enumerate(self.rates):
            key = (rate.source, rate.target, rate.effective)
            if key in seen:
                raise ValidationError(
                    f"{rate.source} -> {rate.target} already has a rate effective "
                    f"{rate.effective.isoformat()} (rates[{seen[key]}])",
                    path=f"rates[{index}]",
                    value=rate,
                )
            seen[key] = index

    @functools.cached_property
    def _index(self) -> _Index:
        # Not an attrs field: equality, hashing and serialization ignore it.
        table: dict[tuple[str, str], dict[_dt.date, _Entry]] = {}
        for rate in self.rates:
            entry = (rate.rate, rate.rate, False)
            table.setdefault((rate.source, rate.target), {})[rate.effective] = entry
        for rate in self.rates:
            by_day = table.setdefault((rate.target, rate.source), {})
            if rate.effective not in by_day or by_day[rate.effective][2]:
                by_day[rate.effective] = (_DIVISION.divide(1, rate.rate), rate.rate, True)
        index: _Index = {}
        for pair, by_day in table.items():
            days = sorted(by_day)
            index[pair] = (days, [by_day[day] for day in days])
        return index

    def _find(self, source: str, target: str, on: _dt.date) -> _Entry | None:
        entry = self._index.get((source, target))
        if entry is None:
            return None
        days, entries = entry
        position = bisect_right(days, on)
        return entries[position - 1] if position else None

    def rate(self, source: str, target: str, on: _dt.date) -> Decimal:
        """Return how many ``target`` one ``source`` buys on day ``on``.

        Looks for a direct rate, then an inverse one, then a cross rate through
        ``base``. Derived rates (inverse, cross) have 28 significant digits.

        Args:
            source: The currency converted from.
            target: The currency converted to.
            on: The day of the conversion.

        Returns:
            The rate as a ``Decimal`` (``1`` when ``source == target``).

        Raises:
            MissingRateError: No rate applies on that day (for example a day before
                the first effective date).
            UnknownCurrencyError: A code is not a known ISO 4217 code.
            ValidationError: ``on`` is not a ``datetime.date`` (path ``"on"``).

        >>> import datetime
        >>> table = ExchangeRates((ExchangeRate("EUR", "USD", "1.25", datetime.date(2024, 1, 1)),))
        >>> table.rate("USD", "EUR", datetime.date(2024, 6, 30))
        Decimal('0.8')
        >>> table.rate("EUR", "USD", datetime.date(2023, 12, 31))
        Traceback (most recent call last):
        ...
        sfa_core.errors.MissingRateError: no exchange rate from EUR to USD on 2023-12-31
        """
        source = validate_currency(source, path="source")
        target = validate_currency(target, path="target")
        require_day(on, "on")
        if source == target:
            return Decimal(1)
        found = self._find(source, target, on)
        if found is not None:
            return found[0]
        base = self.base
        if base is not None and base != source and base != target:
            to_base = self._find(source, base, on)
            from_base = self._find(base, target, on)
            if to_base is not None and from_base is not None:
                return _cross(to_base, from_base)
        raise MissingRateError(source, target, on)

    def convert(
        self,
        money: Money,
        to: str,
        on: _dt.date,
        *,
        rounding: str = DEFAULT_ROUNDING,
        places: int | None = None,
    ) -> Money:
        """Convert ``money`` into currency ``to`` at the rate of day ``on``, then round.

        Args:
            money: The amount to convert.
            to: The target currency.
            on: The day whose rate applies.
            rounding: The rounding mode of the result (:data:`DEFAULT_ROUNDING` by default).
            places: Decimal places of the result; ``None`` means the target's minor units.

        Returns:
            The converted amount, rounded.

        Raises:
            MissingRateError: No rate applies on that day.
            UnknownCurrencyError: ``to`` is not a known ISO 4217 code.
            ValidationError: ``money`` is not a Money, or ``on``, ``rounding`` or
                ``places`` is invalid.

        >>> import datetime
        >>> table = ExchangeRates((ExchangeRate("EUR", "JPY", "161.53"),))
        >>> table.convert(Money("10.00", "EUR"), "JPY", datetime.date(2024, 5, 2))
        Money(amount=Decimal('1615'), currency='JPY')
        """
        if not isinstance(money, Money):
            raise ValidationError("must be a Money", path="money", value=money)
        to = validate_currency(to, path="to")
        _check_rounding(rounding)
        quantum = _QUANTUM[to] if places is None else _quantum_for(places)
        rate = self.rate(money.currency, to, on)
        try:
            amount = _ROUNDING.multiply(money.amount, rate).quantize(quantum, rounding, _ROUNDING)
        except decimal.DecimalException:
            raise _too_large("money", money) from None
        return _make(amount, to)
