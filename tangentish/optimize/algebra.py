"""Algebra on generated code: constants folded, repeated arithmetic done
once, constant factors multiplied out, a gradient's scattered parts added
into one array.

Derivative rules are written one operation at a time, so their
composition repeats what a person would write once: the tangent of
`x ** 2` and the adjoint of `x ** 2` both compute `2 * x`; the chain rule
through `y = 100.0 * (2 * t)` scales by 2 and then by 100; a gradient of
`x[1:]` and `x[:-1]` builds two arrays of zeros and adds them. Under
`tg.hvp` these make up a third of the vector operations. Each rewrite
below computes the same numbers up to the rounding of a product of two
constants.
"""
from __future__ import annotations

from ..derive.inline import simplify
from ..ir import nodes as N
from .common import Env, blocks, changed_by, is_generated, runtime_helper, use_counts


def fold_constants(fn: N.FunctionDef, env: Env) -> bool:
    """`_t4_bar = 1.0 * 100.0` -> `_t4_bar = 100.0`, and a generated name
    assigned one number once is replaced by the number where it is read."""
    loads, stores = use_counts(fn)
    changed = False
    for block in blocks(fn.body):
        for k, s in enumerate(block):
            if isinstance(s, N.Assign) and _has_constant_arithmetic(s.value):
                before = N.dump(s.value)
                s.value = simplify(s.value)
                changed |= N.dump(s.value) != before
            name = N.assigned_name(s)
            if (name is None or not N.is_number(s.value) or not is_generated(name)
                    or stores.get(name) != 1 or not loads.get(name)):
                continue
            later_loads = sum(1 for later in block[k + 1:] for node in N.walk(later)
                              if isinstance(node, N.Name) and isinstance(node.ctx, N.Load) and node.id == name)
            if later_loads != loads[name]:
                continue  # read before it is assigned, around a loop
            for later in block[k + 1:]:
                if name in N.names_loaded(later):
                    N.substitute(later, {name: s.value})
                    if isinstance(later, N.Assign):
                        later.value = simplify(later.value)
            loads[name] = 0
            changed = True
    return changed


def _has_constant_arithmetic(expr) -> bool:
    return any(isinstance(node, N.BinOp) and N.is_number(node.left) and N.is_number(node.right)
               for node in N.walk(expr))


def share_repeated_arithmetic(fn: N.FunctionDef, env: Env) -> bool:
    """`_t12 = 2 * _t1` after `_t4 = 2 * _t1` -> `_t12 = _t4`.

    Only arithmetic of names and numbers, held by generated names assigned
    once and never updated in place (a copy shares the array), and only
    while no operand is reassigned or updated."""
    if not _repeats(fn):
        return False  # the common case: nothing to share, no counting
    _, stores = use_counts(fn)
    updated = _updated_in_place(fn)

    def single(name: str) -> bool:
        return is_generated(name) and stores.get(name) == 1 and name not in updated

    changed = False
    for block in blocks(fn.body):
        seen: dict[str, tuple[str, set]] = {}   # dump of the value -> (name, its operands)
        for s in block:
            name = N.assigned_name(s)
            if name is not None and single(name) and _arithmetic(s.value):
                # read before this assignment (a loop's previous iteration): forget it
                seen = {k: (v, ops) for k, (v, ops) in seen.items() if name not in ops}
                key = N.dump(s.value)
                if key in seen:
                    s.value = N.load(seen[key][0])
                    changed = True
                    continue
                seen[key] = (name, N.names_loaded(s.value))
                continue
            if seen:
                gone = _changed_by_simple(s)
                seen = {} if gone is None else {k: (v, ops) for k, (v, ops) in seen.items()
                                                if not (ops & gone) and v not in gone}
    return changed


def _repeats(fn: N.FunctionDef) -> bool:
    """Does some block assign the same arithmetic twice?"""
    for block in blocks(fn.body):
        keys = [N.dump(s.value) for s in block if N.assigned_name(s) is not None and _arithmetic(s.value)]
        if len(set(keys)) < len(keys):
            return True
    return False


def _arithmetic(expr) -> bool:
    if isinstance(expr, N.BinOp) and not isinstance(expr.op, N.MatMult):
        return _arithmetic(expr.left) and _arithmetic(expr.right)
    if isinstance(expr, N.UnaryOp):
        return _arithmetic(expr.operand)
    return isinstance(expr, N.Name) or N.is_number(expr)


def _changed_by_simple(s) -> set | None:
    """Names the simple statement `s` may change; None for a loop or a
    branch (whatever it holds may change: callers forget everything)."""
    if isinstance(s, (N.If, N.For, N.While)):
        return None
    return changed_by(s) | N.names_mutated(s)


def _updated_in_place(fn: N.FunctionDef) -> set:
    out = set()
    for block in blocks(fn.body):
        for s in block:
            if isinstance(s, (N.If, N.For, N.While)):
                continue  # its statements are in the blocks that follow
            if not (isinstance(s, N.Assign) and N.assigned_name(s) is not None):
                out |= changed_by(s) - N.names_stored(s)
            out |= N.names_updated(s) | N.names_mutated(s)
    return out


