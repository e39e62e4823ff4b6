"""Activity: which variables carry derivatives (varied ∩ useful).

A value is *varied* if it depends differentiably on a `wrt` input, and
*useful* if the output depends differentiably on it. Only statements whose
target is useful and whose operands are varied get derivative code; only
active variables get a tangent or adjoint at all. Both are solved flow-
sensitively on the CFG, so a variable overwritten by a constant stops
being varied from there on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..ir import nodes as N
from .cfg import CFG
from .dataflow import Facts, liveness, maybe_assigned, definitely_assigned, solve
from .shapes import Dims, shape_classes


@dataclass
class Analysis:
    cfg: CFG
    varied_in: dict          # node -> names varied on entry
    useful_out: dict         # node -> names useful on exit
    live_in: dict            # node -> names live on entry
    maybe_in: dict           # node -> names possibly assigned on entry
    definite_in: dict        # node -> names surely assigned on entry
    active_stmts: set        # assignment statements that get derivative code
    active_vars: set         # names that get a tangent/adjoint
    same_class: Callable = lambda a, b: False   # see shapes.py
    kinds: dict = field(default_factory=dict)   # name -> container kind, see kinds.py
    dims: Dims | None = None                    # shapes, when specialised on the arguments'
    dims_used: bool = False                     # did a shape in `dims` decide anything?
    shape_reads: Callable = lambda stmt: frozenset()  # names stmt reads only for their shape
    value_live_in: dict | None = None           # as live_in, shape reads left out (lazy)

    def same_shape(self, operand: str, target: str, stmt) -> bool:
        """Does `target`, as `stmt` assigns it, surely have the shape `operand`
        has on entry to `stmt`?"""
        if self.same_class(operand, target):
            return True
        if self.dims is None:
            return False
        shape = self.dims.at(stmt, operand)
        same = shape is not None and shape == self.dims.at(stmt, target, after=True)
        self.dims_used |= same
        return same

    def dims_before(self, stmt, name: str):
        """The shape of `name` on entry to `stmt`, if known."""
        return self.dims.at(stmt, name) if self.dims is not None else None

    def node(self, stmt):
        return self.cfg.of[stmt]

    def varied_before(self, stmt) -> frozenset:
        return self.varied_in[self.cfg.of[stmt]]

    def live_after(self, stmt) -> frozenset:
        return frozenset().union(*(self.live_in[n] for n in self.cfg.of[stmt].succ))

    def value_live_after(self, stmt) -> frozenset:
        """Names whose values may be read after `stmt`: a view that an update
        in place changes, read later only for its shape (`_rt.shape_of(t)`,
        as derivative code saves it), sees no change."""
        if self.value_live_in is None:
            _, self.value_live_in = solve(
                self.cfg, forward=False, meet="union", boundary=Facts(),
                transfer=lambda n, live: (live - n.defs) | (n.uses - self.shape_reads(n.stmt)))
        return frozenset().union(*(self.value_live_in[n] for n in self.cfg.of[stmt].succ))

    def bound_before(self, stmt) -> frozenset:
        """Names surely assigned when `stmt` runs."""
        return frozenset(self.definite_in[self.cfg.of[stmt]])

    def may_view_after(self, stmt) -> frozenset:
        """Names that could see an update by `stmt` later: bound before it
        (one assigned only later cannot view the entries it changes) and
        read afterwards for more than their shape."""
        return self.value_live_after(stmt) & self.maybe_in[self.cfg.of[stmt]]




# statements that can be active: assignments, and updates in place such as
# `lst.append(v)` (an Expr whose CFG node updates lst)
_UPDATES = (N.Assign, N.Expr)


def analyze(fn: N.FunctionDef, wrt: list[str],
            differentiable: Callable[[N.AST], bool], resolve: Callable | None = None,
            structural: Callable[[N.AST], set] | None = None,
            param_dims: dict | None = None) -> Analysis:
    """Activity and definedness facts for a normalized function.

    `differentiable(op)` says whether an operation can carry a derivative
    from its operands to its result (False for comparisons, `len`, ...);
    `structural(op)` names operands it reads only for their shape or as an
    index (`x` in `_rt.unbroadcast(g, x)`), through which none flows.
    `param_dims` (parameter -> shape or None) specialises the facts on
    the shapes of the arguments (shapes.py).
    """
    cfg = CFG(fn)
    diff = {}
    shape_only: dict = {}

    def is_diff(stmt) -> bool:
        if stmt not in diff:
            diff[stmt] = differentiable(stmt.value)
        return diff[stmt]

    def flows(node) -> frozenset:
        """The uses of a node a derivative can flow through."""
        s = node.stmt
        if structural is None or not isinstance(s, N.Assign):
            return node.uses
        if s not in shape_only:
            shape_only[s] = frozenset(structural(s.value))
        return node.uses - shape_only[s]

    def varied_transfer(node, varied):
        s = node.stmt
        if node.updates:  # `x[i] = v`: x keeps its other elements
            return varied | node.updates if (node.uses & varied) else varied
        if not node.defs or node.kind == "entry":
            return varied
        if isinstance(s, N.Assign) and is_diff(s) and (flows(node) & varied):
            return varied | node.defs
        return varied - node.defs

    def useful_transfer(node, useful):
        s = node.stmt
        if isinstance(s, N.Return):
            return useful | node.uses
        if node.updates:
            return useful | node.uses if (node.updates & useful) else useful
        if not node.defs or node.kind == "entry":
            return useful
        hit = bool(node.defs & useful)
        useful = useful - node.defs
        if hit and isinstance(s, N.Assign) and is_diff(s):
            useful = useful | flows(node)
        return useful

    varied_in, _ = solve(cfg, forward=True, meet="union",
                         boundary=Facts(wrt), transfer=varied_transfer)
    useful_out, _ = solve(cfg, forward=False, meet="union",
                          boundary=Facts(), transfer=useful_transfer)
    _, live_in = liveness(cfg)
    active_stmts = set()
    active_vars = set()
    for node in cfg.nodes:
        s = node.stmt
        written = node.defs | node.updates
        # a store is active even of a constant: it clears the entries' derivative
        if (isinstance(s, _UPDATES) and written & useful_out[node]
                and flows(node) & varied_in[node] and (node.updates or is_diff(s))):
            active_stmts.add(s)
            active_vars |= written & useful_out[node]  # `_, b = t`: only b
    entry_useful = useful_out[cfg.entry]
    active_vars |= set(wrt) & entry_useful
    carried = set()
    for node in cfg.nodes:
        if node.kind in ("for", "while"):
            carried |= live_in[node]
    same = shape_classes(fn, resolve, carried) if resolve is not None else (lambda a, b: False)
    dims = Dims(cfg, resolve, param_dims) if param_dims is not None and resolve is not None else None
    return Analysis(cfg, varied_in, useful_out, live_in, maybe_assigned(cfg),
                    definitely_assigned(cfg), active_stmts, active_vars, same, dims=dims)
