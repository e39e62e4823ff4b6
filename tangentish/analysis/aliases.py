"""Which names may share memory with an array that is updated in place.

`x[i] = v` changes every name that views x's memory. tangentish keeps the
primal's reference semantics in its derivative code (views stay views), so
what it must know is: which parameters could the update reach (the caller's
arrays: they get a private copy first), and which other names could see
the change while still in use (checked at run time, where `np.shares_memory`
is exact). The answer is flow-insensitive and conservative: a name may
alias another if it was assigned from it by a copy, an index, an attribute,
or a call that is not known to build a new array.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import runtime
from ..ir import nodes as N

# always a new array (`x.copy()` resolves to np.copy); the runtime's ones
# appear when derivative code is differentiated again
_COPIES = (np.copy, np.array, runtime.zeros_like, runtime.private_copy, runtime.unindex,
           runtime.cotangent_at)


@dataclass
class Aliases:
    updated: set = field(default_factory=set)      # names stored into: `x[i] = v`
    classes: dict = field(default_factory=dict)    # name -> frozenset of its may-alias class
    fresh: set = field(default_factory=set)        # id() of assignments that build a new value

    def may_alias(self, name: str) -> frozenset:
        return self.classes.get(name, frozenset({name}))

    def touched(self, name: str) -> bool:
        """Could an in-place update change the value `name` holds?"""
        return bool(self.may_alias(name) & self.updated)

    def needs_private_derivative(self, stmt) -> bool:
        """The value is new but will be updated in place: its tangent must be
        new too, though simplification may have made it another's (`1.0 * a_dot`)."""
        target = N.assigned_name(stmt)
        return target is not None and id(stmt) in self.fresh and self.touched(target)

    def params_to_copy(self, params: list[str]) -> list[str]:
        return [p for p in params if self.touched(p)]


def _sources(value, resolve: Callable) -> set[str]:
    """Names whose memory the result of `value` may share."""
    if isinstance(value, N.Name):
        return {value.id}
    if isinstance(value, (N.Subscript, N.Attribute)):
        return N.names_loaded(value.value) if isinstance(value.value, N.Name) else set()
    if isinstance(value, N.Call):
        op = resolve(value)
        if op.kind in ("nondiff", "const") or (op.kind == "rule" and op.rule.partials is not None):
            return set()  # shapes and flags; ufuncs build new arrays
        if op.fn in _COPIES:
            return set()
        names = set()
        for a in list(op.args) + list(op.kwargs.values()):  # a method's receiver is args[0]
            names |= N.names_loaded(a)
        return names
    if isinstance(value, (N.Tuple, N.List)):
        return N.names_loaded(value)
    return set()  # arithmetic builds new arrays


def aliases(fn: N.FunctionDef, resolve: Callable) -> Aliases:
    updated = N.names_updated(fn)
    if not updated:
        return Aliases()
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    fresh = set()
    for node in N.walk(fn):
        target = N.assigned_name(node)
        if target is None:
            continue
        sources = _sources(node.value, resolve)
        if not sources:
            fresh.add(id(node))
        for source in sources:
            parent[find(source)] = find(target)
    members: dict[str, set] = {}
    for name in list(parent):
        members.setdefault(find(name), set()).add(name)
    classes = {name: frozenset(members[find(name)]) for name in parent}
    return Aliases(set(updated), classes, fresh)
