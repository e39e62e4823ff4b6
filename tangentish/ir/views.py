"""Derivative code differentiated again: its views of arrays it updates.

Derivative code reads `t = x[i]` (a view where i is a slice), updates x in
place, and reads t again in its reverse sweep, once the restores
(`x[i] = _stack.pop()`) have put x's old entries back: right where it runs.
Differentiated again, it is a program like any other, whose analyses see
names, not memory: nothing tells them that the restore of x changes t, so
they would leave the restore's own derivative out, and t's derivative
would describe x's new entries. A copy taken where t is read makes t the
value it was when read, which is what the reverse sweep expects of it.
"""
from __future__ import annotations

from typing import Callable

from .. import runtime
from ..analysis.aliases import viewed_names
from ..frontend import IR
from . import nodes as N
from .naming import Namer


def copy_views_of_updated(ir: IR, namer: Namer, resolve: Callable) -> None:
    """`t = x[i]` -> `_t = x[i]; t = _rt.private_copy(_t)` in generated code
    that updates x in place; so for `x.T`, `np.reshape(x, s)`, ... (`resolve`
    finds the Op a call computes), and for `x = t` where t is read again."""
    updated = N.names_updated(ir.fn)
    if not ir.generated or not updated or ir.namespace.lookup("_rt") is not runtime:
        return
    loads: dict[str, int] = {}
    for n in N.walk(ir.fn):
        if isinstance(n, N.Name) and isinstance(n.ctx, N.Load):
            loads[n.id] = loads.get(n.id, 0) + 1

    def copied(s, following) -> bool:
        """Does `t = value` need a copy of its own?"""
        t, value = N.assigned_name(s), s.value
        if loads.get(t) == 1 and _is_copy_of(getattr(following, "value", None), t):
            return False  # the entries saved before an overwrite: copied already
        if isinstance(value, N.Name):  # `a = t`, a updated later, t read again
            return t in updated and loads.get(value.id, 0) > 1
        return bool(viewed_names(value, resolve) & updated)

    _rewrite(ir.fn.body, copied, ir, namer)


def _rewrite(stmts: list, copied: Callable, ir: IR, namer: Namer) -> None:
    k = 0
    while k < len(stmts):
        s = stmts[k]
        for block in (getattr(s, "body", None), getattr(s, "orelse", None)):
            if isinstance(block, list):
                _rewrite(block, copied, ir, namer)
        t = N.assigned_name(s)
        if t is not None and copied(s, stmts[k + 1] if k + 1 < len(stmts) else None):
            view = namer.fresh("_t")
            s.targets = [N.store(view)]
            copy = N.call(N.attr(N.load("_rt"), "private_copy"), [N.load(view)])
            stmts.insert(k + 1, ir.inherit(N.assign(t, copy), s))
            k += 1
        k += 1


def _is_copy_of(value, t: str) -> bool:
    """`t.copy()`: the entries derivative code saves before it overwrites them."""
    return (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == "copy" and N.is_name(value.func.value, t) and not value.args)
