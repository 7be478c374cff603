"""Which values stay possible under the user's choices: the backbone, found cheaply.

For every option and attribute value the configurator must know whether some
valid configuration keeping the choices sets it on, and whether some sets it
off. A configuration that satisfies every clause (a *witness*) answers both
questions for every value it sets, so only values no witness has shown yet
need work, and most of that work is a *local repair*: take the current
witness, flip the value wanted, and flip a few others until every clause
holds again (a greedy walk that prefers flips breaking nothing). A repair that
meets a broken constraint which nothing free can mend proves the value wanted
impossible; only when a repair runs out of flips does the CDCL solver probe the
value and, if need be, search.

The current witness is kept between clicks: the next click starts by
repairing it towards the new choices.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence, Set
from itertools import compress
from operator import eq, itemgetter, not_
from typing import Any

from sfa_core.configure.solver import Solver

__all__ = ["Backbone", "Cone", "LocalRepair"]

#: Flips one repair may make before the solver takes over.
_MAX_FLIPS = 400
#: Flips of the first, quick attempt (before propagation pins more values).
_QUICK = 10
#: Flips of a repair with a value's cone pinned (what it implies without the choices).
_CONE_FLIPS = 100
#: How often a repair flips a random variable of a broken clause (to leave a rut).
_NOISE = 0.02
#: Steps during which a flipped variable is not flipped back.
_TABU = 12
#: Cone sizes count up to this in choosing a move (after the constraints a move breaks).
_REACH = 1024
#: Constraints of more literals than this find their false ones in one C pass (a
#: pick-one feature of 2,000 options would otherwise cost a Python loop over 2,000
#: literals at every repair step that mends it).
_WIDE = 16


class LocalRepair:
    """A full assignment kept satisfying a fixed set of constraints, changed by small repairs.

    Each constraint says "the weights of the true literals add up to at least
    ``bound``": a clause has weights 1 and bound 1, and a feature's minimum or
    maximum is one constraint over its options (the solver's counter variables
    play no part here, so a repair never walks along a counter).

    Each constraint keeps its *slack*, the weight of its true literals minus its
    bound (it holds while the slack is not negative), and a literal of weight
    ``w`` is listed ``w`` times among the constraints it occurs in, so a flip
    moves every slack by one per listing.

    Args:
        count: Number of variables.
        constraints: ``(literals, weights, bound)`` triples (DIMACS literals, positive
            integer weights, each variable at most once per constraint).
        model: A satisfying assignment (index ``v`` -> value of ``v``).
    """

    __slots__ = (
        "_clock",
        "_cones",
        "_last",
        "_members",
        "_occurs",
        "_random",
        "_reach",
        "_slack",
        "_weighted",
        "_wide",
        "stuck",
        "value",
    )

    def __init__(
        self,
        count: int,
        constraints: Sequence[tuple[Sequence[int], Sequence[int], int]],
        model: list[bool],
    ) -> None:
        # literal index: 2v for v, 2v + 1 for -v
        self._members: list[tuple[int, ...]] = []
        # wide constraint -> its literals, a getter of their variables' values, and the
        # value that makes each literal false
        self._wide: dict[
            int, tuple[tuple[int, ...], Callable[[Sequence[bool]], Any], tuple[bool, ...]]
        ] = {}
        slack: list[int] = []
        occurs: list[list[int]] = [[] for _ in range(2 * count + 2)]
        weighted: set[int] = set()
        for index, (literals, weights, bound) in enumerate(constraints):
            internal = tuple(2 * lit if lit > 0 else -2 * lit + 1 for lit in literals)
            self._members.append(internal)
            if len(internal) > _WIDE:
                self._wide[index] = (
                    internal,
                    itemgetter(*(p >> 1 for p in internal)),
                    tuple(bool(p & 1) for p in internal),
                )
            slack.append(-bound)
            for p, weight in zip(internal, weights, strict=True):
                occurs[p].extend([index] * weight)
                if weight != 1:
                    weighted.add(p)
        self._occurs = [tuple(constraints_of) for constraints_of in occurs]
        #: Literals of weight other than 1 somewhere (their flips are checked by weight).
        self._weighted = frozenset(weighted)
        self._slack = slack
        self._random = random.Random(0)  # the walk varies; the answers do not
        self._last = [-_TABU] * (count + 1)  # the step each variable last flipped at
        self._clock = 0
        self._cones: Mapping[int, Cone] = {}
        self._reach = [0] * (count + 1)  # the size of each variable's cone (0: none)
        #: After a repair that gave up, ``True`` when a constraint broke that no free
        #: variable could mend (the wanted literals, with what the frozen ones hold and
        #: the constraints, admit no solution), ``False`` when it ran out of flips.
        self.stuck = False
        self.value: list[bool] = [False] * (count + 1)
        for v in range(1, count + 1):  # every constraint counts its false literals' weight
            for c in self._occurs[2 * v + 1]:
                slack[c] += 1
        self.adopt(model)

    def use_cones(self, cones: Mapping[int, Cone]) -> None:
        """Let walks turn variables on with their cones (what turning each on implies).

        A walk that turns a variable on flips its cone along; it never turns on one
        whose cone clashes with the pinned, frozen or implied variables; and among
        moves that break as few constraints, it prefers the one with the smallest cone.

        Args:
            cones: Variable -> its :class:`Cone` (variables without one flip alone).
        """
        self._cones = cones
        reach = self._reach = [0] * len(self.value)
        for v, cone in cones.items():
            reach[v] = min(len(cone), _REACH - 1)

    def adopt(self, model: list[bool]) -> None:
        """Make ``model`` (which satisfies every constraint) the current assignment.

        Only the variables that differ are flipped, so adopting a nearby model
        costs little.

        Args:
            model: The assignment, index ``v`` -> value.
        """
        value = self.value
        for v in range(1, len(value)):
            if value[v] != model[v]:
                self._flip(v)

    def _flip(self, v: int) -> None:
        """Flip ``v``, moving the slack of every constraint it occurs in (no checks)."""
        slack, occurs = self._slack, self._occurs
        was = 2 * v if self.value[v] else 2 * v + 1  # the literal of v true until now
        self.value[v] = not self.value[v]
        for c in occurs[was]:
            slack[c] -= 1
        for c in occurs[was ^ 1]:
            slack[c] += 1

    def _breaks(self, was: int) -> bool:
        """Whether making the true literal ``was`` false breaks a constraint."""
        slack = self._slack
        if was in self._weighted:
            lost: dict[int, int] = {}
            for c in self._occurs[was]:
                lost[c] = lost.get(c, 0) + 1
            return any(slack[c] < weight for c, weight in lost.items())
        return 0 in map(slack.__getitem__, self._occurs[was])  # a constraint at its bound

    def flippable(self, literal: int) -> bool:
        """Whether ``literal`` holds, or making it true breaks no constraint.

        Args:
            literal: The literal asked about.

        Returns:
            ``True`` when the current assignment with ``literal`` made true satisfies
            every constraint.
        """
        v = abs(literal)
        if self.value[v] == (literal > 0):
            return True
        return not self._breaks(2 * v if self.value[v] else 2 * v + 1)

    def free_flip(self, literal: int) -> bool:
        """Make ``literal`` true if that breaks no constraint (a move that costs no repair).

        Args:
            literal: The literal wanted.

        Returns:
            ``True`` when ``literal`` now holds.
        """
        v = abs(literal)
        value = self.value
        if value[v] == (literal > 0):
            return True
        if self._breaks(2 * v if value[v] else 2 * v + 1):
            return False
        self._flip(v)
        return True

    def repair(
        self, literals: Sequence[int], frozen: Set[int], budget: int = 200
    ) -> list[int] | None:
        """Make every one of ``literals`` true, keeping all constraints satisfied.

        Args:
            literals: The literals wanted.
            frozen: Variables that must not change (the choices, values found forced).
            budget: Flips allowed before giving up.

        Returns:
            The variables whose value changed, or ``None`` when the walk gave up (the
            assignment is then as it was).
        """
        pinned = {abs(literal) for literal in literals}
        if len(pinned) < len(literals) and len(pinned) < len(set(literals)):
            self.stuck = True  # a variable wanted both ways
            return None
        value = self.value
        flips = [abs(literal) for literal in literals if value[abs(literal)] != (literal > 0)]
        return self.walk(flips, pinned, frozen, budget)

    def walk(
        self, flips: Sequence[int], pinned: Set[int], frozen: Set[int], budget: int
    ) -> list[int] | None:
        """Flip ``flips``, then repair what broke without touching ``pinned`` or ``frozen``.

        Args:
            flips: Variables to flip first (each once).
            pinned: Variables kept as they are after those flips.
            frozen: Variables that must not change either.
            budget: Flips of the walk allowed before giving up.

        Returns:
            The variables whose value changed, or ``None`` when the walk gave up (the
            assignment is then as it was).
        """
        value, slack, occurs = self.value, self._slack, self._occurs
        members, last, weighted = self._members, self._last, self._weighted
        wides = self._wide
        cones, reach = self._cones, self._reach
        flipped: list[int] = []
        broken: list[int] = []
        # variables the pinned and frozen ones force: the only way to mend a broken
        # constraint (unit propagation, as the walk meets it)
        implied: set[int] = set()
        self.stuck = False
        start = self._clock + _TABU  # steps of earlier repairs are long past
        step = start
        rng = self._random
        moves: Sequence[int] = flips
        while True:
            for v in moves:  # flip each of the moves
                was = 2 * v if value[v] else 2 * v + 1  # the literal of v true until now
                value[v] = not value[v]
                for c in occurs[was]:
                    after = slack[c] - 1
                    slack[c] = after
                    if after == -1:  # held until now
                        broken.append(c)
                for c in occurs[was ^ 1]:
                    slack[c] += 1
                last[v] = step
            flipped.extend(moves)
            while broken and slack[broken[-1]] >= 0:
                broken.pop()
            if not broken:
                self._clock = step
                # a variable flipped an even number of times is back where it was
                if len(set(flipped)) == len(flipped):
                    return flipped
                odd: dict[int, bool] = {}
                for v in flipped:
                    odd[v] = not odd.get(v, False)
                return [v for v, changed in odd.items() if changed]
            step += 1
            if step - start > budget:
                break
            # the literals of the broken constraint that are false and free to flip
            wide = wides.get(broken[-1])
            if wide is None:
                candidates = [
                    p
                    for p in members[broken[-1]]
                    if value[p >> 1] == (p & 1)
                    and (p >> 1) not in frozen
                    and (p >> 1) not in pinned
                    and (p >> 1) not in implied
                ]
            else:  # the false ones found in C, in the same order
                literals, values_of, falsifying = wide
                candidates = [
                    p
                    for p in compress(literals, map(eq, values_of(value), falsifying))
                    if (p >> 1) not in frozen and (p >> 1) not in pinned and (p >> 1) not in implied
                ]
            while candidates:
                forced = len(candidates) == 1
                if forced:
                    best = candidates[0] >> 1
                elif rng.random() < _NOISE:
                    best = candidates[rng.randrange(len(candidates))] >> 1
                else:
                    best, best_score = 0, 1 << 30
                    for p in candidates:
                        v = p >> 1
                        # constraints that the true literal of v keeps at their bound would break
                        if p ^ 1 in weighted:
                            breaks = int(self._breaks(p ^ 1))
                        else:
                            breaks = 0
                            for d in occurs[p ^ 1]:
                                if not slack[d]:
                                    breaks += 1
                        # fewest broken constraints first, then the smallest cone
                        score = breaks * _REACH if p & 1 else breaks * _REACH + reach[v]
                        if step - last[v] < _TABU:
                            score += 1000 * _REACH  # flipped a moment ago: only if nothing else
                        if score < best_score:
                            best, best_score = v, score
                            if score < _REACH:  # breaks nothing
                                break
                cone = None if value[best] else cones.get(best)
                # turning best on brings its cone along; a cone that would flip a
                # frozen, pinned or implied variable rules best out
                moves = (best,) if cone is None else cone.flips(value)
                if cone is None or (
                    frozen.isdisjoint(moves)
                    and pinned.isdisjoint(moves)
                    and implied.isdisjoint(moves)
                ):
                    if forced:
                        implied.update(moves)
                    break
                candidates = [p for p in candidates if p >> 1 != best]
            else:
                self.stuck = True  # nothing left to flip in the broken constraint
                break
        self._clock = step
        for v in reversed(flipped):  # undo, newest first
            self._flip(v)
        return None


def _values_of(variables: tuple[int, ...]) -> Callable[[Sequence[bool]], tuple[bool, ...]]:
    """A function giving the values of ``variables`` in an assignment, as a tuple."""
    if len(variables) > 1:
        return itemgetter(*variables)
    if variables:  # (an itemgetter of one index returns the value itself, not a tuple)
        only = variables[0]
        return lambda value: (value[only],)
    return lambda value: ()


class Cone:
    """What one literal implies by propagation alone, ready to be pinned in a repair.

    Args:
        literals: The implied literals (the literal itself among them), each
            variable once.
    """

    __slots__ = ("_negative", "_negative_of", "_positive", "_positive_of", "literals", "variables")

    def __init__(self, literals: Sequence[int]) -> None:
        self.literals = tuple(literals)
        #: The variables of the literals, as a set.
        self.variables = frozenset(abs(literal) for literal in self.literals)
        # the variables wanted on and off, and each part's values in one C call
        self._positive = tuple(literal for literal in self.literals if literal > 0)
        self._negative = tuple(-literal for literal in self.literals if literal < 0)
        self._positive_of = _values_of(self._positive)
        self._negative_of = _values_of(self._negative)

    def flips(self, value: Sequence[bool]) -> list[int]:
        """The variables whose value in ``value`` differs from the cone's."""
        return [
            *compress(self._negative, self._negative_of(value)),
            *compress(self._positive, map(not_, self._positive_of(value))),
        ]

    def __len__(self) -> int:
        return len(self.literals)


