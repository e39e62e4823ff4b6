"""Passes that remove what generated code does not need: zero
accumulations, copies, dead assignments, empty control flow, orphan
comments, flags read once."""
from __future__ import annotations

from ..analysis.cfg import CFG
from ..analysis.dataflow import liveness
from ..derive.inline import simplify
from ..ir import nodes as N
from .common import Env, blocks, changed_by, fill_empty, is_generated, use_counts
from .stacks import push_of


def _is_zero(value) -> bool:
    if N.is_number(value) and value.value == 0:
        return True
    return (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == "zeros_like")


def fold_first_accumulation(fn: N.FunctionDef, env: Env) -> bool:
    changed = False
    for block in blocks(fn.body):
        if not any(N.assigned_name(s) and _is_zero(s.value) for s in block):
            continue
        names = [N.all_names(s) for s in block]
        k = 0
        while k < len(block):
            s = block[k]
            v = N.assigned_name(s)
            if v is None or not _is_zero(s.value):
                k += 1
                continue
            for j in range(k + 1, len(block)):
                nxt = block[j]
                if v not in names[j] or N.comment_text(nxt) is not None:
                    continue
                first = _first_value(nxt, v)
                if first is not None:
                    nxt.value = first
                    names[j] = N.all_names(nxt)
                    del block[k]
                    del names[k]
                    changed = True
                    k -= 1
                break
            k += 1
    return changed


def _first_value(s, v: str):
    """What `s` makes of a zero `v`: `e` for `v = v + e` or `v = _rt.add(v, e)`
    (a container's accumulation), `-e` for `v = v - e`; else None."""
    value = s.value if N.assigned_name(s) == v else None
    if (isinstance(value, N.BinOp) and isinstance(value.op, (N.Add, N.Sub))
            and N.is_name(value.left, v) and v not in N.all_names(value.right)):
        rest = value.right
        return rest if isinstance(value.op, N.Add) else simplify(N.unary(N.USub(), rest))
    if (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == "add" and isinstance(value.func.value, N.Name)
            and value.func.value.id.startswith("_rt") and len(value.args) == 2
            and N.is_name(value.args[0], v) and v not in N.all_names(value.args[1])):
        return value.args[1]
    return None


def propagate_copies(fn: N.FunctionDef, env: Env) -> bool:
    changed = False
    for block in blocks(fn.body):
        before = len(block)
        block[:] = [s for s in block if not (N.assigned_name(s) and N.is_name(s.value, N.assigned_name(s)))]
        changed |= len(block) != before
        for k, s in enumerate(block):
            a = N.assigned_name(s)
            if a is None or not isinstance(s.value, N.Name) or not is_generated(a):
                continue
            b = s.value.id
            if a == b or (env.stack and b == env.stack):
                continue
            for nxt in block[k + 1:]:
                if env.stack and push_of(nxt, env.stack) == a:
                    break  # a save names its variable; keep it
                stored = N.names_stored(nxt)
                simple = isinstance(nxt, (N.Assign, N.Expr, N.Return))
                if not simple and (a in stored or b in stored):
                    break
                targets = nxt.targets if isinstance(nxt, N.Assign) else []
                value = nxt.value if simple else nxt
                if a in N.names_loaded(value):
                    if isinstance(nxt, N.Assign):
                        nxt.value = N.substitute(nxt.value, {a: N.load(b)})
                    elif isinstance(nxt, (N.Expr, N.Return)):
                        nxt.value = N.substitute(nxt.value, {a: N.load(b)})
                    else:
                        N.substitute(nxt, {a: N.load(b)})
                    changed = True
                if a in stored or b in stored or any(a in N.all_names(t) for t in targets):
                    break
    return changed


def coalesce_copies(fn: N.FunctionDef, env: Env) -> bool:
    """`_t7 = s + d; ...; s = _t7` -> `s = s + d` when `_t7` has no other use.

    Generated code may assign a name from its own operands; the normal form
    only needed the temporary to keep the adjoint's inputs apart."""
    loads, stores = use_counts(fn)
    changed = False
    seen: dict[int, tuple] = {}   # id(statement) -> (names it changes, names it reads)

    def names(stmt) -> tuple:
        found = seen.get(id(stmt))
        if found is None:
            found = seen[id(stmt)] = (changed_by(stmt), N.names_loaded(stmt))
        return found

    for block in blocks(fn.body):
        k = 0
        while k < len(block):
            s = block[k]
            t = N.assigned_name(s)
            if t is None or not is_generated(t) or loads.get(t) != 1 or stores.get(t) != 1:
                k += 1
                continue
            operands = N.names_loaded(s.value)
            for j in range(k + 1, len(block)):
                nxt = block[j]
                if N.assigned_name(nxt) is not None and N.is_name(nxt.value, t):
                    nxt.value = s.value
                    seen.pop(id(nxt), None)
                    del block[k]
                    changed = True
                    k -= 1
                    break
                simple = isinstance(nxt, (N.Assign, N.Expr)) and not isinstance(nxt, N.Return)
                if not simple:
                    break
                changes, reads = names(nxt)
                if changes & (operands | {t}) or t in reads:
                    break
            k += 1
    return changed


