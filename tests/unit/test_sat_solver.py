from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_core.configure import solver as solver_module
from sfa_core.configure.solver import Solver
from sfa_core.errors import SfaError, ValidationError

# --------------------------------------------------------------------------- helpers


def make(num_vars: int, clauses: Sequence[Sequence[int]] = ()) -> Solver:
    return Solver.from_clauses(num_vars, clauses)


def models(
    num_vars: int, clauses: Sequence[Sequence[int]], among: Sequence[int] | None = None
) -> list[int]:
    """Every satisfying assignment (among ``among``), as bit masks: bit v-1 set when v is true."""
    masks = [_mask(c) for c in clauses]
    return [
        m
        for m in (range(1 << num_vars) if among is None else among)
        if all((m & pos) or (~m & neg) for pos, neg in masks)
    ]


def _mask(literals: Sequence[int]) -> tuple[int, int]:
    pos = neg = 0
    for lit in literals:
        if lit > 0:
            pos |= 1 << (lit - 1)
        else:
            neg |= 1 << (-lit - 1)
    return pos, neg


def consistent(found: list[int], assumptions: Sequence[int]) -> list[int]:
    """The assignments of ``found`` in which every assumption holds."""
    return [m for m in found if all((m >> (abs(a) - 1)) & 1 == (a > 0) for a in assumptions)]


def holds(model: list[bool], literal: int) -> bool:
    return model[abs(literal)] == (literal > 0)


def check_model(s: Solver, clauses: Sequence[Sequence[int]], assumptions: Sequence[int]) -> None:
    model = s.model()
    assert len(model) == s.num_vars + 1
    assert model[0] is False
    for clause in clauses:
        assert any(holds(model, lit) for lit in clause), clause
    for lit in assumptions:
        assert holds(model, lit)
        assert s.value(lit)
        assert not s.value(-lit)


def check_solve(
    s: Solver, clauses: Sequence[Sequence[int]], found: list[int], assumptions: Sequence[int]
) -> bool:
    """Solve under ``assumptions``: the answer, and the model or the core, agree with ``found``."""
    result = s.solve(assumptions)
    assert result is bool(consistent(found, assumptions)), assumptions
    if result:
        check_model(s, clauses, assumptions)
    else:
        core = s.core()
        assert set(core) <= set(assumptions)
        assert not consistent(found, core)
    return result


def reference_propagate(
    clauses: Sequence[Sequence[int]], assumptions: Sequence[int]
) -> set[int] | None:
    """Naive unit propagation to a fixpoint, the assumptions assigned one by one."""
    true: set[int] = set()

    def fixpoint() -> bool:
        changed = True
        while changed:
            changed = False
            for clause in clauses:
                if any(lit in true for lit in clause):
                    continue
                open_lits = {lit for lit in clause if -lit not in true}
                if not open_lits:
                    return False
                if len(open_lits) == 1:
                    true.update(open_lits)
                    changed = True
        return True

    if not fixpoint():
        return None
    for lit in assumptions:
        if -lit in true:
            return None
        true.add(lit)
        if not fixpoint():
            return None
    return true


def pigeonhole(pigeons: int, holes: int, *, selector: bool = False) -> tuple[Solver, int]:
    """Pigeons into holes, at most one per hole; with a selector variable guarding it."""
    s = make(pigeons * holes)
    sel = s.new_var() if selector else 0
    guard = [-sel] if selector else []

    def var(i: int, j: int) -> int:
        return i * holes + j + 1

    for i in range(pigeons):
        s.add_clause(guard + [var(i, j) for j in range(holes)])
    for j in range(holes):
        for i, k in itertools.combinations(range(pigeons), 2):
            s.add_clause([-var(i, j), -var(k, j)])
    return s, sel


def random_3sat(num_vars: int, num_clauses: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    return [
        [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, num_vars + 1), 3)]
        for _ in range(num_clauses)
    ]


# --------------------------------------------------------------------------- strategies

MAX_VARS = 10


def literals(n: int) -> st.SearchStrategy[int]:
    return st.sampled_from([lit for v in range(1, n + 1) for lit in (v, -v)])


@st.composite
def cnfs(draw: st.DrawFn) -> tuple[int, list[list[int]]]:
    n = draw(st.integers(1, MAX_VARS))
    lit = literals(n)
    clauses = draw(st.lists(st.lists(lit, min_size=1, max_size=4), max_size=30))
    return n, clauses


def literal_lists(n: int, max_size: int = 5) -> st.SearchStrategy[list[int]]:
    lit = literals(n)
    return st.lists(lit, max_size=max_size)


# --------------------------------------------------------------------------- hand examples


