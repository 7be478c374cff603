"""Hypothesis strategies for JSON Logic rules and the data they read.

>>> from hypothesis import given, settings
>>> from sfa_core import rules as sfa_rules
>>> from sfa_core.testing._rule_strategies import rule_data, rules
>>> @settings(max_examples=25, deadline=None)
... @given(rules(), rule_data())
... def test_explain_agrees(rule, data):
...     compiled = sfa_rules.compile(rule)
...     explanation = compiled.explain(data)
...     if not explanation.failed:
...         assert explanation.result == compiled.evaluate(data)
>>> test_explain_agrees()
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from sfa_core.rules import FIELD_TYPES, Explanation, Schema, compile

__all__ = ["explanations", "json_values", "rule_data", "rules", "schemas"]

#: The field names :func:`rules` and :func:`rule_data` use unless told otherwise.
DEFAULT_FIELDS = ("amount", "region", "tier", "lines")

_TEXTS = st.sampled_from(["", "0", "1", "2.5", "-3", "EMEA", "APAC", "gold", "a", "b", "rush"])


def _numbers() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(min_value=-1000, max_value=1000),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        st.sampled_from([0, 1, -1, 0.5, 0.1, 0.2, 0.3, 2.5]),
    )


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), _numbers(), _TEXTS)


def json_values(*, max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """JSON values: ``null``, booleans, finite numbers, text, arrays and objects.

    Args:
        max_leaves: About how many scalars one value holds at most.

    Returns:
        A strategy of JSON values (``None``, ``bool``, ``int``, ``float``,
        ``str``, ``list``, ``dict``).

    Example:
        >>> import json
        >>> from hypothesis import given, settings
        >>> from sfa_core.testing.strategies import json_values
        >>> @settings(max_examples=20, deadline=None)
        ... @given(json_values())
        ... def test_is_json(value):
        ...     assert json.loads(json.dumps(value)) == value
        >>> test_is_json()
    """
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**9), max_value=10**9),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=10),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=6), children, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def _bodies() -> st.SearchStrategy[Any]:
    """Bodies of iterators: conditions on the current item (``{"var": ""}``)."""
    item: st.SearchStrategy[Any] = st.one_of(
        st.just({"var": ""}), st.just({"var": "x"}), _scalars()
    )
    return st.one_of(
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "==="]), item, item).map(
            lambda t: {t[0]: [t[1], t[2]]}
        ),
        st.tuples(st.sampled_from(["+", "*", "-"]), item, item).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(item).map(lambda t: {"!!": [t[0]]}),
    )


def rules(
    fields: Sequence[str] = DEFAULT_FIELDS, *, max_leaves: int = 12
) -> st.SearchStrategy[Any]:
    """Valid JSON Logic rules that read the given field names.

    The rules use most operators (comparisons, logic, ``if``, arithmetic,
    ``cat``, ``in``, ``missing``, ``??``, ``try``, iterators over fields...);
    they always compile, though evaluating some fails as JSON Logic says
    (``{"/": [1, 0]}``).

    Args:
        fields: The names ``var`` reads.
        max_leaves: About how many operands one rule holds at most.

    Returns:
        A strategy of rules (JSON).

    Example:
        >>> from hypothesis import given, settings
        >>> from sfa_core import rules as sfa_rules
        >>> from sfa_core.testing.strategies import rules as random_rules
        >>> @settings(max_examples=20, deadline=None)
        ... @given(random_rules(["total", "region"]))
        ... def test_compiles(rule):
        ...     assert sfa_rules.compile(rule).source == rule
        >>> test_compiles()
    """
    names = list(fields)
    variables = st.one_of(
        st.sampled_from(names).map(lambda name: {"var": name}),
        st.tuples(st.sampled_from(names), _scalars()).map(lambda t: {"var": [t[0], t[1]]}),
        st.sampled_from(names).map(lambda name: {"val": name}),
    )
    leaves = st.one_of(_scalars(), variables)

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        two = st.tuples(children, children)
        some = st.lists(children, min_size=1, max_size=3)
        arrays = st.sampled_from(names).map(lambda name: {"var": name})
        return st.one_of(
            st.tuples(st.sampled_from(["==", "===", "!=", "!==", "<", "<=", ">", ">="]), two).map(
                lambda t: {t[0]: list(t[1])}
            ),
            st.tuples(st.sampled_from(["<", "<="]), children, children, children).map(
                lambda t: {t[0]: [t[1], t[2], t[3]]}
            ),
            st.tuples(st.sampled_from(["and", "or", "??", "cat", "max", "min"]), some).map(
                lambda t: {t[0]: t[1]}
            ),
            st.tuples(st.sampled_from(["+", "-", "*", "/", "%"]), two).map(
                lambda t: {t[0]: list(t[1])}
            ),
            st.tuples(st.sampled_from(["!", "!!", "+", "-"]), children).map(
                lambda t: {t[0]: [t[1]]}
            ),
            st.lists(children, min_size=1, max_size=5).map(lambda items: {"if": items}),
            st.tuples(children, st.lists(_scalars(), max_size=4)).map(
                lambda t: {"in": [t[0], t[1]]}
            ),
            st.tuples(children, children).map(lambda t: {"in": [t[0], t[1]]}),
            st.lists(st.sampled_from(names), max_size=3).map(lambda keys: {"missing": keys}),
            st.tuples(st.integers(0, 3), st.lists(st.sampled_from(names), max_size=3)).map(
                lambda t: {"missing_some": [t[0], t[1]]}
            ),
            st.tuples(children, children).map(lambda t: {"try": [t[0], t[1]]}),
            st.tuples(children, st.integers(-4, 4)).map(lambda t: {"substr": [t[0], t[1]]}),
            st.tuples(
                st.sampled_from(["some", "all", "none", "filter", "map"]), arrays, _bodies()
            ).map(lambda t: {t[0]: [t[1], t[2]]}),
            st.tuples(arrays, _numbers()).map(
                lambda t: {
                    "reduce": [t[0], {"+": [{"var": "accumulator"}, {"var": "current"}]}, t[1]]
                }
            ),
            st.lists(children, max_size=3).map(lambda items: {"merge": items}),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def rule_data(
    fields: Sequence[str] = DEFAULT_FIELDS, *, decimals: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Data for :func:`rules`: a dict with some of the fields, of varied types.

    Args:
        fields: The field names (each present or absent).
        decimals: Whether values may be ``Decimal`` amounts too.

    Returns:
        A strategy of dicts.

    Example:
        >>> from hypothesis import given, settings
        >>> from sfa_core.testing.strategies import rule_data
        >>> @settings(max_examples=20, deadline=None)
        ... @given(rule_data(["total"]))
        ... def test_fields(data):
        ...     assert set(data) <= {"total"}
        >>> test_fields()
    """
    scalars = _scalars()
    if decimals:
        scalars = st.one_of(
            scalars,
            st.decimals(
                min_value=Decimal("-100000"),
                max_value=Decimal("100000"),
                places=2,
                allow_nan=False,
                allow_infinity=False,
            ),
        )
    values = st.one_of(
        scalars,
        st.lists(scalars, max_size=4),
        st.dictionaries(st.sampled_from(["x", "y"]), scalars, max_size=2),
    )
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values))


