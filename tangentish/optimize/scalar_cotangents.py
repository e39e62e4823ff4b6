"""An optimizer pass: the cotangent of a full reduction stays a number.

The adjoint of `s = np.sum(y)` spreads the number `s_bar` over y's shape
(`y_bar = _rt.unreduce(s_bar, y, None, False)`: an allocation and a fill),
and in a loss like `np.sum(a * b + c ** 2)` every later use of `y_bar` is
elementwise arithmetic that would broadcast the number just as well. A
hand-written gradient never builds that array; nor, under `tg.hvp`, the
primal values (`y` itself and what only `y` reads) that the derivative of
that line keeps alive only for their shape.

Why it is exact: elementwise arithmetic commutes with broadcasting. If a
variable holds the number `u` where the derivative held
`broadcast_to(u, S)`, an elementwise expression of it holds a value that,
broadcast to the expression's old shape, is the old value. So the pass
follows the number through statements that read it only inside `+ - * /
**` and unary minus, marking each result whose shape shrank as holding a
number in place of its old shape, and gives up (nothing changes) if any of
them reaches anything else (a call, an index, a return, a stack, a
branch). The shapes it compares come from the shapes the derivative is
specialised on (analysis/shapes.py `Dims`); without them it does nothing.
"""
from __future__ import annotations

import numpy as np

from ..ir import nodes as N
from .common import runtime_helper

_ELEMENTWISE = (N.Add, N.Sub, N.Mult, N.Div, N.Pow)


def keep_reductions_scalar(fn: N.FunctionDef, env) -> bool:
    """`y_bar = _rt.unreduce(g, y, None, False)` -> `y_bar = g` (also inside
    arithmetic: `np.mean`'s `_rt.unreduce(g, y, None, False) / n`) where
    only elementwise arithmetic reads y_bar and what it makes (see above).
    Sets `env.shapes_used` when it rewrites: the result depends on the shapes."""
    if not env.shapes:
        return False
    stores = _store_counts(fn)
    shapes = _Shapes(env.shapes)
    body = fn.body
    for k, stmt in enumerate(body):
        numbered = _without_spread(stmt, shapes, stores)
        if numbered is not None:
            numbered, seed = numbered
            full, kept = shapes.of_expr(stmt.value), shapes.of_expr(numbered, _names(seed))
            if kept == full or (kept is not None and _stays_exact(body[k + 1:], stmt, shapes, stores)):
                stmt.value = numbered
                env.shapes_used = True
                return True
        shapes.after(stmt)
    return False


def _store_counts(fn) -> dict:
    counts: dict[str, int] = {}
    for node in N.walk(fn):
        if isinstance(node, N.Name) and not isinstance(node.ctx, N.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, N.Assign) and N.updated_name(node) is not None:
            name = N.updated_name(node)
            counts[name] = counts.get(name, 0) + 1
    return counts


def _without_spread(stmt, shapes: "_Shapes", stores: dict):
    """The value of `v = ...` with the full reduction's spread in it
    (`_rt.unreduce(g, y[, None[, False]])`, reached through elementwise
    arithmetic only) replaced by its seed `g`; None if there is none, v is
    assigned elsewhere too, or y's shape is unknown; and the seed."""
    v = N.assigned_name(stmt)
    if v is None or stores.get(v) != 1:
        return None
    call = _spread_in(stmt.value)
    if call is None or call.keywords or len(call.args) > 4:
        return None
    g, y, *rest = call.args
    if rest and not N.is_const(rest[0], None) or len(rest) == 2 and not N.is_const(rest[1], False):
        return None
    if not (isinstance(g, N.Name) or N.is_number(g)) or not isinstance(y, N.Name) or shapes.of(y.id) is None:
        return None
    return _spread_replaced(N.copy(stmt.value), g), g


def _names(seed) -> set:
    """The seed of a full reduction's spread is a number: 0-d, whatever its name."""
    return {seed.id} if isinstance(seed, N.Name) else set()


def _spread_replaced(expr, seed):
    """`expr` with the call `_spread_in` finds replaced by `seed`."""
    if _is_unreduce(expr):
        return seed
    if isinstance(expr, N.BinOp):
        if _spread_in(expr.left) is not None:
            expr.left = _spread_replaced(expr.left, seed)
        else:
            expr.right = _spread_replaced(expr.right, seed)
    elif isinstance(expr, N.UnaryOp):
        expr.operand = _spread_replaced(expr.operand, seed)
    return expr


