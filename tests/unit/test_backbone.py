"""LocalRepair and Backbone: hand examples, and properties against brute force."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_core.configure import backbone as backbone_module
from sfa_core.configure.backbone import Backbone, Cone, LocalRepair
from sfa_core.configure.solver import Solver

Constraint = tuple[Sequence[int], Sequence[int], int]

# --------------------------------------------------------------------------- helpers


def holds(value: Sequence[bool], literal: int) -> bool:
    return value[abs(literal)] == (literal > 0)


def satisfied(value: Sequence[bool], constraint: Constraint) -> bool:
    literals, weights, bound = constraint
    return sum(w for lit, w in zip(literals, weights, strict=True) if holds(value, lit)) >= bound


def all_satisfied(value: Sequence[bool], constraints: Sequence[Constraint]) -> bool:
    return all(satisfied(value, c) for c in constraints)


def solutions(n: int, constraints: Sequence[Constraint]) -> list[list[bool]]:
    """Every satisfying assignment, as lists indexed by variable (index 0 unused)."""
    found = []
    for bits in itertools.product((False, True), repeat=n):
        value = [False, *bits]
        if all_satisfied(value, constraints):
            found.append(value)
    return found


def flipped(value: Sequence[bool], v: int) -> list[bool]:
    out = list(value)
    out[v] = not out[v]
    return out


def check_state(local: LocalRepair, n: int, constraints: Sequence[Constraint]) -> None:
    """Every constraint holds, and the kept sums agree with ``value``.

    The sums are checked through ``free_flip``: it must allow exactly the flips that break
    nothing, recomputed from ``value``; each allowed flip is undone at once (undoing it
    breaks nothing either), so the assignment is left as it was.
    """
    before = list(local.value)
    assert len(before) == n + 1
    assert all_satisfied(before, constraints)
    for v in range(1, n + 1):
        literal = -v if before[v] else v
        after = flipped(before, v)
        expected = all_satisfied(after, constraints)
        assert local.free_flip(literal) is expected, (v, before)
        assert local.value == (after if expected else before)
        if expected:
            assert local.free_flip(-literal) is True
        assert local.value == before


def make_solver(n: int, clauses: Sequence[Sequence[int]]) -> Solver:
    return Solver.from_clauses(n, clauses)


def as_constraints(clauses: Sequence[Sequence[int]]) -> list[Constraint]:
    return [(tuple(c), (1,) * len(c), 1) for c in clauses]


# --------------------------------------------------------------------------- hand examples

A, B, C, X, Y, Z, G = range(1, 8)
N = 7
EXAMPLE: list[Constraint] = [
    ((A, X), (1, 1), 1),  # a or x
    ((-A, -B, -C), (1, 1, 1), 2),  # at most 1 of a, b, c
    ((X, Y, Z, -G), (1, 1, 1, 2), 2),  # g -> at least 2 of x, y, z
]
# a true, everything else false.
START = [False, True, False, False, False, False, False, False]


def example(model: Sequence[bool] = START) -> LocalRepair:
    local = LocalRepair(N, EXAMPLE, list(model))
    check_state(local, N, EXAMPLE)
    return local


class TestLocalRepairExamples:
    def test_the_example_is_consistent(self):
        assert all_satisfied(START, EXAMPLE)
        local = example()
        assert local.value == START

    def test_the_model_is_copied(self):
        model = list(START)
        local = LocalRepair(N, EXAMPLE, model)
        assert local.free_flip(Y) is True
        assert model == START

    def test_free_flip_when_the_literal_holds(self):
        local = example()
        assert local.free_flip(A) is True
        assert local.free_flip(-B) is True
        assert local.value == START

    def test_free_flip_refuses_what_breaks_a_constraint(self):
        local = example()
        assert local.free_flip(B) is False  # a and b: at most 1
        assert local.free_flip(-A) is False  # a or x
        assert local.free_flip(G) is False  # g needs 2 of x, y, z
        assert local.value == START
        check_state(local, N, EXAMPLE)

    def test_free_flips_that_break_nothing(self):
        local = example()
        assert local.free_flip(Y) is True
        assert local.value == flipped(START, Y)
        assert local.free_flip(G) is False  # only y of x, y, z
        assert local.free_flip(X) is True
        assert local.free_flip(G) is True  # now x and y
        assert local.free_flip(-Y) is False  # g needs y now
        assert local.free_flip(-A) is True  # x keeps a or x
        assert local.free_flip(B) is True  # a is off: b alone
        assert local.free_flip(C) is False  # b and c: at most 1
        assert local.free_flip(-X) is False  # g needs x now
        assert local.value == [False, False, True, False, True, True, False, True]
        check_state(local, N, EXAMPLE)

    def test_repair_of_a_cardinality_and_a_clause(self):
        local = example()
        changed = local.repair([B], set())
        # b forces a off (at most 1), and a off forces x on (a or x).
        assert changed is not None
        assert sorted(set(changed)) == [A, B, X]
        assert local.value == [False, False, True, False, True, False, False, False]
        check_state(local, N, EXAMPLE)

    def test_repair_of_a_guarded_cardinality(self):
        local = example()
        changed = local.repair([G], {A})
        assert changed is not None
        value = local.value
        assert value[G]
        assert value[A]
        assert sum(value[v] for v in (X, Y, Z)) >= 2
        assert set(changed) == {v for v in range(1, N + 1) if value[v] != START[v]}
        check_state(local, N, EXAMPLE)
        # Back: g off again frees x, y and z.
        assert local.repair([-G], set()) == [G]
        assert local.free_flip(-Y) is True
        assert local.free_flip(-Z) is True
        check_state(local, N, EXAMPLE)

    def test_repair_of_what_already_holds_changes_nothing(self):
        local = example()
        assert local.repair([A, -B, -G], set()) == []
        assert local.repair([], {A, B}) == []
        assert local.value == START

    def test_repair_keeps_frozen_variables(self):
        local = example()
        # b on would need a off, but a is frozen: no repair.
        assert local.repair([B], {A}) is None
        assert local.value == START
        check_state(local, N, EXAMPLE)
        # a off would need x on, but x is frozen.
        assert local.repair([-A], {X}) is None
        assert local.value == START
        # With x free it works, and only a and x change.
        changed = local.repair([-A], {B, C})
        assert changed is not None
        assert sorted(set(changed)) == [A, X]
        check_state(local, N, EXAMPLE)

    def test_repair_keeps_the_wanted_literals(self):
        local = example()
        # b and c cannot both be on, and neither may be flipped back.
        assert local.repair([B, C], set()) is None
        assert local.value == START
        assert local.repair([A, B], set()) is None
        assert local.value == START
        # g and not x and not y leave only z of the three.
        assert local.repair([G, -X, -Y], set()) is None
        assert local.value == START
        check_state(local, N, EXAMPLE)

    def test_a_wanted_literal_of_a_frozen_variable_is_made_true(self):
        # The frozen set only restrains the walk: Backbone.compute moves the witness
        # to the new choices by wanting them while they are frozen.
        local = example()
        changed = local.repair([B], {A, B})
        assert changed is None  # a would have to change
        changed = local.repair([-A], {A})
        assert changed is not None
        assert sorted(set(changed)) == [A, X]
        check_state(local, N, EXAMPLE)

    def test_repair_within_the_budget(self):
        local = example()
        # The wanted flip itself breaks nothing: no step of the walk is needed.
        assert local.repair([Y], set(), budget=0) == [Y]
        # b needs two more flips.
        assert local.repair([B], set(), budget=0) is None
        assert local.value == flipped(START, Y)
        changed = local.repair([B], set(), budget=2)
        assert changed is not None
        assert sorted(set(changed)) == [A, B, X]
        check_state(local, N, EXAMPLE)

    def test_contradictory_wanted_literals(self):
        local = example()
        assert local.repair([A, -A], set()) is None  # got [A, X]
        assert local.value == START

    def test_repair_lists_only_the_changed_variables(self):
        # not 1 or not 3; 2 or 3; 1 or 2 or 3. From 2 alone, wanting not 2: the walk
        # flips 1 (for the third clause), 3 (for the second), then 1 back (for the first).
        constraints: list[Constraint] = [
            ((-1, -3), (1, 1), 1),
            ((2, 3), (1, 1), 1),
            ((1, 2, 3), (1, 1, 1), 1),
        ]
        local = LocalRepair(3, constraints, [False, False, True, False])
        changed = local.repair([-2], set())
        assert local.value == [False, False, False, True]
        assert changed is not None
        assert sorted(changed) == [2, 3]  # got [2, 1, 3, 1]

    def test_adopt_then_repair(self):
        local = example()
        other = [False, False, True, False, True, True, False, True]  # b, x, y, g
        assert all_satisfied(other, EXAMPLE)
        local.adopt(list(other))
        assert local.value == other
        check_state(local, N, EXAMPLE)
        # The sums follow the adopted model: y is needed by g now, a is not needed.
        assert local.free_flip(-Y) is False
        assert local.free_flip(Z) is True
        assert local.free_flip(-Y) is True
        changed = local.repair([A], {G})
        assert changed is not None
        assert not local.value[B]
        check_state(local, N, EXAMPLE)
        local.adopt(list(START))
        assert local.value == START
        check_state(local, N, EXAMPLE)
        local.adopt(list(START))  # adopting the same model changes nothing
        assert local.value == START
        check_state(local, N, EXAMPLE)

    def test_constraints_of_any_weight(self):
        # 3a + 2b + c >= 3, and not a or not b.
        constraints: list[Constraint] = [((1, 2, 3), (3, 2, 1), 3), ((-1, -2), (1, 1), 1)]
        local = LocalRepair(3, constraints, [False, False, True, True])
        check_state(local, 3, constraints)
        assert local.free_flip(-3) is False  # b alone weighs 2
        changed = local.repair([-2], set())
        assert changed is not None
        assert local.value == [False, True, False, True]  # a makes up for b
        check_state(local, 3, constraints)

    def test_flippable_asks_without_flipping(self):
        local = LocalRepair(N, EXAMPLE, list(START))
        for v in range(1, N + 1):
            for literal in (v, -v):
                trial = LocalRepair(N, EXAMPLE, list(START))
                assert local.flippable(literal) is trial.free_flip(literal)
                assert local.value == START

    def test_walk_flips_then_repairs_around_the_pinned(self):
        # 3a + 2b + c >= 3, and not a or not b: b pinned on, so a must go off for it.
        constraints: list[Constraint] = [((1, 2, 3), (3, 2, 1), 3), ((-1, -2), (1, 1), 1)]
        local = LocalRepair(3, constraints, [False, True, False, False])
        changed = local.walk([2], {2}, set(), 10)
        assert changed is not None
        assert set(changed) == {1, 2, 3}
        assert local.value == [False, False, True, True]
        check_state(local, 3, constraints)
        # with c frozen off, b cannot come on
        local = LocalRepair(3, constraints, [False, True, False, False])
        assert local.walk([2], {2}, {3}, 10) is None
        assert local.value == [False, True, False, False]

    def test_a_walk_brings_a_cone_along(self):
        # 1 or 2; 2 -> 3; 1 -> 4. Turning 1 off needs 2 on, and 2 on needs 3 on.
        clauses = [(1, 2), (-2, 3), (-1, 4)]
        constraints = as_constraints(clauses)
        start = [False, True, False, False, True]
        solver = make_solver(4, clauses)
        cone = Cone(solver.probe([], 2) or ())
        assert set(cone.literals) == {2, 3}
        plain = LocalRepair(4, constraints, list(start))
        assert plain.walk([1], {1}, set(), 1) is None  # two steps: 2, then 3
        local = LocalRepair(4, constraints, list(start))
        local.use_cones({2: cone})
        changed = local.walk([1], {1}, set(), 1)  # one step: 2 with its cone
        assert changed is not None
        assert sorted(changed) == [1, 2, 3]
        check_state(local, 4, constraints)
        # with 3 frozen off, 2 is ruled out at once and the walk gives up
        local = LocalRepair(4, constraints, list(start))
        local.use_cones({2: cone})
        assert local.walk([1], {1}, {3}, 50) is None
        assert local.value == start

    def test_a_walk_is_stuck_when_no_free_variable_can_mend(self):
        # 1 -> 2 -> 3, and not both 3 and 4; 4 frozen on: 2 and 3 are forced by the pin
        # on 1, so the last clause cannot be mended (the walk says so at once).
        clauses = [(-1, 2), (-2, 3), (-3, -4)]
        constraints = as_constraints(clauses)
        start = [False, False, False, False, True]
        local = LocalRepair(4, constraints, list(start))
        assert local.walk([1], {1}, {4}, 50) is None
        assert local.stuck is True
        assert local.value == start
        # out of flips is not stuck: 1 -> 2 -> 3 needs two steps
        local = LocalRepair(4, constraints, [False, False, False, False, False])
        assert local.walk([1], {1}, set(), 1) is None
        assert local.stuck is False
        assert local.walk([1], {1}, set(), 2) is not None
        assert local.value == [False, True, True, True, False]
        # wanted both ways is stuck too
        assert local.repair([2, -2], set()) is None
        assert local.stuck is True


class TestCone:
    def test_flips_are_the_variables_that_differ(self):
        value = [False, True, False, True, False]  # 1 and 3 on, 2 and 4 off
        assert Cone([1, -2, 3, 4]).flips(value) == [4]
        assert sorted(Cone([-1, 2, -3, -4]).flips(value)) == [1, 2, 3]
        assert Cone([4]).flips(value) == [4]  # one literal
        assert Cone([-3]).flips(value) == [3]
        assert Cone([-4]).flips(value) == []
        assert Cone([-1, -3]).flips(value) == [1, 3]  # the off part alone
        assert Cone([2, 4]).flips(value) == [2, 4]  # the on part alone
        assert Cone([]).flips(value) == []
        assert len(Cone([1, -2])) == 2
        assert Cone([1, -2]).variables == {1, 2}


# --------------------------------------------------------------------------- properties


@st.composite
def constraint_sets(draw: st.DrawFn, max_vars: int = 8) -> tuple[int, list[Constraint]]:
    """Clauses and cardinalities over distinct variables, all satisfied by a hidden model.

    Each constraint names a variable at most once, as the encoder's do.
    """
    n = draw(st.integers(1, max_vars))
    hidden = [False, *draw(st.lists(st.booleans(), min_size=n, max_size=n))]
    constraints: list[Constraint] = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["clause", "at_least", "at_most", "guarded", "weighted"]))
        if kind == "guarded" and n < 2:
            kind = "clause"
        size = draw(st.integers(1, min(5 if kind != "guarded" else 4, n - (kind == "guarded"))))
        variables = draw(st.permutations(range(1, n + 1)))
        lits = [v if draw(st.booleans()) else -v for v in variables[:size]]
        if kind == "clause":
            weights, bound = [1] * size, 1
        elif kind == "at_least":
            weights, bound = [1] * size, draw(st.integers(1, size))
        elif kind == "at_most":  # at most k of lits: at least size - k of their negations
            k = draw(st.integers(0, size - 1))
            lits = [-lit for lit in lits]
            weights, bound = [1] * size, size - k
        elif kind == "guarded":  # guard -> at least k of lits
            k = draw(st.integers(1, size))
            lits.append(-variables[size])
            weights, bound = [1] * size + [k], k
        else:
            weights = draw(st.lists(st.integers(1, 3), min_size=size, max_size=size))
            bound = draw(st.integers(1, sum(weights)))
        # Make the hidden model satisfy it: turn false literals true, first to last.
        total = sum(w for lit, w in zip(lits, weights, strict=True) if holds(hidden, lit))
        for i, lit in enumerate(lits):
            if total >= bound:
                break
            if not holds(hidden, lit):
                lits[i] = -lit
                total += weights[i]
        constraints.append((tuple(lits), tuple(weights), bound))
    return n, constraints


@given(constraint_sets(), st.data())
def test_local_repair_keeps_every_constraint(problem, data):
    n, constraints = problem
    found = solutions(n, constraints)
    assert found  # the hidden model is one
    local = LocalRepair(n, constraints, list(data.draw(st.sampled_from(found))))
    check_state(local, n, constraints)
    variables = list(range(1, n + 1))
    for _ in range(data.draw(st.integers(1, 8))):
        before = list(local.value)
        action = data.draw(st.sampled_from(["repair", "repair", "free_flip", "adopt"]))
        if action == "adopt":
            model = list(data.draw(st.sampled_from(found)))
            local.adopt(model)
            assert local.value == model
        elif action == "free_flip":
            literal = data.draw(st.sampled_from(variables)) * data.draw(st.sampled_from([1, -1]))
            allowed = holds(before, literal) or all_satisfied(
                flipped(before, abs(literal)), constraints
            )
            assert local.free_flip(literal) is allowed
            if allowed:
                assert holds(local.value, literal)
                assert local.value in (before, flipped(before, abs(literal)))
            else:
                assert local.value == before
        else:
            # Wanted literals over distinct variables (a variable wanted both ways has its
            # own test); frozen variables drawn freely, wanted ones included.
            wanted_vars = data.draw(st.permutations(variables))[: data.draw(st.integers(0, 3))]
            wanted = [v if data.draw(st.booleans()) else -v for v in wanted_vars]
            frozen = set(data.draw(st.lists(st.sampled_from(variables), max_size=n)))
            budget = data.draw(st.sampled_from([0, 1, 3, 10, 200]))
            changed = local.repair(wanted, frozen, budget)
            if changed is None:
                assert local.value == before
            else:
                value = local.value
                # exactly the variables whose value changed, each once
                assert len(changed) == len(set(changed))
                assert set(changed) == {v for v in variables if value[v] != before[v]}
                assert all(holds(value, lit) for lit in wanted)
                assert all(value[v] == before[v] for v in frozen - set(wanted_vars))
            if all(holds(before, lit) for lit in wanted):
                assert changed == []
            possible = [
                m
                for m in found
                if all(holds(m, lit) for lit in wanted)
                and all(m[v] == before[v] for v in frozen - set(wanted_vars))
            ]
            if not possible:
                assert changed is None
            if changed is None and local.stuck:  # stuck is a proof: nothing is possible
                assert not possible
        check_state(local, n, constraints)


@st.composite
def satisfiable_cnfs(draw: st.DrawFn, max_vars: int = 8) -> tuple[int, list[list[int]]]:
    """Clauses over distinct variables each, all satisfied by a hidden model."""
    n = draw(st.integers(1, max_vars))
    hidden = [False, *draw(st.lists(st.booleans(), min_size=n, max_size=n))]
    clauses = []
    for _ in range(draw(st.integers(0, 3 * n))):
        size = draw(st.integers(1, min(3, n)))
        variables = draw(st.permutations(range(1, n + 1)))[:size]
        clause = [v if draw(st.booleans()) else -v for v in variables]
        if not any(holds(hidden, lit) for lit in clause):
            clause[0] = -clause[0]
        clauses.append(clause)
    return n, clauses


def check_backbone(
    solver: Solver,
    local: LocalRepair,
    n: int,
    clauses: Sequence[Sequence[int]],
    found: list[list[bool]],
    decisions: list[int],
    assumptions: list[int],
    cones: dict[int, Cone] | None = None,
) -> None:
    backbone = Backbone(solver, local, decisions, cones)
    result = backbone.compute(assumptions)
    under = [m for m in found if all(holds(m, lit) for lit in assumptions)]
    assert result is bool(under)
    constraints = as_constraints(clauses)
    assert all_satisfied(local.value, constraints)  # the kept witness stays a solution
    if result:
        chosen = set(decisions)
        assert backbone.on & chosen == {v for v in decisions if any(m[v] for m in under)}
        assert backbone.off & chosen == {v for v in decisions if any(not m[v] for m in under)}
        # Other variables may be recorded too (what the assumptions propagate), rightly.
        assert all(any(m[v] for m in under) for v in backbone.on)
        assert all(any(not m[v] for m in under) for v in backbone.off)
        assert all(holds(local.value, lit) for lit in assumptions)
    check_state(local, n, constraints)


@given(satisfiable_cnfs(), st.data())
def test_backbone_agrees_with_brute_force(cnf, data):
    # Sometimes the local walk gets no step at all, so probe and the solver decide more.
    # Cones of more than _QUICK literals are pinned for their repairs (quick = 0: all).
    budgets = data.draw(st.sampled_from([(10, 200, 100), (0, 0, 0), (0, 200, 100), (1, 3, 2)]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backbone_module, "_QUICK", budgets[0])
        patch.setattr(backbone_module, "_MAX_FLIPS", budgets[1])
        patch.setattr(backbone_module, "_CONE_FLIPS", budgets[2])
        _backbone_clicks(cnf, data)


def _backbone_clicks(cnf: tuple[int, list[list[int]]], data: st.DataObject) -> None:
    n, clauses = cnf
    found = solutions(n, as_constraints(clauses))
    solver = make_solver(n, clauses)
    local = LocalRepair(n, as_constraints(clauses), list(data.draw(st.sampled_from(found))))
    variables = list(range(1, n + 1))
    decisions = sorted(data.draw(st.sets(st.sampled_from(variables), min_size=1)))
    literal = st.sampled_from([lit for v in variables for lit in (v, -v)])
    cones = None
    if data.draw(st.booleans()):  # as the configurator makes them
        cones = {v: Cone(solver.probe([], v) or ()) for v in decisions}
        if data.draw(st.booleans()):  # walks that bring cones along
            local.use_cones({v: cone for v, cone in cones.items() if len(cone) > 1})
    # Several clicks on the same solver and witness, as the configurator does.
    for _ in range(data.draw(st.integers(1, 3))):
        assumptions = data.draw(st.lists(literal, max_size=4))
        check_backbone(solver, local, n, clauses, found, decisions, assumptions, cones)


def as_clauses(n: int, constraints: Sequence[Constraint]) -> list[list[int]]:
    """Clauses with exactly the solutions of ``constraints``: each falsifying assignment
    of a constraint's variables is ruled out."""
    clauses = []
    for constraint in constraints:
        variables = [abs(lit) for lit in constraint[0]]
        for bits in itertools.product((False, True), repeat=len(variables)):
            value = [False] * (n + 1)
            for v, bit in zip(variables, bits, strict=True):
                value[v] = bit
            if not satisfied(value, constraint):
                clauses.append([-v if bit else v for v, bit in zip(variables, bits, strict=True)])
    return clauses


