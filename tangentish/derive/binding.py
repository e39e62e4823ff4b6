"""Which value each parameter of a user helper gets at a call.

A helper's derivative takes every parameter positionally, in signature
order (`*args` as one tuple, `**kwargs` as one dict), followed by the
seeds. A normal-form call (ir/variadic.py) binds statically unless it
unpacks a value that does not land whole on the helper's `*args` or
`**kwargs` (`g(*pair)` with `def g(a, b)`, `g(x, **options)` with
`def g(t, power=2)`): then `_rt.arguments` binds it when the call runs. A
derivative can flow only through values whose parameter is known when
the code is generated, so a differentiable value unpacked that way is
refused.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from ..analysis.kinds import is_container
from ..ir import nodes as N

P = inspect.Parameter


@dataclass
class Binding:
    args: list | None           # one expression per parameter, or None: bound at run time
    runtime: list | None        # for `_rt.arguments`: (positional, keywords, *unpacked, **unpacked)
    wrt: list = field(default_factory=list)       # (parameter position, differentiable name)
    kinds: dict = field(default_factory=dict)     # parameter -> container kind


def bind_call(fn, args: list, kwargs: dict, varied, kinds: dict, literal) -> Binding | str:
    """How a call `fn(*args, **kwargs)` (normal form; a `**` entry under the
    key None) binds, or what keeps it from being differentiated."""
    params = list(inspect.signature(fn).parameters.values())
    positional = [a for a in args if not isinstance(a, N.Starred)]
    star = next((a.value for a in args if isinstance(a, N.Starred)), None)
    keywords = {k: v for k, v in kwargs.items() if k is not None}
    dstar = kwargs.get(None)
    named = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
    vararg = next((p for p in params if p.kind is P.VAR_POSITIONAL), None)
    varkw = next((p for p in params if p.kind is P.VAR_KEYWORD), None)
    by_keyword = [p for p in params if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
    star_whole = star is None or (vararg is not None and len(positional) == len(named))
    dstar_whole = dstar is None or (varkw is not None and all(
        p.name in keywords or (p in named and named.index(p) < len(positional)) for p in by_keyword))
    active = lambda a: isinstance(a, N.Name) and a.id in varied  # noqa: E731
    if star_whole and dstar_whole:
        return _static(fn, params, positional, keywords, star, dstar, active, kinds, literal)
    index = {p.name: k for k, p in enumerate(params)}
    wrt = []
    for value, whole, param in ((star, star_whole, vararg), (dstar, dstar_whole, varkw)):
        if value is not None and active(value):
            if not whole:
                return (f"a differentiable value unpacked with a star into parameters of "
                        f"`{fn.__name__}` that are known only when the call runs")
            wrt.append((index[param.name], value.id))
    for k, a in enumerate(positional):
        if active(a):
            if k >= len(named):
                return f"a differentiable value passed to `{fn.__name__}` in `*{vararg.name}`"
            wrt.append((index[named[k].name], a.id))
    for name, a in keywords.items():
        if active(a):
            if name not in index or params[index[name]].kind not in (P.POSITIONAL_OR_KEYWORD,
                                                                      P.KEYWORD_ONLY):
                return f"a differentiable value passed to `{fn.__name__}` in `**{varkw.name}`"
            wrt.append((index[name], a.id))
    runtime = [N.tuple_(positional), _dict(keywords), star or N.tuple_([]), dstar or _dict({})]
    return Binding(None, runtime, sorted(wrt), _container_kinds(params, dict(wrt), kinds))


def _static(fn, params, positional, keywords, star, dstar, active, kinds, literal):
    try:
        bound = inspect.Signature(params).bind(*positional, **keywords)
    except TypeError as exc:
        return f"a call to `{fn.__name__}` with these arguments ({exc})"
    bound.apply_defaults()
    args = []
    for p in params:
        value = bound.arguments[p.name]
        if p.kind is P.VAR_POSITIONAL:
            value = star if star is not None else N.tuple_(list(value))
        elif p.kind is P.VAR_KEYWORD:
            value = dstar if dstar is not None else _dict(value)
        elif not isinstance(value, N.AST):
            value = literal(value)
        if not isinstance(value, (N.Name, N.Constant, N.Attribute)) and any(
                active(e) for e in N.walk(value)):
            return f"a differentiable value packed into `{fn.__name__}`'s `{p.name}` here"
        args.append(value)
    wrt = [(k, a.id) for k, a in enumerate(args) if active(a)]
    return Binding(args, None, wrt, {p.name: _kind(a, kinds) for p, a in zip(params, args)
                                     if is_container(_kind(a, kinds))})


def _kind(value, kinds: dict):
    if isinstance(value, N.Name):
        return kinds.get(value.id)
    if isinstance(value, N.Tuple):  # a `*args` packed here
        return ("tuple", tuple(_kind(e, kinds) for e in value.elts))
    return None


def _container_kinds(params, wrt: dict, kinds: dict) -> dict:
    return {params[k].name: kinds.get(name) for k, name in wrt.items() if is_container(kinds.get(name))}


def _dict(entries: dict) -> N.Dict:
    return N.Dict(keys=[N.const(k) for k in entries], values=list(entries.values()))