def _spread_in(expr):
    """The `_rt.unreduce` call `expr` is, or reaches through arithmetic."""
    if _is_unreduce(expr):
        return expr
    if isinstance(expr, N.BinOp) and isinstance(expr.op, _ELEMENTWISE):
        return _spread_in(expr.left) or _spread_in(expr.right)
    if isinstance(expr, N.UnaryOp) and isinstance(expr.op, (N.USub, N.UAdd)):
        return _spread_in(expr.operand)
    return None


def _stays_exact(rest: list, spread, shapes: "_Shapes", stores: dict) -> bool:
    """Would every statement after `v = unreduce(g, y)` (`spread`) compute
    the same values, broadcast, with `v = g`? `shapes` is left as it was."""
    shapes = shapes.fork()
    shapes.after(spread)
    lazy = {N.assigned_name(spread)}
    for stmt in rest:
        reads = N.names_loaded(stmt) & lazy
        if reads:
            target = N.assigned_name(stmt)
            if target is None or stores.get(target) != 1 or not _arithmetic_over(stmt.value, lazy):
                return False
            full = shapes.of_expr(stmt.value)
            if full is None:
                return False
            if shapes.of_expr(stmt.value, lazy) != full:
                lazy.add(target)  # it holds a number where it held an array
        elif N.names_written(stmt) & lazy:
            return False
        shapes.after(stmt)
    return True


def _arithmetic_over(expr, lazy: set) -> bool:
    """Does every path from `expr` to a name in `lazy` pass only through
    elementwise arithmetic?"""
    if isinstance(expr, N.Name):
        return True
    if isinstance(expr, N.BinOp) and isinstance(expr.op, _ELEMENTWISE):
        return _arithmetic_over(expr.left, lazy) and _arithmetic_over(expr.right, lazy)
    if isinstance(expr, N.UnaryOp) and isinstance(expr.op, (N.USub, N.UAdd)):
        return _arithmetic_over(expr.operand, lazy)
    return not (N.names_loaded(expr) & lazy)


class _Shapes:
    """Shapes of names along the function's top-level statements: the
    specialised shapes of the primal's names (`fixed`: the same wherever
    they are bound) and, as the statements go, of names assigned elementwise
    arithmetic of names with known shapes. A name assigned inside a loop or
    branch becomes unknown there."""

    def __init__(self, fixed: dict, local: dict | None = None):
        self.fixed = fixed
        self.local = dict(local or {})

    def fork(self) -> "_Shapes":
        return _Shapes(self.fixed, self.local)

    def of(self, name: str):
        found = self.fixed.get(name)
        return found if found is not None else self.local.get(name)

    def of_expr(self, expr, numbers: frozenset | set = frozenset()):
        """The shape of elementwise arithmetic over names (those in
        `numbers` counted as 0-d), or None."""
        if isinstance(expr, N.Name):
            return () if expr.id in numbers else self.of(expr.id)
        if N.is_number(expr):
            return ()
        if isinstance(expr, N.BinOp) and isinstance(expr.op, _ELEMENTWISE):
            return _broadcast(self.of_expr(expr.left, numbers), self.of_expr(expr.right, numbers))
        if isinstance(expr, N.UnaryOp) and isinstance(expr.op, (N.USub, N.UAdd)):
            return self.of_expr(expr.operand, numbers)
        if _is_unreduce(expr) and isinstance(expr.args[1], N.Name):
            return self.of(expr.args[1].id)  # spread over the second argument's shape
        if runtime_helper(expr) in _NUMBER_HELPERS:
            return ()
        return None

    def after(self, stmt) -> None:
        target = N.assigned_name(stmt)
        if target is not None and target not in self.fixed:
            shape = self.of_expr(stmt.value)
            if shape is None:
                self.local.pop(target, None)
            else:
                self.local[target] = shape
            return
        for name in N.names_written(stmt):
            self.local.pop(name, None)


# runtime helpers that return a Python number
_NUMBER_HELPERS = frozenset({"mean_count"})


def _is_unreduce(expr) -> bool:
    return runtime_helper(expr) == "unreduce" and len(expr.args) >= 2


def _broadcast(a, b):
    if a is None or b is None:
        return None
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None
