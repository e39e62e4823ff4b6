"""Outputs the caller drops, left out of the generated function.

`hvp` keeps only the tangent of the gradient; the gradient itself, and
whatever only it needs, need not be computed. The generated function is
made for a mask of the outputs used (`live`: True, False, or a tuple of
masks for a returned tuple); its return gives None for the dropped ones
and dead-code elimination removes their computation.
"""
from __future__ import annotations

from collections import Counter

from ..ir import nodes as N


def drop_outputs(fn: N.FunctionDef, live) -> None:
    """Return None in place of the outputs `live` marks False."""
    if live is None or live is True:
        return
    stores = Counter(n.id for n in N.walk(fn)
                     if isinstance(n, N.Name) and not isinstance(n.ctx, N.Load))
    # tuples built once, from names bound once: a return may take them apart
    built = {s.targets[0].id: s.value for s in fn.body
             if isinstance(s, N.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], N.Name) and isinstance(s.value, N.Tuple)
             and stores[s.targets[0].id] == 1
             and all(stores[name] <= 1 for name in N.names_loaded(s.value))}
    for node in N.walk(fn):
        if isinstance(node, N.Return) and node.value is not None:
            node.value = _pruned(node.value, live, built)


def _pruned(expr, live, built: dict):
    if live is True:
        return expr
    if live is False:
        return N.Constant(value=None, kind=None)
    if isinstance(expr, N.Name) and expr.id in built:
        expr = N.copy(built[expr.id])
    if isinstance(expr, N.Tuple) and len(expr.elts) == len(live):
        return N.tuple_(_pruned(e, m, built) for e, m in zip(expr.elts, live))
    return expr
