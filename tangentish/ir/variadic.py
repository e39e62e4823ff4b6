"""Calls that unpack (`g(*args)`, `g(x, **kw)`) or reach a helper's
`*args`/`**kwargs` parameters, in normal form.

Only calls of the user's own functions may unpack: their derivative is
generated with every parameter taken positionally in signature order (a
`*args` parameter as one tuple, a `**kwargs` one as one dict), so the
derivative of a call needs one value per parameter. The normal form makes
that easy to read off: arguments that land in the callee's `*args` or
`**kwargs` are packed where the call is (`_t0 = (a, b)` then `g(x, *_t0)`),
so a call is `g(atom*, *atom?, k=atom*, **atom?)`. How the unpacked values
bind is then decided in derive/context.py (statically when they land on
`*args`/`**kwargs` whole, at run time otherwise).
"""
from __future__ import annotations

import inspect

from ..frontend import _MISSING, is_library, target
from . import nodes as N


def user_function(obj):
    """The user's Python function a call reaches (through transparent
    decorators), or None for NumPy, builtins, rules and tangentish wrappers."""
    from ..rules import lookup
    if obj is _MISSING or lookup(obj) is not None or hasattr(obj, "__tangentish_wrapper__"):
        return None
    fn = target(obj)
    if lookup(fn) is None and inspect.isfunction(fn) and not is_library(fn):
        return fn
    return None


class VariadicCalls:
    """Mixed into `normalize.Normalizer` (uses its `atom`, `reject`, `ir`)."""

    def call_arguments(self, e: N.Call, pre: list) -> tuple[list, list]:
        """(positional atoms, keywords) of `e` in normal form."""
        callee = user_function(self.ir.namespace.resolve(e.func, self.locals))
        starred = [a for a in e.args if isinstance(a, N.Starred)]
        dstarred = [k for k in e.keywords if k.arg is None]
        if callee is None and (starred or dstarred):
            what = "star unpacking" if starred else "double-star unpacking"
            raise self.reject(starred[0] if starred else e, f"{what} in a call to a function "
                              "that is not defined in Python by the user",
                              "pass the arguments one by one")
        if len(starred) > 1 or (starred and e.args[-1] is not starred[0]) or len(dstarred) > 1:
            raise self.reject(e, "more than one star unpacking in a call, or arguments after one",
                              "pack the arguments into one tuple (or dict) first")
        args = [N.Starred(value=self.atom(a.value, pre), ctx=N.Load()) if isinstance(a, N.Starred)
                else self.atom(a, pre) for a in e.args]
        kws = [N.keyword(arg=k.arg, value=self.atom(k.value, pre)) for k in e.keywords]
        if callee is not None:
            args, kws = self._pack(callee, args, kws, pre, e)
        return args, kws

    def _pack(self, callee, args: list, kws: list, pre: list, e) -> tuple[list, list]:
        """Pack the arguments that land in the callee's `*args` / `**kwargs`."""
        params = list(inspect.signature(callee).parameters.values())
        P = inspect.Parameter
        named = [p for p in params if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]
        has_star = any(p.kind is P.VAR_POSITIONAL for p in params)
        has_dstar = any(p.kind is P.VAR_KEYWORD for p in params)
        plain = [a for a in args if not isinstance(a, N.Starred)]
        if has_star and len(plain) == len(args) and len(plain) > len(named):
            packed = self.atom(self.ir.inherit(N.tuple_(plain[len(named):]), e), pre)
            args = plain[:len(named)] + [N.Starred(value=packed, ctx=N.Load())]
        keyword_names = {p.name for p in params if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)}
        extra = [k for k in kws if k.arg is not None and k.arg not in keyword_names]
        if has_dstar and extra and not any(k.arg is None for k in kws):
            packed = self.atom(self.ir.inherit(N.Dict(keys=[N.const(k.arg) for k in extra],
                                                      values=[k.value for k in extra]), e), pre)
            kws = [k for k in kws if k not in extra] + [N.keyword(arg=None, value=packed)]
        return args, kws