def fold_constant_factors(fn: N.FunctionDef, env: Env) -> bool:
    """`_t11 = 2 * _t3; _t3_bar = 100.0 * _t11` -> `_t3_bar = 200.0 * _t3`
    where `_t11` is read only there (then it is dead); also through `-t`."""
    loads, stores = use_counts(fn)
    changed = False
    for block in blocks(fn.body):
        defined: dict[str, int] = {}   # generated name read once -> index of its definition
        for k, s in enumerate(block):
            scaled = _scaling(s.value) if N.assigned_name(s) is not None else None
            if scaled is not None and isinstance(scaled[1], N.Name) and scaled[1].id in defined:
                inner_at = defined.pop(scaled[1].id)
                inner = _scaling(block[inner_at].value)
                if inner is not None and not _rebound_between(block, inner_at, k, inner[1]):
                    s.value = simplify(N.binop(N.const(scaled[0] * inner[0]), N.Mult(), inner[1]))
                    changed = True
            name = N.assigned_name(s)
            if (name is not None and is_generated(name) and loads.get(name) == 1
                    and stores.get(name) == 1 and _scaling(s.value) is not None):
                defined[name] = k
    return changed


def _scaling(expr):
    """(c, e) for `c * e`, `e * c` and `-e` (c a number, e a name or
    number), else None."""
    if isinstance(expr, N.UnaryOp) and isinstance(expr.op, N.USub) and _atom(expr.operand):
        return -1, expr.operand
    if not isinstance(expr, N.BinOp):
        return None
    left, right = expr.left, expr.right
    if isinstance(expr.op, N.Mult):
        if N.is_number(left) and _atom(right):
            return left.value, right
        if N.is_number(right) and _atom(left):
            return right.value, left
    return None


def _atom(expr) -> bool:
    return isinstance(expr, N.Name) or N.is_number(expr)


def _rebound_between(block: list, start: int, end: int, operand) -> bool:
    if not isinstance(operand, N.Name):
        return False
    return any(operand.id in changed_by(s) | N.names_written(s) for s in block[start + 1:end])


def merge_scatters(fn: N.FunctionDef, env: Env) -> bool:
    """`a = _rt.unindex(g1, x, i); c = _rt.unindex(g2, x, j); b = a + c` ->
    `a = _rt.unindex(g1, x, i); _rt.add_at(a, j, g2); b = a`: one array of
    zeros, not two and their sum. `a` and `c` are arrays `unindex` just
    made and only the sum reads, so adding into `a` changes no one else's
    value. (A gradient accumulated in its own name, `x_bar = x_bar + ...`,
    is left alone: differentiated again, an in-place update costs more than
    it saves.)"""
    loads, stores = use_counts(fn)
    changed = False
    for block in blocks(fn.body):
        made: dict[str, tuple[int, N.Call]] = {}   # single-use name -> (index, its unindex call)
        k = 0
        while k < len(block):
            s = block[k]
            pair = _sum_of_scatters(s, made)
            if pair is not None:
                (a, _), (c, (at, call)) = pair
                del block[at]
                k -= 1
                block[k] = N.expr_stmt(N.call(N.attr(N.load(call.func.value.id), "add_at"),
                                              [N.load(a), call.args[2], call.args[0]]))
                block.insert(k + 1, N.assign(N.assigned_name(s), N.load(a)))
                made.clear()
                changed = True
                continue
            if made:
                gone = _changed_by_simple(s)
                made = {} if gone is None else {n: m for n, m in made.items()
                                                if n not in gone and not N.names_loaded(m[1]) & gone}
            name = N.assigned_name(s)
            if (name is not None and _runtime_call(s.value, "unindex", 3) and is_generated(name)
                    and stores.get(name) == 1 and loads.get(name) == 1):
                made[name] = (k, s.value)
            k += 1
    return changed


def _sum_of_scatters(s, made: dict):
    """((a, made[a]), (c, made[c])) if `s` is `b = a + c`, both made by
    `unindex` over the same x, the later one `c`."""
    value = s.value if N.assigned_name(s) is not None else None
    if not (isinstance(value, N.BinOp) and isinstance(value.op, N.Add)
            and isinstance(value.left, N.Name) and isinstance(value.right, N.Name)):
        return None
    a, c = value.left.id, value.right.id
    if a not in made or c not in made or a == c:
        return None
    if made[a][0] > made[c][0]:
        a, c = c, a
    if N.dump(made[a][1].args[1]) != N.dump(made[c][1].args[1]):
        return None
    return (a, made[a]), (c, made[c])


def _runtime_call(expr, name: str, nargs: int) -> bool:
    return runtime_helper(expr) == name and len(expr.args) == nargs and not expr.keywords


def inner_product_adjoints(fn: N.FunctionDef, env: Env) -> bool:
    """`_rt.dot_vjp_a(g, x, x) + _rt.dot_vjp_b(g, x, x)` -> `2 * g * x` for a
    vector x (the gradient of x·x; `dot_vjp_a(g, a, b)` is `g * b` for
    vectors), where the shapes say x is one."""
    changed = False
    for node in N.walk(fn):
        if not (isinstance(node, N.BinOp) and isinstance(node.op, N.Add)):
            continue
        left, right = node.left, node.right
        if not (_runtime_call(left, "dot_vjp_a", 3) and _runtime_call(right, "dot_vjp_b", 3)):
            continue
        g, a, b = left.args
        if not (isinstance(a, N.Name) and N.is_name(b, a.id) and list(map(N.dump, left.args)) == list(map(N.dump, right.args))):
            continue
        if len(env.shapes.get(a.id) or ()) != 1:
            continue
        node.op, node.left, node.right = N.Mult(), N.binop(N.const(2), N.Mult(), g), a
        env.shapes_used = changed = True
    return changed