class TestBasics:
    def test_new_var_numbers_from_one(self):
        s = Solver()
        assert s.num_vars == 0
        assert [s.new_var() for _ in range(3)] == [1, 2, 3]
        assert s.num_vars == 3

    def test_small_satisfiable_formula(self):
        clauses = [[1, 2], [-1, 3], [-2, 3], [-3, -4], [4, 1]]
        s = make(4, clauses)
        assert s.solve() is True
        check_model(s, clauses, [])
        # The only models have 1 and 3 true and 4 false.
        assert (s.value(1), s.value(3), s.value(4)) == (True, True, False)

    def test_no_clauses_is_satisfiable(self):
        s = make(3)
        assert s.solve() is True
        assert len(s.model()) == 4

    def test_no_variables(self):
        s = Solver()
        assert s.solve() is True
        assert s.model() == [False]

    def test_pigeonhole_4_into_3_is_unsat(self):
        s, _ = pigeonhole(4, 3)
        assert s.solve() is False
        assert s.core() == []
        assert s.ok is False
        assert s.stats["conflicts"] > 0

    def test_pigeonhole_3_into_3_is_sat(self):
        s, _ = pigeonhole(3, 3)
        assert s.solve() is True
        model = s.model()
        holes = [[j for j in range(3) if model[i * 3 + j + 1]] for i in range(3)]
        assert all(holes)
        assert len({h for hs in holes for h in hs}) == sum(map(len, holes))

    def test_harder_unsat_with_restarts_and_reduction(self):
        s, _ = pigeonhole(8, 7)
        assert s.solve(max_conflicts=1500) is None
        assert s.stats["restarts"] > 0
        assert s.stats["learnts"] < 1200  # the learnt-clause database was reduced
        s, _ = pigeonhole(7, 6)
        assert s.solve() is False

    def test_frequent_reduction_and_restarts_keep_answers_right(self, monkeypatch):
        monkeypatch.setattr(solver_module, "_FIRST_REDUCE", 4)
        monkeypatch.setattr(solver_module, "_RESTART_BASE", 2)
        rng = random.Random(11)
        reduced = False
        for seed in range(30):
            n = 10
            clauses = random_3sat(n, 40, seed)
            found = models(n, clauses)
            s = make(n, clauses)
            for _ in range(8):
                assumptions = [rng.choice([1, -1]) * rng.randint(1, n) for _ in range(2)]
                check_solve(s, clauses, found, assumptions)
            reduced = reduced or s.stats["learnts"] < s.stats["conflicts"] // 2
        assert reduced

    @pytest.mark.parametrize("seed", range(4))
    def test_random_3sat_near_threshold(self, seed):
        clauses = random_3sat(60, 256, seed)
        s = make(60, clauses)
        result = s.solve()
        if result:
            check_model(s, clauses, [])
        else:
            assert result is False
            assert s.core() == []

    def test_stats_count(self):
        s, _ = pigeonhole(5, 4)
        s.solve()
        stats = s.stats
        assert set(stats) >= {"solves", "conflicts", "decisions", "propagations"}
        assert stats["solves"] == 1
        assert stats["conflicts"] > 0
        assert stats["decisions"] > 0
        assert stats["propagations"] > stats["decisions"]


class TestAddClause:
    def test_empty_clause_makes_the_solver_unsat_for_good(self):
        s = make(2, [[1, 2]])
        assert s.add_clause([]) is False
        assert s.ok is False
        assert s.solve() is False
        assert s.core() == []
        assert s.solve([1]) is False
        assert s.core() == []
        assert s.add_clause([1]) is False
        assert s.propagate([]) is None

    def test_unit_clause_is_a_level_0_fact(self):
        s = make(3, [[-1, 2], [-2, 3]])
        assert s.add_clause([1]) is True
        assert sorted(s.propagate([])) == [1, 2, 3]
        assert s.solve([-3]) is False
        assert s.core() == [-3]

    def test_conflicting_units(self):
        s = make(1)
        assert s.add_clause([1]) is True
        assert s.add_clause([-1]) is False
        assert s.ok is False
        assert s.solve() is False

    def test_level_0_conflict_through_propagation(self):
        s = make(3, [[-1, 2], [-1, 3], [-2, -3]])
        assert s.ok
        assert s.add_clause([1]) is False
        assert s.solve() is False
        assert s.core() == []

    def test_clause_with_only_false_literals_is_empty(self):
        s = make(2, [[-1], [-2]])
        assert s.add_clause([1, 2]) is False
        assert s.ok is False

    def test_false_literals_are_removed(self):
        s = make(3, [[-1]])
        assert s.add_clause([1, 2, 3]) is True
        assert sorted(s.propagate([-2])) == [-2, -1, 3]

    def test_tautology_and_satisfied_clauses_are_dropped(self):
        s = make(2, [[1]])
        assert s.add_clause([2, -2]) is True
        assert s.add_clause([1, -2]) is True
        assert s.solve([-2]) is True

    def test_duplicates_are_removed(self):
        s = make(2)
        assert s.add_clause([1, 1, 1]) is True
        assert s.propagate([]) == [1]
        assert s.add_clause([-1, 2, 2, -1]) is True
        assert sorted(s.propagate([])) == [1, 2]

    def test_accepts_any_iterable(self):
        s = make(3)
        assert s.add_clause(x for x in (1, 2, 3))
        assert s.add_clause((-1, -2))
        assert s.solve([-3]) is True


