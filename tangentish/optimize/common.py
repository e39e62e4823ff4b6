"""What the optimizer's passes share: their environment and small queries
over generated code."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..ir import nodes as N


@dataclass
class Env:
    """What passes need to know about the generated code's names."""
    is_pure_call: Callable[[N.Call], bool]
    stack: str | None = None          # the reverse sweep's stack, if any
    marker: str | None = None         # comment text opening the reverse sweep
    may_alias: Callable[[str], frozenset] = frozenset  # name -> names that may share its memory
    shapes: dict = field(default_factory=dict)  # the primal's names of one known shape -> it
    shapes_used: bool = False         # did a pass rely on `shapes`? (then the code is specialised)


def blocks(stmts):
    """Every statement list in `stmts`, outermost first."""
    yield stmts
    for s in stmts:
        for part in ("body", "orelse"):
            sub = getattr(s, part, None)
            if isinstance(sub, list) and sub:
                yield from blocks(sub)


def is_generated(name: str) -> bool:
    return name.startswith("_") or name.endswith(("_bar", "_dot")) or "_bar_" in name


def use_counts(fn: N.FunctionDef) -> tuple[dict, dict]:
    """How often each name is read, and how often assigned, in `fn`."""
    loads: dict[str, int] = {}
    stores: dict[str, int] = {}
    for node in N.walk(fn):
        if isinstance(node, N.Name):
            table = loads if isinstance(node.ctx, N.Load) else stores
            table[node.id] = table.get(node.id, 0) + 1
    return loads, stores


def changed_by(s) -> set:
    """Names `s` may change: those it assigns, the array it stores into
    (`g[i] = 0.0`), the receiver of a method called for its effect
    (`lst.append(v)`), and whatever a function called for its effect is
    given (`_rt.add_at(g, i, v)`)."""
    changed = set(N.names_stored(s))
    updated = N.updated_name(s) if isinstance(s, N.Assign) else None
    if updated is not None:
        changed.add(updated)
    if isinstance(s, N.Expr) and isinstance(s.value, N.Call):
        func = s.value.func
        if isinstance(func, N.Attribute) and isinstance(func.value, N.Name) and not func.value.id.startswith("_rt"):
            changed.add(func.value.id)  # `lst.append(v)` changes lst, not v
        else:
            for a in s.value.args:
                changed |= N.names_loaded(a)
    return changed


def fill_empty(stmts) -> None:
    for s in stmts:
        if isinstance(s, N.If):
            fill_empty(s.body)
            fill_empty(s.orelse)
            if not s.body:
                s.body = [N.pass_()]
        elif isinstance(s, (N.For, N.While)):
            fill_empty(s.body)
            if not s.body:
                s.body = [N.pass_()]


def method_call(value, receiver: str, method: str) -> bool:
    """Is `value` the call `receiver.method(...)`?"""
    return (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == method and N.is_name(value.func.value, receiver))


def runtime_helper(expr) -> str | None:
    """The name of the runtime helper `expr` calls (generated code names the
    runtime module `_rt...`), or None."""
    if (isinstance(expr, N.Call) and isinstance(expr.func, N.Attribute)
            and isinstance(expr.func.value, N.Name) and expr.func.value.id.startswith("_rt")):
        return expr.func.attr
    return None
