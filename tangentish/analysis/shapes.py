"""Static shape equivalence: which variables surely share a shape.

Reverse mode must sum a cotangent back down to an operand's shape when an
operation broadcast it (`_rt.unbroadcast`), and forward mode must spread a
tangent up (`_rt.broadcast_like`). Where the shapes are provably equal
both are identities, and leaving them out makes derivative code both
faster and closer to what a person writes. This analysis proves equality
with a union-find over variables assigned exactly once and not carried
around a loop, by rules that hold for every input:
- a copy, an elementwise function of one array operand (the others being
  numeric literals) has the shape of that operand;
- an elementwise function of operands already in one class is in that class;
- a numeric literal, a full reduction (`np.sum(x)`) and `float(x)` are 0-d.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..ir import nodes as N

SCALAR = "<0-d>"


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb == SCALAR:
                ra, rb = rb, ra
            self.parent[rb] = ra


_FULL_REDUCTIONS = (np.sum, np.mean)


def shape_classes(fn: N.FunctionDef, resolve: Callable, carried: set[str]) -> Callable[[str, str], bool]:
    """A predicate `same(a, b)`: do variables a and b surely have one shape?

    `resolve(value)` gives the derive.calls.Op of an operation; `carried`
    holds the variables live around some loop (excluded: their shape may
    change between iterations)."""
    counts: dict[str, int] = {}
    assigns = []
    for node in N.walk(fn):
        if isinstance(node, N.Assign):
            t = N.assigned_name(node)
            if t is not None:
                counts[t] = counts.get(t, 0) + 1
                assigns.append((t, node.value))
            else:  # `a, b = t`: no shape known for the targets
                for name in N.names_stored(N.module(node.targets)):
                    counts[name] = counts.get(name, 0) + 2
            for name in N.mutated_names(node):  # a list updated in place
                counts[name] = counts.get(name, 0) + 2
        elif isinstance(node, N.For):
            counts[node.target.id] = counts.get(node.target.id, 0) + 2
    params = set(N.param_names(fn))
    stable = {v for v, n in counts.items() if n == 1 and v not in carried and v not in params}
    stable |= {p for p in params if p not in counts and p not in carried}
    uf = _UnionFind()

    def cls(atom):
        if N.is_number(atom):
            return SCALAR
        if isinstance(atom, N.Name) and atom.id in stable:
            return uf.find(atom.id)
        return None

    changed = True
    while changed:
        changed = False
        for t, value in assigns:
            if t not in stable:
                continue
            target = _result_class(value, resolve, cls)
            if target is not None and uf.find(t) != uf.find(target):
                uf.union(target, t)
                changed = True

    def same(a: str, b: str) -> bool:
        if a not in stable or b not in stable:
            return False
        return uf.find(a) == uf.find(b)

    return same


def _result_class(value, resolve, cls):
    if isinstance(value, N.Name):
        return cls(value)
    if N.is_number(value):
        return SCALAR
    op = resolve(value)
    if op.kind != "rule":
        return None
    if op.fn in _FULL_REDUCTIONS and len(op.args) == 1 and not op.kwargs:
        return SCALAR
    if op.fn is float:
        return SCALAR
    if op.rule.partials is None or op.kwargs:
        return None
    classes = {cls(a) for a in op.args if not N.is_number(a)}
    if len(classes) == 1:
        (only,) = classes
        return only
    if not classes:
        return SCALAR
    return None


# ------------------------------------------------------------------ concrete shapes

class Dims:
    """Flow-sensitive shapes of variables, given the parameters' shapes.

    A derivative specialised on its arguments (see pipeline.py) knows each
    parameter's shape: `()` for a scalar (a Python or NumPy number, or a
    0-d array), the shape of an array, or None if unknown (a list, a
    tuple, an object). A forward dataflow over the CFG carries them through
    the rules' shape functions (rules/dims.py) and elementwise broadcasting;
    a variable whose shape differs between paths, or that an operation
    without a shape rule produced, is unknown. A variable no path has
    assigned yet is absent from the facts, so loops reach a fixed point."""

    def __init__(self, cfg, resolve: Callable, params: dict):
        self.cfg = cfg
        self.resolve = resolve
        self.local = set().union(*(n.defs for n in cfg.nodes))
        entry = {p: _UNKNOWN if d is None else d for p, d in params.items()}
        self.before, self.after = _solve_dims(cfg, entry, self.transfer)

    def at(self, stmt, name: str, after: bool = False):
        """The shape of `name` just before (or after) `stmt`, or None."""
        node = self.cfg.of.get(stmt)
        if node is None:
            return None
        facts = (self.after if after else self.before).get(node)
        value = facts.get(name) if facts is not None else None
        return None if value is _UNKNOWN else value

    def fixed(self) -> dict:
        """name -> shape, for the names bound to one known shape wherever
        they are bound (so also when the reverse sweep restores them)."""
        seen: dict = {}
        for facts in self.after.values():
            for name, shape in facts.items():
                seen.setdefault(name, set()).add(shape)
        return {name: next(iter(shapes)) for name, shapes in seen.items()
                if len(shapes) == 1 and _UNKNOWN not in shapes}

    def transfer(self, node, env: dict) -> dict:
        if not node.defs:
            return env  # `x[i] = v` keeps x's shape; `lst.append(v)`: lists are unknown
        s = node.stmt
        out = {k: v for k, v in env.items() if k not in node.defs}
        if (node.uses & self.local) - env.keys():
            return out  # an operand no path has assigned yet: wait for it
        for name in node.defs:
            out[name] = _UNKNOWN
        if node.kind == "target":  # `for i in range(...)`: i is an integer
            if self._op(node.pred[0].stmt.iter) is range:
                out[s.id] = ()
        elif isinstance(s, N.Assign) and N.assigned_name(s) is not None and N.updated_name(s) is None:
            value = self.of(s.value, env)
            if value is not None:
                out[N.assigned_name(s)] = value
        return out

    def _op(self, value):
        op = self.resolve(value) if isinstance(value, N.Call) else None
        return op.fn if op is not None else None

    def of(self, value, env: dict):
        """The shape of an expression of the normal form, or None."""
        if isinstance(value, N.Name):
            found = env.get(value.id)
            return None if found is _UNKNOWN else found
        if N.is_number(value):
            return ()
        if isinstance(value, N.Compare) and len(value.ops) == 1:
            return _broadcast([self.of(value.left, env), self.of(value.comparators[0], env)])
        op = self.resolve(value)
        if op.kind not in ("rule", "nondiff") or op.rule is None:
            return None
        if op.rule.shape is not None:
            return self._by_rule(op, env)
        if op.rule.partials is None or op.kwargs:
            return None
        operands = [self.of(a, env) for a in op.args]
        if getattr(op.fn, "__module__", None) == "math":
            return ()  # math functions return Python floats
        if op.fn in (max, min) and any(d != () for d in operands):
            return None  # max(x) of one array is an entry; of two, one of them
        return _broadcast(operands)

    def _by_rule(self, op, env: dict):
        from ..rules.dims import UNKNOWN, Dims as Shape
        def argument(a):
            if isinstance(a, N.Name):
                d = self.of(a, env)
                return UNKNOWN if d is None else Shape(d)
            found = _literal(a)
            return UNKNOWN if found is _NOT_LITERAL else found
        try:
            result = op.rule.shape(*[argument(a) for a in op.args],
                                   **{k: argument(v) for k, v in op.kwargs.items()})
            result = tuple(result)
        except Exception:  # the rule cannot tell (rules/dims.py): unknown
            return None
        return result if all(isinstance(n, int) for n in result) else None


_UNKNOWN = "<unknown>"
_NOT_LITERAL = object()


def _broadcast(shapes: list):
    if any(d is None for d in shapes):
        return None
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _literal(node):
    """The value of a literal argument: a number, None, a tuple of literals,
    `slice(...)` of literals (how the normal form writes `x[1:]`)."""
    if isinstance(node, N.Constant):
        return node.value
    if isinstance(node, N.Tuple):
        items = [_literal(e) for e in node.elts]
        return _NOT_LITERAL if _NOT_LITERAL in items else tuple(items)
    if (isinstance(node, N.UnaryOp) and isinstance(node.op, N.USub)
            and N.is_number(node.operand)):
        return -node.operand.value
    if (isinstance(node, N.Call) and N.is_name(node.func, "slice") and not node.keywords
            and len(node.args) <= 3):
        parts = [_literal(a) for a in node.args]
        if _NOT_LITERAL in parts or not all(p is None or isinstance(p, int) for p in parts):
            return _NOT_LITERAL
        return slice(*parts)
    return _NOT_LITERAL


def _join(envs: list) -> dict:
    """Facts on entry to a node from its reached predecessors: a variable
    keeps its shape where every path that assigned it agrees."""
    if len(envs) == 1:
        return envs[0]
    out: dict = {}
    for env in envs:
        for k, v in env.items():
            if k not in out:
                out[k] = v
            elif out[k] != v:
                out[k] = _UNKNOWN
    return out


def _solve_dims(cfg, entry: dict, transfer) -> tuple[dict, dict]:
    """A worklist over the CFG; facts only rise (unassigned -> shape -> conflict)."""
    before: dict = {}
    after: dict = {}
    work = list(reversed(cfg.nodes))
    queued = set(work)
    while work:
        node = work.pop()
        queued.discard(node)
        if node is cfg.entry:
            fact = dict(entry)
        else:
            reached = [after[p] for p in node.pred if p in after]
            if not reached:
                continue
            fact = _join(reached)
        before[node] = fact
        out = transfer(node, fact) if node is not cfg.entry else fact
        if after.get(node) != out:
            after[node] = out
            for nxt in node.succ:
                if nxt not in queued:
                    queued.add(nxt)
                    work.append(nxt)
    return before, after
