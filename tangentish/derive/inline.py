"""Inline a rule's body into generated code, with its arguments bound.

A rule is a plain `def` whose body is a few assignments and a `return`.
Its parameters are replaced by the argument expressions at the call site,
its locals by fresh temporaries, and its free names (np, math, _rt) by
names that the generated function can see. The result is then folded
(`2 * x ** (2 - 1)` becomes `2 * x`) so derivative code reads as a person
would write it. A rule whose source is unavailable is called instead.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import operator
import textwrap
from dataclasses import dataclass
from typing import Callable

from ..ir import nodes as N


class BindError(TypeError):
    pass


@dataclass(frozen=True)
class Template:
    signature: inspect.Signature
    body: tuple            # statements before the return
    result: N.expr
    local_names: frozenset
    globals: dict


@functools.lru_cache(maxsize=None)
def template(rule: Callable) -> Template | None:
    try:
        source = textwrap.dedent(inspect.getsource(rule))
        fn = N.parse(source).body[0]
    except (OSError, TypeError, IndexError, SyntaxError):
        return None
    if not isinstance(fn, N.FunctionDef) or not fn.body or not isinstance(fn.body[-1], N.Return):
        return None
    body = [s for s in fn.body[:-1] if not (isinstance(s, N.Expr) and isinstance(s.value, N.Constant))]
    if not all(isinstance(s, N.Assign) and all(isinstance(t, N.Name) for t in s.targets) for s in body):
        return None
    locals_ = N.names_stored(N.module(body))
    return Template(inspect.signature(rule), tuple(body), fn.body[-1].value,
                    frozenset(locals_), rule.__globals__)


def _variadic(signature: inspect.Signature) -> bool:
    return any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())


def _by_position(signature: inspect.Signature) -> bool:
    return _variadic(signature) and "position" in signature.parameters


class Inliner:
    """Expands rules for one generated function.

    `global_ref(name, obj)` returns the expression the generated code uses
    for a free name of a rule; `object_ref(obj)` one for an arbitrary object.
    """

    def __init__(self, namer, global_ref, object_ref):
        self.namer = namer
        self.global_ref = global_ref
        self.object_ref = object_ref

    def bind(self, rule, positional, keywords, extra) -> dict:
        sig = inspect.signature(rule)
        names = list(sig.parameters)
        bound = dict(extra)
        params = sig.parameters
        slots = [n for n in names if n not in bound and params[n].kind in
                 (params[n].POSITIONAL_ONLY, params[n].POSITIONAL_OR_KEYWORD)]
        star = next((n for n in names if params[n].kind is params[n].VAR_POSITIONAL), None)
        for name, value in zip(slots, positional):
            bound[name] = value
        if star is not None:  # `*operands`: the rest, as a tuple
            bound[star] = N.tuple_(positional[len(slots):])
        elif len(positional) > len(slots):
            raise BindError(f"too many positional arguments for {rule.__name__}")
        for name, value in keywords.items():
            if name not in params or name in bound:
                raise BindError(f"unexpected keyword argument {name!r}")
            bound[name] = value
        for name in names:
            if name not in bound:
                default = params[name].default
                if default is inspect.Parameter.empty:
                    raise BindError(f"missing argument {name!r}")
                bound[name] = self.literal(default)
        return bound

    def literal(self, value) -> N.expr:
        if value is None or isinstance(value, (bool, int, float, str)):
            return N.const(value)
        if type(value) is tuple:
            return N.tuple_([self.literal(v) for v in value])
        return self.object_ref(value)

    def expand(self, rule, positional, keywords, extra, whole=False) -> tuple[list, list]:
        """(statements, one output expression or None per returned entry);
        `whole`: the rule returns one value, whatever its shape (the tangent
        of a function returning a tuple)."""
        tpl = template(rule)
        if tpl is not None and _by_position(tpl.signature) and not whole:
            return self._expand_by_position(rule, tpl, positional, keywords, extra)
        bound = self.bind(rule, positional, keywords, extra)
        if tpl is None:
            return self._call(rule, bound, 1 if whole else len(bound) - len(extra), whole)
        return self._instantiate_rule(tpl, bound, positional, whole)

    def _expand_by_position(self, rule, tpl, positional, keywords, extra) -> tuple[list, list]:
        """A rule taking `*operands` and a keyword-only `position`, once per
        argument position with `position` that constant: each derivative is
        then its own expression (np.einsum of the others), which can be
        differentiated again, and none is computed unless it is used."""
        stmts, outs = [], []
        for k in range(len(positional)):
            bound = self.bind(rule, positional, keywords, {**extra, "position": N.const(k)})
            body, result = self._instantiate_rule(tpl, bound, positional, False)
            stmts += body
            outs.append(result[0])
        return stmts, outs

    def _instantiate_rule(self, tpl, bound, positional, whole) -> tuple[list, list]:
        mapping = dict(bound)
        stmts = []
        for s in tpl.body:
            value = self._instantiate(s.value, mapping, tpl)
            name = self.namer.fresh("_t")
            stmts.append(N.assign(name, value))
            for t in s.targets:
                mapping[t.id] = N.load(name)
        result = self._instantiate(tpl.result, mapping, tpl)
        if whole:
            return stmts, [result]
        if _by_position(tpl.signature):
            return stmts, [None if N.is_const(result, None) else result]
        if _variadic(tpl.signature) and not isinstance(result, N.Tuple):
            # a rule taking `*args` returns one sequence, indexed by argument position
            name = self.namer.fresh("_t")
            stmts.append(N.assign(name, result))
            return stmts, [N.subscript(N.load(name), N.const(k)) for k in range(len(positional))]
        parts = result.elts if isinstance(result, N.Tuple) else [result]
        return stmts, [None if N.is_const(p, None) else p for p in parts]

    def _instantiate(self, expr, mapping, tpl) -> N.expr:
        expr = N.copy(expr)
        free = {}
        for name in N.names_loaded(expr):
            if name in mapping:
                continue
            obj = tpl.globals.get(name, getattr(builtins, name, None))
            free[name] = self.global_ref(name, obj)
        expr = N.substitute(expr, {**free, **mapping})
        return simplify(expr)

    def _call(self, rule, bound, n, whole=False) -> tuple[list, list]:
        func = self.object_ref(rule)
        name = self.namer.fresh("_t")
        call = N.call(func, [], bound)
        stmt = N.assign(name, call)
        if whole:
            return [stmt], [N.load(name)]
        outs = [N.call(N.attr(self.global_ref("_rt", None), "pick"), [N.load(name), N.const(i)])
                for i in range(n)]
        return [stmt], outs


# ------------------------------------------------------------------ folding

_FOLD = {N.Add: operator.add, N.Sub: operator.sub, N.Mult: operator.mul,
         N.Div: operator.truediv}


def _num(node):
    return node.value if N.is_number(node) else None


def _is(node, value) -> bool:
    v = _num(node)
    return v is not None and v == value


class _Simplifier(N.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        a, b = _num(node.left), _num(node.right)
        op = type(node.op)
        if a is not None and b is not None:
            if op in _FOLD and not (op is N.Div and b == 0):
                return N.const(_FOLD[op](a, b))
            if op is N.Pow and abs(b) <= 8 and a != 0:
                return N.const(a ** b)
        if op is N.Mult:
            if _is(node.left, 1):
                return node.right
            if _is(node.right, 1):
                return node.left
            if _is(node.left, -1):
                return N.unary(N.USub(), node.right)
            if _is(node.right, -1):
                return N.unary(N.USub(), node.left)
        if op is N.Div and _is(node.right, 1):
            return node.left
        if op is N.Pow and _is(node.right, 1):
            return node.left
        if op in (N.Add, N.Sub) and _is(node.right, 0):
            return node.left
        if (op in (N.Add, N.Sub) and isinstance(node.right, N.UnaryOp)
                and isinstance(node.right.op, N.USub)):
            flipped = N.Sub() if op is N.Add else N.Add()
            return N.binop(node.left, flipped, node.right.operand)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, N.USub):
            v = _num(node.operand)
            if v is not None:
                return N.const(-v)
            if isinstance(node.operand, N.UnaryOp) and isinstance(node.operand.op, N.USub):
                return node.operand.operand
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (N.Is, N.IsNot)):
            same = _identical(node.left, node.comparators[0])
            if same is not None:
                return N.const(same if isinstance(node.ops[0], N.Is) else not same)
        if (len(node.ops) == 1 and type(node.ops[0]) in _COMPARE
                and isinstance(node.left, N.Constant) and isinstance(node.comparators[0], N.Constant)):
            # `which == 0`, `position < 4` in a rule
            return N.const(_COMPARE[type(node.ops[0])](node.left.value, node.comparators[0].value))
        return node

    def visit_BoolOp(self, node):
        """`True or x` -> `True`, `False or x` -> `x`: constants that decide, or drop out."""
        self.generic_visit(node)
        deciding = (lambda v: bool(v)) if isinstance(node.op, N.Or) else (lambda v: not v)  # noqa: E731
        kept = []
        for v in node.values:
            if isinstance(v, N.Constant) and deciding(v.value):
                return v if not kept else N.BoolOp(op=node.op, values=kept + [v])
            if not (isinstance(v, N.Constant) and v is not node.values[-1]):
                kept.append(v)
        return kept[0] if len(kept) == 1 else N.BoolOp(op=node.op, values=kept)

    def visit_Subscript(self, node):
        """`(a, b, c)[1:]` -> `(b, c)`: a rule's `*operands` sliced at a constant."""
        self.generic_visit(node)
        if not isinstance(node.value, N.Tuple):
            return node
        index = node.slice
        if isinstance(index, N.Constant) and type(index.value) is int:
            return node.value.elts[index.value]
        if isinstance(index, N.Slice):
            bounds = [None if b is None else _num(b) if type(_num(b)) is int else _MISSING
                      for b in (index.lower, index.upper, index.step)]
            if _MISSING not in bounds:
                return N.tuple_(node.value.elts[slice(*bounds)])
        return node

    def visit_Call(self, node):
        """`f(x, *(a, b))` -> `f(x, a, b)`."""
        self.generic_visit(node)
        if any(isinstance(a, N.Starred) and isinstance(a.value, N.Tuple) for a in node.args):
            node.args = [e for a in node.args for e in
                         (a.value.elts if isinstance(a, N.Starred) and isinstance(a.value, N.Tuple) else [a])]
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if isinstance(node.test, N.Constant):
            return node.body if node.test.value else node.orelse
        return node


_MISSING = object()
_COMPARE = {N.Eq: operator.eq, N.NotEq: operator.ne, N.Lt: operator.lt, N.LtE: operator.le,
            N.Gt: operator.gt, N.GtE: operator.ge}


def _identical(a, b) -> bool | None:
    """`a is b` for literals, None when it depends on run-time values."""
    literal = (N.Constant, N.Tuple, N.List)
    if isinstance(a, N.Constant) and isinstance(b, N.Constant):
        return a.value is b.value
    if isinstance(a, literal) and isinstance(b, literal):
        return False  # a literal tuple or list is never a constant object
    return None


def simplify(expr: N.expr) -> N.expr:
    return _Simplifier().visit(expr)


def mul(a: N.expr, b: N.expr) -> N.expr:
    return simplify(N.binop(a, N.Mult(), b))


def add(a: N.expr, b: N.expr) -> N.expr:
    return simplify(N.binop(a, N.Add(), b))
