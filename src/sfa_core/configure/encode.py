"""A configuration model as clauses: one variable per option and per attribute value.

Every constraint of the model, and every structural rule (a feature's minimum
and maximum, a required option, a nested bundle's options needing their parent,
one value per attribute), becomes a named *group* of clauses, so that an
explanation can name the groups a conclusion rests on.

Product rule conditions are translated from JSON Logic into propositional
formulas (their propositional fragment, see
:class:`~sfa_core.configure.model.ProductRule`) and given a variable each by
the Tseitin transformation.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any

import attrs

from sfa_core.configure.model import (
    Compatibility,
    ConfigurationModel,
    Excludes,
    ProductRule,
    QuantityRelation,
    Requires,
    RuleKind,
    SelectionKind,
)
from sfa_core.errors import ValidationError

__all__ = ["Encoding", "Group", "encode", "option_tests"]

Clause = list[int]

#: The longest clause given to the solver whole (longer ones are chained, see ``_raw``).
_LONG = 8


@attrs.frozen
class Group:
    """The clauses of one constraint or structural rule.

    Attributes:
        id: The constraint's or rule's id, or a structural name
            (``"feature:ram.min"``, ``"required:os"``, ``"bundle:DOCK"``...).
        kind: ``"requires"``, ``"excludes"``, ``"compatibility"``, ``"quantity"``,
            ``"rule"``, ``"feature"``, ``"required"``, ``"bundle"``, ``"attribute"``
            or ``"binding"``.
        text: The constraint in words.
        clauses: Its clauses (DIMACS literals).
    """

    id: str
    kind: str
    text: str
    clauses: tuple[tuple[int, ...], ...]


class Encoding:
    """Variables and clause groups of one model.

    Attributes:
        model: The model.
        options: Option id -> variable.
        values: ``(attribute id, value)`` -> variable.
        groups: The clause groups, in model order.
        count: Number of variables used (auxiliary ones included).
    """

    def __init__(self, model: ConfigurationModel) -> None:
        self.model = model
        self.count = 0
        self.options: dict[str, int] = {}
        self.values: dict[tuple[str, str], int] = {}
        self.groups: list[Group] = []
        # every constraint as "weighted literals true >= bound", without the auxiliary
        # variables of counters: what the local repair walks on
        self.native: list[tuple[tuple[int, ...], tuple[int, ...], int]] = []
        self._clauses: list[Clause] = []
        self._shared: dict[int, int] = {}  # id of a formula node -> its variable
        for option in model.options():
            self.options[option.id] = self._new()
        for attribute in model.attributes:
            for value in attribute.values:
                self.values[(attribute.id, value)] = self._new()
        # what each decision variable stands for, for explanations
        self.names: dict[int, tuple[str, ...]] = {v: ("option", k) for k, v in self.options.items()}
        for (attribute_id, value), var in self.values.items():
            self.names[var] = ("attribute", attribute_id, value)

    def _new(self) -> int:
        self.count += 1
        return self.count

    def _group(self, group_id: str, kind: str, text: str) -> None:
        self.groups.append(
            Group(group_id, kind, text, tuple(tuple(clause) for clause in self._clauses))
        )
        self._clauses = []

    def _add(self, clause: Iterable[int]) -> None:
        """Add a clause of the model (the local repair sees it too)."""
        literals = list(clause)
        self._raw(literals)
        self.native.append((tuple(literals), (1,) * len(literals), 1))

    def _raw(self, clause: list[int]) -> None:
        """Add a clause for the solver only (a counter's, or a model clause's chain).

        A clause of more than :data:`_LONG` literals reaches the solver as a chain of
        shorter ones, linked by variables of their own: ``(a or b or ... or z)`` as
        ``(a or ... or t1)``, ``(-t1 or ... or t2)``, ..., ``(-tk or ... or z)``. Unit
        propagation concludes exactly what it would on the long clause, but a literal
        of it turning false costs a look at one link, not at the whole clause (a
        pick-one feature of 2,000 options would otherwise cost time quadratic in its
        size at every propagation that turns its options off).
        """
        if len(clause) <= _LONG:
            self._clauses.append(clause)
            return
        rest, link = clause, 0
        while len(rest) > _LONG - 1:
            head, rest = rest[: _LONG - 2], rest[_LONG - 2 :]
            joint = self._new()
            self._clauses.append([-link, *head, joint] if link else [*head, joint])
            link = joint
        self._clauses.append([-link, *rest])

    # -- cardinality ------------------------------------------------------------------

    def _at_most(self, literals: list[int], k: int, guard: int | None = None) -> None:
        """At most ``k`` of ``literals`` (when ``guard`` holds)."""
        n = len(literals)
        if k >= n:
            return
        # natively: at least n - k of the negations, or the guard off (weighing n - k)
        self._native([-literal for literal in literals], n - k, guard)
        self._sinz(literals, k, guard)

    def _at_least(self, literals: list[int], k: int, guard: int | None = None) -> None:
        """At least ``k`` of ``literals`` (when ``guard`` holds)."""
        if k <= 0:
            return
        self._native(literals, k, guard)
        if k == 1:
            self._raw([*literals] if guard is None else [-guard, *literals])
            return
        self._sinz([-literal for literal in literals], len(literals) - k, guard)

    def _native(self, literals: list[int], k: int, guard: int | None) -> None:
        if guard is None:
            self.native.append((tuple(literals), (1,) * len(literals), k))
        else:
            self.native.append(((*literals, -guard), (*(1,) * len(literals), k), k))

    def _sinz(self, literals: list[int], k: int, guard: int | None) -> None:
        """At most ``k`` of ``literals`` (when ``guard`` holds) as clauses: Sinz's counter."""
        n = len(literals)
        off = [] if guard is None else [-guard]
        if k == 0:
            for literal in literals:
                self._raw([*off, -literal])
            return
        if k == 1 and n <= 6:
            for i in range(n):
                for j in range(i + 1, n):
                    self._raw([*off, -literals[i], -literals[j]])
            return
        # s[i][j]: at least j+1 of the first i+1 literals are true
        s = [[self._new() for _ in range(k)] for _ in range(n - 1)]
        self._raw([*off, -literals[0], s[0][0]])
        for j in range(1, k):
            self._raw([*off, -s[0][j]])
        for i in range(1, n - 1):
            self._raw([*off, -literals[i], s[i][0]])
            self._raw([*off, -s[i - 1][0], s[i][0]])
            for j in range(1, k):
                self._raw([*off, -literals[i], -s[i - 1][j - 1], s[i][j]])
                self._raw([*off, -s[i - 1][j], s[i][j]])
            self._raw([*off, -literals[i], -s[i - 1][k - 1]])
        self._raw([*off, -literals[n - 1], -s[n - 2][k - 1]])

    # -- the model ----------------------------------------------------------------------

    def build(self) -> None:
        """Add the groups of every structural rule, constraint and product rule."""
        model = self.model
        options = self.options
        for bundle, feature in model.features():
            lits = [options[option.id] for option in feature.options]
            first = feature.options[0].id if feature.options else None
            parent = model.parent(first) if first is not None else None
            guard = options[parent] if parent is not None else None
            where = f"feature {feature.name or feature.id}"
            if feature.min_options:
                self._at_least(lits, feature.min_options, guard)
                self._group(
                    f"feature:{feature.id}.min",
                    "feature",
                    f"{where} needs at least {feature.min_options} option"
                    + ("s" if feature.min_options != 1 else ""),
                )
            if feature.max_options is not None and feature.max_options < len(lits):
                self._at_most(lits, feature.max_options, guard)
                self._group(
                    f"feature:{feature.id}.max",
                    "feature",
                    f"{where} allows at most {feature.max_options} option"
                    + ("s" if feature.max_options != 1 else ""),
                )
            for option in feature.options:
                if option.required:
                    var = options[option.id]
                    self._add([var] if guard is None else [-guard, var])
                    self._group(f"required:{option.id}", "required", f"{option.id} is required")
            if parent is not None:
                for lit in lits:
                    self._add([-lit, options[parent]])
                self._group(
                    f"bundle:{bundle.sku}.{feature.id}",
                    "bundle",
                    f"the options of {feature.id} come with {parent}",
                )
        for attribute in model.attributes:
            lits = [self.values[(attribute.id, value)] for value in attribute.values]
            self._at_most(lits, 1)
            if attribute.required:
                self._add(lits)
            self._group(
                f"attribute:{attribute.id}",
                "attribute",
                f"{attribute.name or attribute.id} takes "
                + ("one value" if attribute.required else "at most one value"),
            )
            if attribute.product_attribute is None:
                continue
            for option in model.options():
                value = option.attributes.get(attribute.product_attribute)
                if value is None:
                    continue
                bound = self.values.get((attribute.id, value))
                self._add([-options[option.id]] if bound is None else [-options[option.id], bound])
                self._group(
                    f"binding:{option.id}.{attribute.id}",
                    "binding",
                    f"{option.id} is {attribute.product_attribute} {value}",
                )
        for constraint in model.constraints:
            self._constraint(constraint)
        enablers: dict[str, list[int]] = {}
        enable_rules: dict[str, list[str]] = {}
        for rule in model.rules:
            self._rule(rule, enablers, enable_rules)
        for option_id, conditions in enablers.items():
            self._add([-options[option_id], *conditions])
            self._group(
                f"enabled:{option_id}",
                "rule",
                f"{option_id} is available only when enabled by "
                + ", ".join(enable_rules[option_id]),
            )

    def _constraint(
        self, constraint: Requires | Excludes | Compatibility | QuantityRelation
    ) -> None:
        options = self.options
        if isinstance(constraint, Requires):
            self._add([-options[constraint.option], *(options[n] for n in constraint.needs)])
            kind = "requires"
        elif isinstance(constraint, Excludes):
            self._at_most([options[o] for o in constraint.options], 1)
            kind = "excludes"
        elif isinstance(constraint, Compatibility):
            self._add(
                [
                    -options[constraint.option],
                    *(self.values[(constraint.attribute, v)] for v in constraint.values),
                ]
            )
            kind = "compatibility"
        else:
            # Editable quantities stay free within their bounds (fixed ones are their
            # default), so the relation shapes which options go together only when no
            # quantities they can take meet it.
            lowest, _ = self.model.option(constraint.option).quantity_bounds
            _, highest = self.model.option(constraint.limit).quantity_bounds
            numerator, denominator = constraint.ratio.as_integer_ratio()
            if highest is not None and lowest * denominator > numerator * highest:  # exact
                self._add([-options[constraint.option], -options[constraint.limit]])
            kind = "quantity"
        self._group(constraint.id, kind, constraint.describe())

    def _rule(
        self, rule: ProductRule, enablers: dict[str, list[int]], enable_rules: dict[str, list[str]]
    ) -> None:
        if rule.kind is RuleKind.ALERT:
            return
        path = f"rules[{rule.id!r}].condition"
        formula = self._formula(rule.condition, path)
        # an ``if`` uses its test twice: the formula is a DAG, encoded once per node
        self._shared = {}
        condition = self._tseitin(formula)
        self._shared = {}
        if rule.kind is RuleKind.VALIDATION:
            self._add([-condition])
        elif rule.kind is RuleKind.FILTER:
            feature = next(f for _, f in self.model.features() if f.id == rule.feature)
            for option in feature.options:
                if option.id not in rule.keep:
                    self._add([-condition, -self.options[option.id]])
        else:
            for action in rule.actions:
                var = self.options[action.option]
                if action.kind is SelectionKind.ADD:
                    self._add([-condition, var])
                elif action.kind is SelectionKind.ENABLE:
                    enablers.setdefault(action.option, []).append(condition)
                    enable_rules.setdefault(action.option, []).append(rule.id)
                else:
                    self._add([-condition, -var])
        self._group(rule.id, "rule", rule.describe())

    # -- conditions -----------------------------------------------------------------------

    def _formula(self, node: Any, path: str) -> Any:
        """JSON Logic -> ``("lit", v)``, ``("const", b)``, ``("not", f)``, ``("and"|"or", fs)``."""
        if node is True or node is False:
            return ("const", node)
        if isinstance(node, dict) and len(node) == 1:
            ((op, args),) = node.items()
            if not isinstance(args, list):
                args = [args]
            if op == "var" and args and isinstance(args[0], str):
                name = args[0]
                if name.startswith("options.") and name[8:] in self.options:
                    return ("lit", self.options[name[8:]])
                if name.startswith("attributes."):
                    attribute = self.model.attribute(name[11:])
                    return (
                        "or",
                        [("lit", self.values[(attribute.id, v)]) for v in attribute.values],
                    )
            elif op == "!" and len(args) == 1:
                return ("not", self._formula(args[0], f"{path}['!']"))
            elif op == "!!" and len(args) == 1:
                return self._formula(args[0], f"{path}['!!']")
            elif op in ("and", "or") and args:
                return (op, [self._formula(a, f"{path}.{op}[{i}]") for i, a in enumerate(args)])
            elif op == "if" and len(args) >= 3 and len(args) % 2 == 1:
                result = self._formula(args[-1], f"{path}.if[{len(args) - 1}]")
                for i in range(len(args) - 3, -1, -2):
                    test = self._formula(args[i], f"{path}.if[{i}]")
                    then = self._formula(args[i + 1], f"{path}.if[{i + 1}]")
                    result = (
                        "or",
                        [("and", [test, then]), ("and", [("not", test), result])],
                    )
                return result
            elif op in ("==", "===", "!=", "!==") and len(args) == 2:
                found = self._equality(args, path)
                if found is not None:
                    return found if op in ("==", "===") else ("not", found)
            elif op == "in" and len(args) == 2 and isinstance(args[1], list):
                variable = self._attribute_var(args[0])
                if variable is not None:
                    return ("or", [self._value(variable, v, path) for v in args[1]])
        raise ValidationError(
            "a validation, selection or filter rule's condition must be propositional "
            "(and, or, !, !!, if, ==, != on options.<id> and attributes.<id>, in)",
            path=path,
            value=node,
        )

    def _attribute_var(self, node: Any) -> str | None:
        if isinstance(node, dict) and len(node) == 1 and "var" in node:
            name = node["var"]
            name = name[0] if isinstance(name, list) and name else name
            if isinstance(name, str) and name.startswith("attributes."):
                return self.model.attribute(name[11:]).id
        return None

    def _value(self, attribute_id: str, value: Any, path: str) -> Any:
        var = self.values.get((attribute_id, value)) if isinstance(value, str) else None
        if var is None:
            raise ValidationError(
                f"attribute {attribute_id!r} has no such value", path=path, value=value
            )
        return ("lit", var)

    def _equality(self, args: list[Any], path: str) -> Any:
        for this, other in (args, args[::-1]):
            attribute_id = self._attribute_var(this)
            if attribute_id is not None:
                return self._value(attribute_id, other, path)
            if (
                isinstance(this, dict)
                and len(this) == 1
                and "var" in this
                and isinstance(other, bool)
            ):
                found = self._formula(this, path)
                if found[0] == "lit":
                    return found if other else ("not", found)
        return None

    def _tseitin(self, formula: Any) -> int:
        """A variable equivalent to ``formula`` (clauses added to the current group)."""
        tag = formula[0]
        if tag == "lit":
            return int(formula[1])
        if tag == "not":
            return -self._tseitin(formula[1])
        if tag == "const":
            var = self._new()
            self._add([var] if formula[1] else [-var])
            return var
        done = self._shared.get(id(formula))
        if done is not None:
            return done
        parts = [self._tseitin(f) for f in formula[1]]
        var = self._new()
        self._shared[id(formula)] = var
        if tag == "and":  # var <-> all parts
            for part in parts:
                self._add([-var, part])
            self._add([var, *(-part for part in parts)])
        else:  # var <-> any part
            for part in parts:
                self._add([var, -part])
            self._add([-var, *parts])
        return var


