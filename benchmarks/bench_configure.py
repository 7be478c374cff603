"""Configure: one click on seeded random models of 200 and 2,000 options, vs CP-SAT and
python-constraint answering the same question.

The models come from :mod:`_configure_models`: features of about five options with
min/max counts, about two requires/excludes constraints per option, a few attributes
with compatibility constraints, and a planted valid configuration. A click fixes five
options and two attributes as the planted configuration has them, so it is always
satisfiable. Answering a click means: for every option not chosen, whether it can be
on and whether it can be off in some complete valid configuration keeping the choices
(the backbone), and for every attribute, which values are still possible.

Figures:

* ``configure_click_200_options_ms``: median time of :func:`sfa_core.configure.configure`
  per click, 200 options (~450 constraints), over 30 distinct clicks on one model after
  a first click that compiles it (``first_click_ms``) (target <= 2);
  ``sat_solves_per_click`` is the CDCL solver's calls per click (its own counter).
* ``configure_click_2000_options_ms``: the same at 2,000 options, 10 clicks (target <= 40).
* ``configure_ratio_vs_cpsat_200`` / ``_2000``: our median per click over OR-Tools
  CP-SAT's median per click on the same clicks (target <= 0.02). CP-SAT gets one
  ``CpModel`` per generated model and one worker. Per click, one presolve that keeps
  every feasible solution fixes every literal it proves forced; each literal left
  open is then asked under assumptions, every solution kept as a witness for every
  literal it sets (the last 32 kept across clicks, as ours keeps them), with a
  solution hint pointing at the literals no witness has shown yet, and parameters
  tuned for many small solves (see :data:`CPSAT_PARAMETERS`). Its answers are
  checked equal to ours on every click it answers.
* ``configure_click_one_feature_2000_ms``: median time per click over 10 distinct
  clicks on a model whose main feature is one pick-exactly-one feature of 2,000
  options (a part catalogue; see :func:`_configure_models.generate_one_feature`: six
  small features, two attributes, 80 requires/excludes and about 200 compatibility
  constraints around it), after a first click that compiles it (``first_click_ms``)
  (target <= 50). Each click chooses small options and an attribute value and rejects
  three catalogue options, so the catalogue stays open.
* ``configure_python_constraint_200_finished``: whether python-constraint's default
  backtracking solver answers one click of the 200-option model (the full backbone,
  with witness re-use) within 60 s, in a child process killed at 60 s (1 or 0).

Each side stops taking clicks once its time budget is spent (at least 3 clicks),
so that a slow side cannot make the run last minutes; the clicks each side used are
given as extra fields. ``python bench_configure.py python-constraint OPTIONS``
runs the python-constraint child.
"""

from __future__ import annotations

import gc
import json
import pathlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from _configure_models import catalogue_clicks, clicks, generate, generate_one_feature
from _util import emit, interleaved
from ortools.sat.python import cp_model

from sfa_core.configure import (
    Compatibility,
    ConfigurationModel,
    ConfigurationState,
    Excludes,
    Requires,
    Selections,
    configure,
)

MODEL_SEED = 20_270_301
CLICK_SEED = 20_270_302
# (options, clicks of ours, our time budget s, CP-SAT clicks, CP-SAT time budget s)
SIZES = ((200, 30, 15.0, 30, 15.0), (2000, 10, 15.0, 10, 15.0))
ONE_FEATURE = (2000, 10, 15.0)  # catalogue options, clicks, time budget s
ONE_FEATURE_SEED = 20_270_303
MIN_CLICKS = 3
WITNESSES = 32  # solutions kept across clicks (the configurator keeps one)
PYTHON_CONSTRAINT_BUDGET = 60.0

# Answer: option id -> (can be on, can be off) for the options not chosen, and
# attribute id -> the values still possible.
Answer = tuple[dict[str, tuple[bool, bool]], dict[str, tuple[str, ...]]]


def our_answer(model: ConfigurationModel, click: Selections, state: ConfigurationState) -> Answer:
    selectable, deselectable = set(state.selectable), set(state.deselectable)
    options = {
        option.id: (
            option.id in selectable or state.forced.get(option.id) is True,
            option.id in deselectable or state.forced.get(option.id) is False,
        )
        for option in model.options()
        if option.id not in click.options
    }
    return options, {a: tuple(v) for a, v in state.available_values.items()}


def _solves(model: ConfigurationModel) -> int | None:
    """The configurator's SAT solver calls so far on ``model`` (None if not reachable)."""
    try:
        from sfa_core.configure import configurator

        return int(configurator._compiled(model).solver.stats["solves"])
    except Exception:  # a private counter: the figure does without it
        return None


