"""Cart promotions for checkouts, after django-oscar's offer model, on plain values.

A :class:`Promotion` is a :class:`Condition` ("buy 3 items from this range"), a
:class:`Benefit` ("get the cheapest one free") and a few limits.
:func:`apply_promotions` applies a list of promotions to the lines of a cart and says,
as data, what each one gave and why the others gave nothing.

The semantics are oscar's (``oscar.apps.offer`` and ``oscar.apps.basket.utils``):

* Promotions apply in priority order, the highest first, ties by id. Each one is
  applied again and again, up to ``max_applications`` times, until its condition is
  no longer met or its benefit gives nothing.
* A line of quantity 3 is 3 items. The items that receive a benefit, then the items
  still needed to meet the condition (the most expensive first), are *consumed* by the
  promotion: the same promotion never uses an item twice. Benefit items count towards
  the condition when they are in its range (oscar counts them whatever their range).
* An exclusive promotion shares no item with any other promotion. A combinable one
  shares items with other combinable promotions (their discounts add up), never with
  an exclusive one.
* Benefits pick the cheapest eligible items first; conditions consume the most
  expensive first. Ties are broken by line key, so the result never depends on the
  order of the lines.
* ``max_discount`` caps the discount of a promotion per cart (oscar's is a budget over
  all orders); ``usage_limit`` is the global count of applications (oscar's
  ``max_global_applications``), kept by the host and passed in as ``usage``.
* Every benefit computes from the cart's unit prices (oscar's ``unit_price``).
  Discounts are whole minor units of the currency: an application's discount is
  rounded down (never more than the exact discount, oscar's ``ROUND_DOWN``) and spread
  over the lines by the largest-remainder method. A line never goes below zero, a
  promotion never gives more than its ``max_discount``, and the cart's discount never
  exceeds its total.

>>> from decimal import Decimal
>>> shirts = ProductRange(families=("shirts",))
>>> three_for_two = Promotion(
...     id="3FOR2",
...     name="3 for 2 on shirts",
...     condition=Condition(ConditionKind.COUNT, Decimal(3), shirts),
...     benefit=Benefit(BenefitKind.MULTIBUY),
... )
>>> cart = [
...     CartLine("l1", "TEE-S", "shirts", 2, Decimal("15.00")),
...     CartLine("l2", "POLO-M", "shirts", 1, Decimal("25.00")),
... ]
>>> result = apply_promotions(cart, [three_for_two], currency="EUR")
>>> dict(result.discounts), result.total_discount
({'l1': Decimal('15.00'), 'l2': Decimal('0.00')}, Decimal('15.00'))
>>> print(result)
Promotions: 15.00 EUR off
  3FOR2 (3 for 2 on shirts): 1 x, 15.00 off (l1 15.00)
"""

from __future__ import annotations

import decimal
import enum
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import compress
from typing import Any

import attrs

from sfa_core._fast import builder
from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_text,
    check_version,
    in_range,
    require_decimal,
    require_key,
    to_frozen,
    tuple_converter,
)
from sfa_core.errors import ValidationError
from sfa_core.money import currency_precision

__all__ = [
    "AppliedPromotion",
    "Benefit",
    "BenefitKind",
    "CartLine",
    "Condition",
    "ConditionKind",
    "ProductRange",
    "Promotion",
    "PromotionResult",
    "SkipReason",
    "SkippedPromotion",
    "apply_promotions",
]