def _removable(s, live_after, env: Env) -> bool:
    if not isinstance(s, N.Assign):
        return False
    if N.names_stored(N.module(s.targets)) & live_after:
        return False
    if not all(isinstance(t, (N.Name, N.Tuple)) for t in s.targets):
        return False
    for node in N.walk(s.value):
        if isinstance(node, N.Call) and not env.is_pure_call(node):
            return False
    return True


def eliminate_dead_code(fn: N.FunctionDef, env: Env) -> bool:
    cfg = CFG(fn)
    live_after, _ = liveness(cfg)
    dead = {id(node.stmt) for node in cfg.nodes
            if node.stmt is not None and _removable(node.stmt, live_after[node], env)}
    if not dead:
        return False
    for block in blocks(fn.body):
        block[:] = [s for s in block if id(s) not in dead]
    fill_empty(fn.body)
    return True


def _line_note(text: str) -> bool:
    """`line 3: ...` or `grad of line 3: ...`: a comment over the code of one
    user line, which goes when that code goes (others, like the header of a
    vector sweep, say something about what follows as a whole)."""
    return text.startswith(("line ", "grad of line "))


def drop_orphan_comments(fn: N.FunctionDef, env: Env) -> bool:
    """Drop comments whose code is gone, and repeats of the enclosing one."""
    changed = False

    def walk(block, current):
        nonlocal changed
        keep = []
        for k, s in enumerate(block):
            text = N.comment_text(s)
            if text is not None and text != env.marker:
                nxt = block[k + 1] if k + 1 < len(block) else None
                orphan = nxt is None or (_line_note(text) and (
                    N.comment_text(nxt) is not None or isinstance(nxt, N.Return) or text == current))
                if orphan:
                    changed = True
                    continue
                current = text
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and sub:
                    walk(sub, current)
            keep.append(s)
        block[:] = keep

    walk(fn.body, None)
    return changed


def _empty(block) -> bool:
    return all(isinstance(s, N.Pass) or N.comment_text(s) is not None for s in block)


def drop_empty_control(fn: N.FunctionDef, env: Env) -> bool:
    """`if c: pass` and `for _ in range(n): pass` do nothing: drop them."""
    changed = False
    for block in blocks(fn.body):
        keep = []
        for s in block:
            if isinstance(s, N.If) and isinstance(s.test, (N.Name, N.UnaryOp)) and _empty(s.body) and _empty(s.orelse):
                changed = True
                continue
            if (isinstance(s, N.For) and _empty(s.body) and isinstance(s.iter, N.Call)
                    and N.is_name(s.iter.func, "range") and s.target.id.startswith("_")):
                changed = True
                continue
            if isinstance(s, N.If) and _empty(s.body) and s.orelse and not _empty(s.orelse):
                negated = isinstance(s.test, N.UnaryOp) and isinstance(s.test.op, N.Not)
                s.test = s.test.operand if negated else N.not_(s.test)
                s.body, s.orelse = s.orelse, []
                changed = True
            keep.append(s)
        block[:] = keep
    fill_empty(fn.body)
    return changed


def inline_branch_tests(fn: N.FunctionDef, env: Env) -> bool:
    """`_c0 = y > 0.5; if _c0:` -> `if y > 0.5:` where nothing else reads the flag.

    The normal form names every branch condition so the reverse sweep can
    replay it; where nothing does (forward mode, a branch with no adjoint
    work), the flag only costs a store and a load per test, which in a loop
    of scalar arithmetic is a few percent of the time. The test is
    evaluated at the same point as the assignment was, so nothing moves."""
    loads, stores = use_counts(fn)
    changed = False
    for block in blocks(fn.body):
        keep = []
        for k, s in enumerate(block):
            flag = N.assigned_name(s)
            nxt = block[k + 1] if k + 1 < len(block) else None
            if (flag is not None and is_generated(flag) and loads.get(flag) == 1
                    and stores.get(flag) == 1 and isinstance(nxt, N.If) and N.is_name(nxt.test, flag)):
                nxt.test = s.value
                changed = True
                continue
            keep.append(s)
        block[:] = keep
    return changed
