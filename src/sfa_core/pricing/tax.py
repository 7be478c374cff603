"""Tax: the :class:`TaxPolicy` protocol hosts implement, and :class:`RateTaxPolicy`.

A tax policy turns taxable lines (each line's amount after every discount, with a tax
category) into net, tax and gross amounts. Tax is computed and rounded **per line**, to
the currency's minor units (babel's precision: 2 for EUR, 0 for JPY, 3 for BHD); the
totals are the exact sums of the rounded lines, so ``net + tax == gross`` holds on
every line and in total, to the last minor unit. Rounding the total instead would
sometimes differ from the sum of the lines by a cent; per-line rounding is what keeps
an invoice's lines and its total consistent.

>>> from decimal import Decimal
>>> policy = RateTaxPolicy({"standard": Decimal(20), "reduced": Decimal("5.5")})
>>> result = policy.tax(
...     [TaxableLine("l1", "standard", Decimal("19.99")),
...      TaxableLine("l2", "reduced", Decimal("10.00"))],
...     currency="EUR",
... )
>>> result.tax, result.gross  # 19.99 * 20 % = 3.998 -> 4.00; 10.00 * 5.5 % = 0.55
(Decimal('4.55'), Decimal('34.54'))
>>> print(result)
l1     standard  20%   net 19.99  tax 4.00  gross 23.99
l2     reduced   5.5%  net 10.00  tax 0.55  gross 10.55
total                  net 29.99  tax 4.55  gross 34.54 (prices exclude tax)
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    check_bool,
    check_key,
    check_optional_key,
    instance_check,
    require_decimal,
    require_items_of,
    require_key,
)
from sfa_core.errors import ValidationError, _shown
from sfa_core.errors import _text as _message_text
from sfa_core.money import ROUNDING_MODES, currency_precision

__all__ = [
    "RateTaxPolicy",
    "TaxLine",
    "TaxPolicy",
    "TaxResult",
    "TaxableLine",
    "UnknownTaxCategoryError",
]

# Products are exact up to 60 digits. The tax-inclusive quotient gross * rate / (100 +
# rate) keeps 60 significant digits: for any realistic rate, rounding that to the
# currency gives what rounding the exact fraction would.
_CONTEXT = decimal.Context(
    prec=60,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


class UnknownTaxCategoryError(ValidationError):
    """A line's tax category has no rate, and the policy has no default category.

    Attributes:
        key: The line's key.
        category: The unknown category.

    Example:
        >>> from decimal import Decimal
        >>> policy = RateTaxPolicy({"standard": Decimal(20)})
        >>> try:
        ...     policy.tax([TaxableLine("l1", "books", Decimal(10))], currency="EUR")
        ... except UnknownTaxCategoryError as err:
        ...     print(err.key, err.category, err.path, isinstance(err, ValueError))
        ...     print(err)
        l1 books lines[0].category True
        lines[0].category: no tax rate for category 'books' of line 'l1' (got 'books')
    """

    code: ClassVar[str] = "unknown_tax_category"

    def __init__(self, key: str, category: str, *, path: str = "category") -> None:
        self.key = key
        self.category = category
        super().__init__(
            f"no tax rate for category {_shown(category)} of line {_shown(key)}",
            path=_message_text(path),
            value=category,
        )


def _amount(value: Any) -> Decimal:
    return require_decimal(value, "amount")


def _rate(value: Any) -> Decimal:
    return require_decimal(value, "rate")


def _net(value: Any) -> Decimal:
    return require_decimal(value, "net")


def _tax(value: Any) -> Decimal:
    return require_decimal(value, "tax")


def _gross(value: Any) -> Decimal:
    return require_decimal(value, "gross")


def _check_not_negative(instance: Any, attribute: Any, value: Decimal) -> None:
    if value < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def _text(value: Decimal) -> str:
    return f"{value:f}"


@attrs.frozen
class TaxableLine:
    """One line to tax.

    Attributes:
        key: The line's key (unique within a call).
        category: The tax category (``"standard"``, ``"reduced"``, ``"exempt"``...).
        amount: The line's amount after every discount: net when the policy's prices
            exclude tax, gross when they include it. Tax is rounded to the currency's
            minor units; an amount with more decimals (a rounding policy with more
            total places) keeps them in its net or gross. A return or credit line
            has a negative amount, and its tax is negative too.

    Raises:
        ValidationError: A bad key or category.
        FloatAmountError: ``amount`` is a float.

    >>> from decimal import Decimal
    >>> TaxableLine("l1", "standard", "12.50").amount
    Decimal('12.50')
    >>> TaxableLine("l1", "standard", 1.5)
    Traceback (most recent call last):
    ...
    sfa_core.errors.FloatAmountError: amount: floats are inexact; ... (got 1.5)
    """

    key: str = attrs.field(validator=check_key)
    category: str = attrs.field(validator=check_key)
    amount: Decimal = attrs.field(converter=_amount)


@attrs.frozen
class TaxLine:
    """The tax of one line.

    Attributes:
        key: The line's key.
        category: The tax category applied (the policy's default when the line's own
            category had no rate).
        rate: The rate applied, in percent.
        net: Amount without tax.
        tax: The tax, rounded to the currency's minor units.
        gross: Amount with tax; always ``net + tax``.

    Raises:
        ValidationError: ``net + tax != gross`` (path ``"gross"``), or a negative
            rate (path ``"rate"``).

    >>> from decimal import Decimal
    >>> str(TaxLine("l1", "standard", Decimal(20), Decimal("10.00"), Decimal("2.00"),
    ...             Decimal("12.00")))
    'l1  standard  20%  net 10.00  tax 2.00  gross 12.00'
    """

    key: str = attrs.field(validator=check_key)
    category: str = attrs.field(validator=check_key)
    rate: Decimal = attrs.field(converter=_rate, validator=_check_not_negative)
    net: Decimal = attrs.field(converter=_net)
    tax: Decimal = attrs.field(converter=_tax)
    gross: Decimal = attrs.field(converter=_gross)

    def __attrs_post_init__(self) -> None:
        if self.net + self.tax != self.gross:
            raise ValidationError(
                f"must equal net + tax ({_text(self.net + self.tax)})",
                path="gross",
                value=self.gross,
            )

    def __str__(self) -> str:
        return (
            f"{self.key}  {self.category}  {_text(self.rate)}%  net {_text(self.net)}  "
            f"tax {_text(self.tax)}  gross {_text(self.gross)}"
        )


def _tax_lines(value: Any) -> tuple[TaxLine, ...]:
    return require_items_of(value, _require_tax_line, "TaxLine values", "lines")


_require_tax_line = instance_check(TaxLine, "a TaxLine")


@attrs.frozen
class TaxResult:
    """The tax of a set of lines.

    Attributes:
        lines: One :class:`TaxLine` per taxable line, in the same order.
        net: Sum of the lines' net amounts.
        tax: Sum of the lines' tax.
        gross: Sum of the lines' gross amounts (``net + tax``).
        prices_include_tax: Whether the taxed amounts were gross (tax-inclusive).

    Build one from lines with :meth:`from_lines`, which adds the totals up.

    Raises:
        ValidationError: A total is not the exact sum of its line values (path
            ``"net"``, ``"tax"`` or ``"gross"``).

    >>> from decimal import Decimal
    >>> line = TaxLine("l1", "standard", Decimal(20), Decimal("10.00"), Decimal("2.00"),
    ...                Decimal("12.00"))
    >>> TaxResult.from_lines([line, line], prices_include_tax=False).gross
    Decimal('24.00')
    """

    lines: tuple[TaxLine, ...] = attrs.field(converter=_tax_lines)
    net: Decimal = attrs.field(converter=_net)
    tax: Decimal = attrs.field(converter=_tax)
    gross: Decimal = attrs.field(converter=_gross)
    prices_include_tax: bool = attrs.field(validator=check_bool)

    def __attrs_post_init__(self) -> None:
        for name in ("net", "tax", "gross"):
            total = sum((getattr(line, name) for line in self.lines), Decimal(0))
            if total != getattr(self, name):
                raise ValidationError(
                    f"must equal the sum of the lines' {name} ({_text(total)})",
                    path=name,
                    value=getattr(self, name),
                )

    @classmethod
    def from_lines(cls, lines: Iterable[TaxLine], *, prices_include_tax: bool) -> TaxResult:
        """Build a result whose totals are the sums of ``lines``.

        Args:
            lines: The taxed lines, in order.
            prices_include_tax: Whether the taxed amounts were gross.

        Returns:
            The result.
        """
        items = _tax_lines(lines)
        zero = Decimal(0)
        return cls(
            items,
            sum((line.net for line in items), zero),
            sum((line.tax for line in items), zero),
            sum((line.gross for line in items), zero),
            prices_include_tax,
        )

    def __str__(self) -> str:
        rows = [
            [line.key, line.category, f"{_text(line.rate)}%", *map(_text, _values(line))]
            for line in self.lines
        ]
        rows.append(["total", "", "", *map(_text, _values(self))])
        widths = [max(len(row[column]) for row in rows) for column in range(6)]
        text = []
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            text.append(
                f"{cells[0]}  {cells[1]}  {cells[2]}  net {cells[3]}  tax {cells[4]}  "
                f"gross {cells[5]}".rstrip()
            )
        kind = "include" if self.prices_include_tax else "exclude"
        text[-1] += f" (prices {kind} tax)"
        return "\n".join(text)


def _values(item: TaxLine | TaxResult) -> tuple[Decimal, Decimal, Decimal]:
    return item.net, item.tax, item.gross


@runtime_checkable
class TaxPolicy(Protocol):
    """What a host's tax engine implements: tax lines in a currency.

    Any object with this ``tax`` method is a tax policy (a structural protocol;
    ``isinstance(obj, TaxPolicy)`` checks that the method exists).

    >>> from decimal import Decimal
    >>> class NoTax:
    ...     def tax(self, lines, *, currency):
    ...         return TaxResult.from_lines(
    ...             [TaxLine(l.key, l.category, Decimal(0), l.amount, Decimal(0), l.amount)
    ...              for l in lines],
    ...             prices_include_tax=False,
    ...         )
    >>> isinstance(NoTax(), TaxPolicy), isinstance(RateTaxPolicy({"s": Decimal(5)}), TaxPolicy)
    (True, True)
    """

    def tax(self, lines: Sequence[TaxableLine], *, currency: str) -> TaxResult:
        """Return the tax of ``lines``.

        Args:
            lines: The lines, amounts after every discount.
            currency: The ISO 4217 currency of the amounts.

        Returns:
            One :class:`TaxLine` per line, in order, and the totals.
        """
        ...  # pragma: no cover


def _rates(value: Any) -> FrozenMap[str, Decimal]:
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping of tax category to percent", path="rates")
    rates: dict[str, Decimal] = {}
    for category, rate in value.items():
        path = f"rates[{category!r}]"
        require_key(category, path)
        checked = require_decimal(rate, path)
        if not 0 <= checked <= _HUNDRED:
            raise ValidationError("must be between 0 and 100", path=path, value=rate)
        rates[category] = checked
    return FrozenMap(rates)


def _check_rounding(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not str or value not in ROUNDING_MODES:
        raise ValidationError(
            "must be one of the decimal rounding modes " + ", ".join(sorted(ROUNDING_MODES)),
            path="rounding",
            value=value,
        )


def _check_default(instance: RateTaxPolicy, attribute: Any, value: str | None) -> None:
    check_optional_key(instance, attribute, value)
    if value is not None and value not in instance.rates:
        raise ValidationError(
            "must be one of the categories in rates", path="default_category", value=value
        )


@attrs.frozen
class RateTaxPolicy:
    """A tax policy with one percentage rate per tax category.

    Tax-exclusive prices (the default): ``tax = round(net * rate / 100)`` and
    ``gross = net + tax``. Tax-inclusive prices: ``tax = round(gross * rate /
    (100 + rate))`` and ``net = gross - tax``. Each line's tax is rounded to the
    currency's minor units with ``rounding``; the totals are the sums of the lines.

    Attributes:
        rates: Percent per tax category (``{"standard": Decimal("20")}``), 0 to 100.
        prices_include_tax: Whether line amounts are gross (tax-inclusive).
        default_category: The category whose rate applies to a line whose category
            has no rate; ``None`` makes such a line an error.
        rounding: A :mod:`decimal` rounding mode; ``ROUND_HALF_UP`` by default.

    Raises:
        ValidationError: A rate outside 0..100 (path ``"rates['standard']"``), a
            default category without a rate, or an unknown rounding mode.
        FloatAmountError: A rate is a float.

    >>> from decimal import Decimal
    >>> inclusive = RateTaxPolicy({"standard": Decimal(20)}, prices_include_tax=True)
    >>> line = inclusive.tax([TaxableLine("l1", "standard", Decimal("12.00"))],
    ...                      currency="EUR").lines[0]
    >>> line.net, line.tax  # 12.00 * 20 / 120 = 2.00
    (Decimal('10.00'), Decimal('2.00'))
    """

    rates: Mapping[str, Decimal] = attrs.field(converter=_rates)
    prices_include_tax: bool = attrs.field(default=False, validator=check_bool)
    default_category: str | None = attrs.field(default=None, validator=_check_default)
    rounding: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding)
    # Per category: (rate, rate / 100) for net amounts, (rate, 100 + rate) for gross ones.
    _factors: dict[str, tuple[Decimal, Decimal]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        factors = {
            category: (
                rate,
                _HUNDRED + rate if self.prices_include_tax else rate.scaleb(-2, _CONTEXT),
            )
            for category, rate in self.rates.items()
        }
        object.__setattr__(self, "_factors", factors)

    def tax(self, lines: Sequence[TaxableLine], *, currency: str) -> TaxResult:
        """Tax ``lines`` in ``currency``.

        Args:
            lines: The lines, amounts after every discount (net or gross, as the
                policy says); keys must be unique.
            currency: The ISO 4217 currency; tax is rounded to its minor units.

        Returns:
            One :class:`TaxLine` per line, in order, and the exact totals.

        Raises:
            UnknownTaxCategoryError: A line's category has no rate and there is no
                default category (path ``"lines[i].category"``).
            ValidationError: An item is not a TaxableLine (path ``"lines[i]"``) or a key
                repeats (path ``"lines[i].key"``).
            UnknownCurrencyError: ``currency`` is not a known ISO 4217 code.

        >>> from decimal import Decimal
        >>> policy = RateTaxPolicy({"standard": Decimal(19), "zero": Decimal(0)},
        ...                        default_category="standard")
        >>> result = policy.tax([TaxableLine("a", "gadgets", Decimal("0.50"))],
        ...                     currency="EUR")
        >>> result.lines[0].category, result.lines[0].tax  # 0.095 -> 0.10 (half up)
        ('standard', Decimal('0.10'))
        """
        places = currency_precision(currency)
        quantum = _QUANTA[places]
        factors, default, rounding = self._factors, self.default_category, self.rounding
        inclusive = self.prices_include_tax
        if lines.__class__ is not list and isinstance(lines, (str, bytes, Mapping)):
            raise ValidationError("must be a sequence of TaxableLine", path="lines", value=lines)
        taxed: list[TaxLine] = []
        seen: set[str] = set()
        net_total = tax_total = gross_total = _ZERO
        with decimal.localcontext(_CONTEXT):
            for index, line in enumerate(lines):
                if line.__class__ is not TaxableLine and not isinstance(line, TaxableLine):
                    raise ValidationError(
                        "must be a TaxableLine", path=f"lines[{index}]", value=line
                    )
                key, amount = line.key, line.amount
                if key in seen:
                    raise ValidationError(
                        "duplicate line key", path=f"lines[{index}].key", value=key
                    )
                seen.add(key)
                category = line.category
                factor = factors.get(category)
                if factor is None:
                    if default is None:
                        raise UnknownTaxCategoryError(
                            key, category, path=f"lines[{index}].category"
                        )
                    category = default
                    factor = factors[category]
                rate, share = factor
                if inclusive:
                    tax = (amount * rate / share).quantize(quantum, rounding)
                    net, gross = amount - tax, amount
                else:
                    tax = (amount * share).quantize(quantum, rounding)
                    net, gross = amount, amount + tax
                taxed.append(_new_line(key, category, rate, net, tax, gross))
                net_total += net
                tax_total += tax
                gross_total += gross
        return _new_result(tuple(taxed), net_total, tax_total, gross_total, inclusive)


# Lines and results built by RateTaxPolicy hold net + tax == gross and exact totals by
# construction: they skip the validating constructor.
_new_line: Callable[..., TaxLine] = builder(TaxLine)
_new_result: Callable[..., TaxResult] = builder(TaxResult)
# The quantum of each number of decimal places: _QUANTA[2] == Decimal("0.01").
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(29))