# The engine computes on Python ints (minor units); Decimals are only scaled to and
# from them, exactly (an amount of more than 60 digits raises rather than rounds).
_DISPLAY = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)
_QUANTA_SHOWN = tuple(Decimal(1).scaleb(-places) for places in range(29))
_CONTEXT = decimal.Context(
    prec=60,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class ConditionKind(str, enum.Enum):
    """What a :class:`Condition` counts among the cart's items in its range.

    >>> ConditionKind("coverage")
    <ConditionKind.COVERAGE: 'coverage'>
    """

    #: At least ``value`` items (a line of quantity 3 is 3 items).
    COUNT = "count"
    #: The items are worth at least ``value`` (unit price times quantity).
    VALUE = "value"
    #: At least ``value`` distinct products (SKUs).
    COVERAGE = "coverage"


class BenefitKind(str, enum.Enum):
    """What a :class:`Benefit` gives.

    >>> BenefitKind.PERCENT.value
    'percent'
    """

    #: ``value`` percent off each item in range.
    PERCENT = "percent"
    #: ``value`` off, spread over the items in range in proportion to their prices.
    ABSOLUTE = "absolute"
    #: The items that meet the condition cost ``value`` together (a bundle price).
    FIXED_PRICE = "fixed_price"
    #: The cheapest item in range is free ("buy 3, get the cheapest free").
    MULTIBUY = "multibuy"


class SkipReason(str, enum.Enum):
    """Why a promotion gave nothing.

    >>> SkipReason.BLOCKED.value
    'blocked'
    """

    #: The cart does not meet the condition.
    CONDITION_NOT_MET = "condition_not_met"
    #: ``usage_limit`` is reached (counted by the host, passed as ``usage``).
    USAGE_LIMIT_REACHED = "usage_limit_reached"
    #: The items it needs are held by other promotions (exclusivity).
    BLOCKED = "blocked"
    #: The condition is met but the benefit gives nothing (no priced item in range,
    #: a bundle that already costs less than its fixed price...).
    NO_DISCOUNT = "no_discount"


# -- validators -----------------------------------------------------------------------------


def _check_keys(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    for index, item in enumerate(value):
        require_key(item, f"{attribute.name}[{index}]")


def _check_int(value: Any, path: str, minimum: int) -> None:
    if value.__class__ is not int or value < minimum:
        raise ValidationError(f"must be an integer of at least {minimum}", path=path, value=value)


def _check_optional_count(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        _check_int(value, attribute.name, 1)


def _check_quantity(instance: Any, attribute: Any, value: Any) -> None:
    _check_int(value, attribute.name, 1)


def _check_priority(instance: Any, attribute: Any, value: Any) -> None:
    if value.__class__ is not int:
        raise ValidationError("must be an integer", path=attribute.name, value=value)


def _check_not_negative(instance: Any, attribute: Any, value: Decimal) -> None:
    if value < 0:
        raise ValidationError("must not be negative", path=attribute.name, value=value)


def _instance_of(kind: type) -> Any:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(f"must be a {kind.__name__}", path=attribute.name, value=value)

    return check


def _value(value: Any) -> Decimal:
    return require_decimal(value, "value")


def _optional_max_discount(value: Any) -> Decimal | None:
    return None if value is None else require_decimal(value, "max_discount")


def _unit_price(value: Any) -> Decimal:
    return require_decimal(value, "unit_price")


def _discount(value: Any) -> Decimal:
    return require_decimal(value, "discount")


def _total_discount(value: Any) -> Decimal:
    return require_decimal(value, "total_discount")


def _condition_kind(value: Any) -> ConditionKind:
    return as_member(ConditionKind, value, "kind")


def _benefit_kind(value: Any) -> BenefitKind:
    return as_member(BenefitKind, value, "kind")


def _skip_reason(value: Any) -> SkipReason:
    return as_member(SkipReason, value, "reason")


def _text(value: Decimal) -> str:
    return f"{value:f}"


# -- ranges, conditions and benefits --------------------------------------------------------


@attrs.frozen
class ProductRange:
    """The products a condition or a benefit covers (oscar's ``Range``).

    A cart line is in the range when its SKU is not excluded and either the range
    includes all products, or lists the SKU, or lists the line's family.

    Attributes:
        skus: Included SKUs.
        families: Included product families (a line whose family is ``""`` has none).
        all_products: Include every product (minus ``excluded_skus``).
        excluded_skus: SKUs never in the range, whatever else says.

    Raises:
        ValidationError: The range includes nothing (path ``"skus"``), or a SKU or a
            family is not a valid key (path ``"skus[2]"``...).

    >>> r = ProductRange(skus=("A-1",), families=("cables",), excluded_skus=("C-9",))
    >>> r.contains("A-1", ""), r.contains("C-2", "cables"), r.contains("C-9", "cables")
    (True, True, False)
    >>> str(r)
    'SKU A-1 or family cables, except SKU C-9'
    >>> ProductRange()
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: skus: an empty range covers nothing; ... (got ())
    """

    skus: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    families: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    all_products: bool = attrs.field(default=False, validator=check_bool)
    excluded_skus: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    _sku_set: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _family_set: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _excluded_set: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not (self.skus or self.families or self.all_products):
            raise ValidationError(
                "an empty range covers nothing; give skus, families or all_products=True",
                path="skus",
                value=self.skus,
            )
        object.__setattr__(self, "_sku_set", frozenset(self.skus))
        object.__setattr__(self, "_family_set", frozenset(self.families))
        object.__setattr__(self, "_excluded_set", frozenset(self.excluded_skus))

    def contains(self, sku: str, family: str) -> bool:
        """Return whether a product is in the range.

        Args:
            sku: The product's SKU.
            family: The product's family (``""`` for none).

        Returns:
            ``True`` when the product is covered.

        >>> ProductRange(all_products=True, excluded_skus=("GIFT",)).contains("GIFT", "")
        False
        """
        if sku.__class__ is not str:
            require_key(sku, "sku")
        if family.__class__ is not str:
            raise ValidationError("must be a string", path="family", value=family)
        if sku in self._excluded_set:
            return False
        return self.all_products or sku in self._sku_set or family in self._family_set

    def _members(self, skus: list[str], families: list[str]) -> list[bool]:
        """Whether each (sku, family) pair is in the range (the engine's fast path)."""
        excluded = self._excluded_set
        if self.all_products:
            return [sku not in excluded for sku in skus] if excluded else [True] * len(skus)
        included, kinds = self._sku_set, self._family_set
        return [
            sku not in excluded and (sku in included or family in kinds)
            for sku, family in zip(skus, families, strict=True)
        ]

    def __str__(self) -> str:
        parts = []
        if self.all_products:
            parts.append("all products")
        else:
            if self.skus:
                parts.append(_listed("SKU", self.skus))
            if self.families:
                parts.append(_listed("family", self.families, "families"))
        text = " or ".join(parts)
        if self.excluded_skus:
            text += ", except " + _listed("SKU", self.excluded_skus)
        return text


def _listed(noun: str, names: tuple[str, ...], plural: str = "") -> str:
    if len(names) == 1:
        return f"{noun} {names[0]}"
    return f"{plural or noun + 's'} {', '.join(names)}"


@attrs.frozen
class Condition:
    """What the cart must contain for a promotion to apply (oscar's ``Condition``).

    Attributes:
        kind: :attr:`ConditionKind.COUNT` (at least ``value`` items in range),
            :attr:`ConditionKind.VALUE` (the items in range are worth at least
            ``value``, in the cart's currency) or :attr:`ConditionKind.COVERAGE` (at
            least ``value`` distinct SKUs in range).
        value: A positive number; a whole number for COUNT and COVERAGE.
        range: The products that count.

    Only items the promotion may still use count: not already consumed by one of
    its earlier applications, and not held by a promotion it cannot share with.

    Raises:
        ValidationError: ``value`` is not positive, or not whole for COUNT and
            COVERAGE (path ``"value"``).

    >>> from decimal import Decimal
    >>> str(Condition(ConditionKind.VALUE, Decimal("100.00"), ProductRange(all_products=True)))
    'items from all products worth at least 100.00'
    >>> Condition("count", Decimal("2.5"), ProductRange(skus=("A",)))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: value: must be a whole number of items ... (got Decimal('2.5'))
    """

    kind: ConditionKind = attrs.field(converter=_condition_kind)
    value: Decimal = attrs.field(converter=_value)
    range: ProductRange = attrs.field(validator=_instance_of(ProductRange))
    # The value as an int, for COUNT and COVERAGE.
    _whole: int = attrs.field(init=False, eq=False, repr=False)
    # The condition in words, written once (skip records and descriptions repeat it).
    _text: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.value <= 0:
            raise ValidationError("must be greater than zero", path="value", value=self.value)
        if self.kind is not ConditionKind.VALUE and self.value != self.value.to_integral_value():
            raise ValidationError(
                f"must be a whole number of items for a {self.kind.value} condition",
                path="value",
                value=self.value,
            )
        object.__setattr__(self, "_whole", int(self.value))
        if self.kind is ConditionKind.COUNT:
            text = f"at least {_count(self.value, 'item')} from {self.range}"
        elif self.kind is ConditionKind.VALUE:
            text = f"items from {self.range} worth at least {_text(self.value)}"
        else:
            text = f"at least {_count(self.value, 'distinct product')} from {self.range}"
        object.__setattr__(self, "_text", text)

    def __str__(self) -> str:
        return self._text


@attrs.frozen
class Benefit:
    """What a promotion gives each time it applies (oscar's ``Benefit``).

    Attributes:
        kind: :attr:`BenefitKind.PERCENT` (``value`` percent off the items in range),
            :attr:`BenefitKind.ABSOLUTE` (``value`` off, spread over the items in range
            in proportion to their prices), :attr:`BenefitKind.FIXED_PRICE` (the items
            that meet the condition cost ``value`` together) or
            :attr:`BenefitKind.MULTIBUY` (the cheapest item in range is free).
        value: The percentage (0 < value <= 100), the amount (> 0), the bundle price
            (>= 0); must be 0 (the default) for MULTIBUY.
        range: The items that may be discounted; ``None`` means the condition's range.
            FIXED_PRICE always uses the condition's range, so it must be ``None``.
        max_affected_items: At most this many items are discounted per application
            (PERCENT and ABSOLUTE only); ``None`` for no limit.

    Raises:
        ValidationError: A value outside the bounds above (path ``"value"``), a
            range on FIXED_PRICE (path ``"range"``), or ``max_affected_items`` below 1
            or given for FIXED_PRICE or MULTIBUY (path ``"max_affected_items"``).

    >>> from decimal import Decimal
    >>> str(Benefit(BenefitKind.PERCENT, Decimal(10), ProductRange(skus=("A",)), 2))
    '10% off SKU A (at most 2 items)'
    >>> Benefit(BenefitKind.PERCENT, Decimal(120))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: value: a percentage must be at most 100 (got Decimal('120'))
    """

    kind: BenefitKind = attrs.field(converter=_benefit_kind)
    value: Decimal = attrs.field(default=_ZERO, converter=_value)
    range: ProductRange | None = attrs.field(default=None)
    max_affected_items: int | None = attrs.field(default=None, validator=_check_optional_count)
    _ratio: tuple[int, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        kind, value = self.kind, self.value
        object.__setattr__(self, "_ratio", value.as_integer_ratio())
        if self.range is not None and not isinstance(self.range, ProductRange):
            raise ValidationError("must be a ProductRange or None", path="range", value=self.range)
        if value < 0:
            raise ValidationError("must not be negative", path="value", value=value)
        if kind is BenefitKind.PERCENT:
            if value > _HUNDRED:
                raise ValidationError("a percentage must be at most 100", path="value", value=value)
            if not value:
                raise ValidationError("must be greater than zero", path="value", value=value)
        elif kind is BenefitKind.ABSOLUTE:
            if not value:
                raise ValidationError("must be greater than zero", path="value", value=value)
        elif kind is BenefitKind.MULTIBUY and value:
            raise ValidationError(
                "a multibuy benefit takes no value (the cheapest item is free)",
                path="value",
                value=value,
            )
        if kind is BenefitKind.FIXED_PRICE and self.range is not None:
            raise ValidationError(
                "a fixed-price benefit uses the condition's range; leave it None",
                path="range",
                value=self.range,
            )
        if self.max_affected_items is not None and kind in _NO_MAX_ITEMS:
            raise ValidationError(
                f"a {kind.value} benefit takes no max_affected_items",
                path="max_affected_items",
                value=self.max_affected_items,
            )

    def describe(self, condition: Condition | None = None) -> str:
        """Describe the benefit in words, naming the condition's range when it has none.

        Args:
            condition: The promotion's condition, or ``None`` for a generic text.

        Returns:
            For example ``"the cheapest item from family shirts free"``.

        >>> from decimal import Decimal
        >>> c = Condition(ConditionKind.COUNT, Decimal(3), ProductRange(families=("shirts",)))
        >>> Benefit(BenefitKind.FIXED_PRICE, Decimal("50.00")).describe(c)
        '3 items from family shirts for 50.00 together'
        >>> str(Benefit(BenefitKind.MULTIBUY))
        "the cheapest item from the condition's range free"
        """
        if condition is not None and not isinstance(condition, Condition):
            raise ValidationError("must be a Condition or None", path="condition", value=condition)
        if self.range is not None:
            where = str(self.range)
        elif condition is not None:
            where = str(condition.range)
        else:
            where = "the condition's range"
        kind = self.kind
        if kind is BenefitKind.FIXED_PRICE:
            if condition is None:
                return f"the qualifying items for {_text(self.value)} together"
            noun = "item" if condition.kind is ConditionKind.COUNT else "distinct product"
            return f"{_count(condition.value, noun)} from {where} for {_text(self.value)} together"
        if kind is BenefitKind.MULTIBUY:
            return f"the cheapest item from {where} free"
        sign = "%" if kind is BenefitKind.PERCENT else ""
        text = f"{_text(self.value)}{sign} off {where}"
        if self.max_affected_items is not None:
            text += f" (at most {_count(self.max_affected_items, 'item')})"
        return text

    def __str__(self) -> str:
        return self.describe()


def _count(number: Decimal | int, noun: str) -> str:
    text = _text(number) if isinstance(number, Decimal) else str(number)
    return f"{text} {noun}" if number == 1 else f"{text} {noun}s"


_NO_MAX_ITEMS = frozenset({BenefitKind.FIXED_PRICE, BenefitKind.MULTIBUY})


def _check_max_discount(instance: Any, attribute: Any, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError("must be greater than zero", path=attribute.name, value=value)


@attrs.frozen
class Promotion:
    """A condition, a benefit and their limits (oscar's ``ConditionalOffer``).

    Attributes:
        id: Unique key; also the tie-breaker between equal priorities.
        name: Display name.
        condition: What the cart must contain.
        benefit: What each application gives.
        priority: Higher priorities apply first.
        exclusive: An exclusive promotion shares no item with any other promotion;
            a combinable one (the default) shares items with other combinable ones.
        max_discount: At most this much discount per cart, in the cart's currency.
        max_applications: Times it may apply to one cart (1 by default); ``None`` for
            as many as the cart allows.
        usage_limit: Total applications allowed across all carts; the host counts
            them and passes the count to :func:`apply_promotions` as ``usage``.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: A bad field (its path: ``"priority"``, ``"max_discount"``...),
            or a FIXED_PRICE benefit with a VALUE condition (path ``"benefit.kind"``:
            a value condition has no item count to price).

    >>> from decimal import Decimal
    >>> p = Promotion(
    ...     id="TEN",
    ...     name="10% off hardware",
    ...     condition=Condition(ConditionKind.COUNT, Decimal(1), ProductRange(families=("hw",))),
    ...     benefit=Benefit(BenefitKind.PERCENT, Decimal(10)),
    ... )
    >>> p.description
    'Buy at least 1 item from family hw, get 10% off family hw'
    >>> Promotion(id="X", name="x", condition=p.condition, benefit=p.benefit, max_applications=0)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: max_applications: must be an integer of at least 1 (got 0)
    """

    id: str = attrs.field(validator=check_key)
    name: str = attrs.field(validator=check_text)
    condition: Condition = attrs.field(validator=_instance_of(Condition))
    benefit: Benefit = attrs.field(validator=_instance_of(Benefit))
    priority: int = attrs.field(default=0, validator=_check_priority)
    exclusive: bool = attrs.field(default=False, validator=check_bool)
    max_discount: Decimal | None = attrs.field(
        default=None, converter=_optional_max_discount, validator=_check_max_discount
    )
    max_applications: int | None = attrs.field(default=1, validator=_check_optional_count)
    usage_limit: int | None = attrs.field(default=None, validator=_check_optional_count)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)
    _benefit_range: ProductRange = attrs.field(init=False, eq=False, repr=False)
    _description: str = attrs.field(init=False, eq=False, repr=False)
    # Application order: the highest priority first, ties by id.
    _order: tuple[int, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if (
            self.benefit.kind is BenefitKind.FIXED_PRICE
            and self.condition.kind is ConditionKind.VALUE
        ):
            raise ValidationError(
                "a fixed-price benefit needs a count or coverage condition",
                path="benefit.kind",
                value=self.benefit.kind,
            )
        benefit_range = self.benefit.range
        object.__setattr__(
            self, "_benefit_range", self.condition.range if benefit_range is None else benefit_range
        )
        object.__setattr__(self, "_order", (-self.priority, self.id))
        object.__setattr__(
            self,
            "_description",
            f"Buy {self.condition}, get {self.benefit.describe(self.condition)}",
        )

    @property
    def description(self) -> str:
        """The promotion in words, ``"Buy <condition>, get <benefit>"``."""
        return self._description


# -- cart lines and results ---------------------------------------------------------------


@attrs.frozen
class CartLine:
    """One line of a cart, as :func:`apply_promotions` sees it.

    Attributes:
        key: Unique key of the line in the cart.
        sku: The product's SKU (ranges and coverage conditions look at it).
        family: The product's family (``""`` for none).
        quantity: Number of items, at least 1.
        unit_price: Price of one item, already net of line-level pricing, in the
            cart's currency; at least 0. It may have more decimals than the currency.

    Raises:
        ValidationError: A bad field (path ``"quantity"``, ``"unit_price"``...).
        FloatAmountError: ``unit_price`` is a float.

    >>> from decimal import Decimal
    >>> CartLine("l1", "A-1", "cables", 2, "4.99").unit_price
    Decimal('4.99')
    >>> CartLine("l1", "A-1", "cables", 0, Decimal("4.99"))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: quantity: must be an integer of at least 1 (got 0)
    """

    key: str = attrs.field(validator=check_key)
    sku: str = attrs.field(validator=check_key)
    family: str = attrs.field(validator=check_text)
    quantity: int = attrs.field(validator=_check_quantity)
    unit_price: Decimal = attrs.field(converter=_unit_price, validator=_check_not_negative)


def _check_map(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError("must be a mapping of line key to value", path=name, value=value)
    for key in value:
        require_key(key, name)
    return value


def _check_amount_map(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, amount in _check_map(value, attribute.name).items():
        if amount.__class__ is not Decimal or not in_range(amount) or amount < 0:
            raise ValidationError(
                "must be a Decimal of at least 0", path=f"{attribute.name}[{key!r}]", value=amount
            )


def _check_count_map(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, count in _check_map(value, attribute.name).items():
        _check_int(count, f"{attribute.name}[{key!r}]", 1)


def _check_sum(total: Decimal, parts: Mapping[str, Decimal], path: str) -> None:
    if sum(parts.values(), _ZERO) != total:
        raise ValidationError(f"must equal the sum of the {path} per line", path=path, value=total)


@attrs.frozen
class AppliedPromotion:
    """What one promotion gave to a cart.

    Attributes:
        promotion_id: The promotion's id.
        name: The promotion's name.
        applications: How many times it applied (add this to the host's usage count).
        discount: Total discount it gave, in the cart's currency.
        line_discounts: Its discount per line key (only lines it discounted).
        affected_items: Items that received the benefit, per line key.
        consumed_items: Items it used, to meet the condition or receive the benefit,
            per line key (they cannot serve it again, nor an exclusive promotion).
        description: The promotion in words.
        capped: Whether it stopped at its ``max_discount``.

    >>> from decimal import Decimal
    >>> a = AppliedPromotion("P", "Promo", 1, Decimal("3.00"), {"l1": Decimal("3.00")},
    ...                      {"l1": 1}, {"l1": 2}, "Buy 2, get 3 off")
    >>> str(a)
    'P (Promo): 1 x, 3.00 off (l1 3.00)'
    """

    promotion_id: str = attrs.field(validator=check_key)
    name: str = attrs.field(validator=check_text)
    applications: int = attrs.field(validator=_check_quantity)
    discount: Decimal = attrs.field(converter=_discount)
    line_discounts: Mapping[str, Decimal] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_check_amount_map
    )
    affected_items: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_check_count_map
    )
    consumed_items: Mapping[str, int] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_check_count_map
    )
    description: str = attrs.field(default="", validator=check_text)
    capped: bool = attrs.field(default=False, validator=check_bool)

    def __attrs_post_init__(self) -> None:
        _check_sum(self.discount, self.line_discounts, "discount")

    def __str__(self) -> str:
        lines = ", ".join(f"{key} {_text(amount)}" for key, amount in self.line_discounts.items())
        text = (
            f"{self.promotion_id} ({self.name}): {self.applications} x, "
            f"{_text(self.discount)} off ({lines})"
        )
        return text + ", capped at its max discount" if self.capped else text


def _optional_shortfall(value: Any) -> Decimal | None:
    return None if value is None else require_decimal(value, "shortfall")


def _check_shortfall(instance: Any, attribute: Any, value: Decimal | None) -> None:
    if value is None:
        return
    if instance.reason is not SkipReason.CONDITION_NOT_MET:
        raise ValidationError(
            f"only a {SkipReason.CONDITION_NOT_MET.value} skip has one "
            f"(this one is {instance.reason.value})",
            path=attribute.name,
            value=value,
        )
    if value <= 0:
        raise ValidationError("must be greater than zero", path=attribute.name, value=value)


@attrs.frozen
class SkippedPromotion:
    """A promotion that gave nothing, and why.

    Attributes:
        promotion_id: The promotion's id.
        reason: The kind of reason.
        detail: The reason in words.
        blocked_by: For :attr:`SkipReason.BLOCKED`, the promotions holding the items.
        shortfall: For :attr:`SkipReason.CONDITION_NOT_MET`, how much more of the
            condition's measure the cart needs: items for a count condition, distinct
            products for a coverage condition, the amount in the cart's currency for a
            value condition (rounded up to the currency's minor unit). ``None`` for
            the other reasons, or when not known.

    Raises:
        ValidationError: ``shortfall`` is not greater than zero, or is given for
            another reason than :attr:`SkipReason.CONDITION_NOT_MET` (path
            ``"shortfall"``).
        FloatAmountError: ``shortfall`` is a float.

    >>> str(SkippedPromotion("P2", SkipReason.BLOCKED, "blocked by exclusive promotion P1",
    ...                      ("P1",)))
    'P2: blocked by exclusive promotion P1'
    >>> from decimal import Decimal
    >>> SkippedPromotion("P3", SkipReason.CONDITION_NOT_MET, "", (), Decimal(1)).shortfall
    Decimal('1')
    >>> SkippedPromotion("P3", SkipReason.BLOCKED, "", ("P1",), Decimal(1))
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: shortfall: only a condition_not_met skip has one ...
    """

    promotion_id: str = attrs.field(validator=check_key)
    reason: SkipReason = attrs.field(converter=_skip_reason)
    detail: str = attrs.field(default="", validator=check_text)
    blocked_by: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    shortfall: Decimal | None = attrs.field(
        default=None, converter=_optional_shortfall, validator=_check_shortfall
    )

    def __str__(self) -> str:
        return f"{self.promotion_id}: {self.detail or self.reason.value}"


@attrs.frozen
class PromotionResult:
    """What :func:`apply_promotions` gave a cart, and why.

    Attributes:
        currency: The cart's currency.
        total_discount: The cart's total discount.
        discounts: Discount per line key, for every line (``0.00`` when none), each
            rounded to the currency's minor units; they add up to ``total_discount``.
        applied: The promotions that applied, in the order they were applied.
        skipped: The promotions that gave nothing, with the reason, in that order.

    >>> from decimal import Decimal
    >>> r = PromotionResult("EUR", Decimal("0.00"), {"l1": Decimal("0.00")})
    >>> r.explain()
    'Promotions: 0.00 EUR off'
    """

    currency: str = attrs.field(validator=check_key)
    total_discount: Decimal = attrs.field(converter=_total_discount)
    discounts: Mapping[str, Decimal] = attrs.field(
        factory=FrozenMap, converter=to_frozen, validator=_check_amount_map
    )
    applied: tuple[AppliedPromotion, ...] = attrs.field(default=(), converter=tuple_converter)
    skipped: tuple[SkippedPromotion, ...] = attrs.field(default=(), converter=tuple_converter)

    def __attrs_post_init__(self) -> None:
        _check_sum(self.total_discount, self.discounts, "total_discount")
        if sum((a.discount for a in self.applied), _ZERO) != self.total_discount:
            raise ValidationError(
                "must equal the sum of the applied promotions' discounts",
                path="total_discount",
                value=self.total_discount,
            )

    def explain(self) -> str:
        """Return the result in words, one line per promotion.

        Returns:
            The total, then each applied promotion, then each skipped one.
        """
        rows = [f"Promotions: {_text(self.total_discount)} {self.currency} off"]
        rows.extend(f"  {applied}" for applied in self.applied)
        rows.extend(f"  skipped {skipped}" for skipped in self.skipped)
        return "\n".join(rows)

    def __str__(self) -> str:
        return self.explain()


# -- application ---------------------------------------------------------------------------


_new_applied: Callable[..., AppliedPromotion] = builder(AppliedPromotion)
_new_result: Callable[..., PromotionResult] = builder(PromotionResult)
# Skip records hold an id, a reason member and text the engine wrote from valid values.
_new_skipped: Callable[..., SkippedPromotion] = builder(SkippedPromotion)

_NO_USAGE: Mapping[str, int] = FrozenMap()


def apply_promotions(
    lines: Sequence[CartLine],
    promotions: Sequence[Promotion],
    *,
    currency: str,
    usage: Mapping[str, int] = _NO_USAGE,
) -> PromotionResult:
    """Apply promotions to a cart, oscar's way (see the module documentation).

    Args:
        lines: The cart's lines; keys must be unique.
        promotions: The candidate promotions, any order; ids must be unique.
        currency: The cart's ISO 4217 currency; discounts are whole minor units of it.
        usage: Applications each promotion already had across all carts (by id), for
            ``usage_limit``; the remaining uses also cap the applications in this cart.

    Returns:
        The discount per line and, as data, what each promotion gave or why not.

    Raises:
        ValidationError: An item is not a CartLine or a Promotion (path
            ``"lines[2]"``...), a line key or promotion id repeats (path
            ``"lines[2].key"``, ``"promotions[1].id"``), or a usage count is not an
            integer >= 0 (path ``"usage['P1']"``).
        UnknownCurrencyError: ``currency`` is not a known ISO 4217 code.

    >>> from decimal import Decimal
    >>> everything = ProductRange(all_products=True)
    >>> promo = Promotion(
    ...     id="TENOFF", name="10.00 off 50.00",
    ...     condition=Condition(ConditionKind.VALUE, Decimal(50), everything),
    ...     benefit=Benefit(BenefitKind.ABSOLUTE, Decimal(10)),
    ... )
    >>> lines = [CartLine(k, "SKU-" + k, "", 1, Decimal(20)) for k in ("a", "b", "c")]
    >>> result = apply_promotions(lines, [promo], currency="EUR")
    >>> [str(amount) for amount in result.discounts.values()]  # 10.00 / 3, the cent to "a"
    ['3.34', '3.33', '3.33']
    """
    places = currency_precision(currency)
    cart, keys = _check_lines(lines)
    offers = _check_promotions(promotions)
    used = _check_usage(usage)
    return _Application(cart, keys, places).run(offers, currency, used)


def _check_lines(lines: Sequence[CartLine]) -> tuple[list[CartLine], list[str]]:
    if lines.__class__ is not list and (
        isinstance(lines, (str, bytes, Mapping)) or not hasattr(lines, "__iter__")
    ):
        raise ValidationError("must be a sequence of CartLine", path="lines", value=lines)
    result = list(lines)
    keys = []
    for index, line in enumerate(result):
        if line.__class__ is not CartLine and not isinstance(line, CartLine):
            raise ValidationError("must be a CartLine", path=f"lines[{index}]", value=line)
        keys.append(line.key)
    if len(set(keys)) != len(keys):
        seen: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key in seen:
                raise ValidationError(
                    f"duplicate line key (also lines[{seen[key]}])",
                    path=f"lines[{index}].key",
                    value=key,
                )
            seen[key] = index
    return result, keys


def _check_promotions(promotions: Sequence[Promotion]) -> list[Promotion]:
    if promotions.__class__ is not list and (
        isinstance(promotions, (str, bytes, Mapping)) or not hasattr(promotions, "__iter__")
    ):
        raise ValidationError(
            "must be a sequence of Promotion", path="promotions", value=promotions
        )
    seen: dict[str, int] = {}
    result = list(promotions)
    for index, promotion in enumerate(result):
        if promotion.__class__ is not Promotion and not isinstance(promotion, Promotion):
            raise ValidationError(
                "must be a Promotion", path=f"promotions[{index}]", value=promotion
            )
        if promotion.id in seen:
            raise ValidationError(
                f"duplicate promotion id (also promotions[{seen[promotion.id]}])",
                path=f"promotions[{index}].id",
                value=promotion.id,
            )
        seen[promotion.id] = index
    if len(result) > 1:
        result.sort(key=_ORDER)
    return result


def _check_usage(usage: Mapping[str, int]) -> Mapping[str, int]:
    if not usage and (usage.__class__ is dict or usage is _NO_USAGE):
        return usage
    if not isinstance(usage, Mapping):
        raise ValidationError("must be a mapping of promotion id to count", path="usage")
    for key, count in usage.items():
        if not isinstance(key, str):
            raise ValidationError("keys must be promotion ids", path="usage", value=key)
        if count.__class__ is not int or count < 0:
            raise ValidationError(
                "must be an integer of at least 0", path=f"usage[{key!r}]", value=count
            )
    return usage


# One application's outcome: the lines given the benefit as (index, items), the
# discount of each of them in whole minor units (same order), and the items consumed
# per line index, and how many applications in a row give exactly this; or why it
# failed: "condition" or "benefit".
_Outcome = tuple[list[tuple[int, int]], list[int], dict[int, int], int]


class _Application:
    """The mutable state of one apply_promotions call.

    Lines are kept in key order, so "the lower index" means "the lower line key".
    Amounts are Python ints: ``units`` counts a unit price in steps of
    ``10**-(places + extra)`` (``extra`` covers prices with more decimals than the
    currency), so ``scale = 10**extra`` steps make one minor unit.
    """

    __slots__ = (
        "consumers",
        "exclusive",
        "extra",
        "families",
        "given",
        "indexes",
        "input_keys",
        "keys",
        "order",
        "places",
        "positions",
        "quantities",
        "room",
        "scale",
        "skus",
        "units",
        "zero",
    )

    def __init__(self, lines: list[CartLine], input_keys: list[str], places: int) -> None:
        count = len(lines)
        # The input position of each line, in key order.
        self.positions = positions = sorted(range(count), key=input_keys.__getitem__)
        self.input_keys = input_keys
        self.places = places
        self.keys = [input_keys[position] for position in positions]
        self.skus: list[str] = []
        self.families: list[str] = []
        self.quantities: list[int] = []
        self.units: list[int] = []
        self.room: list[int] = []
        skus, families, quantities = self.skus, self.families, self.quantities
        units, room = self.units, self.room
        extra = 0
        for position in positions:
            line = lines[position]
            skus.append(line.sku)
            families.append(line.family)
            quantities.append(line.quantity)
            scaled = line.unit_price.scaleb(places, _CONTEXT)
            unit = int(scaled)
            if unit != scaled:  # more decimals than the currency has
                decimals = -scaled.as_tuple().exponent  # type: ignore[operator]
                if decimals > extra:
                    extra = decimals
            units.append(unit)
            # What the line can be discounted in all, in whole minor units.
            room.append(unit * line.quantity)
        self.extra = extra
        self.scale = scale = 10**extra
        if extra:
            shift = places + extra
            units[:] = [int(lines[p].unit_price.scaleb(shift, _CONTEXT)) for p in positions]
            room[:] = [u * q // scale for u, q in zip(units, quantities, strict=True)]
        self.indexes = range(count)
        self.given = [0] * count
        # Per line: promotion id -> items it consumed (None until one does).
        self.consumers: list[dict[str, int] | None] = [None] * count
        self.exclusive: dict[str, bool] = {}
        self.order: list[str] = []
        self.zero = _zero(places)

    def steps(self, amount: Decimal, rounding: str) -> int:
        """``amount`` in steps of the unit prices, rounded with ``rounding``."""
        scaled = amount.scaleb(self.places + self.extra, _CONTEXT)
        return int(scaled.to_integral_value(rounding, _CONTEXT))

    # -- availability (oscar's LineOfferConsumer.available) --------------------------

    def available(self, pid: str, exclusive: bool) -> list[int]:
        """Items of each line that ``pid`` may still use."""
        result = []
        exclusives = self.exclusive
        for quantity, consumers in zip(self.quantities, self.consumers, strict=True):
            if consumers is None:
                result.append(quantity)
                continue
            count = quantity - consumers.get(pid, 0)
            for other, used in consumers.items():
                if other == pid:
                    continue
                if exclusives[other]:
                    if not exclusive:
                        count = 0
                        break
                    count -= used
                elif exclusive:
                    count = 0
                    break
            result.append(count if count > 0 else 0)
        return result

    def free(self, pid: str) -> list[int]:
        """Items available to ``pid`` if no other promotion held any."""
        return [
            q if c is None else q - c.get(pid, 0)
            for q, c in zip(self.quantities, self.consumers, strict=True)
        ]

    def blockers(self, pid: str, exclusive: bool, members: list[bool]) -> list[str]:
        """The promotions holding items of ``members`` lines that ``pid`` cannot share."""
        found: set[str] = set()
        for consumers, member in zip(self.consumers, members, strict=True):
            if member and consumers is not None:
                found.update(
                    other
                    for other in consumers
                    if other != pid and (exclusive or self.exclusive[other])
                )
        return [other for other in self.order if other in found]

    # -- the loop ----------------------------------------------------------------------

    def run(
        self, promotions: list[Promotion], currency: str, used: Mapping[str, int]
    ) -> PromotionResult:
        applied: list[AppliedPromotion] = []
        skipped: list[SkippedPromotion] = []
        skus, families, given, all_consumers = self.skus, self.families, self.given, self.consumers
        for promotion in promotions:
            pid = promotion.id
            limit = promotion.max_applications
            if promotion.usage_limit is not None:
                left = promotion.usage_limit - used.get(pid, 0)
                if left <= 0:
                    skipped.append(
                        _new_skipped(
                            pid,
                            SkipReason.USAGE_LIMIT_REACHED,
                            f"usage limit reached ({used.get(pid, 0)} of "
                            f"{promotion.usage_limit} used)",
                            (),
                            None,
                        )
                    )
                    continue
                limit = left if limit is None else min(limit, left)
            exclusive = promotion.exclusive
            self.exclusive[pid] = exclusive
            self.order.append(pid)
            condition = promotion.condition
            in_condition = condition.range._members(skus, families)
            benefit_range = promotion._benefit_range
            in_benefit = (
                in_condition
                if benefit_range is condition.range
                else benefit_range._members(skus, families)
            )
            threshold = self.threshold(condition)
            budget = (
                None
                if promotion.max_discount is None
                else int(promotion.max_discount.scaleb(self.places, _CONTEXT))
            )
            applications = total = 0
            # Per line index: discount (minor units), items given the benefit, items used.
            parts: dict[int, int] = {}
            affected: dict[int, int] = {}
            consumed: dict[int, int] = {}
            failure = ""
            while limit is None or applications < limit:
                if budget is not None and total >= budget:
                    break
                outcome = self.apply_once(
                    promotion,
                    self.available(pid, exclusive),
                    in_condition,
                    in_benefit,
                    threshold,
                    None if budget is None else budget - total,
                    None if limit is None else limit - applications,
                )
                if isinstance(outcome, str):
                    failure = outcome
                    break
                # ``times`` identical applications at once (see apply_once).
                picked, discounts, used_items, times = outcome
                applications += times
                for (index, count), units in zip(picked, discounts, strict=True):
                    if times > 1:
                        units *= times
                        count *= times
                    given[index] += units
                    total += units
                    parts[index] = parts.get(index, 0) + units
                    affected[index] = affected.get(index, 0) + count
                for index, count in used_items.items():
                    if times > 1:
                        count *= times
                    consumed[index] = consumed.get(index, 0) + count
                    consumers = all_consumers[index]
                    if consumers is None:
                        all_consumers[index] = {pid: count}
                    else:
                        consumers[pid] = consumers.get(pid, 0) + count
            if applications:
                applied.append(
                    self.applied(promotion, applications, total, parts, affected, consumed, budget)
                )
            else:
                skipped.append(
                    self.skipped(promotion, failure, in_condition, in_benefit, threshold)
                )
        return self.result(currency, applied, skipped)

    # -- one application -----------------------------------------------------------------

    def apply_once(
        self,
        promotion: Promotion,
        available: list[int],
        in_condition: list[bool],
        in_benefit: list[bool],
        threshold: int,
        budget: int | None,
        left: int | None = 1,
    ) -> _Outcome | str:
        """Apply ``promotion`` once to the items in ``available`` (changes nothing).

        Also count how many applications in a row, at most ``left`` (``None``: no
        limit), would give exactly this outcome: the work stays proportional to the
        lines, not to their quantities (see :meth:`repeats`).
        """
        condition = promotion.condition
        if self.measure(condition.kind, available, in_condition) < threshold:
            return "condition"
        benefit = promotion.benefit
        kind = benefit.kind
        units = self.units
        # The items given the benefit, the cheapest first: (line index, items).
        picked: list[tuple[int, int]]
        if kind is BenefitKind.FIXED_PRICE:
            picked = self.bundle(condition, available, in_condition)
        else:
            candidates = [
                index
                for index in compress(self.indexes, in_benefit)
                if available[index] and units[index]
            ]
            if len(candidates) > 1:
                candidates.sort(key=units.__getitem__)  # stable: ties stay in key order
            if kind is BenefitKind.MULTIBUY:
                picked = [(candidates[0], 1)] if candidates else []
            else:
                picked = []
                limit = benefit.max_affected_items
                for index in candidates:
                    count = available[index]
                    if limit is not None:
                        if count >= limit:
                            picked.append((index, limit))
                            break
                        limit -= count
                    picked.append((index, count))
        # Weights count 1/per of a minor unit: per = scale, or scale * 100 * d for a
        # percentage n/d (then each weight is multiplied by n).
        per = self.scale
        factor = 1
        if kind is BenefitKind.PERCENT:
            factor, denominator = benefit._ratio
            per *= 100 * denominator
        room, given = self.room, self.given
        weights = []
        reach = 0
        for index, count in picked:
            worth = units[index] * count * factor
            most = (room[index] - given[index]) * per
            weight = worth if worth < most else most
            weights.append(weight)
            reach += weight
        discount = reach // per
        if kind is BenefitKind.ABSOLUTE:
            wanted = int(benefit.value.scaleb(self.places, _CONTEXT))
            if wanted < discount:
                discount = wanted
        elif kind is BenefitKind.FIXED_PRICE:
            worth = sum(units[index] * count for index, count in picked)
            wanted = (worth - self.steps(benefit.value, decimal.ROUND_CEILING)) // self.scale
            if wanted < discount:
                discount = wanted
        if budget is not None and budget < discount:
            discount = budget
        if discount <= 0:
            return "benefit"
        consumed = dict(picked)
        self.consume(condition, available, in_condition, consumed, threshold)
        shares = _spread(discount, weights, picked)
        times = 1
        if left is None or left > 1:
            times = self.repeats(
                available, picked, shares, weights, consumed, discount, budget, left, per
            )
        return picked, shares, consumed, times

    def repeats(
        self,
        available: list[int],
        picked: list[tuple[int, int]],
        shares: list[int],
        weights: list[int],
        consumed: dict[int, int],
        discount: int,
        budget: int | None,
        left: int | None,
        per: int,
    ) -> int:
        """How many applications in a row give the outcome just computed (at least 1).

        Application ``j`` (from 0) sees ``available - j * consumed`` items and
        ``given + j * shares`` discount on each line. It makes the same choices while
        every line it uses still has at least what one application consumes of it:
        the cheapest-first and dearest-first walks then stop on the same lines with the
        same counts (a line it used up was taken whole, so that stops the run at one),
        and lines it does not use are unchanged. The condition holds too, since what
        one application consumes meets it. The discount stays the same while no line's
        weight reaches what is left of the line, and the budget covers it.
        """
        times = left
        for index, count in consumed.items():
            fits = available[index] // count
            if times is None or fits < times:
                times = fits
        if times is None or times <= 1:  # (consumed is never empty)
            return 1
        if budget is not None:
            times = min(times, budget // discount)
        room, given = self.room, self.given
        if len(picked) == 1:
            # One line: the discount is the same while the line has room for it.
            index = picked[0][0]
            times = min(times, (room[index] - given[index]) // discount)
        else:
            for (index, _), weight, share in zip(picked, weights, shares, strict=True):
                if not share:
                    continue
                most = (room[index] - given[index]) * per
                if weight >= most:
                    return 1
                # The weight stays the items' worth while ``j * share`` more minor
                # units leave room for it.
                times = min(times, (most - weight) // (share * per) + 1)
        return times if times > 1 else 1

    def threshold(self, condition: Condition) -> int:
        """The condition's value as an int comparable with :meth:`measure`."""
        if condition.kind is ConditionKind.VALUE:
            return self.steps(condition.value, decimal.ROUND_CEILING)
        return condition._whole

    def measure(self, kind: ConditionKind, available: list[int], members: list[bool]) -> int:
        """Items, value (in steps) or distinct SKUs of the range available."""
        if kind is ConditionKind.COUNT:
            return sum(compress(available, members))
        if kind is ConditionKind.VALUE:
            return sum(
                map(operator.mul, compress(self.units, members), compress(available, members))
            )
        return len(
            {
                sku
                for sku, count, member in zip(self.skus, available, members, strict=True)
                if member and count
            }
        )

    def bundle(
        self, condition: Condition, available: list[int], members: list[bool]
    ) -> list[tuple[int, int]]:
        """The items a fixed price covers: the cheapest that meet the condition."""
        needed = condition._whole
        candidates = [index for index in compress(self.indexes, members) if available[index]]
        candidates.sort(key=self.units.__getitem__)
        chosen: list[tuple[int, int]] = []
        if condition.kind is ConditionKind.COUNT:
            for index in candidates:
                count = min(available[index], needed)
                chosen.append((index, count))
                needed -= count
                if not needed:
                    break
        else:
            seen: set[str] = set()
            for index in candidates:
                sku = self.skus[index]
                if sku not in seen:
                    seen.add(sku)
                    chosen.append((index, 1))
                    if len(seen) == needed:
                        break
        return chosen

    def consume(
        self,
        condition: Condition,
        available: list[int],
        members: list[bool],
        consumed: dict[int, int],
        threshold: int,
    ) -> None:
        """Add the items the condition still needs to ``consumed``, the dearest first.

        ``consumed`` holds the items given the benefit; those in the condition's range
        count towards it (oscar counts them whatever their range, so that "buy 2 shirts,
        get a hat" would consume a single shirt).
        """
        kind = condition.kind
        units = self.units
        if kind is ConditionKind.COUNT:
            needed = threshold
            for index, count in consumed.items():
                if members[index]:
                    needed -= count
            if needed <= 0:
                return
            order = [i for i in compress(self.indexes, members) if available[i]]
            order.sort(key=units.__getitem__, reverse=True)  # stable: ties in key order
            for index in order:
                taken = consumed.get(index, 0)
                count = available[index] - taken
                if count <= 0:
                    continue
                if count > needed:
                    count = needed
                consumed[index] = taken + count
                needed -= count
                if not needed:
                    return
        elif kind is ConditionKind.VALUE:
            needed = threshold
            for index, count in consumed.items():
                if members[index]:
                    needed -= units[index] * count
            if needed <= 0:
                return
            order = [i for i in compress(self.indexes, members) if available[i] and units[i]]
            order.sort(key=units.__getitem__, reverse=True)
            for index in order:
                taken = consumed.get(index, 0)
                count = min(available[index] - taken, -(-needed // units[index]))
                if count <= 0:
                    continue
                consumed[index] = taken + count
                needed -= units[index] * count
                if needed <= 0:
                    return
        else:
            skus = self.skus
            seen = {skus[index] for index in consumed if members[index]}
            needed = threshold - len(seen)
            if needed <= 0:
                return
            order = [i for i in compress(self.indexes, members) if available[i]]
            order.sort(key=units.__getitem__, reverse=True)
            for index in order:
                taken = consumed.get(index, 0)
                if skus[index] in seen or available[index] <= taken:
                    continue
                seen.add(skus[index])
                consumed[index] = taken + 1
                needed -= 1
                if not needed:
                    return

    # -- results -------------------------------------------------------------------------

    def applied(
        self,
        promotion: Promotion,
        applications: int,
        total: int,
        parts: dict[int, int],
        affected: dict[int, int],
        consumed: dict[int, int],
        budget: int | None,
    ) -> AppliedPromotion:
        keys, places = self.keys, -self.places
        line_discounts: dict[str, Decimal] = {}
        benefit_items: dict[str, int] = {}
        used_items: dict[str, int] = {}
        # Lines in the order the promotion used them (the cheapest benefit items first);
        # every discounted line also consumed items.
        for index, count in consumed.items():
            key = keys[index]
            used_items[key] = count
            if index in affected:
                benefit_items[key] = affected[index]
                units = parts[index]
                if units:
                    line_discounts[key] = Decimal(units).scaleb(places, _CONTEXT)
        return _new_applied(
            promotion.id,
            promotion.name,
            applications,
            Decimal(total).scaleb(places, _CONTEXT),
            FrozenMap.wrap(line_discounts),
            FrozenMap.wrap(benefit_items),
            FrozenMap.wrap(used_items),
            promotion._description,
            budget is not None and total >= budget,
        )

    def skipped(
        self,
        promotion: Promotion,
        failure: str,
        in_condition: list[bool],
        in_benefit: list[bool],
        threshold: int,
    ) -> SkippedPromotion:
        pid, exclusive = promotion.id, promotion.exclusive
        members = [a or b for a, b in zip(in_condition, in_benefit, strict=True)]
        blockers = self.blockers(pid, exclusive, members)
        if blockers:
            # Would it have applied if no other promotion held any item?
            trial = self.apply_once(
                promotion, self.free(pid), in_condition, in_benefit, threshold, None
            )
            if not isinstance(trial, str):
                names = ", ".join(blockers)
                plural = "s" if len(blockers) > 1 else ""
                if exclusive:
                    detail = f"exclusive, and its items are used by promotion{plural} {names}"
                else:
                    detail = f"blocked by exclusive promotion{plural} {names}"
                return _new_skipped(pid, SkipReason.BLOCKED, detail, tuple(blockers), None)
            failure = trial
        condition = promotion.condition
        if failure == "condition":
            found = self.measure(condition.kind, self.free(pid), in_condition)
            # The condition failed on these very items, so ``missing`` is positive.
            missing = threshold - found
            if condition.kind is ConditionKind.VALUE:
                # display only: rounded to the currency (the exact value may be long)
                value = Decimal(found).scaleb(-self.places - self.extra, _DISPLAY)
                shown = _text(value.quantize(_QUANTA_SHOWN[self.places], context=_DISPLAY))
                # Steps rounded up to whole minor units (the threshold is already
                # the condition's value rounded up to a step).
                shortfall = Decimal(-(-missing // self.scale)).scaleb(-self.places, _CONTEXT)
            else:
                shown = str(found)
                shortfall = Decimal(missing)
            return _new_skipped(
                pid,
                SkipReason.CONDITION_NOT_MET,
                f"condition not met: needs {condition}, the cart has {shown}",
                (),
                shortfall,
            )
        return _new_skipped(
            pid,
            SkipReason.NO_DISCOUNT,
            f"condition met, but {promotion.benefit.describe(condition)} gives nothing here",
            (),
            None,
        )

    def result(
        self, currency: str, applied: list[AppliedPromotion], skipped: list[SkippedPromotion]
    ) -> PromotionResult:
        places, zero = -self.places, self.zero
        amounts = [zero] * len(self.given)
        total = 0
        for position, units in zip(self.positions, self.given, strict=True):
            if units:
                amounts[position] = Decimal(units).scaleb(places, _CONTEXT)
                total += units
        return _new_result(
            currency,
            Decimal(total).scaleb(places, _CONTEXT) if total else zero,
            FrozenMap.wrap(dict(zip(self.input_keys, amounts, strict=True))),
            tuple(applied),
            tuple(skipped),
        )


_ORDER = operator.attrgetter("_order")
_ZEROS: dict[int, Decimal] = {}


def _zero(places: int) -> Decimal:
    """Zero written with ``places`` decimals (``Decimal("0.00")`` for 2)."""
    try:
        return _ZEROS[places]
    except KeyError:
        return _ZEROS.setdefault(places, _ZERO.scaleb(-places, _CONTEXT))


def _spread(total: int, weights: list[int], picked: list[tuple[int, int]]) -> list[int]:
    """Split ``total`` in proportion to ``weights``, by the largest-remainder method.

    Each line first gets its exact share rounded down; the units left go one each to
    the largest remainders, the lower line index (the lower line key) first on a tie.
    ``picked`` gives each weight's line index. ``total`` is at most the sum of the
    weights (in their own scale), so each part is at most its weight rounded up.
    """
    if len(weights) == 1:
        return [total]
    whole = sum(weights)
    shares = []
    remainders = []
    left = total
    for position, weight in enumerate(weights):
        share, remainder = divmod(total * weight, whole)
        shares.append(share)
        left -= share
        if remainder:
            remainders.append((-remainder, picked[position][0], position))
    if left:
        remainders.sort()
        for _, _, position in remainders[:left]:
            shares[position] += 1
    return shares