class TestAssumptions:
    def test_satisfiable_under_assumptions(self):
        clauses = [[1, 2], [-1, 3], [-2, 3]]
        s = make(3, clauses)
        assert s.solve([-1]) is True
        check_model(s, clauses, [-1])
        assert s.solve([-3]) is False
        assert s.solve([1, -3]) is False
        assert s.core() == [1, -3] or s.core() == [-3]

    def test_core_is_a_subset_and_unsat(self):
        # 1 -> 2 -> 3 -> 4; assuming 1 and -4 conflicts, 5 and 6 are bystanders.
        clauses = [[-1, 2], [-2, 3], [-3, 4], [5, 6]]
        s = make(6, clauses)
        assumptions = [5, 1, -6, -4]
        assert s.solve(assumptions) is False
        core = s.core()
        assert set(core) <= set(assumptions)
        assert sorted(core) == [-4, 1]
        assert core == [1, -4]  # in the order of the assumptions
        assert s.solve(core) is False
        assert s.ok is True
        assert s.solve() is True

    def test_contradictory_assumptions(self):
        s = make(2)
        assert s.solve([1, 2, -1]) is False
        assert sorted(s.core()) == [-1, 1]

    def test_assumption_false_at_level_0(self):
        s = make(2, [[-1]])
        assert s.solve([2, 1]) is False
        assert s.core() == [1]

    def test_repeated_assumption(self):
        s = make(2, [[-1, 2]])
        assert s.solve([1, 1, 2]) is True
        assert s.value(2)

    def test_assumptions_do_not_persist(self):
        s = make(2, [[1, 2]])
        assert s.solve([-1]) is True
        assert s.solve([-2]) is True
        assert s.value(1)
        assert s.solve([-1, -2]) is False
        assert s.solve() is True

    def test_shared_prefixes_between_calls(self):
        clauses = [[-1, 2], [-2, 3], [-4, -3], [4, 5], [-5, 6]]
        s = make(6, clauses)
        found = models(6, clauses)
        calls = [[1], [1, -6], [1, 6], [1, 6, -5], [1, 6, 5], [2, 6], [1], [], [3, -6]]
        for assumptions in calls:
            check_solve(s, clauses, found, assumptions)


class TestIncremental:
    def test_clauses_added_between_solves(self):
        s = make(3)
        assert s.solve() is True
        s.add_clause([1, 2])
        assert s.solve([-1]) is True
        assert s.value(2)
        s.add_clause([-2])
        assert s.solve([-1]) is False
        assert s.core() == [-1]
        assert s.solve() is True
        assert s.value(1)
        s.add_clause([-1, 3])
        assert s.solve() is True
        assert s.value(3)
        s.add_clause([-3])
        assert s.solve() is False
        assert s.ok is False

    @pytest.mark.parametrize("seed", range(3))
    def test_long_clauses_and_new_facts_between_solves(self, seed):
        # Units added between calls shorten and drop long clauses at level 0.
        rng = random.Random(seed)
        for _ in range(40):
            n = 9
            s = make(n)
            clauses: list[list[int]] = []
            found = models(n, [])
            for _ in range(4):
                added = [
                    [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), size)]
                    for size in [rng.randint(3, 7) for _ in range(6)]
                ]
                if rng.random() < 0.8:
                    added.append([rng.choice([1, -1]) * rng.randint(1, n)])
                for clause in added:
                    s.add_clause(clause)
                clauses += added
                found = models(n, added, found)
                for _ in range(3):
                    assumptions = [rng.choice([1, -1]) * rng.randint(1, n) for _ in range(2)]
                    check_solve(s, clauses, found, assumptions)

    def test_variables_added_between_solves(self):
        s = make(2, [[1, 2]])
        assert s.solve() is True
        v = s.new_var()
        assert len(s.model()) == 3  # the model of the previous call
        with pytest.raises(ValidationError):
            s.value(v)
        s.add_clause([-1, v])
        s.add_clause([-2, v])
        assert s.solve([-v]) is False
        assert s.solve() is True
        assert s.value(v)
        assert len(s.model()) == 4

    def test_model_survives_later_calls_until_the_next_solve(self):
        s = make(3, [[1, 2], [-1, 3]])
        assert s.solve([1]) is True
        model = s.model()
        s.add_clause([-3, 2])
        assert s.model() == model
        s.propagate([-1])
        assert s.model() == model
        assert s.value(1) is True

    def test_learnt_clauses_survive(self):
        s, sel = pigeonhole(6, 5, selector=True)
        assert s.solve([sel]) is False
        first = s.stats["conflicts"]
        assert first > 10
        assert s.core() == [sel]
        assert s.solve([sel]) is False
        assert s.stats["conflicts"] - first < first
        assert s.solve([-sel]) is True

    def test_search_state_survives_for_a_satisfiable_instance(self):
        clauses = random_3sat(80, 330, 7)
        s = make(81, [[-81, *c] for c in clauses])
        assert s.solve([81]) is True
        first = s.stats["conflicts"]
        assert first > 10
        s.add_clause([-80, 81])  # back to level 0: the next call searches again
        assert s.solve([81]) is True
        check_model(s, clauses, [81])
        assert s.stats["conflicts"] - first < first  # learnt clauses and saved phases

    def test_max_conflicts_gives_up(self):
        s, sel = pigeonhole(8, 7, selector=True)
        assert s.solve([sel], max_conflicts=10) is None
        assert s.stats["conflicts"] == 10
        with pytest.raises(SfaError):
            s.model()
        with pytest.raises(SfaError):
            s.core()
        assert s.solve([-sel]) is True  # still usable
        assert s.solve([sel], max_conflicts=0) is None

    def test_max_conflicts_not_needed(self):
        s = make(3, [[1, 2, 3]])
        assert s.solve(max_conflicts=0) is True

    def test_set_phase(self):
        s = make(3)
        for lit in (1, 2, -3):
            s.set_phase(lit)
        assert s.solve() is True
        assert s.model() == [False, True, True, False]
        s.set_phase(-1)
        s.set_phase(3)
        assert s.solve() is True
        assert s.model() == [False, False, True, True]