def schemas() -> st.SearchStrategy[Schema]:
    """Valid :class:`~sfa_core.rules.Schema` values over a few dotted field names.

    Returns:
        A strategy of schemas.

    Example:
        >>> from hypothesis import given, settings
        >>> from sfa_core.rules import FIELD_TYPES
        >>> from sfa_core.testing._rule_strategies import schemas
        >>> @settings(max_examples=20, deadline=None)
        ... @given(schemas())
        ... def test_types(schema):
        ...     assert set(schema.fields.values()) <= FIELD_TYPES
        >>> test_types()
    """
    names = st.lists(
        st.sampled_from(["quote", "account", "net_total", "tier", "lines", "0"]),
        min_size=1,
        max_size=3,
    ).map(".".join)
    return st.dictionaries(names, st.sampled_from(sorted(FIELD_TYPES)), max_size=6).map(Schema)


def explanations(fields: Sequence[str] = DEFAULT_FIELDS) -> st.SearchStrategy[Explanation]:
    """Explanations of random rules evaluated on random JSON data.

    Args:
        fields: The field names the rules read and the data holds.

    Returns:
        A strategy of :class:`~sfa_core.rules.Explanation` trees (their values are
        plain JSON, so they serialize).

    Example:
        >>> from hypothesis import given, settings
        >>> from sfa_core.testing._rule_strategies import explanations
        >>> @settings(max_examples=20, deadline=None)
        ... @given(explanations())
        ... def test_paths(explanation):
        ...     assert all(node.path.startswith("$") for node in explanation.walk())
        >>> test_paths()
    """
    return st.builds(
        lambda rule, data: compile(rule).explain(data),
        rules(fields),
        rule_data(fields, decimals=False),
    )
