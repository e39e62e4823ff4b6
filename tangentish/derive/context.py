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
from ..analysis.aliases import Aliases
from ..errors import NoRuleError, UnsupportedSyntaxError
from ..frontend import IR, _MISSING
from ..ir import nodes as N
from ..ir.naming import Namer
from ..rules import operand_params, seed_params
from .binding import bind_call
from .calls import Op, index_value, resolve
from .inline import BindError, Inliner


SELF = "self"  # what `derive_helper` gives for a function calling itself


@dataclass
class Derived:
    """A compiled derivative: the function, its source, and what it assumed."""
    function: Callable
    source: str
    name: str
    helpers: list = field(default_factory=list, compare=False)
    # (read the binding now, attribute path, object seen at transformation):
    # helper functions and closure values the generated code was built against
    guards: list = field(default_factory=list, compare=False)
    # parameters an in-place update inside the function may change
    updates_params: tuple = field(default=(), compare=False)
    dims: tuple | None = None       # the argument shapes it is specialised on
    shape_free: bool = False        # the same code for arguments of any shape

    def valid(self) -> bool:
        """Do all bindings the derivative was built against still hold?"""
        for base, path, obj in self.guards:
            try:
                value = base()
            except (KeyError, ValueError):
                return False
            for part in path:
                value = getattr(value, part, _MISSING)
            if value is not obj:
                return False
        return True