class TestPropagate:
    def test_implied_literals(self):
        s = make(5, [[-1, 2], [-2, 3], [-3, -4], [4, 5]])
        assert s.propagate([1]) == [1, 2, 3, -4, 5]
        assert s.propagate([]) == []
        assert sorted(s.propagate([-5])) == [-5, -3, -2, -1, 4]

    def test_conflict_returns_none(self):
        s = make(3, [[-1, 2], [-1, 3], [-2, -3]])
        assert s.propagate([1]) is None
        assert s.propagate([2, 3]) is None
        assert s.propagate([2, -2]) is None
        assert s.ok is True
        assert s.solve() is True
        assert s.value(1) is False

    def test_leaves_the_solver_reusable(self):
        clauses = [[-1, 2], [-2, 3], [3, 4]]
        s = make(4, clauses)
        assert s.propagate([1]) == [1, 2, 3]
        assert s.solve([-3]) is True
        check_model(s, clauses, [-3])
        assert s.propagate([1, -4]) == [1, 2, 3, -4]
        assert s.solve([1, -3]) is False
        s.add_clause([-4])
        assert s.propagate([]) == [-4, 3]
        assert s.solve([1]) is True
        assert s.propagate([-3]) is None

    def test_no_learning(self):
        s, _ = pigeonhole(4, 3)
        assert s.propagate([1]) is not None
        assert s.stats["conflicts"] == 0
        assert s.ok is True


class TestErrors:
    @pytest.mark.parametrize(
        ("literals", "index", "value"),
        [([1, 0], 1, 0), ([1, 2, "3"], 2, "3"), ([1.0], 0, 1.0), ([True], 0, True)],
    )
    def test_malformed_literal(self, literals, index, value):
        s = make(3)
        with pytest.raises(ValidationError) as info:
            s.add_clause(literals)
        assert info.value.path == f"literals[{index}]"
        assert info.value.value == value
        assert "non-zero int literal" in info.value.reason

    @pytest.mark.parametrize("literal", [4, -4, 100])
    def test_unknown_variable(self, literal):
        s = make(3)
        with pytest.raises(ValidationError) as info:
            s.add_clause([1, literal])
        assert info.value.path == "literals[1]"
        assert info.value.value == literal
        assert f"unknown variable {abs(literal)}" in info.value.reason
        assert "3 variables" in info.value.reason

    def test_failed_add_clause_changes_nothing(self):
        s = make(2)
        with pytest.raises(ValidationError):
            s.add_clause([1, 0])
        assert s.propagate([]) == []

    def test_assumptions_are_checked(self):
        s = make(2)
        with pytest.raises(ValidationError) as info:
            s.solve([1, 3])
        assert info.value.path == "assumptions[1]"
        with pytest.raises(ValidationError) as info:
            s.propagate([0])
        assert info.value.path == "assumptions[0]"

    def test_single_literals_are_checked(self):
        s = make(2)
        with pytest.raises(ValidationError) as info:
            s.set_phase(3)
        assert info.value.path == "literal"
        assert s.solve() is True
        for bad in (0, 3, "1"):
            with pytest.raises(ValidationError) as info:
                s.value(bad)
            assert info.value.path == "literal"

    @pytest.mark.parametrize("bad", [-1, 1.5, "10"])
    def test_max_conflicts_is_checked(self, bad):
        s = make(1)
        with pytest.raises(ValidationError) as info:
            s.solve(max_conflicts=bad)
        assert info.value.path == "max_conflicts"

    def test_results_need_the_right_answer(self):
        s = make(1, [[1]])
        with pytest.raises(SfaError, match="no model"):
            s.model()
        with pytest.raises(SfaError, match="no model"):
            s.value(1)
        with pytest.raises(SfaError, match="no core"):
            s.core()
        assert s.solve() is True
        with pytest.raises(SfaError, match="no core"):
            s.core()
        assert s.solve([-1]) is False
        with pytest.raises(SfaError, match="no model"):
            s.model()


