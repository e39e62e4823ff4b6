"""Nested `def`s and lambdas, inlined where they are called.

A function defined inside the differentiated one (or a lambda bound to a
name) is not a helper with its own derivative: its body is copied to each
call site, with its locals renamed and its parameters bound to the call's
arguments, and then normalized like the rest of the enclosing function. So
the derivative flows into every variable the body reads from the enclosing
scope, loop-invariant or not, and free variables are read when the call
runs, which is Python's (late) binding of closures. Defaults are evaluated
where the `def` runs, as Python does.

What cannot be inlined is refused: a nested function used as a value
(returned, stored, passed to `map` or `sorted`), called before its `def`
or outside the block that defines it, defined twice, decorated, or
recursive.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from ..frontend import IR
from . import nodes as N

_SCOPES = (N.FunctionDef, N.Lambda, N.AsyncFunctionDef)


@dataclass
class LocalFunction:
    """A nested `def` (or named lambda), as its `def` statement left it."""

    name: str
    fn: N.FunctionDef            # the raw definition; a lambda as `def name(...): return body`
    node: N.AST                  # the `def` or the lambda, for error locations
    defaults: dict = field(default_factory=dict)   # param -> atom evaluated at the `def`


def walk_scope(node):
    """The nodes of `node`'s own scope: nested functions and lambdas are
    yielded but not entered (their defaults and decorators are)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if n is not node and isinstance(n, _SCOPES):
            args = n.args
            todo += [d for d in args.defaults + args.kw_defaults if d is not None]
            todo += list(getattr(n, "decorator_list", []))
            continue
        todo += list(N.iter_child_nodes(n))


def scope_locals(fn) -> set[str]:
    """Names local to `fn`: its parameters, what its own body binds and the
    functions it defines (not the locals of those)."""
    names = set(N.param_names(fn))
    for n in walk_scope(fn):
        if n is fn:
            continue
        if isinstance(n, N.Name) and isinstance(n.ctx, N.Store):
            names.add(n.id)
        elif isinstance(n, (N.FunctionDef, N.AsyncFunctionDef)):
            names.add(n.name)
    return names


def has_nested_scopes(fn) -> bool:
    return any(isinstance(n, _SCOPES) for n in walk_scope(fn) if n is not fn)


def from_lambda(name: str, lam: N.Lambda, ir: IR) -> N.FunctionDef:
    """`name = lambda t: e` as `def name(t): return e`, located at the lambda."""
    ret = ir.inherit(N.Return(value=lam.body), lam.body)
    fn = N.FunctionDef(name=name, args=lam.args, body=[ret], decorator_list=[],
                       returns=None, type_comment=None, type_params=[])
    return ir.inherit(fn, lam)


def copy_located(node, ir: IR):
    """A deep copy of `node` whose nodes report the user positions of the originals."""
    new = N.copy(node)
    for old, fresh in zip(N.walk(node), N.walk(new)):
        ir.inherit(fresh, old)
    return new


def signature(fn: N.FunctionDef, defaults: dict) -> inspect.Signature:
    """The nested function's signature, each default the atom its `def` evaluated."""
    args = fn.args
    P = inspect.Parameter
    params = []
    positional = args.posonlyargs + args.args
    first_default = len(positional) - len(args.defaults)
    for k, a in enumerate(positional):
        kind = P.POSITIONAL_ONLY if k < len(args.posonlyargs) else P.POSITIONAL_OR_KEYWORD
        default = defaults[a.id] if k >= first_default else P.empty
        params.append(P(a.id, kind, default=default))
    if args.vararg is not None:
        params.append(P(args.vararg.id, P.VAR_POSITIONAL))
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        params.append(P(a.id, P.KEYWORD_ONLY, default=defaults[a.id] if d is not None else P.empty))
    if args.kwarg is not None:
        params.append(P(args.kwarg.id, P.VAR_KEYWORD))
    return inspect.Signature(params)


