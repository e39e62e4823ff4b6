"""Comprehensions, generator expressions and dict iteration as plain loops.

For differentiation a comprehension is the loop it abbreviates:

    ys = [f(v) for v in xs if v > 0]        _t0 = []
                                            for v in xs:
                                                if v > 0:
                                                    _t0.append(f(v))
                                            ys = _t0

A generator expression is evaluated the same way, eagerly (its values are
the same; only when they are computed differs), and a dict comprehension
collects `(key, value)` pairs for `dict(...)`, whose rules send each
value's derivative to the pair that set it. A list updated with `append`
is differentiated as such (derive/containers.py).

Comprehension variables do not leak in Python: one whose name the function
uses elsewhere is renamed first. Iterating a dict's `keys()`, `values()`
or `items()` becomes a loop over its keys that reads `d[key]`, so values
are read by indexing, which has a derivative; the keys have none.

These functions build raw statements; normalize.py normalizes them.
"""
from __future__ import annotations

from . import nodes as N

LOWERED = (N.ListComp, N.GeneratorExp, N.DictComp)
DICT_VIEWS = ("keys", "values", "items")


def rename_targets(comp, fn, fresh) -> set[str]:
    """Rename, inside `comp`, the variables it binds that `fn` also uses
    outside it; `fresh(name)` gives a new name. Returns the names bound."""
    inside = {id(n) for n in N.walk(comp)}
    outside = {n.id for n in N.walk(fn) if isinstance(n, N.Name) and id(n) not in inside}
    bound = set()
    for gen in comp.generators:
        bound |= N.names_stored(gen.target)
    mapping = {name: fresh(name) for name in sorted(bound & outside)}
    N.rename(comp, mapping)
    return {mapping.get(name, name) for name in bound}


def lower(comp, result: str, inherit) -> list:
    """Statements that build the list `result` (of pairs, for a dict comprehension)."""
    if isinstance(comp, N.DictComp):
        entry = N.tuple_([comp.key, comp.value])
    else:
        entry = comp.elt
    body = [inherit(N.expr_stmt(N.call(N.attr(N.load(result), "append"), [entry])))]
    for gen in reversed(comp.generators):
        for test in reversed(gen.ifs):
            body = [inherit(N.if_(test, body))]
        loop = N.For(target=gen.target, iter=gen.iter, body=body, orelse=[], type_comment=None)
        body = [inherit(loop)]
    return [inherit(N.assign(result, N.List(elts=[], ctx=N.Load())))] + body


def dict_view(it):
    """`d` and the view for `d.keys()`, `d.values()`, `d.items()`; else None."""
    if (isinstance(it, N.Call) and isinstance(it.func, N.Attribute) and not it.args
            and not it.keywords and it.func.attr in DICT_VIEWS):
        return it.func.value, it.func.attr
    return None


def over_keys(loop, mapping, view: str, key: str, inherit):
    """`for k, v in d.items(): body` -> `for k in list(d.keys()): v = d[k]; body`
    (`mapping` a name; `key` the loop variable when the target is no key)."""
    target = loop.target
    if view == "keys":
        key_target, value_target = target, None
    elif view == "values":
        key_target, value_target = N.store(key), target
    elif isinstance(target, N.Tuple) and len(target.elts) == 2:
        key_target, value_target = target.elts
    else:
        return None
    if not isinstance(key_target, N.Name):
        return None
    keys = N.call(N.load("list"), [N.call(N.attr(N.copy(mapping), "keys"))])
    body = list(loop.body)
    if value_target is not None:
        read = N.Subscript(value=N.copy(mapping), slice=N.load(key_target.id), ctx=N.Load())
        body.insert(0, inherit(N.Assign(targets=[value_target], value=read, type_comment=None)))
    return inherit(N.For(target=N.store(key_target.id), iter=keys, body=body,
                         orelse=loop.orelse, type_comment=None))