def encode(model: ConfigurationModel) -> Encoding:
    """Encode ``model`` as clause groups.

    Args:
        model: The configuration model.

    Returns:
        The :class:`Encoding`.

    Raises:
        ValidationError: A validation, selection or filter rule's condition is not
            propositional, or compares an attribute with a value it does not have.
    """
    encoding = Encoding(model)
    encoding.build()
    return encoding


#: Operators whose later arguments are evaluated against each element of an array
#: (their ``var`` reads the element, not the configuration).
_SCOPED = frozenset({"map", "filter", "reduce", "all", "some", "none"})
#: Comparisons with ``true``: the meaning of each, read as "selected".
_COMPARISONS = {"==": True, "===": True, "!=": False, "!==": False}


def _option_var(node: Any, options: Container[str]) -> bool:
    """Whether ``node`` is ``{"var": "options.<id>"}`` (or the list form) for an option."""
    if not (isinstance(node, dict) and len(node) == 1 and "var" in node):
        return False
    name = node["var"]
    name = name[0] if isinstance(name, list) and name else name
    return isinstance(name, str) and name.startswith("options.") and name[8:] in options


def option_tests(condition: Any, options: Container[str]) -> Any:
    """``condition`` with each option compared with a boolean made a test of its selection.

    ``options.<id>`` reads the option's quantity (``0`` when it is not selected), so
    in plain JSON Logic ``{"===": [{"var": "options.x"}, true]}`` never holds and
    ``{"==": [{"var": "options.x"}, true]}`` fails for a quantity of 3. Validation,
    selection and filter rules read such a comparison as "x is selected" (or not);
    this gives alert rules the same meaning: ``==`` and ``===`` with ``true`` (``!=``
    and ``!==`` with ``false``) become ``{"!!": [var]}``, the others ``{"!": [var]}``.
    The bodies of ``map``, ``filter``, ``reduce``, ``all``, ``some`` and ``none``,
    which read each element rather than the configuration, are left as they are.

    Args:
        condition: A JSON Logic condition.
        options: The model's option ids.

    Returns:
        The condition, rewritten where it compares an option with a boolean (the same
        object when nothing is).

    >>> option_tests({"===": [{"var": "options.x"}, True]}, {"x"})
    {'!!': [{'var': 'options.x'}]}
    >>> option_tests({"and": [{"!==": [False, {"var": "options.x"}]}, {">": [1, 0]}]}, {"x"})
    {'and': [{'!!': [{'var': 'options.x'}]}, {'>': [1, 0]}]}
    """
    if isinstance(condition, list):
        changed = [option_tests(item, options) for item in condition]
        same = all(new is old for new, old in zip(changed, condition, strict=True))
        return condition if same else changed
    if not (isinstance(condition, dict) and len(condition) == 1):
        return condition
    ((op, args),) = condition.items()
    if op in _COMPARISONS and isinstance(args, list) and len(args) == 2:
        for this, other in (args, args[::-1]):
            if isinstance(other, bool) and _option_var(this, options):
                return {"!!" if other is _COMPARISONS[op] else "!": [this]}
    if op in _SCOPED and isinstance(args, list) and args:
        first = option_tests(args[0], options)
        return condition if first is args[0] else {op: [first, *args[1:]]}
    if op == "var":
        return condition
    changed = option_tests(args, options)
    return condition if changed is args else {op: changed}
