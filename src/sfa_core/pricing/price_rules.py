"""Price rules: a JSON Logic condition, actions, a phase, a priority and a stacking policy.

A :class:`PriceRule` says *when* (a JSON Logic condition over the quote, the
line, the customer and the product, optionally scoped to SKUs or families and to
a currency) and *what* (one or more :class:`PriceAction`: set the price, take a
percent or an amount off, mark up, or set a field that later steps read). Its
:class:`Phase` places it in the waterfall: before the list price is touched,
on the special price (after contracted prices), or after the net price.

A :class:`RuleSet` groups rules under one :class:`Stacking` policy, which
decides what happens when several rules of a phase match the same line:

* ``FIRST_MATCH``: only the highest-priority matching rule changes the price.
* ``BEST_FOR_CUSTOMER``: every matching rule is tried on the same price; the
  lowest result wins (ties go to the higher priority).
* ``ADDITIVE``: percentages add up (a 10 % and a 5 % rule give 15 %), amounts
  add up, then apply once.
* ``COMPOUNDING``: each rule applies to the result of the previous one
  (10 % then 5 % gives 14.5 %).
* ``EXCLUSIVE``: the highest-priority rule applies; two matching rules sharing
  the highest priority raise :class:`PriceRuleConflictError` (ERPNext's
  ``MultiplePricingRuleConflict``).

Priorities: a larger number wins (ERPNext); equal priorities are ordered by id.
Set-field actions of every matching rule apply (they are how rules talk to
later steps); stacking governs only the actions that change the price.

Rules are indexed by SKU, by family and in a general bucket when the set is
built, so a line only checks the conditions of rules that can apply to it: a
thousand SKU-scoped rules cost a line a dictionary lookup, not a thousand
condition checks.

>>> from decimal import Decimal
>>> r = PriceRule(id="HW-10", families=("hardware",), actions=(PriceAction.percent_off(10),))
>>> rs = RuleSet((r,), stacking="compounding")
>>> [rule.id for rule in rs.candidates(Phase.ON, "LAPTOP", "hardware")]
['HW-10']
>>> rs.candidates(Phase.ON, "PEN", "office")
()
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from sfa_core import rules as _rules
from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_optional_decimal,
    check_text,
    check_version,
    require_decimal,
    require_items,
    require_key,
    to_optional_decimal,
    tuple_converter,
)
from sfa_core.errors import ValidationError, _joined, _shown, _text
from sfa_core.money import validate_currency

__all__ = [
    "WATERFALL_FIELDS",
    "ActionKind",
    "Phase",
    "PriceAction",
    "PriceRule",
    "PriceRuleConflictError",
    "PriceRuleCycleError",
    "RuleSet",
    "Stacking",
]


_ONE = Decimal(1)
_HUNDRED = Decimal(100)


class Phase(str, enum.Enum):
    """Where in the waterfall a rule acts.

    * ``BEFORE``: before contracted prices; typically sets fields (a discount
      percent, a custom flag) or a special price.
    * ``ON``: on the special price, after contracted prices and before schedules.
    * ``AFTER``: on the price after the distributor discount, before floors.
    """

    BEFORE = "before"
    ON = "on"
    AFTER = "after"


class ActionKind(str, enum.Enum):
    """What a :class:`PriceAction` does."""

    SET_PRICE = "set_price"
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    MARKUP = "markup"
    SET_FIELD = "set_field"


class Stacking(str, enum.Enum):
    """How the price actions of several matching rules combine (see the module docs)."""

    FIRST_MATCH = "first_match"
    BEST_FOR_CUSTOMER = "best_for_customer"
    ADDITIVE = "additive"
    COMPOUNDING = "compounding"
    EXCLUSIVE = "exclusive"


#: Line fields the waterfall reads, which a ``SET_FIELD`` action may set (percent
#: values, except ``additional_discount_amount`` which is an amount per unit).
#: Any other field must be written ``fields.<name>``; conditions read it as
#: ``line.fields.<name>``.
WATERFALL_FIELDS = frozenset(
    {
        "additional_discount",
        "additional_discount_amount",
        "partner_discount",
        "distributor_discount",
    }
)


def _to_kind(value: ActionKind | str) -> ActionKind:
    return as_member(ActionKind, value, "kind")


def _to_phase(value: Phase | str) -> Phase:
    return as_member(Phase, value, "phase")


def _to_stacking(value: Stacking | str) -> Stacking:
    return as_member(Stacking, value, "stacking")


class PriceRuleConflictError(ValidationError):
    """Two matching rules share the highest priority under ``EXCLUSIVE`` stacking.

    Attributes:
        index: The position of the line both rules matched.
        line: Its key.
        rule_ids: The conflicting rules.
        priority: Their priority.

    >>> raise PriceRuleConflictError(0, "L1", ("A", "B"), 5)
    Traceback (most recent call last):
    ...
    sfa_core.pricing.price_rules.PriceRuleConflictError: lines[0]: line 'L1': price rules 'A', ...
    """

    code: ClassVar[str] = "price_rule_conflict"

    def __init__(self, index: int, line: str, rule_ids: tuple[str, ...], priority: int) -> None:
        self.index = index
        self.line = line
        self.rule_ids = rule_ids
        self.priority = priority
        super().__init__(
            f"line {_shown(line)}: price rules {_joined(rule_ids, ', ', quoted=True)} all match "
            f"with priority {_text(priority)}; exclusive stacking needs one winner (change a "
            "priority)",
            path=f"lines[{_text(index)}]",
            value=rule_ids,
        )


class PriceRuleCycleError(ValidationError):
    """Rules of one phase set fields that each other's conditions read, in a cycle.

    Attributes:
        cycle: The rule ids around the cycle, the first repeated at the end.
    """

    code: ClassVar[str] = "price_rule_cycle"

    def __init__(self, cycle: tuple[str, ...]) -> None:
        self.cycle = cycle
        super().__init__(
            "price rules set fields that each other read, in a cycle: " + _joined(cycle, " -> "),
            path="rules",
        )


def _field_name(value: Any, path: str) -> str | None:
    if value is None:
        return None
    name = require_key(value, path)
    if name in WATERFALL_FIELDS:
        return name
    if name.startswith("fields.") and len(name) > len("fields."):
        return name
    raise ValidationError(
        f"must be one of {sorted(WATERFALL_FIELDS)} or 'fields.<name>'", path=path, value=value
    )


_PRICE_KINDS = frozenset(
    {ActionKind.SET_PRICE, ActionKind.PERCENT_OFF, ActionKind.AMOUNT_OFF, ActionKind.MARKUP}
)


@attrs.frozen
class PriceAction:
    """What a matching rule does.

    Attributes:
        kind: The :class:`ActionKind`.
        value: The price (``SET_PRICE``), the percent (``PERCENT_OFF``,
            ``MARKUP``), the amount per unit of quantity (``AMOUNT_OFF``), or the
            number a ``SET_FIELD`` writes. Amounts are in the quote's currency.
        field: The field a ``SET_FIELD`` writes (see :data:`WATERFALL_FIELDS`).
        text: The text a ``SET_FIELD`` writes into a custom field, instead of a number.

    >>> PriceAction.percent_off(10)
    PriceAction(kind=<ActionKind.PERCENT_OFF: 'percent_off'>, value=Decimal('10'), ...)
    >>> PriceAction(kind="percent_off", value=120)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: value: a percent off must be between 0 and 100 (got ...)
    """

    kind: ActionKind = attrs.field(converter=_to_kind)
    value: Decimal | None = attrs.field(
        default=None, converter=to_optional_decimal, validator=check_optional_decimal
    )
    field: str | None = attrs.field(default=None)
    text: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        kind, value = self.kind, self.value
        if kind is ActionKind.SET_FIELD:
            if self.field is None:
                raise ValidationError("a set_field action needs a field", path="field")
            _field_name(self.field, "field")
            if (value is None) == (self.text is None):
                raise ValidationError(
                    "a set_field action needs exactly one of value or text", path="value"
                )
            if self.text is not None:
                check_text(self, attrs.fields(PriceAction).text, self.text)
                if self.field in WATERFALL_FIELDS:
                    raise ValidationError(
                        f"{self.field} takes a number, not text", path="text", value=self.text
                    )
            if self.field in WATERFALL_FIELDS and value is not None:
                _check_field_number(self.field, value)
            return
        if self.field is not None or self.text is not None:
            raise ValidationError(
                f"a {kind.value} action takes no field or text", path="field", value=self.field
            )
        if value is None:
            raise ValidationError(f"a {kind.value} action needs a value", path="value")
        if value < 0:
            raise ValidationError("must not be negative", path="value", value=value)
        if kind is ActionKind.PERCENT_OFF and value > 100:
            raise ValidationError(
                "a percent off must be between 0 and 100", path="value", value=value
            )

    @classmethod
    def set_price(cls, price: Any) -> PriceAction:
        """Return an action that sets the unit price to ``price``.

        Args:
            price: The new unit price, in the quote's currency.

        Returns:
            The action.
        """
        return cls(ActionKind.SET_PRICE, price)

    @classmethod
    def percent_off(cls, percent: Any) -> PriceAction:
        """Return an action that takes ``percent`` off the price.

        Args:
            percent: 0 to 100.

        Returns:
            The action.
        """
        return cls(ActionKind.PERCENT_OFF, percent)

    @classmethod
    def amount_off(cls, amount: Any) -> PriceAction:
        """Return an action that takes ``amount`` off per unit of quantity.

        Args:
            amount: The amount, in the quote's currency.

        Returns:
            The action.
        """
        return cls(ActionKind.AMOUNT_OFF, amount)

    @classmethod
    def markup(cls, percent: Any) -> PriceAction:
        """Return an action that raises the price by ``percent``.

        Args:
            percent: The markup, >= 0.

        Returns:
            The action.
        """
        return cls(ActionKind.MARKUP, percent)

    @classmethod
    def set_field(cls, field: str, value: Any = None, *, text: str | None = None) -> PriceAction:
        """Return an action that writes ``value`` (or ``text``) into a line field.

        Args:
            field: One of :data:`WATERFALL_FIELDS` or ``"fields.<name>"``.
            value: The number to write.
            text: The text to write into a custom field instead.

        Returns:
            The action.

        >>> PriceAction.set_field("additional_discount", 5).field
        'additional_discount'
        """
        return cls(ActionKind.SET_FIELD, value, field, text)

    def describe(self) -> str:
        """Say what the action does, in words.

        Returns:
            For example ``"10 % off"`` or ``"set partner_discount = 5"``.

        >>> PriceAction.amount_off("2.50").describe()
        '2.50 off per unit'
        """
        kind = self.kind
        if kind is ActionKind.SET_PRICE:
            return f"price set to {self.value}"
        if kind is ActionKind.PERCENT_OFF:
            return f"{self.value} % off"
        if kind is ActionKind.AMOUNT_OFF:
            return f"{self.value} off per unit"
        if kind is ActionKind.MARKUP:
            return f"{self.value} % markup"
        shown = self.value if self.text is None else repr(self.text)
        return f"set {self.field} = {shown}"


def _check_field_number(field: str, value: Decimal) -> None:
    if value < 0 or (field != "additional_discount_amount" and value > 100):
        limit = "must not be negative" if value < 0 else "must be between 0 and 100"
        raise ValidationError(f"{field} {limit}", path="value", value=value)


def _check_keys(instance: Any, attribute: Any, value: tuple[str, ...]) -> None:
    for index, item in enumerate(value):
        require_key(item, f"{attribute.name}[{index}]")


def _check_actions(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    if not value:
        raise ValidationError("a rule needs at least one action", path="actions", value=value)
    for index, action in enumerate(value):
        if not isinstance(action, PriceAction):
            raise ValidationError("must be a PriceAction", path=f"actions[{index}]", value=action)


def _check_priority(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("must be an integer", path="priority", value=value)


def _optional_currency(value: Any) -> str | None:
    return None if value is None else validate_currency(value)


@attrs.frozen
class PriceRule:
    """A condition and the actions taken on the lines it matches.

    Attributes:
        id: Unique key, named in waterfall steps.
        actions: What the rule does, in order.
        condition: JSON Logic over ``quote``, ``line``, ``customer`` and
            ``product`` (``None``: always). It is compiled once, here.
        phase: Where in the waterfall the rule acts.
        priority: Larger wins.
        skus: When set, the rule applies only to these SKUs (or ``families``).
        families: When set, the rule applies only to these families (or ``skus``).
        currency: When set, the rule applies only to quotes in this currency.
        allow_below_floor: A price this rule set may go below the line's floor.
        active: Inactive rules are ignored.
        name: Display name.

    The data a condition sees: ``quote`` (``id``, ``account``, ``currency``,
    ``price_book``, ``date`` as ISO text, ``line_count``, ``total_quantity``,
    ``fields``), ``customer`` (what the host passed), ``product`` (``sku``,
    ``name``, ``family``, ``unit_of_measure``, ``attributes``) and ``line``
    (``key``, ``sku``, ``quantity``, ``term``, ``price`` (the unit price so far),
    ``list_price``, ``group``, ``fields``).

    >>> rule = PriceRule(id="BIG", condition={">=": [{"var": "line.quantity"}, 10]},
    ...                  actions=(PriceAction.percent_off(5),))
    >>> rule.matches({"line": {"quantity": 12}})
    True
    >>> PriceRule(id="BAD", condition={"frobnicate": []}, actions=(PriceAction.markup(1),))
    Traceback (most recent call last):
    ...
    sfa_core.errors.RuleError: $: unknown operator 'frobnicate'
    """

    id: str = attrs.field(validator=check_key)
    actions: tuple[PriceAction, ...] = attrs.field(
        converter=tuple_converter, validator=_check_actions
    )
    condition: Any = attrs.field(default=None)
    phase: Phase = attrs.field(default=Phase.ON, converter=_to_phase)
    priority: int = attrs.field(default=0, validator=_check_priority)
    skus: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    families: tuple[str, ...] = attrs.field(
        default=(), converter=tuple_converter, validator=_check_keys
    )
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    allow_below_floor: bool = attrs.field(default=False, validator=check_bool)
    active: bool = attrs.field(default=True, validator=check_bool)
    name: str = attrs.field(default="", validator=check_text)
    _compiled: Any = attrs.field(init=False, eq=False, repr=False, hash=False)
    _sets: frozenset[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _reads: frozenset[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _price_actions: tuple[PriceAction, ...] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _description: str = attrs.field(init=False, eq=False, repr=False, hash=False)
    _test: Any = attrs.field(init=False, eq=False, repr=False, hash=False)
    _apply: Any = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        compiled = None if self.condition is None else _rules.compile(self.condition)
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_test", None if compiled is None else compiled._predicate())
        sets = frozenset(
            a.field for a in self.actions if a.kind is ActionKind.SET_FIELD and a.field
        )
        object.__setattr__(self, "_sets", sets)
        reads = frozenset(_reads_fields(self.condition)) if compiled is not None else frozenset()
        object.__setattr__(self, "_reads", reads)
        prices = tuple(a for a in self.actions if a.kind in _PRICE_KINDS)
        object.__setattr__(self, "_price_actions", prices)
        object.__setattr__(self, "_apply", _compile_actions(prices))
        label = f"rule {self.id}" + (f" ({self.name})" if self.name else "")
        described = f"{label}: " + ", ".join(a.describe() for a in self.actions)
        object.__setattr__(self, "_description", described)

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(PriceRule) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    def matches(self, data: Mapping[str, Any]) -> bool:
        """Return whether the condition holds for ``data`` (scope and currency aside).

        Args:
            data: The condition data (see the class docs).

        Returns:
            ``True`` when there is no condition or it is truthy.
        """
        compiled = self._compiled
        return compiled is None or bool(compiled.matches(data))

    def apply(self, price: Decimal, per: Decimal = _ONE) -> Decimal:
        """Return ``price`` after the rule's price actions, in order (exact, unrounded).

        Args:
            price: The unit price the rule acts on.
            per: Units of quantity per priced unit (1, or the quantity for a line
                priced as a whole): amounts and set prices are per unit of quantity.

        Returns:
            The new price.

        >>> PriceRule(id="R", actions=(PriceAction.percent_off(10),
        ...                            PriceAction.amount_off(1))).apply(Decimal("50.00"))
        Decimal('44.000')
        """
        result: Decimal = self._apply(require_decimal(price, "price"), require_decimal(per, "per"))
        return result

    def describe(self) -> str:
        """Name the rule and its actions, in words.

        Returns:
            ``"rule HW-10: 10 % off"``, with the name when there is one.
        """
        return self._description


def _compile_actions(actions: tuple[PriceAction, ...]) -> Any:
    """Turn price actions into one function ``(price, per) -> price``, constants folded."""
    steps: list[tuple[int, Decimal]] = []
    for action in actions:
        value = action.value
        assert value is not None
        kind = action.kind
        if kind is ActionKind.SET_PRICE:
            steps.append((0, value))
        elif kind is ActionKind.PERCENT_OFF:
            steps.append((1, _ONE - value / _HUNDRED))
        elif kind is ActionKind.MARKUP:
            steps.append((1, _ONE + value / _HUNDRED))
        else:
            steps.append((2, value))
    if len(steps) == 1 and steps[0][0] == 1:
        factor = steps[0][1]

        def scale(price: Decimal, per: Decimal) -> Decimal:
            return price * factor

        return scale

    def run(price: Decimal, per: Decimal) -> Decimal:
        for code, value in steps:
            if code == 1:
                price = price * value
            elif code == 0:
                price = value * per
            else:
                price = price - value * per
        return price

    return run


def _reads_fields(node: Any) -> Iterable[str]:
    """Yield the custom fields (``fields.x``) a condition reads through ``line.fields.x``."""
    if isinstance(node, Mapping):
        for op, args in node.items():
            if op in ("var", "val") and isinstance(args, (str, list)):
                names = [args] if isinstance(args, str) else args
                for name in names:
                    if isinstance(name, str) and name.startswith("line."):
                        rest = name[len("line.") :]
                        if rest.startswith("fields.") or rest in WATERFALL_FIELDS:
                            yield rest
            yield from _reads_fields(args)
    elif isinstance(node, list):
        for item in node:
            yield from _reads_fields(item)


def _check_rules(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for index, rule in enumerate(value):
        if not isinstance(rule, PriceRule):
            raise ValidationError("must be a PriceRule", path=f"rules[{index}]", value=rule)
        if rule.id in seen:
            raise ValidationError("duplicate rule id", path=f"rules[{index}].id", value=rule.id)
        seen.add(rule.id)


def _order(rules: Iterable[PriceRule]) -> list[PriceRule]:
    """Order rules of one phase: by priority (high first) then id, moved after their writers."""
    ranked = sorted(rules, key=lambda r: (-r.priority, r.id))
    writers: dict[str, list[PriceRule]] = {}
    for rule in ranked:
        for name in rule._sets:
            writers.setdefault(name, []).append(rule)
    done: list[PriceRule] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(rule: PriceRule, trail: list[str]) -> None:
        mark = state.get(rule.id)
        if mark == 2:
            return
        if mark == 1:
            start = trail.index(rule.id)
            raise PriceRuleCycleError((*trail[start:], rule.id))
        state[rule.id] = 1
        for name in sorted(rule._reads):
            for writer in writers.get(name, ()):
                if writer is not rule:
                    visit(writer, [*trail, rule.id])
        state[rule.id] = 2
        done.append(rule)

    for rule in ranked:
        visit(rule, [])
    return done


@attrs.frozen
class RuleSet:
    """Price rules under one stacking policy, indexed for fast lookup.

    Args:
        rules: The rules (ids unique).
        stacking: The :class:`Stacking` policy.
        id: A name for the set, shown in explanations; the key it is stored under.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: Duplicate ids or a value that is not a rule.
        PriceRuleCycleError: Rules of one phase set fields each other read.

    >>> a = PriceRule(id="A", condition={"==": [{"var": "line.fields.tier"}, "gold"]},
    ...               actions=(PriceAction.set_field("fields.vip", text="yes"),))
    >>> b = PriceRule(id="B", condition={"==": [{"var": "line.fields.vip"}, "yes"]},
    ...               actions=(PriceAction.set_field("fields.tier", text="gold"),))
    >>> RuleSet((a, b))
    Traceback (most recent call last):
    ...
    sfa_core.pricing.price_rules.PriceRuleCycleError: rules: price rules set fields ... A -> B -> A
    """

    rules: tuple[PriceRule, ...] = attrs.field(converter=tuple_converter, validator=_check_rules)
    stacking: Stacking = attrs.field(default=Stacking.COMPOUNDING, converter=_to_stacking)
    id: str = attrs.field(default="rules", validator=check_key)
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)
    _index: dict[Phase, tuple[dict[str, tuple[PriceRule, ...]], ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _cache: dict[tuple[Phase, str, str], tuple[PriceRule, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _rank: dict[str, int] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _phases: frozenset[Phase] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _reordered: bool = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        rank: dict[str, int] = {}
        index: dict[Phase, tuple[dict[str, tuple[PriceRule, ...]], ...]] = {}
        reordered = False
        for phase in Phase:
            ordered = _order(r for r in self.rules if r.active and r.phase is phase)
            reordered |= ordered != sorted(ordered, key=lambda r: (-r.priority, r.id))
            by_sku: dict[str, list[PriceRule]] = {}
            by_family: dict[str, list[PriceRule]] = {}
            general: list[PriceRule] = []
            for rule in ordered:
                rank[rule.id] = len(rank)
                if not rule.skus and not rule.families:
                    general.append(rule)
                for sku in rule.skus:
                    by_sku.setdefault(sku, []).append(rule)
                for family in rule.families:
                    by_family.setdefault(family, []).append(rule)
            index[phase] = (
                {k: tuple(v) for k, v in by_sku.items()},
                {k: tuple(v) for k, v in by_family.items()},
                {"": tuple(general)},
            )
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_rank", rank)
        phases = frozenset(r.phase for r in self.rules if r.active)
        object.__setattr__(self, "_phases", phases)
        object.__setattr__(self, "_reordered", reordered)
        object.__setattr__(self, "_cache", {})

    def __getstate__(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "stacking": self.stacking,
            "id": self.id,
            "version": self.version,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    @property
    def phases(self) -> frozenset[Phase]:
        """The phases in which the set's active rules act.

        Returns:
            The phases; the waterfall need not consult the set at any other.

        >>> late = PriceRule(id="LATE", phase="after", actions=(PriceAction.percent_off(5),))
        >>> off = PriceRule(id="OFF", active=False, actions=(PriceAction.percent_off(9),))
        >>> RuleSet((late, off)).phases == {Phase.AFTER}
        True
        """
        return self._phases

    def candidates(self, phase: Phase, sku: str, family: str) -> tuple[PriceRule, ...]:
        """Return the active rules of ``phase`` that may apply to a line, in evaluation order.

        Only their scope is checked here (SKU, family); conditions and currency
        are checked by the waterfall.

        Args:
            phase: The phase.
            sku: The line's SKU.
            family: The product's family.

        Returns:
            The rules, highest priority first (writers of a field before its readers).
        """
        key = (phase, sku, family)
        try:
            if phase not in self._phases:
                return ()
            found = self._cache.get(key)
        except TypeError:  # something unhashable: not a phase, a SKU or a family
            raise _scope_error(phase, sku, family) from None
        if found is not None:
            return found
        by_sku, by_family, general = self._index[phase]
        parts = [by_sku.get(sku, ()), by_family.get(family, ()), general[""]]
        nonempty = [p for p in parts if p]
        if len(nonempty) == 1:
            found = nonempty[0]
        else:
            merged = {rule.id: rule for part in nonempty for rule in part}
            found = tuple(sorted(merged.values(), key=lambda r: self._rank[r.id]))
        if len(self._cache) < 100_000:
            self._cache[key] = found
        return found


def _scope_error(phase: Any, sku: Any, family: Any) -> ValidationError:
    """The error for arguments of :meth:`RuleSet.candidates` that cannot be looked up."""
    for path, value in (("sku", sku), ("family", family)):
        if not isinstance(value, str):
            return ValidationError("must be a string", path=path, value=value)
    as_member(Phase, phase, "phase")
    return ValidationError("must be a Phase", path="phase", value=phase)


def as_rule_sets(rules: RuleSet | Iterable[RuleSet | PriceRule] | None) -> tuple[RuleSet, ...]:
    """Return the rule sets a quote is priced with, from what a caller passes.

    Loose rules are grouped into one set under compounding stacking, placed
    after the sets given.

    Args:
        rules: A rule set, an iterable of rule sets and rules, or ``None``.

    Returns:
        The rule sets, in order.

    Raises:
        ValidationError: An item is neither a :class:`RuleSet` nor a
            :class:`PriceRule` (path ``rules[i]``).

    >>> sets = as_rule_sets([PriceRule(id="A", actions=(PriceAction.percent_off(5),))])
    >>> [(rule_set.id, [rule.id for rule in rule_set.rules]) for rule_set in sets]
    [('rules', ['A'])]
    >>> as_rule_sets(None)
    ()
    >>> as_rule_sets(["A"])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: rules[0]: must be a RuleSet or a PriceRule (got 'A')
    """
    if rules is None:
        return ()
    if isinstance(rules, RuleSet):
        return (rules,)
    result = []
    loose: list[PriceRule] = []
    for index, item in enumerate(require_items(rules, "rules")):
        if isinstance(item, RuleSet):
            result.append(item)
        elif isinstance(item, PriceRule):
            loose.append(item)
        else:
            raise ValidationError(
                "must be a RuleSet or a PriceRule", path=f"rules[{index}]", value=item
            )
    if loose:
        result.append(RuleSet(loose))
    return tuple(result)
