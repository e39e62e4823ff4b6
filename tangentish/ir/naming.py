"""Deterministic, clash-free names for everything tangentish generates.

One `Namer` per generated function, seeded with every name the user's code
mentions. Temporaries are `_t0, _t1, ...`, branch flags `_c0, ...`; the
tangent of `v` is `v_dot` and its adjoint `v_bar` (v̇ and v̄). A clash appends
a number: `x_bar2` is the adjoint of x in code that already has an `x_bar`
(derivative code differentiated again). The same request always gives the
same answer, so generated code is reproducible and cacheable.
"""
from __future__ import annotations

from typing import Iterable


class Namer:
    def __init__(self, taken: Iterable[str] = ()):
        self.taken: set[str] = set(taken)
        self._counters: dict[str, int] = {}
        self._derived: dict[tuple[str, str], str] = {}

    def reserve(self, names: Iterable[str]) -> None:
        self.taken.update(names)

    def _claim(self, candidate: str) -> str:
        """`candidate`, else `candidate2`, `candidate3`, ...: differentiating
        derivative code again meets its own names, and `x_bar2` (the adjoint
        of x at the second level) reads better than `x_bar_`. Names of
        underscores only (`_`, the discarded value) grow another `_`."""
        if candidate.strip("_"):
            base, k = candidate, 2
            sep = "_" if base[-1].isdigit() else ""
            while candidate in self.taken:
                candidate = f"{base}{sep}{k}"
                k += 1
        while candidate in self.taken:
            candidate += "_"
        self.taken.add(candidate)
        return candidate

    def fresh(self, prefix: str = "_t") -> str:
        """A new numbered name: `_t0`, `_t1`, ... or `_c0`, `_n0`, ..."""
        while True:
            k = self._counters.get(prefix, 0)
            self._counters[prefix] = k + 1
            if f"{prefix}{k}" not in self.taken:
                self.taken.add(f"{prefix}{k}")
                return f"{prefix}{k}"

    def unique(self, name: str) -> str:
        """`name` itself if free, else `name_`, `name__`, ..."""
        return self._claim(name)

    def derived(self, name: str, suffix: str) -> str:
        key = (name, suffix)
        if key not in self._derived:
            self._derived[key] = self._claim(f"{name}_{suffix}")
        return self._derived[key]

    def tangent(self, name: str) -> str:
        return self.derived(name, "dot")

    def adjoint(self, name: str) -> str:
        return self.derived(name, "bar")


def renumber(fn, prefix: str, is_generated) -> None:
    """Rename generated `prefix<N>` names in order of first appearance, so
    the temporaries left after merging read `_t0, _t1, ...` without gaps."""
    from . import nodes as N
    order: dict[str, None] = {}

    def visit(node):  # depth first, fields in source order
        if isinstance(node, N.Name) and node.id.startswith(prefix) and is_generated(node.id):
            order.setdefault(node.id, None)
        for child in N.iter_child_nodes(node):
            visit(child)

    visit(fn)
    names = list(order)
    # names with the prefix that are not ours (generated code differentiated
    # again has its own `_t0`) stay, and the new numbering skips them
    kept = {n.id for n in N.walk(fn) if isinstance(n, N.Name) and n.id.startswith(prefix)} - set(names)
    fresh, k = [], 0
    while len(fresh) < len(names):
        if f"{prefix}{k}" not in kept:
            fresh.append(f"{prefix}{k}")
        k += 1
    if names == fresh:
        return
    # through placeholders, so `_t3 -> _t2` cannot collide with an old `_t2`
    N.rename(fn, {old: f"\x00{k}" for k, old in enumerate(names)})
    N.rename(fn, {f"\x00{k}": new for k, new in enumerate(fresh)})
