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