def _timed_clicks(
    answer: Callable[[Selections], Any], todo: list[Selections], budget: float
) -> tuple[list[float], list[Any]]:
    """Time ``answer`` on each click once (after a full collection), until ``budget`` s."""
    times: list[float] = []
    results: list[Any] = []
    for click in todo:
        if len(times) >= MIN_CLICKS and sum(times) >= budget:
            break
        sample = interleaved({"click": lambda click=click: results.append(answer(click))}, repeat=1)
        times.append(sample["click"][0])
    return times, results


# -- OR-Tools CP-SAT ------------------------------------------------------------------------

CPSAT_PARAMETERS: dict[str, Any] = {
    # one worker; what costs in many small solves is set-up, not search: presolve,
    # linearization, symmetry detection and probing are turned off
    # (measured: 9 ms per solve at 200 options with the defaults, 0.5 ms with these)
    "num_search_workers": 1,
    "cp_model_presolve": False,
    "linearization_level": 0,
    "symmetry_level": 0,
    "cp_model_probing_level": 0,
}
# One presolve per click instead gives every literal it can prove fixed (propagation,
# probing) at once: sound, as it keeps every feasible solution; what it leaves open
# costs a solve each. (Without it: 64 of the 72 solves of a 200-option click are
# refutations, about 3 times the click's time.)
CPSAT_PRESOLVE_PARAMETERS: dict[str, Any] = {
    "num_search_workers": 1,
    "keep_all_feasible_solutions_in_presolve": True,
    "fill_tightened_domains_in_response": True,
    "stop_after_presolve": True,
}