@dataclass
class Context:
    ir: IR
    namer: Namer
    wrt: list[str]
    mode: str                              # "forward" | "forward-vector" | "reverse"
    derive_helper: Callable                # (func, mode, wrt positions, caller, stmt, kinds) -> Derived
    injected: dict = field(default_factory=dict)    # closure name -> object
    helpers: list = field(default_factory=list)     # Derived, for display
    guards: list = field(default_factory=list)      # see Derived.guards
    aliases: Aliases = field(default_factory=Aliases)
    kinds: dict = field(default_factory=dict)       # name -> container kind (analysis/kinds.py)
    # (stmt, name) -> the shape of a variable on entry to stmt, if known
    dims_before: Callable = lambda stmt, name: None

    def __post_init__(self):
        self.local_names = N.names_stored(self.ir.fn) | set(self.ir.params)
        self.inliner = Inliner(self.namer, self.global_ref, self.object_ref)
        self._ids: dict[int, str] = {}
        self._own_name: str | None = None
        self.recursive = False
        self.guard_inits: set[str] = set()   # see sharing_guard

    def own_name(self) -> str:
        """The generated function's name (`f_vjp`, `f_jvp`, `f_jvp_vec`), which a recursive call uses."""
        if self._own_name is None:
            suffix = {"forward": "jvp", "forward-vector": "jvp_vec"}.get(self.mode, "vjp")
            self._own_name = self.namer.unique(f"{self.ir.name}_{suffix}")
        return self._own_name

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
        """A closure variable of the generated function bound to `obj`."""
        if id(obj) in self._ids:
            return self._ids[id(obj)]
        chosen = self.namer.unique(name)  # `name`, or `name_` if the user has one
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
        op = resolve(stmt.value, self.ir, self.local_names, self.kinds)
        if op.kind == "rule" and op.kwargs:
            self._positionalize(op)
        return op

    def _positionalize(self, op: Op) -> None:
        """Move keyword arguments that name a rule's positional slots into args,
        so `np.maximum(x, y=z)` differentiates like `np.maximum(x, z)`."""
        if op.rule.partials is None and op.rule.vjp is None and op.rule.jvp is None:
            return
        params = [p for p in operand_params(op.rule)
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]  # not keyword-only
        names = [p.name for p in params]
        slots = [names.index(k) for k in op.kwargs if k in names]
        if not slots:
            return
        args = list(op.args)
        for k in range(len(args), max(slots) + 1):
            p = params[k]
            if p.name in op.kwargs:
                args.append(op.kwargs.pop(p.name))
            elif p.default is not inspect.Parameter.empty:
                args.append(self.inliner.literal(p.default))
            else:
                return
        op.args = args

    def varied_args(self, op: Op, varied) -> list[int]:
        return [k for k, a in enumerate(op.args) if isinstance(a, N.Name) and a.id in varied]

    def inplace_guard(self, stmt, live_after) -> list:
        """`_rt.not_in_place(x, where)` before a lowered `x += e` that may alias:
        none where no name that may share x's memory is read afterwards (nor
        is a parameter, the caller's), so no one sees that x is a new array."""
        origin = self.ir.inplace_checks.get(stmt)
        if origin is None:
            return []
        x = N.assigned_name(stmt)
        known = bool(self.aliases.classes)  # worked out where something is updated in place
        if known and not (self.aliases.may_alias(x) - {x}) & (live_after | set(self.ir.params)):
            return []
        return [N.expr_stmt(self.rt_call("not_in_place", N.load(N.assigned_name(stmt)),
                                         N.const(origin.file), N.const(origin.line)))]

    def private_copies(self, names) -> list:
        """`x = _rt.private_copy(x)`: the caller's arrays are never updated."""
        return [N.assign(n, self.rt_call("private_copy", N.load(n))) for n in names]

    def sharing_guard(self, stmt, live_after, bound) -> list:
        """`_rt.not_shared(...)` before `x[i] = v` if a live name may view x.
        Names it passes that some path leaves unassigned here start as None
        (`guard_inits`): not an array, so they share nothing."""
        x = N.updated_name(stmt)
        others = sorted((self.aliases.may_alias(x) - {x}) & live_after)
        self.guard_inits |= {o for o in others if o not in bound and o not in self.ir.params}
        origin = self.ir.origin(stmt)
        if not others or origin is None:
            return []
        index = index_value(stmt.targets[0].slice)
        return [N.expr_stmt(self.rt_call(
            "not_shared", N.load(x), index, N.tuple_([N.const(self.ir.describe(o)) for o in others]),
            N.const(origin.file), N.const(origin.line), *[N.load(o) for o in others]))]

    def check_effect_call(self, stmt, varied) -> None:
        """Reject `f(x)` used as a statement when x is active: unless f is a
        known pure function, it may update x in place, which no rule sees."""
        if not isinstance(stmt, N.Expr) or not isinstance(stmt.value, N.Call):
            return
        op = resolve(stmt.value, self.ir, self.local_names, self.kinds)
        names = set()
        for a in list(op.args) + list(op.kwargs.values()):
            names |= N.names_loaded(a)
        if isinstance(stmt.value.func, N.Attribute):
            names |= N.names_loaded(stmt.value.func.value)
        if not (names & varied) or op.kind in ("nondiff", "const"):
            return
        if op.kind == "rule":
            return  # a pure NumPy/math function whose result is discarded
        raise self.ir.error(
            UnsupportedSyntaxError, "a call made for its side effects on a differentiable value",
            stmt, op.label, "tangentish cannot see in-place updates; assign the result to a "
                            "variable instead (e.g. `y = f(x)`)")

    def check_keywords(self, stmt, op: Op, varied) -> None:
        for name, value in op.kwargs.items():
            if isinstance(value, N.Name) and value.id in varied:
                raise self.ir.error(
                    UnsupportedSyntaxError, "a differentiable value passed by keyword",
                    stmt, f"{name}={value.id}",
                    f"pass `{value.id}` positionally to `{op.label.split('(')[0]}`")

    def no_rule(self, stmt, op: Op, extra: str = "") -> NoRuleError:
        reverse = self.mode == "reverse"
        decorator = "register_adjoint" if reverse else "register_tangent"
        written = op.label.split("(")[0]
        fn = written if written.replace(".", "").replace("_", "").isalnum() else (
            getattr(op.fn, "__name__", None) or written)
        why = op.why or f"`{fn}` has no {'reverse' if reverse else 'forward'}-mode derivative rule"
        hint = op.hint or (f"register one with @tangentish.{decorator}({fn}), or compute "
                           "this value outside the differentiated function")
        return self.ir.error(NoRuleError, f"cannot differentiate: {why}{extra}", stmt,
                             op.label, hint)

    def expand(self, stmt, op: Op, rule, ans: N.expr, g: N.expr | None = None):
        """Inline `rule` for this call. vjp/jvp rules take (g, ans) first,
        whatever they call them; partials take `ans` only if they name it."""
        if rule is op.rule.partials:
            extra = {"ans": ans} if "ans" in inspect.signature(rule).parameters else {}
        else:
            g_name, ans_name = seed_params(rule)
            extra = {g_name: g, ans_name: ans}
        # the tangent of a function returning a tuple is one tuple (rules.returns)
        whole = rule is op.rule.jvp and op.rule.outputs is not None
        try:
            return self.inliner.expand(rule, op.args, op.kwargs, extra, whole)
        except BindError as exc:
            raise self.no_rule(stmt, op, f" with these arguments ({exc})") from None

    # ------------------------------------------------------------ helpers
    def _arg_dims(self, stmt, args: list) -> tuple | None:
        """The shapes of a helper's arguments here, to specialise it on."""
        found = tuple(self.dims_before(stmt, a.id) if isinstance(a, N.Name)
                      else () if N.is_number(a) else None for a in args)
        return found if any(d is not None for d in found) else None

    def live_binding(self, name: str):
        """A function reading the current binding of a free name, or None."""
        func = self.ir.func
        code = getattr(func, "__code__", None)
        if code is not None and name in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index(name)]
            return lambda: cell.cell_contents
        globals_ = self.ir.namespace.globals
        if name in globals_:
            return lambda: globals_[name]
        return None

    def helper(self, stmt, op: Op, varied) -> tuple[N.expr, list, list[str]]:
        """The derivative of a user helper, the arguments of its call (one
        per parameter of the helper, in order) and the names of the
        differentiable ones, in the order of its `wrt`."""
        fn = op.fn
        binding = bind_call(fn, op.args, op.kwargs, varied, self.kinds, self.inliner.literal)
        if isinstance(binding, str):
            raise self.ir.error(UnsupportedSyntaxError, binding, stmt, op.label,
                                f"pass each differentiable value to `{fn.__name__}` by name or "
                                "position")
        args, wrt, param_kinds = binding.args, binding.wrt, binding.kinds
        dims = self._arg_dims(stmt, args) if args is not None else None
        if args is None:  # bound when the call runs
            args = [N.Starred(value=self.rt_call("arguments", self.object_ref(fn), *binding.runtime),
                              ctx=N.Load())]
        positions = tuple(k for k, _ in wrt)
        names = [name for _, name in wrt]
        derived = self.derive_helper(fn, self.mode, positions, self.ir, stmt,
                                     tuple(sorted(param_kinds.items())), dims)
        if derived is SELF:  # recursion: the generated function calls itself
            self.recursive = True
            return N.load(self.own_name()), args, names
        if derived.updates_params:
            # the derivative works on a private copy, the primal on the caller's
            # array: the two would see different values
            name = derived.updates_params[0]
            raise self.ir.error(
                UnsupportedSyntaxError,
                f"a call to `{fn.__name__}`, which changes its parameter '{name}' in place",
                stmt, op.label, f"inside `{fn.__name__}`, update a copy (`{name}2 = {name}.copy()`) "
                "and return it")
        if derived not in self.helpers:
            self.helpers.append(derived)
        self.guards.extend(derived.guards)
        path, base = [], stmt.value.func if isinstance(stmt.value, N.Call) else None
        while isinstance(base, N.Attribute):
            path.insert(0, base.attr)
            base = base.value
        # a method of a record is found through its class, part of the cache key
        getter = (self.live_binding(base.id)
                  if isinstance(base, N.Name) and base.id not in self.local_names else None)
        if getter is not None:
            callee = self.ir.namespace.resolve(stmt.value.func, self.local_names)
            self.guards.append((getter, tuple(path), callee))
        name = self._inject(derived.name, derived.function)
        return N.load(name), args, names