class Backbone:
    """The backbone of one click: decision values possible on, and possible off.

    Args:
        solver: The model's solver (its clauses are ``clauses`` plus learnt ones).
        repair: The kept assignment, repaired in place.
        decisions: The decision variables (options and attribute values).
        cones: Per variable, its :class:`Cone`: the literals setting it true implies by
            propagation alone (without choices). A value whose cone reaches further than
            a quick repair goes is repaired with its cone pinned; a cone that contradicts
            the choices proves the value impossible.
    """

    def __init__(
        self,
        solver: Solver,
        repair: LocalRepair,
        decisions: Sequence[int],
        cones: Mapping[int, Cone] | None = None,
    ) -> None:
        self.solver = solver
        self.local = repair
        self.decisions = decisions
        self.cones = cones or {}
        self.on: set[int] = set()
        self.off: set[int] = set()

    def _record(self, variables: Sequence[int] | None) -> None:
        value, on, off = self.local.value, self.on, self.off
        for v in self.decisions if variables is None else variables:
            (on if value[v] else off).add(v)

    def _search(self, literals: list[int]) -> bool:
        """Ask the solver for a configuration with ``literals``; adopt it as the witness."""
        if not self.solver.solve(literals):
            return False
        self.local.adopt(self.solver.model())
        self._record(None)
        return True

    def compute(self, assumptions: list[int]) -> bool:
        """Find the backbone under ``assumptions``.

        Args:
            assumptions: The user's choices as literals.

        Returns:
            ``False`` when the choices admit no configuration.
        """
        solver, local = self.solver, self.local
        implied = solver.propagate(assumptions)
        if implied is None:
            return False
        settled = {abs(literal) for literal in implied}
        for literal in implied:
            (self.on if literal > 0 else self.off).add(abs(literal))
        # the choices and what they imply never change in a repair
        frozen = set(settled)
        if local.repair(implied, frozen) is None:
            if not self._search(assumptions):
                return False
        else:
            self._record(None)
        fixed = list(assumptions)
        on, off = self.on, self.off
        value = local.value
        # first the moves that break nothing: each shows a new value at no search
        for v in self.decisions:
            if v not in settled and v not in frozen:
                if v not in on and local.free_flip(v):
                    on.add(v)
                elif v not in off and local.free_flip(-v):
                    off.add(v)
        for v in self.decisions:
            if v in settled:
                continue
            for literal in (v, -v):
                if v in (self.on if literal > 0 else self.off):
                    continue
                cone = self.cones.get(literal) if literal > 0 else None
                if cone is None or len(cone) <= _QUICK:
                    changed = local.repair((literal,), frozen, _QUICK)
                    stuck = changed is None and local.stuck
                else:
                    flips = cone.flips(value)
                    # a cone that would flip a frozen variable contradicts the choices
                    if frozen.isdisjoint(flips):
                        changed = local.walk(flips, cone.variables, frozen, _CONE_FLIPS)
                        stuck = changed is None and local.stuck
                    else:
                        changed, stuck = None, True
                if stuck:
                    # what the literal implies, with the choices and the values found
                    # forced, breaks a constraint: the opposite holds in every configuration
                    fixed.append(-literal)
                    frozen.add(v)
                    continue
                if changed is None:
                    # what the literal implies under the choices and the values found
                    # forced: nothing when it contradicts them, else pinned for a repair
                    implied = solver.probe(fixed, literal)
                    if implied is None:
                        fixed.append(-literal)  # the opposite holds in every configuration
                        frozen.add(v)
                        continue
                    changed = local.repair(implied or (literal,), frozen, _MAX_FLIPS)
                if changed is not None:
                    self._record(changed)
                elif not self._search([*fixed, literal]):
                    fixed.append(-literal)
                    frozen.add(v)
        return True