class CpSat:
    """One ``CpModel`` per configuration model, answering clicks under assumptions."""

    def __init__(self, model: ConfigurationModel) -> None:
        self.model = model
        self.cp = cp = cp_model.CpModel()
        self.feasible = (cp_model.OPTIMAL, cp_model.FEASIBLE)
        self.infeasible = cp_model.INFEASIBLE
        options = {option.id: cp.new_bool_var(option.id) for option in model.options()}
        values: dict[tuple[str, str], Any] = {}
        for attribute in model.attributes:
            literals = []
            for value in attribute.values:
                var = cp.new_bool_var(f"{attribute.id}={value}")
                values[(attribute.id, value)] = var
                literals.append(var)
            if attribute.required:
                cp.add_exactly_one(literals)
            else:
                cp.add_at_most_one(literals)
        for _, feature in model.features():
            literals = [options[option.id] for option in feature.options]
            high = len(literals) if feature.max_options is None else feature.max_options
            low = feature.min_options
            if low == 1 and high == 1:
                cp.add_exactly_one(literals)
                continue
            if low == 1:
                cp.add_bool_or(literals)
            elif low > 1:
                cp.add(sum(literals) >= low)
            if high == 1:
                cp.add_at_most_one(literals)
            elif high < len(literals):
                cp.add(sum(literals) <= high)
        for constraint in model.constraints:
            if isinstance(constraint, Requires):
                if len(constraint.needs) == 1:
                    cp.add_implication(options[constraint.option], options[constraint.needs[0]])
                else:
                    cp.add_bool_or(
                        [~options[constraint.option], *(options[n] for n in constraint.needs)]
                    )
            elif isinstance(constraint, Excludes):
                cp.add_at_most_one([options[o] for o in constraint.options])
            elif isinstance(constraint, Compatibility):
                cp.add_bool_or(
                    [
                        ~options[constraint.option],
                        *(values[(constraint.attribute, v)] for v in constraint.values),
                    ]
                )
            else:
                raise TypeError(f"the generator makes no {type(constraint).__name__}")
        # proto indexes: literal i true, -i-1 false (CP-SAT's negation)
        self.options = {key: var.index for key, var in options.items()}
        self.values = {key: var.index for key, var in values.items()}
        self.decisions = [*self.options.values(), *self.values.values()]
        self.solver = cp_model.CpSolver()
        for name, setting in CPSAT_PARAMETERS.items():
            setattr(self.solver.parameters, name, setting)
        self.presolver = cp_model.CpSolver()
        for name, setting in CPSAT_PRESOLVE_PARAMETERS.items():
            setattr(self.presolver.parameters, name, setting)
        self.witnesses: list[list[int]] = []
        self.solves = self.unsat = self.presolves = 0

    def _presolve(self, assumptions: list[int]) -> list[int]:
        """The decision literals fixed in every solution with ``assumptions`` (presolve)."""
        proto = self.cp.proto
        proto.assumptions.clear()
        proto.solution_hint.vars.clear()
        proto.solution_hint.values.clear()
        variables = proto.variables
        for literal in assumptions:  # the choices as fixed domains, for this call only
            value = int(literal >= 0)
            domain = variables[literal if literal >= 0 else -literal - 1].domain
            domain[0] = domain[1] = value
        try:
            self.presolves += 1
            status = self.presolver.solve(self.cp)
            if status == self.infeasible:
                raise RuntimeError("CP-SAT finds the click unsatisfiable")
            tightened = self.presolver.response_proto.tightened_variables
            if len(tightened) != len(variables):
                raise RuntimeError(f"CP-SAT's presolve answered {status} with no domains")
            found = []
            for var in self.decisions:
                domain = list(tightened[var].domain)  # (no negative index on it)
                if domain[0] == domain[-1]:
                    found.append(var if domain[0] else -var - 1)
            return found
        finally:
            for literal in assumptions:
                domain = variables[literal if literal >= 0 else -literal - 1].domain
                domain[0], domain[1] = 0, 1

    def _solve(self, assumptions: list[int]) -> list[int] | None:
        proto = self.cp.proto
        proto.assumptions.clear()
        proto.assumptions.extend(assumptions)
        self.solves += 1
        status = self.solver.solve(self.cp)
        if status in self.feasible:
            solution = list(self.solver.response_proto.solution)
            self.witnesses.append(solution)
            del self.witnesses[:-WITNESSES]
            return solution
        if status != self.infeasible:
            raise RuntimeError(f"CP-SAT answered {status}")
        self.unsat += 1
        return None

    def _hint(self, can_true: set[int], can_false: set[int]) -> None:
        """Hint every decision to the value no witness has shown yet (both shown: none)."""
        hint = self.cp.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        for var in self.decisions:
            if var not in can_true:
                hint.vars.append(var)
                hint.values.append(1)
            elif var not in can_false:
                hint.vars.append(var)
                hint.values.append(0)

    def answer(self, click: Selections) -> Answer:
        assumptions = [
            self.options[o] if on else -self.options[o] - 1 for o, on in click.options.items()
        ]
        assumptions += [self.values[(a, v)] for a, v in click.attributes.items()]
        can_true: set[int] = set()
        can_false: set[int] = set()

        def record(solution: list[int]) -> None:
            for var in self.decisions:
                (can_true if solution[var] else can_false).add(var)

        settled = set()
        fixed = list(assumptions)
        for literal in self._presolve(assumptions):
            var = literal if literal >= 0 else -literal - 1
            settled.add(var)
            (can_true if literal >= 0 else can_false).add(var)
            fixed.append(literal)
        for witness in self.witnesses:
            if all(witness[lit] if lit >= 0 else not witness[-lit - 1] for lit in assumptions):
                record(witness)
        self._hint(can_true, can_false)
        for var in self.decisions:
            if var in settled:
                continue
            for literal, shown in ((var, can_true), (-var - 1, can_false)):
                if var in shown:
                    continue
                found = self._solve([*fixed, literal])
                if found is None:
                    fixed.append(-literal - 1)  # the opposite holds in every solution
                else:
                    record(found)
                    self._hint(can_true, can_false)
        options = {
            key: (var in can_true, var in can_false)
            for key, var in self.options.items()
            if key not in click.options
        }
        values = {
            attribute.id: tuple(
                v for v in attribute.values if self.values[(attribute.id, v)] in can_true
            )
            for attribute in self.model.attributes
        }
        return options, values


# -- python-constraint ------------------------------------------------------------------------


def _pc_problem(model: ConfigurationModel, fixed: Mapping[str, Any]) -> Any:
    """The model as a ``constraint.Problem``, with the ``fixed`` variables' domains cut."""
    import constraint as pc

    problem = pc.Problem()  # the default: BacktrackingSolver with forward checking
    for option in model.options():
        problem.addVariable(option.id, [fixed[option.id]] if option.id in fixed else [1, 0])
    for attribute in model.attributes:
        domain = [fixed[attribute.id]] if attribute.id in fixed else list(attribute.values)
        problem.addVariable(attribute.id, domain)
    for _, feature in model.features():
        names = [option.id for option in feature.options]
        if feature.min_options:
            problem.addConstraint(pc.MinSumConstraint(feature.min_options), names)
        if feature.max_options is not None and feature.max_options < len(names):
            problem.addConstraint(pc.MaxSumConstraint(feature.max_options), names)
    for c in model.constraints:
        if isinstance(c, Requires):
            problem.addConstraint(lambda a, *needs: not a or any(needs), [c.option, *c.needs])
        elif isinstance(c, Excludes):
            problem.addConstraint(lambda *on: sum(on) <= 1, list(c.options))
        elif isinstance(c, Compatibility):
            problem.addConstraint(
                lambda on, value, allowed=frozenset(c.values): not on or value in allowed,
                [c.option, c.attribute],
            )
    return problem