@given(constraint_sets(), st.data())
def test_backbone_over_weighted_constraints_agrees_with_brute_force(problem, data):
    # Cardinalities, guards and weights walked natively, with cones and stuck walks.
    n, constraints = problem
    found = solutions(n, constraints)
    clauses = as_clauses(n, constraints)
    solver = make_solver(n, clauses)
    with pytest.MonkeyPatch.context() as patch:
        # wide constraints find their false literals in C: the same walk either way
        patch.setattr(backbone_module, "_WIDE", data.draw(st.sampled_from([0, 16])))
        local = LocalRepair(n, constraints, list(data.draw(st.sampled_from(found))))
    variables = list(range(1, n + 1))
    decisions = sorted(data.draw(st.sets(st.sampled_from(variables), min_size=1)))
    reach = data.draw(st.sampled_from([None, 1, 2]))  # a cone cut short is a cone too
    cones = {v: Cone(solver.probe([], v, reach=reach) or ()) for v in decisions}
    local.use_cones({v: cone for v, cone in cones.items() if len(cone) > 1})
    literal = st.sampled_from([lit for v in variables for lit in (v, -v)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backbone_module, "_QUICK", data.draw(st.sampled_from([0, 1, 10])))
        for _ in range(data.draw(st.integers(1, 3))):
            assumptions = data.draw(st.lists(literal, max_size=4))
            backbone = Backbone(solver, local, decisions, cones)
            result = backbone.compute(assumptions)
            under = [m for m in found if all(holds(m, lit) for lit in assumptions)]
            assert result is bool(under)
            assert all_satisfied(local.value, constraints)
            if result:
                chosen = set(decisions)
                assert backbone.on & chosen == {v for v in decisions if any(m[v] for m in under)}
                assert backbone.off & chosen == {
                    v for v in decisions if any(not m[v] for m in under)
                }
            check_state(local, n, constraints)


class TestBackboneExamples:
    # at most one of 1, 2, 3 (pairwise); 4 -> 1 or 2; 5 -> not 4; 6 free.
    CLAUSES = ((-1, -2), (-1, -3), (-2, -3), (-4, 1, 2), (-5, -4))

    def build(self, model: Sequence[bool]) -> tuple[Solver, LocalRepair, list[list[bool]]]:
        n = 6
        constraints = as_constraints(self.CLAUSES)
        assert all_satisfied(model, constraints)
        local = LocalRepair(n, constraints, list(model))
        return make_solver(n, self.CLAUSES), local, solutions(n, constraints)

    @pytest.mark.parametrize(
        "assumptions",
        [[], [4], [3], [3, 4], [1, 5], [-1, -2], [4, 5], [6, -6], [2, -4, 6], [-1, -2, -3]],
    )
    def test_clicks(self, assumptions):
        solver, local, found = self.build([False] * 7)
        decisions = [1, 2, 3, 4, 5, 6]
        check_backbone(solver, local, 6, self.CLAUSES, found, decisions, assumptions)

    def test_a_sequence_of_clicks(self):
        solver, local, found = self.build([False, False, True, False, False, True, True])
        for assumptions in ([], [4], [4, 5], [4, -1], [3], [3, 4], [], [5, -6], [1]):
            check_backbone(solver, local, 6, self.CLAUSES, found, [1, 2, 3, 4, 5, 6], assumptions)

    def test_the_values_found(self):
        solver, local, _ = self.build([False] * 7)
        backbone = Backbone(solver, local, [1, 2, 3, 4, 5, 6])
        assert backbone.compute([3]) is True
        assert backbone.on == {3, 5, 6}
        assert backbone.off == {1, 2, 4, 5, 6}
        backbone = Backbone(solver, local, [1, 2, 4])
        assert backbone.compute([4]) is True
        assert backbone.on == {1, 2, 4}
        assert backbone.off & {1, 2, 4} == {1, 2}
        backbone = Backbone(solver, local, [1, 4])
        assert backbone.compute([4, -1, 3]) is False

    def test_native_cardinality_with_a_clausal_solver(self):
        # The configurator's LocalRepair sees a feature's maximum as one constraint, the
        # solver as clauses: the same solutions either way.
        solver, _, found = self.build([False] * 7)
        native: list[Constraint] = [
            ((-1, -2, -3), (1, 1, 1), 2),
            ((-4, 1, 2), (1, 1, 1), 1),
            ((-5, -4), (1, 1), 1),
        ]
        assert solutions(6, native) == found
        local = LocalRepair(6, native, [False] * 7)
        for assumptions in ([], [4], [3, -5], [2, 4], [1, 2]):
            backbone = Backbone(solver, local, [1, 2, 3, 4, 5, 6])
            under = [m for m in found if all(holds(m, lit) for lit in assumptions)]
            assert backbone.compute(assumptions) is bool(under)
            if under:
                assert backbone.on == {v for v in range(1, 7) if any(m[v] for m in under)}
                assert backbone.off == {v for v in range(1, 7) if any(not m[v] for m in under)}
            assert all_satisfied(local.value, native)

    def test_forced_values_need_the_solver(self):
        # 1 -> 2 -> ... -> 7, and 7 can hold with neither 8 nor -8: 1 to 7 are off in
        # every solution, though no unit propagation from nothing shows it; 8 is free.
        clauses = [(-1, 2), (-2, 3), (-3, 4), (-4, 5), (-5, 6), (-6, 7), (-7, 8), (-7, -8)]
        n = 8
        found = solutions(n, as_constraints(clauses))
        solver = make_solver(n, clauses)
        local = LocalRepair(n, as_constraints(clauses), list(found[0]))
        decisions = list(range(1, n + 1))
        check_backbone(solver, local, n, clauses, found, decisions, [])
        check_backbone(solver, local, n, clauses, found, decisions, [3])
        backbone = Backbone(solver, local, decisions)
        assert backbone.compute([]) is True
        assert backbone.on == {8}
        assert backbone.off == set(range(1, 9))

    def test_choices_unsatisfiable_beyond_propagation(self):
        # Under 1, the four clauses over 2 and 3 exclude everything, yet propagate nothing.
        clauses = [(-1, 2, 3), (-1, 2, -3), (-1, -2, 3), (-1, -2, -3), (4, 5)]
        n = 5
        found = solutions(n, as_constraints(clauses))
        solver = make_solver(n, clauses)
        assert solver.propagate([1]) is not None
        local = LocalRepair(n, as_constraints(clauses), list(found[0]))
        decisions = [1, 2, 3, 4, 5]
        for assumptions in ([1], [], [1, 4], [-1], [2, 1], [5]):
            check_backbone(solver, local, n, clauses, found, decisions, assumptions)
        assert Backbone(solver, local, decisions).compute([1]) is False
        assert Backbone(solver, local, decisions).compute([3, 1]) is False

    def test_a_forced_value_then_a_long_chain(self):
        # 15 is forced off (15 -> 16 and 15 -> -16); 1 -> 2 -> ... -> 12, and 12 and the
        # choice 13 need 14: wanting 1 takes 13 flips, more than the quick repair may do,
        # so probe (under the choice and the forced -15) pins the chain for the repair.
        chain = [(-v, v + 1) for v in range(1, 12)]
        clauses = [*chain, (-12, -13, 14), (-15, 16), (-15, -16)]
        n = 16
        found = solutions(n, as_constraints(clauses))
        solver = make_solver(n, clauses)
        local = LocalRepair(n, as_constraints(clauses), [False] * (n + 1))
        backbone = Backbone(solver, local, [15, 1])
        assert backbone.compute([13]) is True
        assert backbone.on & {1, 15} == {1}
        assert backbone.off & {1, 15} == {1, 15}
        assert local.value[13]
        assert all_satisfied(local.value, as_constraints(clauses))
        for assumptions in ([13], [-14], [13, 15], [13, -14], []):
            check_backbone(solver, local, n, clauses, found, [15, 1, 13, 14], assumptions)

    def test_a_cone_that_contradicts_a_choice(self):
        # 1 -> 2, 1 -> 3, and not all of 2, 3, 4: the cone of 1 holds -4, yet the choice
        # 4 propagates nothing about 1. The cone must not be pinned against the choice.
        clauses = [(-1, 2), (-1, 3), (-2, -3, -4)]
        n = 4
        found = solutions(n, as_constraints(clauses))
        solver = make_solver(n, clauses)
        cones = {v: Cone(solver.probe([], v) or ()) for v in range(1, n + 1)}
        assert set(cones[1].literals) == {1, 2, 3, -4}
        assert solver.propagate([4]) == [4]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(backbone_module, "_QUICK", 0)  # every cone is pinned
            for start in ([False] * 5, [False, False, True, True, False]):
                local = LocalRepair(n, as_constraints(clauses), start)
                check_backbone(solver, local, n, clauses, found, [1, 2, 3], [4], cones)
                backbone = Backbone(solver, local, [1, 2, 3], cones)
                assert backbone.compute([4]) is True
                assert 1 not in backbone.on

    def test_a_stuck_repair_proves_a_value_forced_without_the_solver(self):
        # 1 -> 2 and 1 -> 3, not all of 2, 3, 4; the choice 4 alone propagates nothing,
        # but the repair of 1 meets the broken clause with nothing free to flip.
        clauses = [(-1, 2), (-1, 3), (-2, -3, -4)]
        n = 4
        solver = make_solver(n, clauses)
        local = LocalRepair(n, as_constraints(clauses), [False] * 5)

        def no_probe(*args: object) -> None:
            raise AssertionError("the solver was asked")

        backbone = Backbone(solver, local, [1])
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Solver, "probe", no_probe)
            assert backbone.compute([4]) is True
        assert backbone.off & {1} == {1}
        assert 1 not in backbone.on
