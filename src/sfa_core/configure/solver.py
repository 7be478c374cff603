"""An incremental CDCL SAT solver in pure Python, tuned for CPython.

The configurator encodes a bundle as clauses over boolean variables and asks many
small questions of the same formula ("is this option still possible given the user's
choices?"), so the solver is built for that use:

* incremental: clauses can be added between calls and learnt clauses are kept;
* assumptions: a call may assume literals true without adding them; when that makes
  the formula unsatisfiable, :meth:`Solver.core` names a subset of the assumptions
  responsible (final-conflict analysis, as in MiniSat);
* CDCL: two watched literals (binary clauses in separate implication lists), 1UIP
  learning with recursive clause minimization, non-chronological backjumping, VSIDS
  with phase saving, Luby restarts and an LBD-based reduction of the learnt clauses;
* cheap repeated calls: the decision levels of a prefix of assumptions shared with the
  previous call are kept, and a call whose assumptions all hold in the previous model
  answers at once with that model.

Literals follow the DIMACS convention: ``v`` means variable ``v`` is true, ``-v``
that it is false; variables are numbered from 1. Internally a literal is an index,
``2 * v`` for ``v`` and ``2 * v + 1`` for ``-v``: its negation is ``p ^ 1`` and its
variable ``p >> 1``.

VSIDS without a heap of every variable: variables sit in a list sorted by activity
(re-sorted now and then) scanned from a cursor, and only the variables bumped since
the last sort are kept in a heap; the next decision is the better of the two heads,
which is exactly the most active unassigned variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from heapq import heapify, heappop, heappush

from sfa_core.errors import SfaError, ValidationError

__all__ = ["Solver"]

_VAR_DECAY = 1.0 / 0.95
_RESCALE_LIMIT = -1e100
_RESTART_BASE = 100
_FIRST_REDUCE = 1000
_REDUCE_GROWTH = 1.1

# Results of ``_search``.
_UNSAT, _SAT, _UNKNOWN, _CONFLICT, _FIXPOINT = 0, 1, 2, 3, 4

# Heap state of a variable: cold (in the sorted list only), hot and in the heap, or
# hot and out of the heap (assigned; pushed back when unassigned).
_COLD, _IN_HEAP, _OUT_HEAP = 0, 1, 2


def _luby(index: int) -> int:
    """Return the ``index``-th term (from 0) of the Luby sequence 1 1 2 1 1 2 4 ..."""
    size, seq = 1, 0
    while size < index + 1:
        seq += 1
        size = 2 * size + 1
    while size - 1 != index:
        size = (size - 1) >> 1
        seq -= 1
        index %= size
    return 1 << seq


class Solver:
    """A CDCL SAT solver with assumptions, usable incrementally.

    Create variables with :meth:`new_var`, add clauses with :meth:`add_clause` and
    call :meth:`solve`, optionally under assumptions. After ``True`` the model is read
    with :meth:`model` or :meth:`value`; after ``False`` :meth:`core` gives assumptions
    that cannot hold together. Clauses may be added between calls.

    Example:
        >>> s = Solver()
        >>> a, b, c = s.new_var(), s.new_var(), s.new_var()
        >>> s.add_clause([a, b]), s.add_clause([-a, c])
        (True, True)
        >>> s.solve([-b])
        True
        >>> s.value(a), s.value(c)
        (True, True)
        >>> s.solve([-b, -c])
        False
        >>> s.core()
        [-2, -3]
        >>> s.propagate([-c])
        [-3, -1, 2]
    """

    __slots__ = (
        "_act",
        "_assumed",
        "_bins",
        "_clauses",
        "_conflicts",
        "_core",
        "_cursor",
        "_decisions",
        "_facts",
        "_full",
        "_heap",
        "_hot",
        "_lbds",
        "_learnts",
        "_level",
        "_max_learnts",
        "_model",
        "_model_n",
        "_n",
        "_ok",
        "_order",
        "_phase",
        "_pos",
        "_probed",
        "_propagations",
        "_qhead",
        "_reason",
        "_restarts",
        "_simp_assigns",
        "_simp_props",
        "_solves",
        "_state",
        "_status",
        "_trail",
        "_trail_lim",
        "_vals",
        "_var_inc",
        "_watches",
    )  # fmt: skip

    def __init__(self) -> None:
        self._n = 0
        # Per literal index; entries 0 and 1 stand for the unused variable 0.
        self._vals: list[int] = [0, 0]  # 1 true, -1 false, 0 unassigned
        self._watches: list[list[list[int]]] = [[], []]  # long clauses watching the literal
        self._bins: list[list[int]] = [[], []]  # the other literal of each binary clause
        # Per variable.
        self._level: list[int] = [0]
        self._reason: list[list[int] | int | None] = [None]  # clause, or the binary's other
        self._phase: list[int] = [1]  # the literal to decide, saved when unassigned
        self._act: list[float] = [0.0]  # negated activity: smaller is more active
        self._state: list[int] = [_COLD]
        self._pos: list[int] = [0]  # index in ``_order``
        # Decision order (see the module docstring).
        self._order: list[int] = [0]  # positive literals, most active first at last sort,
        # then a sentinel 0 (vals[0] is always 0, as if unassigned)
        self._cursor = 0  # every unassigned variable sits at or after it in ``_order``
        self._heap: list[tuple[float, int]] = []  # (negated activity, var), maybe stale
        self._hot = 0  # variables bumped since the last sort
        self._var_inc = 1.0
        # Clauses of three literals or more; binary clauses live in ``_bins``.
        self._clauses: list[list[int]] = []
        self._learnts: list[list[int]] = []
        self._lbds: list[int] = []
        self._max_learnts = float(_FIRST_REDUCE)
        # Assignment.
        self._trail: list[int] = []
        self._trail_lim: list[int] = []
        self._qhead = 0
        self._assumed: list[int] = []  # the assumptions behind the first levels
        # the last probe's assumptions: the caller's list, its length, and their levels
        self._probed: tuple[list[int], int, list[int]] = ([], 0, [])
        self._facts: list[int] = []  # DIMACS copy of a prefix of the level-0 trail
        self._full = False  # the trail is the model of the last solve, still valid
        self._ok = True
        self._simp_assigns = 0
        self._simp_props = 0
        # Results of the last solve.
        self._status: bool | None = None
        self._model: list[bool] | None = None  # None while the model is the trail
        self._model_n = 0
        self._core: list[int] = []
        # Counters.
        self._solves = self._conflicts = self._decisions = 0
        self._propagations = self._restarts = 0

    @classmethod
    def from_clauses(cls, num_vars: int, clauses: Iterable[Iterable[int]]) -> Solver:
        """Return a solver over ``num_vars`` variables holding ``clauses``.

        Args:
            num_vars: Variables to create (numbered 1 to ``num_vars``).
            clauses: The clauses (DIMACS literals).

        Returns:
            The solver (check :attr:`ok`: an empty clause makes it unsatisfiable).

        Raises:
            ValidationError: A literal is not a non-zero int of a created variable.

        >>> Solver.from_clauses(2, [[1, 2], [-1]]).solve()
        True
        """
        solver = cls()
        for _ in range(num_vars):
            solver.new_var()
        for clause in clauses:
            solver.add_clause(clause)
        return solver

    @property
    def num_vars(self) -> int:
        """The number of variables created so far."""
        return self._n

    @property
    def ok(self) -> bool:
        """False once the clauses alone are known to be unsatisfiable."""
        return self._ok

    @property
    def stats(self) -> dict[str, int]:
        """Counters since creation (solves, conflicts, decisions, propagations, restarts).

        Also the number of learnt clauses of three literals or more kept (``learnts``).
        """
        return {
            "solves": self._solves,
            "conflicts": self._conflicts,
            "decisions": self._decisions,
            "propagations": self._propagations,
            "restarts": self._restarts,
            "learnts": len(self._learnts),
        }

    def new_var(self) -> int:
        """Create a variable.

        Returns:
            The new variable's number (1 for the first one).
        """
        self._n = v = self._n + 1
        self._vals += (0, 0)
        self._watches += ([], [])
        self._bins += ([], [])
        self._level.append(0)
        self._reason.append(None)
        self._phase.append(2 * v + 1)
        self._act.append(0.0)
        self._state.append(_COLD)
        self._pos.append(v - 1)
        self._order[-1] = 2 * v
        self._order.append(0)
        if self._full:
            self._snapshot_model()
        return v

    def add_clause(self, literals: Iterable[int]) -> bool:
        """Add a clause (a disjunction of literals).

        Duplicate literals are removed, a clause with both ``v`` and ``-v`` is dropped,
        literals already false at decision level 0 are removed and a clause already
        true there is dropped. A unit clause is assigned and propagated at once.

        Args:
            literals: Non-zero ints, each naming a variable made by :meth:`new_var`.

        Returns:
            False when the clauses are now known to be unsatisfiable (an empty clause,
            or a conflict at level 0); they then stay unsatisfiable for good.

        Raises:
            ValidationError: A literal is not a non-zero int or names an unknown
                variable.
        """
        lits = dict.fromkeys(self._to_internal(literals, "literals"))
        if not self._ok:
            return False
        self._cancel_until(0)
        vals = self._vals
        for p in lits:
            if vals[p] == 1 or p ^ 1 in lits:
                return True  # satisfied at level 0, or a tautology
        clause = [p for p in lits if vals[p] == 0]
        if len(clause) > 2:
            self._watches[clause[0]].append(clause)
            self._watches[clause[1]].append(clause)
            self._clauses.append(clause)
        elif len(clause) == 2:
            a, b = clause
            self._bins[a].append(b)
            self._bins[b].append(a)
        elif clause:
            self._assign(clause[0], None)
            if self._search([], 0, decide=False)[0] == _CONFLICT:
                self._ok = False
        else:
            self._ok = False
        return self._ok

    def solve(
        self, assumptions: Sequence[int] = (), *, max_conflicts: int | None = None
    ) -> bool | None:
        """Decide whether the clauses are satisfiable with every assumption true.

        Args:
            assumptions: Literals assumed true for this call only.
            max_conflicts: Give up (return ``None``) once this many conflicts have
                happened in this call; ``None`` for no limit.

        Returns:
            True when satisfiable (see :meth:`model`), False when not (see
            :meth:`core`), None when ``max_conflicts`` ran out first.

        Raises:
            ValidationError: An assumption is not a non-zero int literal of a known
                variable, or ``max_conflicts`` is not a non-negative int.
        """
        assumps = self._to_internal(assumptions, "assumptions")
        if max_conflicts is not None and (type(max_conflicts) is not int or max_conflicts < 0):
            raise ValidationError(
                "must be a non-negative int or None", path="max_conflicts", value=max_conflicts
            )
        self._solves += 1
        self._core = []
        if not self._ok:
            self._status = False
            return False
        vals = self._vals
        if self._full and all(vals[p] == 1 for p in assumps):
            self._status = True  # the previous model satisfies these assumptions too
            return True
        self._full = False  # the previous model is dropped, not copied
        self._status = None
        self._model = None
        # Keep the decision levels of the assumptions shared with the previous call.
        trail_lim = self._trail_lim
        previous = self._assumed
        limit = min(len(trail_lim), len(previous), len(assumps))
        keep = 0
        while keep < limit and previous[keep] == assumps[keep]:
            keep += 1
        self._cancel_until(keep)
        self._assumed = assumps
        root = trail_lim[0] if trail_lim else len(self._trail)
        if root > self._simp_assigns and (
            self._propagations - self._simp_props >= len(self._clauses) + len(self._learnts)
        ):
            self._cancel_until(0)
            if self._search([], 0, decide=False)[0] == _CONFLICT:
                self._ok = False
                self._status = False
                return False
            self._simplify()
        if self._hot > (self._n >> 4) + 16:
            self._resort()

        budget = max_conflicts
        restarts = 0
        while True:
            allowed = _RESTART_BASE * _luby(restarts)
            if budget is not None:
                allowed = min(allowed, budget)
            status, used = self._search(assumps, allowed)
            if status == _SAT:
                self._status = True
                self._full = True
                self._model_n = self._n
                return True
            if status == _UNSAT:
                self._status = False
                return False
            if budget is not None:
                budget -= used
                if budget <= 0:
                    # a unit learnt by the last conflict may still wait to be propagated
                    self._cancel_until(0)
                    if self._search([], 0, decide=False)[0] == _CONFLICT:
                        self._ok = False
                        self._status = False
                        return False
                    return None
            restarts += 1
            self._restarts += 1
            if self._hot > (self._n >> 4) + 16:
                self._resort()

    def model(self) -> list[bool]:
        """The model found by the last :meth:`solve`, which must have returned True.

        Returns:
            A list indexed by variable number (``model()[v]`` is the value of ``v``);
            index 0 is unused (False). Every variable existing at that call has a
            value.

        Raises:
            SfaError: The last :meth:`solve` did not return True.
        """
        if self._status is not True:
            raise SfaError("no model: the last solve() did not return True")
        if self._model is None:
            self._snapshot_model()
        assert self._model is not None
        return list(self._model)

    def value(self, literal: int) -> bool:
        """Whether ``literal`` is true in the model of the last :meth:`solve`.

        Args:
            literal: A non-zero int literal of a variable that existed at that call.

        Returns:
            True when the literal is true in the model.

        Raises:
            ValidationError: The literal is not a non-zero int or names a variable
                unknown to that model.
            SfaError: The last :meth:`solve` did not return True.
        """
        if self._status is not True:
            raise SfaError("no model: the last solve() did not return True")
        if type(literal) is not int or literal == 0:
            raise ValidationError("must be a non-zero int literal", path="literal", value=literal)
        v = abs(literal)
        if v > self._model_n:
            raise ValidationError(
                f"unknown variable {v} (the model has {self._model_n} variables)",
                path="literal",
                value=literal,
            )
        positive = self._vals[2 * v] == 1 if self._model is None else self._model[v]
        return positive if literal > 0 else not positive

    def core(self) -> list[int]:
        """Assumptions behind the last :meth:`solve` returning False.

        Returns:
            A subset of the assumptions (in their order) that together with the
            clauses is unsatisfiable; empty when the clauses alone are.

        Raises:
            SfaError: The last :meth:`solve` did not return False.
        """
        if self._status is not False:
            raise SfaError("no core: the last solve() did not return False")
        return list(self._core)

    def propagate(self, assumptions: Sequence[int]) -> list[int] | None:
        """Unit propagation of the assumptions, without any further decision.

        Args:
            assumptions: Literals assigned true in order, each followed by
                propagation.

        Returns:
            Every literal then true (level-0 facts, the assumptions and what they
            imply) in the order assigned, or None when propagation meets a conflict
            or the clauses are unsatisfiable. Nothing is learnt either way.

        Raises:
            ValidationError: An assumption is not a non-zero int literal of a known
                variable.
        """
        assumps = self._to_internal(assumptions, "assumptions")
        if not self._ok:
            return None
        if self._full:
            self._snapshot_model()
        self._cancel_until(0)
        vals = self._vals
        trail_lim = self._trail_lim
        for p in assumps:
            x = vals[p]
            if x == -1:
                self._cancel_until(0)
                return None
            trail_lim.append(len(self._trail))  # one level per assumption, as in solve()
            if x == 0:
                self._assign(p, None)
                if self._search([], 0, decide=False)[0] == _CONFLICT:
                    self._cancel_until(0)
                    return None
        self._assumed = assumps  # the next solve() may keep these levels
        trail = self._trail
        root = trail_lim[0] if trail_lim else len(trail)
        facts = self._facts  # level-0 literals only ever grow: convert the new ones
        facts += [-(p >> 1) if p & 1 else p >> 1 for p in trail[len(facts) : root]]
        return facts + [-(p >> 1) if p & 1 else p >> 1 for p in trail[root:]]

    def probe(
        self, assumptions: Sequence[int], literal: int, *, reach: int | None = None
    ) -> list[int] | None:
        """Unit propagation of ``literal`` on top of the assumptions (kept for the next call).

        The assumptions' levels are kept between calls that share them, so probing
        many literals under the same assumptions costs only each literal's own
        consequences.

        Args:
            assumptions: Literals assigned true in order, each followed by propagation.
            literal: The literal probed.
            reach: Propagate only the first ``reach`` literals that ``literal`` adds
                (``None``: all of them). The answer is then a part of what ``literal``
                implies, nearest first, and a conflict further on goes unseen: it
                costs about ``reach`` propagations however far the implications go.

        Returns:
            The literals ``literal`` adds (itself included, in the order assigned; empty
            when the assumptions already make it true), or None when the assumptions
            or the literal lead to a conflict. Nothing is learnt either way.

        Raises:
            ValidationError: A literal is not a non-zero int of a known variable, or
                ``reach`` is not a positive int.

        >>> s = Solver.from_clauses(4, [[-1, 2], [-2, 3], [-3, 4]])
        >>> s.probe([], 1), s.probe([], 1, reach=2)
        ([1, 2, 3, 4], [1, 2, 3])
        """
        if reach is not None and (type(reach) is not int or reach < 1):
            raise ValidationError("must be a positive int or None", path="reach", value=reach)
        (p,) = self._to_internal((literal,), "literal")
        trail_lim, vals = self._trail_lim, self._vals
        source, length, converted = self._probed
        if (
            self._assumed is converted
            and len(trail_lim) >= length
            and len(assumptions) >= length
            and list(assumptions[:length]) == source
        ):
            # the last probe's assumptions, perhaps with more after them: their levels
            # still stand (a list comparison runs in C, a conversion does not)
            assumps = converted + self._to_internal(assumptions[length:], "assumptions")
            keep = length
        else:
            assumps = self._to_internal(assumptions, "assumptions")
            previous = self._assumed
            limit = min(len(trail_lim), len(previous), len(assumps))
            keep = 0
            while keep < limit and previous[keep] == assumps[keep]:
                keep += 1
        if not self._ok:
            return None
        if self._full:
            self._snapshot_model()
        self._full = False
        self._cancel_until(keep)
        self._assumed = assumps[:keep]
        for q in assumps[keep:]:
            x = vals[q]
            if x == -1:
                return None
            trail_lim.append(len(self._trail))
            if x == 0:
                self._assign(q, None)
                if self._search([], 0, decide=False)[0] == _CONFLICT:
                    self._cancel_until(len(self._assumed))
                    return None
            self._assumed = [*self._assumed, q]
        self._probed = (list(assumptions), len(assumps), self._assumed)
        x = vals[p]
        if x:
            return None if x == -1 else []
        trail = self._trail
        start = len(trail)
        trail_lim.append(start)
        self._assign(p, None)
        conflict = self._search([], 0, decide=False, reach=reach or 0)[0] == _CONFLICT
        implied = None if conflict else [-(q >> 1) if q & 1 else q >> 1 for q in trail[start:]]
        self._cancel_until(len(assumps))
        self._probed = (list(assumptions), len(assumps), self._assumed)
        return implied

    def set_phase(self, literal: int) -> None:
        """Prefer ``literal`` when its variable is next decided.

        Phase saving replaces the preference once search has assigned the variable.

        Args:
            literal: A non-zero int literal of a known variable.

        Raises:
            ValidationError: The literal is not a non-zero int or names an unknown
                variable.
        """
        (p,) = self._to_internal((literal,), "literal")
        v = p >> 1
        if self._full:  # the next solve must decide again to honour the preference
            self._snapshot_model()
        if self._vals[p] and self._level[v] > 0:
            self._cancel_until(self._level[v] - 1)  # else unassigning would overwrite it
        self._phase[v] = p

    def set_phases(self, literals: Iterable[int]) -> None:
        """Prefer each of ``literals`` when its variable is next decided (one call for many).

        Args:
            literals: Non-zero int literals of known variables.

        Raises:
            ValidationError: A literal is not a non-zero int or names an unknown variable.
        """
        internal = self._to_internal(literals, "literals")
        if not internal:
            return
        if self._full:  # the next solve must decide again to honour the preferences
            self._snapshot_model()
        vals, level, phase = self._vals, self._level, self._phase
        # facts (level 0) keep their value; any other assigned variable must be unassigned
        # before the next search, or unassigning it would overwrite its new phase
        lowest = min((level[p >> 1] for p in internal if vals[p] and level[p >> 1]), default=0)
        if lowest > 0:
            self._cancel_until(lowest - 1)  # else unassigning would overwrite them
        for p in internal:
            phase[p >> 1] = p

    def _to_internal(self, literals: Iterable[int], path: str) -> list[int]:
        """Validate DIMACS literals and convert them to literal indexes."""
        n = self._n
        out: list[int] = []
        for i, lit in enumerate(literals):
            if type(lit) is not int or lit == 0 or lit > n or -lit > n:
                where = path if path == "literal" else f"{path}[{i}]"
                if type(lit) is not int or lit == 0:
                    raise ValidationError("must be a non-zero int literal", path=where, value=lit)
                raise ValidationError(
                    f"unknown variable {abs(lit)} (the solver has {n} variables)",
                    path=where,
                    value=lit,
                )
            out.append(lit << 1 if lit > 0 else (-lit << 1) | 1)
        return out

    def _snapshot_model(self) -> None:
        """Copy the model out of the trail before the trail changes."""
        self._full = False
        if self._status is True and self._model is None:
            self._model = [False, *(x == 1 for x in self._vals[2 : 2 * self._model_n + 2 : 2])]

    def _assign(self, p: int, why: list[int] | int | None) -> None:
        """Make ``p`` true at the current level (outside the propagation loop)."""
        self._vals[p] = 1
        self._vals[p ^ 1] = -1
        self._level[p >> 1] = len(self._trail_lim)
        self._reason[p >> 1] = why
        self._trail.append(p)

    def _cancel_until(self, lvl: int) -> None:
        """Undo every assignment above decision level ``lvl``, saving phases."""
        trail_lim = self._trail_lim
        if len(trail_lim) <= lvl:
            return
        if self._full:
            self._snapshot_model()
        trail = self._trail
        vals = self._vals
        phase = self._phase
        state = self._state
        pos = self._pos
        heap = self._heap
        act = self._act
        cursor = self._cursor
        lim = trail_lim[lvl]
        for p in trail[lim:]:
            vals[p] = vals[p ^ 1] = 0
            v = p >> 1
            phase[v] = p
            if pos[v] < cursor:
                cursor = pos[v]
            if state[v] == _OUT_HEAP:
                state[v] = _IN_HEAP
                heappush(heap, (act[v], v))
        self._cursor = cursor
        del trail[lim:]
        del trail_lim[lvl:]
        self._qhead = lim

    def _search(
        self, assumps: list[int], allowed: int, decide: bool = True, reach: int = 0
    ) -> tuple[int, int]:
        """Propagate, and unless ``decide`` is false, run CDCL search.

        Args:
            assumps: Assumption literal indexes, decided first, one level each.
            allowed: Conflicts allowed before returning ``_UNKNOWN`` (a restart).
            decide: False to stop at the propagation fixpoint (``_FIXPOINT``) or at a
                conflict (``_CONFLICT``) without learning.
            reach: With ``decide`` false, stop (``_FIXPOINT``) once this many literals
                have been propagated (0: no limit).

        Returns:
            ``(status, conflicts)``; on ``_UNSAT`` the core is set, or ``_ok`` cleared.
        """
        trail = self._trail
        trail_lim = self._trail_lim
        vals = self._vals
        watches = self._watches
        bins = self._bins
        level = self._level
        reason = self._reason
        phase = self._phase
        act = self._act
        state = self._state
        heap = self._heap
        order = self._order
        cursor = self._cursor
        n_assumps = len(assumps)
        qhead = self._qhead
        dl = len(trail_lim)
        conflicts = decisions = props = 0
        status = _UNKNOWN
        stop = qhead + reach if reach else 1 << 62  # where a bounded propagation stops
        while True:
            # Unit propagation: the hot loop.
            confl: list[int] | None = None
            start = qhead
            while qhead < len(trail) and qhead < stop:
                fl = trail[qhead] ^ 1  # the literal that just became false
                qhead += 1
                for o in bins[fl]:
                    x = vals[o]
                    if x == 0:
                        vals[o] = 1
                        vals[o ^ 1] = -1
                        level[o >> 1] = dl
                        reason[o >> 1] = fl
                        trail.append(o)
                    elif x == -1:
                        confl = [o, fl]
                        break
                if confl is not None:
                    break
                ws = watches[fl]
                if not ws:
                    continue
                keep: list[list[int]] = []
                watches[fl] = keep
                for c in ws:
                    a = c[0]
                    if a == fl:
                        a = c[1]
                        x = vals[a]
                        if x == 1:
                            keep.append(c)
                            continue
                        c[0] = a
                        c[1] = fl
                    else:
                        x = vals[a]
                        if x == 1:
                            keep.append(c)
                            continue
                    k = 2
                    for q in c[2:]:
                        if vals[q] != -1:
                            c[1] = q
                            c[k] = fl
                            watches[q].append(c)
                            break
                        k += 1
                    else:
                        keep.append(c)
                        if x == 0:
                            vals[a] = 1
                            vals[a ^ 1] = -1
                            level[a >> 1] = dl
                            reason[a >> 1] = c
                            trail.append(a)
                        else:
                            confl = c
                            i = 0
                            while ws[i] is not c:
                                i += 1
                            keep += ws[i + 1 :]
                            break
                if confl is not None:
                    break
            props += qhead - start

            if confl is not None:
                if not decide:
                    status = _CONFLICT
                    break
                conflicts += 1
                if dl == 0:
                    self._ok = False
                    status = _UNSAT
                    break
                learnt, dl, lbd = self._analyze(confl)
                self._cursor = cursor
                self._cancel_until(dl)
                cursor = self._cursor
                self._assign(learnt[0], self._store(learnt, lbd))
                qhead = self._qhead
                if len(self._learnts) >= self._max_learnts:
                    self._reduce()
                if conflicts >= allowed:
                    break
                continue
            if not decide:
                status = _FIXPOINT
                break

            # Decide: the next assumption, else the most active unassigned variable.
            p = 0
            while dl < n_assumps:
                p = assumps[dl]
                if vals[p] != 1:
                    break
                trail_lim.append(len(trail))  # already true: an empty level
                dl += 1
                p = 0
            if p:
                if vals[p] == -1:
                    self._core = self._analyze_final(p, assumps)
                    status = _UNSAT
                    break
            else:
                while vals[order[cursor]]:  # stops at the sentinel 0 at the end
                    cursor += 1
                p = order[cursor]
                while heap:
                    key, v = heap[0]
                    if key != act[v]:
                        heappop(heap)  # stale: bumped again since pushed
                    elif vals[v << 1]:
                        heappop(heap)
                        state[v] = _OUT_HEAP
                    else:
                        if not p or key <= act[p >> 1]:
                            heappop(heap)
                            state[v] = _OUT_HEAP
                            p = v << 1
                        break
                if not p:
                    status = _SAT
                    break
                p = phase[p >> 1]
                decisions += 1
            dl += 1
            trail_lim.append(len(trail))
            vals[p] = 1
            vals[p ^ 1] = -1
            level[p >> 1] = dl
            reason[p >> 1] = None
            trail.append(p)

        self._qhead = qhead
        self._cursor = cursor
        self._conflicts += conflicts
        self._decisions += decisions
        self._propagations += props
        if status == _UNKNOWN:
            self._cancel_until(min(dl, n_assumps))
        return status, conflicts

    def _analyze(self, confl: list[int]) -> tuple[list[int], int, int]:
        """1UIP conflict analysis with recursive minimization; bumps the variables.

        Returns:
            ``(learnt, backjump_level, lbd)``: ``learnt[0]`` is the asserting literal
            and ``learnt[1]``, if any, a literal of the backjump level.
        """
        trail = self._trail
        level = self._level
        reason = self._reason
        dl = len(self._trail_lim)
        seen: set[int] = set()
        learnt = [0]
        path = 0
        idx = len(trail) - 1
        lits: Sequence[int] = confl
        while True:
            for q in lits:
                v = q >> 1
                if v not in seen and level[v] > 0:
                    seen.add(v)
                    if level[v] >= dl:
                        path += 1
                    else:
                        learnt.append(q)
            while (trail[idx] >> 1) not in seen:
                idx -= 1
            p = trail[idx]
            idx -= 1
            path -= 1
            if path == 0:
                break
            r = reason[p >> 1]  # p's own variable is in ``seen``, so r[0] is skipped
            lits = (r,) if isinstance(r, int) else r or ()
        learnt[0] = p ^ 1
        self._bump(seen)
        if len(learnt) > 1:
            abstract = 0
            for q in learnt[1:]:
                abstract |= 1 << (level[q >> 1] & 63)
            learnt[1:] = [
                q
                for q in learnt[1:]
                if reason[q >> 1] is None or not self._redundant(q, abstract, seen)
            ]
        if len(learnt) == 1:
            return learnt, 0, 1
        best = 1
        for i in range(2, len(learnt)):
            if level[learnt[i] >> 1] > level[learnt[best] >> 1]:
                best = i
        learnt[1], learnt[best] = learnt[best], learnt[1]
        return learnt, level[learnt[1] >> 1], len({level[q >> 1] for q in learnt})

    def _redundant(self, lit: int, abstract: int, seen: set[int]) -> bool:
        """Whether the learnt literal ``lit`` is implied by the clause's other literals."""
        level = self._level
        reason = self._reason
        stack = [lit]
        added: list[int] = []
        while stack:
            r = reason[stack.pop() >> 1]
            for q in (r,) if isinstance(r, int) else r or ():
                v = q >> 1
                if v not in seen and level[v] > 0:
                    if reason[v] is not None and (1 << (level[v] & 63)) & abstract:
                        seen.add(v)
                        added.append(v)
                        stack.append(q)
                    else:
                        seen.difference_update(added)
                        return False
        return True

    def _bump(self, variables: Iterable[int]) -> None:
        """Raise the activity of ``variables``, then decay every activity (VSIDS)."""
        act = self._act
        heap = self._heap
        state = self._state
        inc = self._var_inc
        hot = self._hot
        rescale = False
        for v in variables:
            a = act[v] = act[v] - inc
            s = state[v]
            if s != _OUT_HEAP:
                heappush(heap, (a, v))
                if s == _COLD:
                    state[v] = _IN_HEAP
                    hot += 1
            if a < _RESCALE_LIMIT:
                rescale = True
        self._hot = hot
        self._var_inc = inc * _VAR_DECAY
        if rescale:
            act[:] = [a * 1e-100 for a in act]
            self._var_inc *= 1e-100
        if rescale or len(heap) > 2 * self._n + 100:
            heap[:] = [(act[v], v) for v in range(1, self._n + 1) if state[v] == _IN_HEAP]
            heapify(heap)

    def _resort(self) -> None:
        """Sort the decision order by activity again and empty the heap."""
        act = self._act
        ranked = sorted(range(1, self._n + 1), key=act.__getitem__)
        self._order[:] = [v << 1 for v in ranked]
        self._order.append(0)
        pos = self._pos
        for i, v in enumerate(ranked):
            pos[v] = i
        self._state[:] = [_COLD] * (self._n + 1)
        self._heap.clear()
        self._hot = 0
        self._cursor = 0

    def _store(self, learnt: list[int], lbd: int) -> list[int] | int | None:
        """Add a learnt clause; return the reason to give its asserting literal."""
        if len(learnt) == 1:
            return None
        p, q = learnt[0], learnt[1]
        if len(learnt) == 2:
            self._bins[p].append(q)
            self._bins[q].append(p)
            return q
        self._watches[p].append(learnt)
        self._watches[q].append(learnt)
        self._learnts.append(learnt)
        self._lbds.append(lbd)
        return learnt

    def _analyze_final(self, p: int, assumps: list[int]) -> list[int]:
        """The assumptions that make the assumption ``p`` false, with ``p`` itself.

        Returns:
            The core as DIMACS literals, in the order of the assumptions.
        """
        found = {p}
        trail_lim = self._trail_lim
        if trail_lim:
            level = self._level
            reason = self._reason
            trail = self._trail
            seen = {p >> 1}
            for i in range(len(trail) - 1, trail_lim[0] - 1, -1):
                q = trail[i]
                if q >> 1 in seen:
                    r = reason[q >> 1]
                    if r is None:
                        found.add(q)  # a decision below the assumptions' end: an assumption
                    else:
                        for x in (r,) if isinstance(r, int) else r:
                            if level[x >> 1] > 0:
                                seen.add(x >> 1)
        core: list[int] = []
        for a in assumps:
            if a in found:
                found.discard(a)
                core.append(-(a >> 1) if a & 1 else a >> 1)
        return core

    def _reduce(self) -> None:
        """Forget about half of the learnt long clauses, keeping the lowest LBD ones."""
        learnts = self._learnts
        lbds = self._lbds
        count = len(learnts)
        order = sorted(range(count), key=lambda i: (lbds[i], len(learnts[i]), -i))
        keep = [False] * count
        for rank, i in enumerate(order):
            keep[i] = rank < count // 2 or lbds[i] <= 2
        self._unwatch([learnts[i] for i in range(count) if not keep[i]])
        self._learnts = [learnts[i] for i in range(count) if keep[i]]
        self._lbds = [lbds[i] for i in range(count) if keep[i]]
        self._max_learnts *= _REDUCE_GROWTH

    def _unwatch(self, clauses: list[list[int]]) -> None:
        """Remove ``clauses`` from the watch lists (a clause watches c[0] and c[1])."""
        dead = {id(c) for c in clauses}
        watches = self._watches
        for lit in {c[0] for c in clauses} | {c[1] for c in clauses}:
            watches[lit] = [c for c in watches[lit] if id(c) not in dead]

    def _simplify(self) -> None:
        """At level 0 after propagation: drop satisfied clauses, remove false literals."""
        vals = self._vals
        bins = self._bins
        gone: list[list[int]] = []

        def keep(c: list[int]) -> bool:
            values = [vals[q] for q in c]
            if 1 in values:
                gone.append(c)
                return False
            if -1 in values:
                # The watched c[0] and c[1] are unassigned, so they stay in front.
                c[:] = [q for q in c if vals[q] == 0]
                if len(c) == 2:
                    bins[c[0]].append(c[1])
                    bins[c[1]].append(c[0])
                    gone.append(c)
                    return False
            return True

        self._clauses = [c for c in self._clauses if keep(c)]
        flags = [keep(c) for c in self._learnts]
        self._learnts = [c for c, f in zip(self._learnts, flags, strict=True) if f]
        self._lbds = [b for b, f in zip(self._lbds, flags, strict=True) if f]
        self._unwatch(gone)
        self._simp_assigns = len(self._trail)
        self._simp_props = self._propagations