def python_constraint_child(options: int) -> None:
    """Answer the first click of the model with python-constraint, printing progress."""
    model, planted = generate(options, MODEL_SEED)
    click = clicks(model, planted, 1, CLICK_SEED)[0]
    fixed: dict[str, Any] = {o: int(on) for o, on in click.options.items()}
    fixed.update(click.attributes)
    subjects = [(option.id, 1) for option in model.options() if option.id not in click.options]
    subjects += [(option.id, 0) for option in model.options() if option.id not in click.options]
    subjects += [
        (a.id, v) for a in model.attributes if a.id not in click.attributes for v in a.values
    ]
    shown: set[tuple[str, Any]] = set()
    solves = unsat = 0
    print(json.dumps({"ready": True, "literals": len(subjects)}), flush=True)
    start = time.perf_counter()

    def progress(**extra: Any) -> None:
        settled = sum(1 for s in subjects if s in shown) + unsat
        record = {"solves": solves, "unsat": unsat, "settled": settled, "literals": len(subjects)}
        record["seconds"] = round(time.perf_counter() - start, 3)
        print(json.dumps({**record, **extra}), flush=True)

    solution = _pc_problem(model, fixed).getSolution()
    solves += 1
    if solution is None:
        raise RuntimeError("python-constraint finds the click unsatisfiable")
    shown.update(solution.items())
    progress()
    for name, value in subjects:
        if (name, value) in shown:
            continue
        solution = _pc_problem(model, {**fixed, name: value}).getSolution()
        solves += 1
        if solution is None:
            unsat += 1
        else:
            shown.update(solution.items())
        progress()
    answer_options = {
        o.id: ((o.id, 1) in shown, (o.id, 0) in shown)
        for o in model.options()
        if o.id not in click.options
    }
    answer_values = {
        a.id: tuple(v for v in a.values if (a.id, v) in shown or click.attributes.get(a.id) == v)
        for a in model.attributes
    }
    progress(done=True, answer=[answer_options, answer_values])


