"""State shared by the forward and reverse generators for one function.

It owns the Namer, the table of objects the generated function sees as
closure variables (`_rt`, rule globals, derivatives of helpers), and the
error messages that point at the user's line.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from .. import runtime
from ..errors import NoRuleError, UnsupportedSyntaxError
from ..frontend import IR, _MISSING
from ..ir import nodes as N
from ..ir.naming import Namer
from .calls import Op, resolve
from .inline import BindError, Inliner


@dataclass
class Derived:
    """A compiled derivative of a helper, as the caller needs it."""
    function: Callable
    source: str
    name: str
    helpers: list = field(default_factory=list, compare=False)


@dataclass
class Context:
    ir: IR
    namer: Namer
    wrt: list[str]
    mode: str                              # "forward" | "reverse"
    derive_helper: Callable                # (func, mode, wrt positions) -> Derived
    injected: dict = field(default_factory=dict)    # closure name -> object
    helpers: list = field(default_factory=list)     # Derived, for display

    def __post_init__(self):
        self.local_names = N.names_stored(self.ir.fn) | set(self.ir.params)
        self.inliner = Inliner(self.namer, self.global_ref, self.object_ref)
        self._ids: dict[int, str] = {}

    # ------------------------------------------------------------ names
    def global_ref(self, name: str, obj) -> N.expr:
        if name == "_rt":
            obj = runtime
        if name not in self.local_names and self.ir.namespace.lookup(name) is obj:
            return N.load(name)
        return N.load(self._inject(name, obj))

    def object_ref(self, obj) -> N.expr:
        base = getattr(obj, "__name__", "obj")
        return N.load(self._inject("_" + base.strip("_<>"), obj))

    def _inject(self, name: str, obj) -> str:
        if id(obj) in self._ids:
            return self._ids[id(obj)]
        chosen = name if name not in self.namer.taken else self.namer.unique("_" + name.lstrip("_") if name == "_rt" else name)
        self.namer.reserve([chosen])
        self.injected[chosen] = obj
        self._ids[id(obj)] = chosen
        return chosen

    @property
    def rt(self) -> N.expr:
        return self.global_ref("_rt", runtime)

    def rt_call(self, helper: str, *args) -> N.Call:
        return N.call(N.attr(self.rt, helper), list(args))

    def zeros_like(self, name: str) -> N.Call:
        return self.rt_call("zeros_like", N.load(name))

    # ------------------------------------------------------------ ops
    def op(self, stmt) -> Op:
        return resolve(stmt.value, self.ir, self.local_names)

    def varied_args(self, op: Op, varied) -> list[int]:
        return [k for k, a in enumerate(op.args) if isinstance(a, N.Name) and a.id in varied]

    def check_keywords(self, stmt, op: Op, varied) -> None:
        for name, value in op.kwargs.items():
            if isinstance(value, N.Name) and value.id in varied:
                raise self.ir.error(
                    UnsupportedSyntaxError, "a differentiable value passed by keyword",
                    stmt, f"{name}={value.id}",
                    f"pass `{value.id}` positionally to `{op.label.split('(')[0]}`")

    def no_rule(self, stmt, op: Op, extra: str = "") -> NoRuleError:
        decorator = "register_adjoint" if self.mode == "reverse" else "register_tangent"
        fn = getattr(op.fn, "__name__", None) or op.label.split("(")[0]
        why = op.why or f"`{fn}` has no {self.mode}-mode derivative rule"
        hint = op.hint or (f"register one with @tangentish.{decorator}({fn}), or compute "
                           "this value outside the differentiated function")
        return self.ir.error(NoRuleError, f"cannot differentiate: {why}{extra}", stmt,
                             op.label, hint)

    def expand(self, stmt, op: Op, rule, extra: dict):
        try:
            return self.inliner.expand(rule, op.args, op.kwargs, extra)
        except BindError as exc:
            raise self.no_rule(stmt, op, f" with these arguments ({exc})") from None

    # ------------------------------------------------------------ helpers
    def helper(self, stmt, op: Op, varied) -> tuple[N.expr, list, list[int]]:
        """The derivative of a user helper, and its call's positional args."""
        fn = op.fn
        try:
            sig = inspect.signature(fn)
            bound = sig.bind(*op.args, **op.kwargs)
        except TypeError as exc:
            raise self.ir.error(UnsupportedSyntaxError, f"bad call to {fn.__name__} ({exc})",
                                stmt, op.label) from None
        bound.apply_defaults()
        params = list(sig.parameters.values())
        if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
            raise self.ir.error(UnsupportedSyntaxError,
                                "calling a helper with *args, **kwargs or keyword-only parameters",
                                stmt, op.label, "give the helper plain parameters")
        args = [bound.arguments[p.name] for p in params]
        args = [a if isinstance(a, N.AST) else self.inliner.literal(a) for a in args]
        wrt = [k for k, a in enumerate(args) if isinstance(a, N.Name) and a.id in varied]
        derived = self.derive_helper(fn, self.mode, tuple(wrt), self.ir, stmt)
        if derived not in self.helpers:
            self.helpers.append(derived)
        name = self._inject(derived.name, derived.function)
        return N.load(name), args, wrt