def default_exprs(fn: N.FunctionDef) -> list[tuple[str, N.expr]]:
    """(parameter, default expression), in the order Python evaluates them."""
    args = fn.args
    positional = args.posonlyargs + args.args
    out = list(zip([a.id for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    out += [(a.id, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return out


class Inlining:
    """The Normalizer's part that defines nested functions and inlines
    their calls (mixed into `normalize.Normalizer`, whose `atom`, `emit`,
    `reject` and namer it uses)."""

    def _local_function_names(self) -> set[str]:
        """Names bound here by a `def` or `name = lambda ...`, each bound once."""
        bindings: dict[str, list] = {}
        functions = set()
        for n in walk_scope(self.fn):
            if n is self.fn:
                continue
            if isinstance(n, N.FunctionDef):
                bindings.setdefault(n.name, []).append(n)
                functions.add(n.name)
            elif isinstance(n, N.Name) and isinstance(n.ctx, N.Store):
                bindings.setdefault(n.id, []).append(n)
            elif (isinstance(n, N.Assign) and isinstance(n.value, N.Lambda)
                  and len(n.targets) == 1 and isinstance(n.targets[0], N.Name)):
                functions.add(n.targets[0].id)
        for name in sorted(functions):
            if len(bindings[name]) > 1:
                later = sorted(bindings[name], key=lambda n: (n.lineno, n.col_offset))[1]
                raise self.reject(later, f"binding the name `{name}` of a nested "
                                  "function twice", "give each function and value its own name")
        return functions

    def stmt_FunctionDef(self, s):
        if s.decorator_list:
            raise self.reject(s.decorator_list[0], "decorators on nested functions",
                              "define the decorated function at module level")
        return self.define(s.name, s, s), False

    def define(self, name: str, fn: N.FunctionDef, node) -> list:
        """Evaluate the defaults now, as Python does, and make `name` callable."""
        pre: list = []
        defaults = {}
        for param, expr in default_exprs(fn):
            value = self.atom(expr, pre)
            if isinstance(value, N.Name) and value.id in N.names_stored(self.fn):
                temp = self.namer.fresh("_t")  # a snapshot: the variable may change later
                pre.append(self.emit(temp, value, expr))
                value = N.load(temp)
            defaults[param] = value
        self.visible[name] = LocalFunction(name, fn, node, defaults)
        return pre

    def check_not_function_value(self, e) -> None:
        if isinstance(e, N.Name) and e.id in self.function_names:
            raise self.reject(e, f"using the nested function `{e.id}` as a value",
                              "call it directly in this function: tangentish inlines nested "
                              "functions at their calls (for `map`, `sorted(key=...)` and the "
                              "like, write the loop out)")
        if isinstance(e, N.Lambda):
            raise self.reject(e, "a lambda used as a value (passed on or stored in a container)",
                              "bind it to a name and call it here (`f = lambda t: ...; f(x)`), "
                              "or write the loop out instead of passing it to `map` or `sorted`")

    def local_callee(self, e: N.Call) -> LocalFunction | None:
        """The nested function or lambda `e` calls, or None for any other call."""
        func = e.func
        if isinstance(func, N.Lambda):
            return LocalFunction("<lambda>", from_lambda("<lambda>", func, self.ir), func,
                                 self._immediate_defaults(func))
        if not isinstance(func, N.Name) or func.id not in self.function_names:
            return None
        if func.id not in self.visible:
            raise self.reject(e, f"calling the nested function `{func.id}` before its definition "
                              "or outside the block that defines it",
                              f"define `{func.id}` before this call, in the same block or an "
                              "enclosing one")
        return self.visible[func.id]

    def _immediate_defaults(self, lam) -> dict:
        pre: list = []
        values = {p: self.atom(d, pre) for p, d in default_exprs(lam)}
        if pre:
            raise self.reject(lam, "a lambda called in place whose defaults are computed",
                              "bind the lambda to a name first")
        return values

    def inline(self, local: LocalFunction, e: N.Call, pre: list):
        """The body of `local` at this call: (statements into `pre`, result op)."""
        if local in self.inlining or any(f.fn is local.fn for f in self.inlining):
            raise self.reject(e, f"the recursive nested function `{local.name}`",
                              "define it at module level: tangentish differentiates recursion "
                              "with a depth that does not depend on the differentiated values")
        args = self._bind(local, e, pre)
        fn = copy_located(local.fn, self.ir)
        own = scope_locals(fn)
        substituted = {} if has_nested_scopes(fn) else {
            p: a for p, a in args.items()
            if p not in N.names_stored(fn) and (isinstance(a, N.Name) or p not in N.names_updated(fn))}
        renamed = {v: self._inline_name(v) for v in sorted(own - set(substituted))}
        N.rename(fn, renamed)
        for n in N.walk(fn):
            if isinstance(n, N.FunctionDef) and n is not fn and n.name in renamed:
                n.name = renamed[n.name]
        body = N.substitute(N.module(fn.body), {renamed.get(p, p): a for p, a in substituted.items()}).body
        fn.body = body
        for p, a in args.items():
            if p not in substituted:
                pre.append(self.emit(renamed[p], a, e))
        fn.args = N.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                              kwarg=None, defaults=[])
        self.inlining.append(local)
        try:
            sub = type(self)(self.ir, self.namer, fn, parent=self)
            # a parameter bound to a copy may still be the caller's array
            sub.shared |= {renamed[p] for p in args if p not in substituted}
            sub.check_supported()
            stmts, result = sub.lower(as_op=True)
        finally:
            self.inlining.pop()
        pre += stmts
        return result

    def _inline_name(self, name: str) -> str:
        """The user's name for an inlined local if nothing else uses it, else a numbered one."""
        root = self.root
        if name not in root.outer_names and name not in root.claimed:
            root.claimed.add(name)
            self.namer.reserve([name])
            return name
        new = self.namer.unique(name)
        root.claimed.add(new)
        return new

    def _bind(self, local: LocalFunction, e: N.Call, pre: list) -> dict:
        """Parameter -> atom for this call, evaluated left to right."""
        for a in e.args:
            if isinstance(a, N.Starred):
                raise self.reject(a, f"star unpacking in a call to the nested function `{local.name}`",
                                  "pass the arguments one by one")
        if any(k.arg is None for k in e.keywords):
            raise self.reject(e, f"double-star unpacking in a call to the nested function `{local.name}`",
                              "pass keywords one by one")
        positional = [self.atom(a, pre) for a in e.args]
        keywords = {k.arg: self.atom(k.value, pre) for k in e.keywords}
        sig = signature(local.fn, local.defaults)
        try:
            bound = sig.bind(*positional, **keywords)
        except TypeError as exc:
            raise self.reject(e, f"this call to `{local.name}` ({exc})",
                              "pass the arguments the nested function takes") from None
        bound.apply_defaults()
        out = {}
        for name, value in bound.arguments.items():
            kind = sig.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                value = self.atom(N.tuple_(list(value)), pre)
            elif kind is inspect.Parameter.VAR_KEYWORD:
                value = self.atom(N.Dict(keys=[N.const(k) for k in value], values=list(value.values())), pre)
            out[name] = value
        return out