# --------------------------------------------------------------------------- properties


@given(cnfs(), st.data())
def test_agrees_with_brute_force(cnf, data):
    n, clauses = cnf
    assumptions = data.draw(literal_lists(n))
    s = make(n, clauses)
    found = models(n, clauses)
    if not check_solve(s, clauses, found, assumptions) and not found:
        assert s.core() == []
        assert s.ok is False


@given(st.integers(1, MAX_VARS), st.data())
def test_incremental_sequences_agree_with_brute_force(n, data):
    lit = literals(n)
    s = make(n)
    clauses: list[list[int]] = []
    previous: list[int] = []
    found = models(n, [])
    for _ in range(data.draw(st.integers(1, 4))):
        added = data.draw(st.lists(st.lists(lit, min_size=1, max_size=4), max_size=8))
        for clause in added:
            s.add_clause(clause)
        clauses += added
        found = models(n, added, found)
        if not s.ok:
            assert not found
        for _ in range(data.draw(st.integers(1, 3))):
            keep = data.draw(st.integers(0, len(previous)))
            assumptions = previous[:keep] + data.draw(st.lists(lit, max_size=3))
            previous = assumptions
            check_solve(s, clauses, found, assumptions)
            if data.draw(st.booleans()):
                expected = reference_propagate(clauses, assumptions)
                got = s.propagate(assumptions)
                # Learnt clauses are implied, so they can only make propagation stronger.
                if expected is None:
                    assert got is None
                elif got is None:
                    assert not consistent(found, assumptions)
                else:
                    assert set(got) >= expected
                    assert not any(-lit in got for lit in got)


@given(cnfs(), st.data())
def test_propagate_agrees_with_reference(cnf, data):
    n, clauses = cnf
    assumptions = data.draw(literal_lists(n))
    s = make(n, clauses)
    expected = reference_propagate(clauses, assumptions)
    got = s.propagate(assumptions)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert len(got) == len(set(got))
        assert set(got) == expected
        # The solver is left as it was: the same question gets the same answer.
        assert s.propagate(assumptions) == got
    assert s.solve() is bool(models(n, clauses))


@given(cnfs(), st.lists(st.integers(-MAX_VARS, MAX_VARS).filter(bool), max_size=4))
def test_set_phase_never_changes_the_answer(cnf, phases):
    n, clauses = cnf
    s = make(n, clauses)
    for lit in phases:
        if abs(lit) <= n:
            s.set_phase(lit)
    assert s.solve() is bool(models(n, clauses))


# --------------------------------------------------------------------------- probe


