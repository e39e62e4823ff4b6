"""Common subexpressions of the normal form, computed once.

`sqrt(x**2 + exp(x**2)) + cos(x**2 + exp(x**2))` flattens to four `x**2`
and two `exp` temporaries; the derivative would then repeat all of them,
and the adjoint sweep would accumulate into each. Value numbering over the
structured IR keeps the first computation and points the later temporaries
at it, so the normal form is the Wengert list a textbook draws.

Only pure operations are merged (arithmetic, comparisons, indexing,
attributes, and calls of functions with a derivative rule, which are
NumPy/math functions without side effects); only temporaries are replaced;
an entry dies as soon as one of its operands, or the name holding it, may
be reassigned, and loops are entered with the entries their body could
invalidate already removed.
"""
from __future__ import annotations

from typing import Callable

from . import nodes as N


def _key(value, pure_call: Callable) -> str | None:
    if isinstance(value, (N.BinOp, N.UnaryOp, N.Compare, N.Subscript, N.Attribute)):
        pass
    elif isinstance(value, N.Call):
        if not pure_call(value):
            return None
    else:
        return None
    return N.dump(value)


def _changed(node) -> set:
    """Names a statement (or any statement inside it) assigns or updates in place."""
    out = N.names_written(node)
    for sub in N.walk(node):
        out |= N.mutated_names(sub)
    return out


def eliminate_common_subexpressions(fn: N.FunctionDef, is_temp: Callable[[str], bool],
                                    pure_call: Callable) -> bool:
    """Rewrite `fn` in place; True if anything changed."""
    changed = False

    def drop(table: dict, names: set) -> dict:
        return {k: (v, deps) for k, (v, deps) in table.items()
                if v not in names and not (deps & names)}

    def block(stmts: list, table: dict) -> dict:
        nonlocal changed
        k = 0
        while k < len(stmts):
            s = stmts[k]
            target = N.assigned_name(s)
            if target is not None:
                key = _key(s.value, pure_call)
                if key is not None and key in table and is_temp(target):
                    keep = table[key][0]
                    rest = stmts[k + 1:]
                    for later in rest:
                        N.substitute(later, {target: N.load(keep)})
                    del stmts[k]
                    changed = True
                    continue
                table = drop(table, {target} | N.mutated_names(s))
                operands = N.names_loaded(s.value)
                # only temporaries keep values: a user variable may be reassigned
                # from the very expression it holds (`a = a / 2` after `a = x*y`)
                if key is not None and target not in operands and is_temp(target):
                    table[key] = (target, operands)
            elif N.updated_name(s) is not None:
                table = drop(table, {N.updated_name(s)})
            elif isinstance(s, (N.Assign, N.Expr)):  # `a, b = t`, `lst.append(v)`
                table = drop(table, _changed(s))
            elif isinstance(s, N.If):
                block(s.body, table)
                block(s.orelse, table)
                table = drop(table, _changed(s))
            elif isinstance(s, (N.For, N.While)):
                inside = _changed(s)
                block(s.body, drop(table, inside))
                table = drop(table, inside)
            k += 1
        return table

    block(fn.body, {})
    return changed