def run_python_constraint(options: int, budget: float) -> dict[str, Any]:
    """Run the child; kill it ``budget`` s after its model is built. Its last progress."""
    child = subprocess.Popen(
        [sys.executable, str(pathlib.Path(__file__).resolve()), "python-constraint", str(options)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready = child.stdout.readline()  # the model is built: the budget starts
        if not ready:
            _, err = child.communicate()
            raise RuntimeError(f"the python-constraint child failed: {err}")
        start = time.perf_counter()
        killed = False
        try:
            out, err = child.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            child.kill()
            killed = True
            out, err = child.communicate()
        seconds = time.perf_counter() - start
    finally:
        if child.poll() is None:  # an error or an interrupt here: never leave it running
            child.kill()
            child.wait()
    if not killed and child.returncode != 0:
        raise RuntimeError(f"the python-constraint child failed: {err}")
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    last = lines[-1] if lines else {"solves": 0, "unsat": 0, "settled": 0}
    last.setdefault("literals", json.loads(ready)["literals"])
    return {"killed": killed, "wall_seconds": seconds, **last}


# -- the figures ----------------------------------------------------------------------------


def _size(
    options: int, ours_clicks: int, ours_budget: float, cp_clicks: int, cp_budget: float
) -> None:
    model, planted = generate(options, MODEL_SEED)
    todo = clicks(model, planted, max(ours_clicks, cp_clicks) + 1, CLICK_SEED)
    gc.collect()
    start = time.perf_counter()
    configure(model, todo[0])  # compiles the model: the first click
    first = time.perf_counter() - start
    solves_before = _solves(model)
    ours, states = _timed_clicks(
        lambda click: configure(model, click), todo[1 : ours_clicks + 1], ours_budget
    )
    solves_after = _solves(model)
    answers = [our_answer(model, todo[1 + i], state) for i, state in enumerate(states)]
    median = statistics.median(ours)
    per_click = None
    if solves_before is not None and solves_after is not None:
        per_click = round((solves_after - solves_before) / len(ours), 1)
    emit(
        f"configure_click_{options}_options_ms",
        median * 1000,
        "ms",
        target="<= 2" if options <= 200 else "<= 40",
        options=options,
        constraints=len(model.constraints),
        attributes=len(model.attributes),
        clicks=len(ours),
        first_click_ms=round(first * 1000, 2),
        min_ms=round(min(ours) * 1000, 2),
        max_ms=round(max(ours) * 1000, 2),
        sat_solves_per_click=per_click,
    )

    start = time.perf_counter()
    cpsat = CpSat(model)
    build = time.perf_counter() - start
    cpsat.answer(todo[0])  # the same first click
    cpsat.solves = cpsat.unsat = cpsat.presolves = 0
    theirs, found = _timed_clicks(cpsat.answer, todo[1 : cp_clicks + 1], cp_budget)
    for index, other in enumerate(found):
        click = todo[1 + index]
        mine = (
            answers[index]
            if index < len(answers)
            else our_answer(model, click, configure(model, click))
        )
        if mine != other:
            raise AssertionError(f"CP-SAT and sfa_core differ on click {index + 1} ({options})")
    cp_median = statistics.median(theirs)
    emit(
        f"configure_ratio_vs_cpsat_{options}",
        median / cp_median,
        "ratio",
        target="<= 0.02",
        ms_ours=round(median * 1000, 2),
        ms_cpsat=round(cp_median * 1000, 2),
        clicks_ours=len(ours),
        clicks_cpsat=len(theirs),
        answers_checked_equal=len(found),
        cpsat_solves_per_click=round(cpsat.solves / len(theirs), 1),
        cpsat_unsat_per_click=round(cpsat.unsat / len(theirs), 1),
        cpsat_presolves_per_click=round(cpsat.presolves / len(theirs), 1),
        cpsat_build_ms=round(build * 1000, 2),
    )


def _one_feature(options: int, count: int, budget: float) -> None:
    model, planted = generate_one_feature(options, ONE_FEATURE_SEED)
    todo = catalogue_clicks(model, planted, count + 1, CLICK_SEED)
    gc.collect()
    start = time.perf_counter()
    configure(model, todo[0])  # compiles the model: the first click
    first = time.perf_counter() - start
    solves_before = _solves(model)
    ours, states = _timed_clicks(lambda click: configure(model, click), todo[1:], budget)
    solves_after = _solves(model)
    if not all(state.valid for state in states):
        raise AssertionError("a click on the planted configuration came back invalid")
    per_click = None
    if solves_before is not None and solves_after is not None:
        per_click = round((solves_after - solves_before) / len(ours), 1)
    emit(
        f"configure_click_one_feature_{options}_ms",
        statistics.median(ours) * 1000,
        "ms",
        target="<= 50",
        options=len(list(model.options())),
        feature_options=options,
        constraints=len(model.constraints),
        attributes=len(model.attributes),
        clicks=len(ours),
        first_click_ms=round(first * 1000, 2),
        min_ms=round(min(ours) * 1000, 2),
        max_ms=round(max(ours) * 1000, 2),
        sat_solves_per_click=per_click,
    )


def _python_constraint(options: int) -> None:
    result = run_python_constraint(options, PYTHON_CONSTRAINT_BUDGET)
    finished = bool(result.get("done")) and not result["killed"]
    if finished:  # then its answer must be ours
        model, planted = generate(options, MODEL_SEED)
        click = clicks(model, planted, 1, CLICK_SEED)[0]
        mine = our_answer(model, click, configure(model, click))
        options_found, values_found = result["answer"]
        got = (
            {key: (on, off) for key, (on, off) in options_found.items()},
            {key: tuple(values) for key, values in values_found.items()},
        )
        if got != mine:
            raise AssertionError("python-constraint and sfa_core differ on the click")
    emit(
        f"configure_python_constraint_{options}_finished",
        int(finished),
        "bool",
        budget_s=PYTHON_CONSTRAINT_BUDGET,
        # the search's own time when it finished, else the time until it was killed
        seconds=round(result["seconds"] if finished else result["wall_seconds"], 2),
        wall_seconds=round(result["wall_seconds"], 2),
        solves=result.get("solves"),
        unsat_solves=result.get("unsat"),
        literals_settled=result.get("settled"),
        literals=result.get("literals"),
    )


def main() -> None:
    for size in SIZES:
        _size(*size)
    _one_feature(*ONE_FEATURE)
    _python_constraint(SIZES[0][0])


if __name__ == "__main__":
    if sys.argv[1:2] == ["python-constraint"]:
        python_constraint_child(int(sys.argv[2]))
    else:
        main()