class TestProbe:
    # 1 -> 2 -> 3 -> -4 -> 5: a chain, so the order of assignment is known.
    CHAIN = ((-1, 2), (-2, 3), (-3, -4), (4, 5))

    def test_the_literal_and_its_consequences(self):
        s = make(6, self.CHAIN)
        assert s.probe([], 1) == [1, 2, 3, -4, 5]
        assert s.probe([], 3) == [3, -4, 5]
        assert s.probe([6], 3) == [3, -4, 5]
        # What the assumptions already imply is not repeated.
        assert s.probe([-4], 1) == [1, 2, 3]
        assert s.probe([5, 6], 2) == [2, 3, -4]
        got = s.probe([], -5)
        assert got[0] == -5
        assert sorted(got) == [-5, -3, -2, -1, 4]
        assert s.probe([], 6) == [6]  # a variable in no clause implies nothing else

    def test_empty_when_the_assumptions_already_make_it_true(self):
        s = make(6, self.CHAIN)
        assert s.probe([1], 3) == []
        assert s.probe([1], 1) == []
        assert s.probe([6, 6], 6) == []
        assert s.probe([-5], -1) == []
        s.add_clause([6])  # a level-0 fact holds under any assumptions
        assert s.probe([], 6) == []
        assert s.probe([2], 6) == []

    def test_none_when_the_literal_is_false_under_the_assumptions(self):
        s = make(6, self.CHAIN)
        assert s.probe([1], 4) is None
        assert s.probe([1], -2) is None
        assert s.probe([-5], 3) is None
        assert s.probe([6], -6) is None
        s.add_clause([-6])
        assert s.probe([], 6) is None

    def test_a_bounded_probe_gives_the_nearest_consequences(self):
        s = make(6, self.CHAIN)
        assert s.probe([], 1, reach=1) == [1, 2]
        assert s.probe([], 1, reach=3) == [1, 2, 3, -4]
        assert s.probe([], 1, reach=50) == [1, 2, 3, -4, 5]
        assert s.probe([6], 2, reach=2) == [2, 3, -4]
        # a conflict beyond the reach goes unseen; within it, it is seen
        c = make(4, [[-1, 2], [-2, 3], [-3, 4], [-4, -1]])
        assert c.probe([], 1, reach=1) == [1, 2, -4]
        assert c.probe([], 1) is None
        assert c.probe([], 1, reach=10) is None
        assert c.solve() is True  # nothing was learnt, the solver stays usable

    @pytest.mark.parametrize("reach", [0, -1, 1.0, True, "2"])
    def test_a_bad_reach_is_refused(self, reach):
        with pytest.raises(ValidationError) as caught:
            make(6, self.CHAIN).probe([], 1, reach=reach)
        assert caught.value.path == "reach"

    def test_none_when_propagation_conflicts(self):
        s = make(4, [[-1, 2], [-1, 3], [-2, -3]])
        assert s.probe([], 1) is None  # the literal's consequences clash
        assert s.probe([4], 1) is None
        assert s.probe([2, 3], 4) is None  # the assumptions alone clash
        assert s.probe([1], 4) is None
        assert s.probe([2, -2], 4) is None  # contradictory assumptions
        assert s.probe([-2], 1) is None  # the literal is false after propagation
        assert s.probe([], 2) == [2, -3, -1]
        assert s.stats["conflicts"] == 0  # nothing is learnt
        assert s.ok is True

    def test_unsatisfiable_clauses(self):
        s = make(2, [[1], [-1]])
        assert s.probe([], 2) is None
        assert s.probe([2], 2) is None

    def test_the_solver_stays_usable(self):
        clauses = [[-1, 2], [-1, 3], [-2, -3], [3, 4], [-4, 5]]
        s = make(5, clauses)
        found = models(5, clauses)
        assert s.probe([], 1) is None
        assert s.solve([-1]) is True
        check_model(s, clauses, [-1])
        assert s.probe([-3], 2) == [2]
        assert s.solve([1]) is False
        assert s.core() == [1]
        assert s.probe([-3], 5) == []  # -3 -> 4 -> 5
        # -1 may have become a learnt fact: then it is not the probe's to report.
        got = s.probe([], -5)
        assert got[:4] == [-5, -4, 3, -2]
        assert set(got) | set(s.propagate([])) == {-5, -4, 3, -2, -1}
        assert set(s.propagate([-3])) - {-1} == {-3, 4, 5}
        assert s.probe([-3, 4], -5) is None
        assert s.propagate([1]) is None
        for assumptions in ([], [-3], [2], [-5], [2, -4], [-2, -3, -5]):
            check_solve(s, clauses, found, assumptions)
            expected = reference_propagate(clauses, assumptions)
            got = s.propagate(assumptions)
            if expected is None:
                assert got is None
            else:
                assert got is not None
                assert set(got) - {-1} == expected - {-1}  # -1 holds in every model

    def test_the_model_survives_until_the_next_solve(self):
        clauses = [[1, 2], [-1, 3], [-2, 4]]
        s = make(4, clauses)
        assert s.solve([1]) is True
        # The model is read only after the probes: they must not lose it.
        assert s.probe([1], 2) == [2, 4]
        assert s.probe([], -3) == [-3, -1, 2, 4]  # leaves nothing assigned
        check_model(s, clauses, [1])
        model = s.model()
        assert s.probe([1], -2) == [-2]
        assert s.model() == model

    def test_assumption_levels_are_kept_between_probes(self):
        # 1 -> 2 -> ... -> 6; 7 -> 8.
        s = make(8, [[-1, 2], [-2, 3], [-3, 4], [-4, 5], [-5, 6], [-7, 8]])
        assert s.probe([1], 7) == [7, 8]
        before = s.stats["propagations"]
        # Only the probed literal's own consequences are propagated again.
        assert s.probe([1], 7) == [7, 8]
        assert s.probe([1], -8) == [-8, -7]
        assert s.stats["propagations"] - before == 4
        assert s.probe([1, -8], 6) == []  # a longer list sharing the prefix
        assert s.stats["propagations"] - before == 6  # -8, -7
        assert s.probe([-6], 7) == [7, 8]
        assert s.stats["propagations"] - before > 8  # a new prefix: propagated again

    def test_clauses_added_between_probes(self):
        s = make(4, [[-1, 2]])
        assert s.probe([3], 1) == [1, 2]
        s.add_clause([-2, -3, 4])
        assert s.probe([3], 1) == [1, 2, 4]
        s.add_clause([-4])
        assert s.probe([3], 1) is None
        assert s.probe([], 1) == [1, 2, -3]

    def test_many_probes_in_a_row_agree_with_fresh_solvers(self):
        clauses = [[-1, 2], [-2, 3, 4], [-3, -5], [-4, -5, 6], [5, 7], [-6, -7, 8], [1, 8]]
        n = 8
        s = make(n, clauses)
        for assumptions in ([], [5], [5, -8], [5], [-3, 5, 1], [-7], []):
            for literal in (lit for v in range(1, n + 1) for lit in (v, -v)):
                expected = make(n, clauses).probe(assumptions, literal)
                assert s.probe(assumptions, literal) == expected, (assumptions, literal)

    def test_errors(self):
        s = make(2)
        for bad in (0, 3, -3, "1", 1.0, True):
            with pytest.raises(ValidationError) as info:
                s.probe([], bad)
            assert info.value.path == "literal"
        with pytest.raises(ValidationError) as info:
            s.probe([1, 3], 2)
        assert info.value.path == "assumptions[1]"
        assert s.probe([1], 2) == [2]

    def test_probe_after_a_solve_that_gave_up(self):
        # Deciding -1 first conflicts: the learnt unit is 1, whose consequence is -2.
        s = make(3, [[-2, 1], [-2, -1], [1, 2]])
        assert s.solve(max_conflicts=1) is None
        assert s.probe([], 3) == [3]  # got [3, -2]
        assert s.probe([], 3) == [3]
        assert sorted(s.propagate([])) == [-2, 1]  # got [1]: -2 is lost for good

    def test_propagate_after_a_solve_that_gave_up(self):
        s = make(2, [[-2, 1], [-2, -1], [1, 2]])
        assert s.solve(max_conflicts=1) is None
        assert sorted(s.propagate([])) == [-2, 1]  # got [1]


