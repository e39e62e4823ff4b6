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

from .. import runtime as _rt
from ..ir import nodes as N

# always a new array (`x.copy()` resolves to np.copy); the runtime's ones
# are what derivative code, differentiated again, calls
_COPIES = (np.copy, np.array, _rt.zeros_like, _rt.private_copy, _rt.cotangent_at, _rt.uncotangent_at,
           _rt.unindex, _rt.added_at, _rt.matmul_vjp_a, _rt.matmul_vjp_b, _rt.dot_vjp_a,
           _rt.dot_vjp_b)
# derivative code's helpers that move a cotangent to a shape: the result may
# be the cotangent (their first argument), never the value giving the shape
_MOVES_FIRST = (_rt.unbroadcast, _rt.unbroadcast_to, _rt.broadcast_like, _rt.unreduce,
                _rt.unstack_like, _rt.cast_like)


@dataclass
class Aliases:
    updated: set = field(default_factory=set)      # names stored into: `x[i] = v`
    classes: dict = field(default_factory=dict)    # name -> frozenset of its may-alias class
    fresh: set = field(default_factory=set)        # id() of assignments that build a new value
    copied: set = field(default_factory=set)       # parameters whose value no update reaches

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
        return [p for p in params if self.touched(p) and p not in self.copied]


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
        if op.fn in _MOVES_FIRST and op.args:
            return N.names_loaded(op.args[0])
        names = set()
        for a in list(op.args) + list(op.kwargs.values()):  # a method's receiver is args[0]
            names |= N.names_loaded(a)
        return names
    if isinstance(value, (N.Tuple, N.List)):
        return N.names_loaded(value)
    return set()  # arithmetic builds new arrays


def viewed_names(value, resolve: Callable) -> set[str]:
    """Names whose memory the result of `value` may view: not those of a bare
    name (`y = x` is the same array) or a tuple (it holds them), nor a new array."""
    return set() if isinstance(value, (N.Name, N.Tuple, N.List)) else _sources(value, resolve)


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
    returned = _returned_tuple(fn)
    shared = set()  # names whose value some assignment may pass on uncopied
    for node in N.walk(fn):
        target = N.assigned_name(node)
        if target is None or node is returned:
            continue
        sources = _sources(node.value, resolve)
        if not sources:
            fresh.add(id(node))
        shared |= sources
        for source in sources:
            parent[find(source)] = find(target)
    members: dict[str, set] = {}
    for name in list(parent):
        members.setdefault(find(name), set()).add(name)
    classes = {name: frozenset(members[find(name)]) for name in parent}
    if returned is not None:  # it holds its entries; they do not share memory with each other
        entries = N.names_loaded(returned.value)
        classes[returned.targets[0].id] = frozenset({returned.targets[0].id}).union(
            *(classes.get(e, {e}) for e in entries))
    # a parameter never stored into nor passed on uncopied (`_t0_dot =
    # _rt.private_copy(x_dot)`, as derivative code begins) is not the array
    # its name may later be bound to
    only_copied = {p for p in N.param_names(fn) if p not in shared | updated}
    return Aliases(set(updated), classes, fresh, _copied_on_entry(fn, resolve) | only_copied)


def _returned_tuple(fn: N.FunctionDef):
    """`r = (value, x_bar)` of `return r` at the end, r assigned nowhere else
    (derivative code, differentiated again, returns so)."""
    last = fn.body[-1] if fn.body else None
    if not (isinstance(last, N.Return) and isinstance(last.value, N.Name)):
        return None
    r = last.value.id
    defs = [n for n in N.walk(fn) if r in N.names_stored(n) and isinstance(n, N.Assign)]
    if len(defs) == 1 and N.assigned_name(defs[0]) == r and isinstance(defs[0].value, N.Tuple):
        return defs[0]
    return None


def _copied_on_entry(fn: N.FunctionDef, resolve: Callable) -> set[str]:
    """Parameters copied, then rebound, before anything but a shape is read
    of them, as derivative code begins (`x = _rt.private_copy(x)`; `x_dot`
    copied, then rebound): no update reaches the caller's array."""
    return {p for p in N.param_names(fn) if _copied_then_rebound(fn.body, p, resolve)}


def _copied_then_rebound(body: list, p: str, resolve: Callable) -> bool:
    for s in body:
        if p not in N.all_names(s):
            continue
        if not isinstance(s, N.Assign) or N.updated_name(s) == p or p in _sources(s.value, resolve):
            return False  # in a branch or a loop, stored into, or passed on
        if N.assigned_name(s) == p:
            return True
        op = resolve(s.value)
        copied = len(op.args) == 1 and N.is_name(op.args[0], p) and op.fn in _COPIES
        if not (copied or op.kind == "nondiff"):  # `_rt.zeros_like(x)` reads only its shape
            return False
    return False
