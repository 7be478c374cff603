"""The configuration model: bundles, features, options, attributes, constraints, product rules.

A :class:`ConfigurationModel` describes one configurable product. Its root
:class:`Bundle` has :class:`Feature` s (option groups) with a minimum and a
maximum number of selected options; each :class:`Option` references a catalog
product, and may itself be a bundle (its features apply only when it is
selected). :class:`Attribute` s are configuration-wide choices with finite
domains (colour, size, edition...).

Constraints relate them: :class:`Requires`, :class:`Excludes`,
:class:`Compatibility` (an option allowed only for some attribute values),
:class:`QuantityRelation` (seats of an add-on at most the seats of the base),
and :class:`ProductRule` s in Salesforce CPQ's four kinds: validation (an error
when the condition holds), alert (a warning), selection (add, remove, enable or
disable options when it holds) and filter (narrow what a feature offers).

Option ids are unique across the whole model (nested bundles included), so a
constraint names an option by its id alone. The structure is checked when the
model is built: unknown references, impossible bounds and cycles of nested
bundles raise :class:`~sfa_core.errors.ValidationError` naming the path. What
needs the solver is checked when the model is first compiled (by
:func:`~sfa_core.configure.check_model`, the first click, or when the engine
stores it): rule conditions outside the propositional fragment, and a model
with no valid configuration at all.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from sfa_core._frozen import FrozenMap
from sfa_core._validate import (
    as_member,
    check_bool,
    check_key,
    check_text,
    check_version,
    require_key,
    to_decimal,
)
from sfa_core.configure._checks import (
    check_count,
    check_mapping,
    check_optional_count,
    check_ratio,
    check_sequence,
    require_instance,
    to_map,
    to_tuple,
)
from sfa_core.errors import RuleError, ValidationError
from sfa_core.rules import compile as compile_rule

__all__ = [
    "Attribute",
    "Bundle",
    "Compatibility",
    "ConfigurationModel",
    "Constraint",
    "Excludes",
    "Feature",
    "Option",
    "ProductRule",
    "QuantityRelation",
    "Requires",
    "RuleKind",
    "SelectionAction",
    "SelectionKind",
]


def _check_keys(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    for index, item in enumerate(value):
        require_key(item, f"{attribute.name}[{index}]")


def _check_nonempty_keys(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    if not value:
        raise ValidationError("must name at least one", path=attribute.name, value=value)
    _check_keys(instance, attribute, value)
    if len(set(value)) != len(value):
        raise ValidationError("must not repeat a name", path=attribute.name, value=value)


def _check_text_map(instance: Any, attribute: Any, value: Mapping[str, Any]) -> None:
    for key, item in value.items():
        require_key(key, f"{attribute.name} key")
        if not isinstance(item, str):
            raise ValidationError("must be a str", path=f"{attribute.name}[{key!r}]", value=item)


@attrs.frozen
class Option:
    """A choice a feature offers: a catalog product, with its quantity rules.

    Attributes:
        id: Unique in the model (``"ram-32"``); constraints and selections use it.
        sku: The catalog product the option adds to the quote.
        name: Display name.
        selected: Selected by default (a default, not a constraint).
        required: Always selected when its bundle is.
        default_quantity: The quantity when the user gives none.
        min_quantity: The smallest quantity allowed (at least 1).
        max_quantity: The largest quantity allowed (``None``: no limit).
        quantity_editable: Whether the user may change the quantity.
        bundle: The sku of a nested :class:`Bundle` this option configures.
        attributes: Product attributes (``{"colour": "black"}``) an
            :class:`Attribute` bound to one of them must agree with.

    >>> Option(id="ram-32", sku="RAM-32").default_quantity
    1
    >>> Option(id="seats", sku="SEAT", min_quantity=5, default_quantity=2)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: default_quantity: must lie in 5..None (got 2)
    """

    id: str = attrs.field(validator=check_key)
    sku: str = attrs.field(validator=check_key)
    name: str = attrs.field(default="", validator=check_text)
    selected: bool = attrs.field(default=False, validator=check_bool)
    required: bool = attrs.field(default=False, validator=check_bool)
    default_quantity: int = attrs.field(default=1, validator=check_count)
    min_quantity: int = attrs.field(default=1, validator=check_count)
    max_quantity: int | None = attrs.field(default=None, validator=check_optional_count)
    quantity_editable: bool = attrs.field(default=False, validator=check_bool)
    bundle: str | None = attrs.field(default=None)
    attributes: Mapping[str, str] = attrs.field(
        factory=FrozenMap, converter=to_map, validator=[check_mapping, _check_text_map]
    )

    def __attrs_post_init__(self) -> None:
        if self.bundle is not None:
            require_key(self.bundle, "bundle")
        if self.min_quantity < 1:
            raise ValidationError(
                "must be at least 1 (leave an option out instead)",
                path="min_quantity",
                value=self.min_quantity,
            )
        if self.max_quantity is not None and self.max_quantity < self.min_quantity:
            raise ValidationError(
                f"must not be below min_quantity ({self.min_quantity})",
                path="max_quantity",
                value=self.max_quantity,
            )
        if not self.allows(self.default_quantity):
            raise ValidationError(
                f"must lie in {self.min_quantity}..{self.max_quantity}",
                path="default_quantity",
                value=self.default_quantity,
            )

    @property
    def quantity_bounds(self) -> tuple[int, int | None]:
        """The lowest and highest quantity the option can take (``None``: no limit).

        Returns:
            ``(min_quantity, max_quantity)``, or the default twice when the quantity
            is not editable.

        >>> Option(id="seats", sku="SEAT", default_quantity=5).quantity_bounds
        (5, 5)
        """
        if not self.quantity_editable:
            return self.default_quantity, self.default_quantity
        return self.min_quantity, self.max_quantity

    def allows(self, quantity: int) -> bool:
        """Return whether ``quantity`` lies within the option's bounds.

        Args:
            quantity: A quantity.

        Returns:
            ``True`` when ``min_quantity <= quantity <= max_quantity``.

        Raises:
            ValidationError: ``quantity`` is not an int (a bool is not one).
        """
        if quantity.__class__ is not int:
            raise ValidationError("must be an int", path="quantity", value=quantity)
        return self.min_quantity <= quantity and (
            self.max_quantity is None or quantity <= self.max_quantity
        )


@attrs.frozen
class Feature:
    """An option group: the options it offers and how many of them may be selected.

    Attributes:
        id: Unique in the model.
        options: The options, in display order.
        name: Display name.
        min_options: At least this many selected (when the feature's bundle is).
        max_options: At most this many selected (``None``: no limit).

    >>> Feature(id="ram", options=[Option(id="r16", sku="R16")], min_options=2)
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: min_options: a feature of 1 option cannot need 2 (got 2)
    """

    id: str = attrs.field(validator=check_key)
    options: tuple[Option, ...] = attrs.field(converter=to_tuple, validator=check_sequence)
    name: str = attrs.field(default="", validator=check_text)
    min_options: int = attrs.field(default=0, validator=check_count)
    max_options: int | None = attrs.field(default=None, validator=check_optional_count)

    def __attrs_post_init__(self) -> None:
        for index, option in enumerate(self.options):
            if not isinstance(option, Option):
                raise ValidationError("must be an Option", path=f"options[{index}]", value=option)
        count = len(self.options)
        if self.min_options > count:
            raise ValidationError(
                f"a feature of {count} option{'s' if count != 1 else ''} "
                f"cannot need {self.min_options}",
                path="min_options",
                value=self.min_options,
            )
        if self.max_options is not None and self.max_options < self.min_options:
            raise ValidationError(
                f"must not be below min_options ({self.min_options})",
                path="max_options",
                value=self.max_options,
            )


@attrs.frozen
class Bundle:
    """A configurable product: its features.

    Attributes:
        sku: The bundle's catalog product (the parent quote line).
        features: Its option groups.
        name: Display name.
    """

    sku: str = attrs.field(validator=check_key)
    features: tuple[Feature, ...] = attrs.field(converter=to_tuple, validator=check_sequence)
    name: str = attrs.field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        for index, feature in enumerate(self.features):
            if not isinstance(feature, Feature):
                raise ValidationError("must be a Feature", path=f"features[{index}]", value=feature)


@attrs.frozen
class Attribute:
    """A configuration attribute with a finite domain (colour, region, edition...).

    Attributes:
        id: Unique in the model.
        values: The allowed values.
        name: Display name.
        required: A complete configuration gives it a value (else at most one).
        product_attribute: When set, a selected option whose ``attributes`` hold this
            key must agree with the chosen value.

    >>> Attribute(id="colour", values=["black", "silver"]).values
    ('black', 'silver')
    """

    id: str = attrs.field(validator=check_key)
    values: tuple[str, ...] = attrs.field(
        converter=to_tuple, validator=[check_sequence, _check_nonempty_keys]
    )
    name: str = attrs.field(default="", validator=check_text)
    required: bool = attrs.field(default=True, validator=check_bool)
    product_attribute: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.product_attribute is not None:
            require_key(self.product_attribute, "product_attribute")


@attrs.frozen
class Requires:
    """Selecting ``option`` needs at least one of ``needs`` selected too.

    Attributes:
        id: Unique in the model; explanations name it.
        option: The option that needs something.
        needs: Any one of these satisfies it.
        message: What the user is told.
    """

    id: str = attrs.field(validator=check_key)
    option: str = attrs.field(validator=check_key)
    needs: tuple[str, ...] = attrs.field(
        converter=to_tuple, validator=[check_sequence, _check_nonempty_keys]
    )
    message: str = attrs.field(default="", validator=check_text)

    def describe(self) -> str:
        """Return the constraint in words.

        Returns:
            ``"A requires B"`` or ``"A requires one of B, C"``.
        """
        if self.message:
            return self.message
        needs = self.needs[0] if len(self.needs) == 1 else "one of " + ", ".join(self.needs)
        return f"{self.option} requires {needs}"


@attrs.frozen
class Excludes:
    """No two of ``options`` are selected together.

    Attributes:
        id: Unique in the model.
        options: The options that exclude each other (two or more).
        message: What the user is told.
    """

    id: str = attrs.field(validator=check_key)
    options: tuple[str, ...] = attrs.field(
        converter=to_tuple, validator=[check_sequence, _check_nonempty_keys]
    )
    message: str = attrs.field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValidationError("must name at least two", path="options", value=self.options)

    def describe(self) -> str:
        """Return the constraint in words.

        Returns:
            ``"A and B exclude each other"``.
        """
        if self.message:
            return self.message
        return " and ".join(self.options) + " exclude each other"


@attrs.frozen
class Compatibility:
    """``option`` may be selected only when ``attribute`` takes one of ``values``.

    Attributes:
        id: Unique in the model.
        option: The option.
        attribute: The attribute's id.
        values: The values the option is compatible with.
        message: What the user is told.
    """

    id: str = attrs.field(validator=check_key)
    option: str = attrs.field(validator=check_key)
    attribute: str = attrs.field(validator=check_key)
    values: tuple[str, ...] = attrs.field(
        converter=to_tuple, validator=[check_sequence, _check_nonempty_keys]
    )
    message: str = attrs.field(default="", validator=check_text)

    def describe(self) -> str:
        """Return the constraint in words.

        Returns:
            ``"A is only available for colour black, silver"``.
        """
        if self.message:
            return self.message
        return f"{self.option} is only available for {self.attribute} " + ", ".join(self.values)


@attrs.frozen
class QuantityRelation:
    """When both are selected: quantity of ``option`` <= ``ratio`` x quantity of ``limit``.

    Attributes:
        id: Unique in the model.
        option: The bounded option (an add-on).
        limit: The option whose quantity bounds it (the base).
        ratio: The multiplier (``1``: at most as many).
        message: What the user is told.
    """

    id: str = attrs.field(validator=check_key)
    option: str = attrs.field(validator=check_key)
    limit: str = attrs.field(validator=check_key)
    ratio: Decimal = attrs.field(default=Decimal(1), converter=to_decimal, validator=check_ratio)
    message: str = attrs.field(default="", validator=check_text)

    def __attrs_post_init__(self) -> None:
        if not self.ratio.is_finite() or self.ratio <= 0:
            raise ValidationError("must be greater than zero", path="ratio", value=self.ratio)
        if self.option == self.limit:
            raise ValidationError("must differ from option", path="limit", value=self.limit)

    def describe(self) -> str:
        """Return the constraint in words.

        Returns:
            ``"quantity of A <= quantity of B"``.
        """
        if self.message:
            return self.message
        factor = "" if self.ratio == 1 else f"{self.ratio} x "
        return f"quantity of {self.option} <= {factor}quantity of {self.limit}"


class RuleKind(str, enum.Enum):
    """The four kinds of Salesforce CPQ product rules."""

    VALIDATION = "validation"
    ALERT = "alert"
    SELECTION = "selection"
    FILTER = "filter"


class SelectionKind(str, enum.Enum):
    """What a selection rule does to an option when its condition holds."""

    ADD = "add"
    REMOVE = "remove"
    ENABLE = "enable"
    DISABLE = "disable"


def _to_selection_kind(value: SelectionKind | str) -> SelectionKind:
    return as_member(SelectionKind, value, "kind")


def _to_rule_kind(value: RuleKind | str) -> RuleKind:
    return as_member(RuleKind, value, "kind")


@attrs.frozen
class SelectionAction:
    """One action of a selection rule.

    ``add`` selects the option while the condition holds; ``remove`` and
    ``disable`` keep it out; ``enable`` makes an option available that no
    other way allows: an option named by an ``enable`` action may be selected
    only while one of its enabling conditions holds.

    Attributes:
        kind: ``add``, ``remove``, ``enable`` or ``disable``.
        option: The option acted on.
    """

    kind: SelectionKind = attrs.field(converter=_to_selection_kind)
    option: str = attrs.field(validator=check_key)


def _check_condition(instance: Any, attribute: Any, value: Any) -> None:
    try:
        compile_rule(value)
    except RuleError as exc:
        raise ValidationError(
            f"not a valid JSON Logic condition: {exc}", path="condition", value=value
        ) from None


@attrs.frozen
class ProductRule:
    """A Salesforce CPQ product rule: a JSON Logic condition over the configuration.

    The condition reads ``options.<id>`` (the option's quantity when selected,
    else ``0``, so it is truthy exactly when selected) and ``attributes.<id>``
    (the chosen value, or ``None``). Validation, selection and filter rules
    shape what is valid, so their conditions must be propositional: ``and``,
    ``or``, ``!``, ``!!``, ``if``, ``==``/``!=`` (and ``===``/``!==``) between an
    attribute and a value or an option and a boolean, ``in`` of an attribute in a
    list of values, and the bare ``options.<id>``. Alert rules only warn, so any
    JSON Logic is allowed there (quantities included). In every kind of rule, an
    option compared with a boolean (``{"===": [{"var": "options.x"}, true]}``,
    with ``==``, ``===``, ``!=`` or ``!==``) tests whether it is selected, whatever
    its quantity.

    Attributes:
        id: Unique in the model.
        kind: Validation, alert, selection or filter.
        condition: JSON Logic; ``True`` means always.
        message: The error or warning shown when it holds.
        actions: A selection rule's actions.
        feature: A filter rule's feature.
        keep: A filter rule's options: while the condition holds, the feature
            offers only these.
    """

    id: str = attrs.field(validator=check_key)
    kind: RuleKind = attrs.field(converter=_to_rule_kind)
    condition: Any = attrs.field(default=True, validator=_check_condition)
    message: str = attrs.field(default="", validator=check_text)
    actions: tuple[SelectionAction, ...] = attrs.field(
        default=(), converter=to_tuple, validator=check_sequence
    )
    feature: str | None = attrs.field(default=None)
    keep: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=[check_sequence, _check_keys]
    )

    def __attrs_post_init__(self) -> None:
        for index, action in enumerate(self.actions):
            if not isinstance(action, SelectionAction):
                raise ValidationError(
                    "must be a SelectionAction", path=f"actions[{index}]", value=action
                )
        kind = self.kind
        if kind is RuleKind.SELECTION and not self.actions:
            raise ValidationError("a selection rule needs actions", path="actions", value=())
        if kind is not RuleKind.SELECTION and self.actions:
            raise ValidationError(
                f"only selection rules take actions (this is a {kind.value} rule)",
                path="actions",
                value=self.actions,
            )
        if kind is RuleKind.FILTER:
            if self.feature is None:
                raise ValidationError("a filter rule names a feature", path="feature", value=None)
            require_key(self.feature, "feature")
        elif self.feature is not None or self.keep:
            raise ValidationError(
                f"only filter rules take a feature and options to keep "
                f"(this is a {kind.value} rule)",
                path="feature" if self.feature is not None else "keep",
                value=self.feature if self.feature is not None else self.keep,
            )

    def describe(self) -> str:
        """Return the rule in words.

        Returns:
            Its message, or its kind and id.
        """
        return self.message or f"{self.kind.value} rule {self.id}"


Constraint = Requires | Excludes | Compatibility | QuantityRelation
_CONSTRAINTS = (Requires, Excludes, Compatibility, QuantityRelation)


def _check_items(kind: type | tuple[type, ...], label: str) -> Any:
    def check(instance: Any, attribute: Any, value: tuple[Any, ...]) -> None:
        check_sequence(instance, attribute, value)
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValidationError(
                    f"must be {label}", path=f"{attribute.name}[{index}]", value=item
                )

    return check


def _check_root(instance: Any, attribute: Any, value: Any) -> None:
    require_instance(value, Bundle, "a Bundle", attribute.name)


@attrs.frozen
class ConfigurationModel:
    """One configurable product: its bundles, attributes, constraints and rules.

    Attributes:
        root: The configurable product itself.
        bundles: Nested bundles, each configured by the one option whose ``bundle``
            names its sku.
        attributes: Configuration attributes.
        constraints: Requires, excludes, compatibility and quantity relations.
        rules: Product rules.
        version: Storage version (0 = never stored).

    Raises:
        ValidationError: A repeated id, a reference to an unknown option, feature,
            attribute, value or bundle, a bundle nested twice or in a cycle (the
            path names the field, ``"constraints[3].needs[0]"``).

    >>> model = ConfigurationModel(
    ...     root=Bundle(sku="LAPTOP", features=[
    ...         Feature(id="ram", min_options=1, max_options=1, options=[
    ...             Option(id="r16", sku="RAM-16"), Option(id="r32", sku="RAM-32")]),
    ...     ]),
    ...     constraints=[Requires(id="c1", option="r32", needs=["r16"])],
    ... )
    >>> model.sku, [option.id for option in model.options()]
    ('LAPTOP', ['r16', 'r32'])
    >>> ConfigurationModel(root=model.root, constraints=[
    ...     Excludes(id="x", options=["r16", "r64"])])
    Traceback (most recent call last):
    ...
    sfa_core.errors.ValidationError: constraints[0].options[1]: no option has this id (got 'r64')
    """

    root: Bundle = attrs.field(validator=_check_root)
    bundles: tuple[Bundle, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_items(Bundle, "a Bundle")
    )
    attributes: tuple[Attribute, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_items(Attribute, "an Attribute")
    )
    constraints: tuple[Constraint, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=_check_items(
            _CONSTRAINTS, "a Requires, Excludes, Compatibility or QuantityRelation"
        ),
    )
    rules: tuple[ProductRule, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_items(ProductRule, "a ProductRule")
    )
    version: int = attrs.field(default=0, validator=check_version, kw_only=True)
    _index: _Index = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self))

    @property
    def sku(self) -> str:
        """The configurable product's sku (the root bundle's).

        Returns:
            ``root.sku``.
        """
        return self.root.sku

    def options(self) -> tuple[Option, ...]:
        """Return every option of the model, nested bundles included, in model order.

        Returns:
            The options.
        """
        return tuple(self._index.options.values())

    def option(self, option_id: str) -> Option:
        """Return the option ``option_id``.

        Args:
            option_id: An option's id.

        Returns:
            The option.

        Raises:
            ValidationError: No option has this id.
        """
        try:
            return self._index.options[option_id]
        except (KeyError, TypeError):
            raise ValidationError("no option has this id", path="option", value=option_id) from None

    def attribute(self, attribute_id: str) -> Attribute:
        """Return the attribute ``attribute_id``.

        Args:
            attribute_id: An attribute's id.

        Returns:
            The attribute.

        Raises:
            ValidationError: No attribute has this id.
        """
        try:
            return self._index.attributes[attribute_id]
        except (KeyError, TypeError):
            raise ValidationError(
                "no attribute has this id", path="attribute", value=attribute_id
            ) from None

    def features(self) -> Iterator[tuple[Bundle, Feature]]:
        """Yield every feature with its bundle, the root's first.

        Yields:
            ``(bundle, feature)`` pairs.
        """
        for bundle in self._index.bundles:
            for feature in bundle.features:
                yield bundle, feature

    def parent(self, option_id: str) -> str | None:
        """Return the id of the option whose nested bundle holds ``option_id``.

        Args:
            option_id: An option's id.

        Returns:
            The parent option's id, or ``None`` for an option of the root bundle.

        Raises:
            ValidationError: No option has this id.
        """
        return self._index.parents.get(self.option(option_id).id)

    def feature_of(self, option_id: str) -> Feature:
        """Return the feature offering ``option_id``.

        Args:
            option_id: An option's id.

        Returns:
            The feature.

        Raises:
            ValidationError: No option has this id.

        >>> model = ConfigurationModel(root=Bundle(sku="PC", features=[
        ...     Feature(id="disk", options=[Option(id="ssd", sku="SSD")])]))
        >>> model.feature_of("ssd").id
        'disk'
        >>> model.feature_of("NOPE")
        Traceback (most recent call last):
        ...
        sfa_core.errors.ValidationError: option: no option has this id (got 'NOPE')
        """
        return self._index.feature_of[self.option(option_id).id]


class _Index:
    """Lookups over a model, built once; building it checks every reference."""

    __slots__ = ("attributes", "bundles", "feature_of", "features", "options", "parents")

    def __init__(self, model: ConfigurationModel) -> None:
        self.options: dict[str, Option] = {}
        self.features: dict[str, Feature] = {}
        self.feature_of: dict[str, Feature] = {}
        self.parents: dict[str, str] = {}
        self.attributes: dict[str, Attribute] = {}
        by_sku: dict[str, tuple[int, Bundle]] = {}
        for index, bundle in enumerate(model.bundles):
            if bundle.sku in by_sku or bundle.sku == model.root.sku:
                raise ValidationError(
                    "another bundle has this sku", path=f"bundles[{index}].sku", value=bundle.sku
                )
            by_sku[bundle.sku] = (index, bundle)
        # Walk from the root: each nested bundle is reached through the one option naming it.
        self.bundles: list[Bundle] = []
        nested_by: dict[str, str] = {}
        pending: list[tuple[Bundle, str | None, str]] = [(model.root, None, "root")]
        while pending:
            bundle, parent, path = pending.pop(0)
            self.bundles.append(bundle)
            for f_index, feature in enumerate(bundle.features):
                f_path = f"{path}.features[{f_index}]"
                if feature.id in self.features:
                    raise ValidationError(
                        "another feature has this id", path=f"{f_path}.id", value=feature.id
                    )
                self.features[feature.id] = feature
                for o_index, option in enumerate(feature.options):
                    o_path = f"{f_path}.options[{o_index}]"
                    if option.id in self.options:
                        raise ValidationError(
                            "another option has this id", path=f"{o_path}.id", value=option.id
                        )
                    self.options[option.id] = option
                    self.feature_of[option.id] = feature
                    if parent is not None:
                        self.parents[option.id] = parent
                    if option.bundle is None:
                        continue
                    if option.bundle == model.root.sku or option.bundle in nested_by:
                        raise ValidationError(
                            "a bundle is nested under one option only (a cycle or a repeat)",
                            path=f"{o_path}.bundle",
                            value=option.bundle,
                        )
                    found = by_sku.get(option.bundle)
                    if found is None:
                        raise ValidationError(
                            "no bundle has this sku", path=f"{o_path}.bundle", value=option.bundle
                        )
                    nested_by[option.bundle] = option.id
                    pending.append((found[1], option.id, f"bundles[{found[0]}]"))
        for sku, (index, _) in by_sku.items():
            if sku not in nested_by:
                raise ValidationError(
                    "no option configures this bundle", path=f"bundles[{index}].sku", value=sku
                )
        for index, attribute in enumerate(model.attributes):
            if attribute.id in self.attributes:
                raise ValidationError(
                    "another attribute has this id",
                    path=f"attributes[{index}].id",
                    value=attribute.id,
                )
            self.attributes[attribute.id] = attribute
        ids: set[str] = set()
        for index, constraint in enumerate(model.constraints):
            self._check_id(ids, constraint.id, f"constraints[{index}].id")
            self._check_constraint(constraint, f"constraints[{index}]")
        for index, rule in enumerate(model.rules):
            self._check_id(ids, rule.id, f"rules[{index}].id")
            path = f"rules[{index}]"
            for a_index, action in enumerate(rule.actions):
                self._check_option(action.option, f"{path}.actions[{a_index}].option")
            if rule.feature is not None:
                filtered = self.features.get(rule.feature)
                if filtered is None:
                    raise ValidationError(
                        "no feature has this id", path=f"{path}.feature", value=rule.feature
                    )
                offered = {option.id for option in filtered.options}
                for k_index, kept in enumerate(rule.keep):
                    if kept not in offered:
                        raise ValidationError(
                            f"feature {filtered.id!r} offers no option with this id",
                            path=f"{path}.keep[{k_index}]",
                            value=kept,
                        )

    @staticmethod
    def _check_id(ids: set[str], value: str, path: str) -> None:
        if value in ids:
            raise ValidationError("another constraint or rule has this id", path=path, value=value)
        ids.add(value)

    def _check_option(self, option_id: str, path: str) -> None:
        if option_id not in self.options:
            raise ValidationError("no option has this id", path=path, value=option_id)

    def _check_constraint(self, constraint: Constraint, path: str) -> None:
        if isinstance(constraint, Requires):
            self._check_option(constraint.option, f"{path}.option")
            for index, needed in enumerate(constraint.needs):
                self._check_option(needed, f"{path}.needs[{index}]")
        elif isinstance(constraint, Excludes):
            for index, option in enumerate(constraint.options):
                self._check_option(option, f"{path}.options[{index}]")
        elif isinstance(constraint, Compatibility):
            self._check_option(constraint.option, f"{path}.option")
            attribute = self.attributes.get(constraint.attribute)
            if attribute is None:
                raise ValidationError(
                    "no attribute has this id",
                    path=f"{path}.attribute",
                    value=constraint.attribute,
                )
            for index, value in enumerate(constraint.values):
                if value not in attribute.values:
                    raise ValidationError(
                        f"attribute {attribute.id!r} has no such value",
                        path=f"{path}.values[{index}]",
                        value=value,
                    )
        else:
            self._check_option(constraint.option, f"{path}.option")
            self._check_option(constraint.limit, f"{path}.limit")


def selection_data(
    model: ConfigurationModel, quantities: Mapping[str, int], values: Mapping[str, str]
) -> dict[str, Any]:
    """Return the data a product rule's condition reads for a configuration.

    Args:
        model: The model.
        quantities: The selected options' quantities.
        values: The chosen attribute values.

    Returns:
        ``{"options": {id: quantity or 0}, "attributes": {id: value or None}}``.
    """
    return {
        "options": {option.id: quantities.get(option.id, 0) for option in model.options()},
        "attributes": {a.id: values.get(a.id) for a in model.attributes},
    }