def _check_probe(
    s: Solver,
    clauses: Sequence[Sequence[int]],
    found: list[int],
    assumptions: list[int],
    literal: int,
    got: list[int] | None,
) -> None:
    """Check ``s.probe(assumptions, literal) == got`` against the reference propagation."""
    base = reference_propagate(clauses, assumptions)
    full = reference_propagate(clauses, [*assumptions, literal])
    if full is None:
        assert got is None
        return
    assert base is not None
    if s.stats["conflicts"] == 0:
        # No learnt clause: the solver's propagation is exactly the reference one.
        assert got is not None
        assert set(got) == full - base
        assert len(got) == len(set(got))
        assert (got == []) is (literal in base)
    elif got is None:
        # Learnt clauses are implied: they can only find conflicts sooner.
        assert not consistent(found, [*assumptions, literal])
    if got:
        assert got[0] == literal
        # Every literal reported holds in every model with the assumptions and the literal.
        for m in consistent(found, [*assumptions, literal]):
            assert all((m >> (abs(q) - 1)) & 1 == (q > 0) for q in got)
        if s.stats["conflicts"]:
            closure = s.propagate(assumptions)
            assert closure is not None
            assert not set(got) & set(closure)
            assert set(got) | set(closure) >= full
    elif got == []:
        closure = s.propagate(assumptions)
        assert closure is not None
        assert literal in closure


@given(cnfs(), st.data())
def test_probe_agrees_with_reference(cnf, data):
    n, clauses = cnf
    lit = literals(n)
    s = make(n, clauses)
    found = models(n, clauses)
    previous: list[int] = []
    for _ in range(data.draw(st.integers(1, 8))):
        # Often share a prefix with the previous call: its levels are kept.
        keep = data.draw(st.integers(0, len(previous)))
        assumptions = previous[:keep] + data.draw(st.lists(lit, max_size=3))
        previous = assumptions
        if data.draw(st.integers(0, 3)) == 0:
            check_solve(s, clauses, found, assumptions)
        else:
            literal = data.draw(lit)
            _check_probe(s, clauses, found, assumptions, literal, s.probe(assumptions, literal))
    assert s.solve() is bool(found)
    if found:
        check_model(s, clauses, [])


@given(cnfs(), st.data())
def test_probe_on_a_fresh_solver_is_the_reference_difference(cnf, data):
    n, clauses = cnf
    assumptions = data.draw(literal_lists(n, 4))
    literal = data.draw(literals(n))
    s = make(n, clauses)
    got = s.probe(assumptions, literal)
    base = reference_propagate(clauses, assumptions)
    full = reference_propagate(clauses, [*assumptions, literal])
    if full is None:
        assert got is None
    else:
        assert base is not None
        assert got is not None
        assert set(got) == full - base
        assert len(got) == len(set(got))
        assert got[:1] == ([] if literal in base else [literal])
    # The same question again gets the same answer.
    assert s.probe(assumptions, literal) == got


# --------------------------------------------------------------------------- set_phases


class TestSetPhases:
    def test_free_variables_take_the_preferred_values(self):
        clauses = [[1, 2], [-1, 3], [-2, -3]]
        s = make(6, clauses)
        assert s.solve() is True
        s.set_phases([4, -5, 6])
        assert s.solve() is True
        check_model(s, clauses, [])
        assert s.model()[4:] == [True, False, True]
        s.set_phases(x for x in (-4, 5, -6))  # any iterable
        assert s.solve([2]) is True
        check_model(s, clauses, [2])
        assert s.model()[4:] == [False, True, False]
        s.set_phases([4, 5, 6, -4])  # the last preference for a variable wins
        assert s.solve([2]) is True
        assert s.model()[4:] == [False, True, True]

    def test_a_model_given_as_phases_is_the_next_model(self):
        # Every variable takes both values in some model: no fact at level 0.
        clauses = [[1, 2], [-1, 3], [-2, -3], [3, 4, -5], [-4, 5]]
        n = 5
        s = make(n, clauses)
        found = models(n, clauses)
        assert all(0 < sum((m >> v) & 1 for m in found) < len(found) for v in range(n))
        for m in [*found, *reversed(found)]:
            wanted = [False] + [bool((m >> (v - 1)) & 1) for v in range(1, n + 1)]
            s.set_phases([v if wanted[v] else -v for v in range(1, n + 1)])
            assert s.solve() is True
            assert s.model() == wanted

    def test_phases_set_on_a_fresh_solver_with_facts(self):
        s = make(4, [[1], [-1, 2, 3]])
        s.set_phases([1, -2, 3, 4])
        assert s.solve() is True
        assert s.model() == [False, True, False, True, True]

    def test_a_fact_among_the_phases_does_not_void_the_others(self):
        s = make(3, [[1]])
        assert s.solve() is True
        assert s.model() == [False, True, False, False]
        s.set_phases([1, 2, 3])
        assert s.solve() is True
        assert s.model() == [False, True, True, True]  # got [False, True, False, False]

    def test_empty_is_a_no_op(self):
        s = make(2, [[1, 2]])
        assert s.solve() is True
        model = s.model()
        s.set_phases([])
        assert s.solve() is True
        assert s.model() == model

    @pytest.mark.parametrize(
        ("phases", "index", "reason"),
        [
            ([1, 0], 1, "non-zero int literal"),
            ([2, -3], 1, "unknown variable 3"),
            (["1"], 0, "non-zero int literal"),
            ([1, 2, True], 2, "non-zero int literal"),
        ],
    )
    def test_bad_literal(self, phases, index, reason):
        s = make(2)
        with pytest.raises(ValidationError) as info:
            s.set_phases(phases)
        assert info.value.path == f"literals[{index}]"
        assert info.value.value == phases[index]
        assert reason in info.value.reason
        # Nothing was set: the default phase (false) decides.
        assert s.solve() is True
        assert s.model() == [False, False, False]


@given(cnfs(), st.data())
def test_set_phases_never_changes_the_answers(cnf, data):
    n, clauses = cnf
    lit = literals(n)
    s = make(n, clauses)
    found = models(n, clauses)
    for _ in range(data.draw(st.integers(1, 5))):
        s.set_phases(data.draw(st.lists(lit, max_size=2 * n)))
        assumptions = data.draw(st.lists(lit, max_size=3))
        check_solve(s, clauses, found, assumptions)


@given(cnfs(), st.data())
def test_set_phases_to_a_model_gives_that_model(cnf, data):
    n, clauses = cnf
    found = models(n, clauses)
    s = make(n, clauses)
    if not found:
        assert s.solve() is False
        return
    # A variable with the same value in every model may be a level-0 fact, which keeps
    # its value; without such a variable, or on a fresh solver (nothing assigned above
    # level 0), the preferred model must come back exactly.
    no_facts = all(0 < sum((m >> v) & 1 for m in found) < len(found) for v in range(n))
    for round_ in range(data.draw(st.integers(1, 3))):
        m = data.draw(st.sampled_from(found))
        wanted = [False] + [bool((m >> (v - 1)) & 1) for v in range(1, n + 1)]
        s.set_phases([v if wanted[v] else -v for v in range(1, n + 1)])
        assert s.solve() is True
        check_model(s, clauses, [])
        if no_facts or round_ == 0:
            assert s.model() == wanted
