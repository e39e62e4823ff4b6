"""Optimization passes over generated functions, run to a fixed point.

Each pass is `pass_(fn, env) -> changed` and edits `fn` in place; the driver
repeats them until none reports a change (never by comparing source).
- `fold_first_accumulation`: `v = zeros; ...; v = v + e` -> `v = e`
- `propagate_copies`: `a = b` feeds later uses of `a` in the same block
- `coalesce_copies`: `_t = s + d; s = _t` -> `s = s + d`
- `eliminate_dead_code`: assignments nobody reads (liveness on the CFG)
- `prune_saves`: stack pushes/pops of values the reverse sweep never reads
- `prune_restores`: saves of overwritten array entries nobody reads again
- `drop_empty_control`: `if c: pass`, loops with empty bodies
- `drop_orphan_comments`: comments whose code was optimized away

Then, once, on the fixed point:
- `save_shapes_only`: a value the reverse sweep reads only for its shape
  (`_rt.unbroadcast(g, v)`) is saved as `_rt.shape_of(v)`, not kept alive
- `inline_branch_tests`: `_c0 = y > 0.5; if _c0:` -> `if y > 0.5:` where nothing
  else reads `_c0` (after `drop_empty_control`, which drops `if c: pass`
  only for a name or a negation, so a test with a call is never lost)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .analysis.cfg import CFG
from .analysis.dataflow import Facts, liveness, solve
from .derive.inline import simplify
from .ir import nodes as N


@dataclass
class Env:
    """What passes need to know about the generated code's names."""
    is_pure_call: Callable[[N.Call], bool]
    stack: str | None = None          # the reverse sweep's stack, if any
    marker: str | None = None         # comment text opening the reverse sweep
    may_alias: Callable[[str], frozenset] = frozenset  # name -> names that may share its memory


def _blocks(stmts):
    """Every statement list in `stmts`, outermost first."""
    yield stmts
    for s in stmts:
        for field in ("body", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, list) and sub:
                yield from _blocks(sub)


def _is_zero(value) -> bool:
    if N.is_number(value) and value.value == 0:
        return True
    return (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == "zeros_like")


# ------------------------------------------------------------------ passes

def fold_first_accumulation(fn: N.FunctionDef, env: Env) -> bool:
    changed = False
    for block in _blocks(fn.body):
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


def _generated(name: str) -> bool:
    return name.startswith("_") or name.endswith(("_bar", "_dot")) or "_bar_" in name


def propagate_copies(fn: N.FunctionDef, env: Env) -> bool:
    changed = False
    for block in _blocks(fn.body):
        before = len(block)
        block[:] = [s for s in block if not (N.assigned_name(s) and N.is_name(s.value, N.assigned_name(s)))]
        changed |= len(block) != before
        for k, s in enumerate(block):
            a = N.assigned_name(s)
            if a is None or not isinstance(s.value, N.Name) or not _generated(a):
                continue
            b = s.value.id
            if a == b or (env.stack and b == env.stack):
                continue
            for nxt in block[k + 1:]:
                if env.stack and _push_of(nxt, env.stack) == a:
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
    loads, stores = _uses(fn)
    changed = False
    for block in _blocks(fn.body):
        k = 0
        while k < len(block):
            s = block[k]
            t = N.assigned_name(s)
            if t is None or not _generated(t) or loads.get(t) != 1 or stores.get(t) != 1:
                k += 1
                continue
            operands = N.names_loaded(s.value)
            for j in range(k + 1, len(block)):
                nxt = block[j]
                if N.assigned_name(nxt) is not None and N.is_name(nxt.value, t):
                    nxt.value = s.value
                    del block[k]
                    changed = True
                    k -= 1
                    break
                simple = isinstance(nxt, (N.Assign, N.Expr)) and not isinstance(nxt, N.Return)
                if not simple or _changed(nxt) & (operands | {t}) or t in N.names_loaded(nxt):
                    break
            k += 1
    return changed


def _uses(fn: N.FunctionDef) -> tuple[dict, dict]:
    """How often each name is read, and how often assigned, in `fn`."""
    loads: dict[str, int] = {}
    stores: dict[str, int] = {}
    for node in N.walk(fn):
        if isinstance(node, N.Name):
            table = loads if isinstance(node.ctx, N.Load) else stores
            table[node.id] = table.get(node.id, 0) + 1
    return loads, stores


def _changed(s) -> set:
    """Names `s` may change: those it assigns, the array it stores into
    (`g[i] = 0.0`), the receiver of a method called for its effect
    (`lst.append(v)`), and whatever a function called for its effect is
    given (`_rt.add_at(g, i, v)`)."""
    changed = set(N.names_stored(s))
    updated = N.updated_name(s) if isinstance(s, N.Assign) else None
    if updated is not None:
        changed.add(updated)
    if isinstance(s, N.Expr) and isinstance(s.value, N.Call):
        func = s.value.func
        if isinstance(func, N.Attribute) and isinstance(func.value, N.Name) and not func.value.id.startswith("_rt"):
            changed.add(func.value.id)  # `lst.append(v)` changes lst, not v
        else:
            for a in s.value.args:
                changed |= N.names_loaded(a)
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
    for block in _blocks(fn.body):
        block[:] = [s for s in block if id(s) not in dead]
    _fill_empty(fn.body)
    return True


def _fill_empty(stmts) -> None:
    for s in stmts:
        if isinstance(s, N.If):
            _fill_empty(s.body)
            _fill_empty(s.orelse)
            if not s.body:
                s.body = [N.pass_()]
        elif isinstance(s, (N.For, N.While)):
            _fill_empty(s.body)
            if not s.body:
                s.body = [N.pass_()]


def _method_call(value, receiver: str, method: str) -> bool:
    """Is `value` the call `receiver.method(...)`?"""
    return (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and value.func.attr == method and N.is_name(value.func.value, receiver))


def _pushed(s, stack):
    """`_stack.append(e)` -> e."""
    if isinstance(s, N.Expr) and _method_call(s.value, stack, "append") and len(s.value.args) == 1:
        return s.value.args[0]
    return None


def _push_of(s, stack):
    """`_stack.append(v)` -> v."""
    arg = _pushed(s, stack)
    return arg.id if isinstance(arg, N.Name) else None


def _pop_of(s, stack):
    """`v = _stack.pop()` -> v."""
    v = N.assigned_name(s)
    return v if v is not None and _method_call(s.value, stack, "pop") else None


def _entries_saved(s, stack):
    """`_stack.append(x[i].copy())` -> x."""
    arg = _pushed(s, stack)
    if (isinstance(arg, N.Call) and isinstance(arg.func, N.Attribute) and arg.func.attr == "copy"
            and isinstance(arg.func.value, N.Subscript) and isinstance(arg.func.value.value, N.Name)):
        return arg.func.value.value.id
    return None


def _entries_restored(s, stack):
    """`x[i] = _stack.pop()` -> x."""
    x = N.updated_name(s)
    return x if x is not None and _method_call(s.value, stack, "pop") else None


def prune_restores(fn: N.FunctionDef, env: Env) -> bool:
    """Drop saves of overwritten array entries nobody reads after their restore.

    A restore `x[i] = _stack.pop()` reads x only to update it; it matters
    if x, or a name that may view x, is read afterwards."""
    if not env.stack or not any(_entries_restored(s, env.stack) for b in _blocks(fn.body) for s in b):
        return False  # the common case: no CFG to build
    cfg = CFG(fn)
    restores = {}
    for node in cfg.nodes:
        x = _entries_restored(node.stmt, env.stack) if node.stmt is not None else None
        if x is not None:
            restores[node] = x
            node.uses = node.uses - {x}
    if not restores:
        return False
    live_after, _ = liveness(cfg)
    needed = {x for node, x in restores.items() if env.may_alias(x) & live_after[node] or x in live_after[node]}
    restored = set(restores.values())
    useless = restored - needed
    saved = {x: _restored_by(x, restored, env) for b in _blocks(fn.body) for s in b
             if (x := _entries_saved(s, env.stack)) is not None}
    for x, owner in saved.items():
        if owner is None:  # which restore pops it is unclear: keep them all
            useless -= env.may_alias(x)
    if not useless:
        return False
    for block in _blocks(fn.body):
        block[:] = [s for s in block if saved.get(_entries_saved(s, env.stack)) not in useless
                    and _entries_restored(s, env.stack) not in useless]
    _fill_empty(fn.body)
    _drop_unused_stack(fn.body, env)
    return True


def _restored_by(x: str, restored: set, env: Env) -> str | None:
    """The array whose restore pops the entries `_stack.append(x[i].copy())`
    saves: x, or the one restored name x may be after copies were propagated
    into the save (`_t9[0].copy()` for `A_bar[0] = 0.0` after `A_bar = _t9`)."""
    if x in restored:
        return x
    owners = restored & env.may_alias(x)
    return next(iter(owners)) if len(owners) == 1 else None


def _drop_unused_stack(body, env: Env) -> None:
    used = any(_push_of(s, env.stack) or _entries_saved(s, env.stack)
               for b in _blocks(body) for s in b)
    if not used:
        body[:] = [s for s in body if not (N.assigned_name(s) == env.stack)]


def prune_saves(fn: N.FunctionDef, env: Env) -> bool:
    """Drop push/pop pairs of variables the reverse sweep never reads."""
    if not env.stack or not env.marker:
        return False
    body = fn.body
    starts = [k for k, s in enumerate(body) if N.comment_text(s) == env.marker]
    if not starts:
        return False
    reads = set()
    for s in body[starts[0]:]:
        for node in N.walk(s):
            if isinstance(node, N.Name) and isinstance(node.ctx, N.Load):
                reads.add(node.id)
    saved = set()
    for block in _blocks(body):
        for s in block:
            v = _push_of(s, env.stack)
            if v is not None:
                saved.add(v)
    useless = saved - reads
    if not useless:
        return False
    for block in _blocks(body):
        block[:] = [s for s in block
                    if _push_of(s, env.stack) not in useless and _pop_of(s, env.stack) not in useless]
    _fill_empty(body)
    _drop_unused_stack(body, env)
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
    for block in _blocks(fn.body):
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
    _fill_empty(fn.body)
    return changed


def _unbroadcast_target(call, env: Env) -> str | None:
    """`_rt.unbroadcast(g, v)` -> v (the runtime's helper: a pure call on `_rt...`)."""
    if (isinstance(call, N.Call) and isinstance(call.func, N.Attribute)
            and call.func.attr == "unbroadcast" and isinstance(call.func.value, N.Name)
            and call.func.value.id.startswith("_rt") and len(call.args) == 2 and not call.keywords
            and isinstance(call.args[1], N.Name) and env.is_pure_call(call)):
        return call.args[1].id
    return None


def save_shapes_only(fn: N.FunctionDef, env: Env) -> bool:
    """Save `_rt.shape_of(v)` instead of `v` when the reverse sweep reads the
    restored `v` only as the shape to sum a cotangent down to.

    Broadcasting adjoints (`_rt.unbroadcast(g, v)`) need only the shape of
    an operand, but saving the operand keeps a whole array alive per loop
    iteration (an RNN's pre-activations: 3x the memory of a hand-written
    gradient, and slower for it). Each load of `v` in the reverse sweep is
    classified by the definitions reaching it: restored by a pop (rewritten
    to `_rt.unbroadcast_to(g, v_shape)`) or the forward sweep's own value
    (left alone); `v` is skipped if any load mixes both or reads the value."""
    if not env.stack or not env.marker:
        return False
    starts = [k for k, s in enumerate(fn.body) if N.comment_text(s) == env.marker]
    if not starts:
        return False
    reverse = fn.body[starts[0]:]
    pushed = {_push_of(s, env.stack) for b in _blocks(fn.body) for s in b} - {None}
    popped = {_pop_of(s, env.stack) for b in _blocks(fn.body) for s in b} - {None}
    candidates = (pushed & popped) - set(N.param_names(fn))
    if not candidates:
        return False
    shape_uses: dict[str, list] = {}     # v -> [(call, its statement)]
    other_loads: set[str] = set()
    for block in _blocks(reverse):
        for stmt in block:
            if isinstance(stmt, (N.If, N.For, N.While)):
                heads = [stmt.test] if not isinstance(stmt, N.For) else [stmt.iter]
            else:
                heads = [stmt]
            for head in heads:
                ok = set()
                for node in N.walk(head):
                    v = _unbroadcast_target(node, env)
                    if v in candidates:
                        shape_uses.setdefault(v, []).append((node, stmt))
                        ok.add(id(node.args[1]))
                for node in N.walk(head):
                    if isinstance(node, N.Name) and isinstance(node.ctx, N.Load) and id(node) not in ok:
                        other_loads.add(node.id)
    candidates = {v for v in candidates if v in shape_uses and v not in other_loads}
    if not candidates:
        return False
    # which definitions reach each use: a pop ("v\0pop") or anything else ("v\0def")
    cfg = CFG(fn)

    def transfer(node, facts):
        hit = node.defs & candidates
        if not hit:
            return facts
        kind = "pop" if node.stmt is not None and _pop_of(node.stmt, env.stack) else "def"
        return (facts - {f"{v}\0{k}" for v in hit for k in ("pop", "def")}) | {f"{v}\0{kind}" for v in hit}

    before, _ = solve(cfg, forward=True, meet="union", boundary=Facts(), transfer=transfer)
    rewrite: dict[str, list] = {}
    for v in sorted(candidates):
        calls = []
        for call, stmt in shape_uses[v]:
            facts = before.get(cfg.of.get(stmt), Facts())
            kinds = {k for k in ("pop", "def") if f"{v}\0{k}" in facts}
            if kinds == {"pop"}:
                calls.append(call)
            elif kinds != {"def"}:
                break
        else:
            if calls:
                rewrite[v] = calls
    if not rewrite:
        return False
    taken = N.all_names(fn)
    for v, calls in rewrite.items():
        shape = f"{v}_shape"
        while shape in taken:
            shape += "_"
        taken.add(shape)
        rt = calls[0].func.value.id
        for call in calls:
            call.func.attr = "unbroadcast_to"
            call.args[1] = N.load(shape)
        for block in _blocks(fn.body):
            for stmt in block:
                if _push_of(stmt, env.stack) == v:
                    stmt.value.args[0] = N.call(N.attr(N.load(rt), "shape_of"), [N.load(v)])
                elif _pop_of(stmt, env.stack) == v:
                    stmt.targets = [N.store(shape)]
    return True


PASSES = [fold_first_accumulation, propagate_copies, coalesce_copies, eliminate_dead_code,
          prune_saves, prune_restores, drop_empty_control, drop_orphan_comments]


def inline_branch_tests(fn: N.FunctionDef, env: Env) -> bool:
    """`_c0 = y > 0.5; if _c0:` -> `if y > 0.5:` where nothing else reads the flag.

    The normal form names every branch condition so the reverse sweep can
    replay it; where nothing does (forward mode, a branch with no adjoint
    work), the flag only costs a store and a load per test, which in a loop
    of scalar arithmetic is a few percent of the time. The test is
    evaluated at the same point as the assignment was, so nothing moves."""
    loads, stores = _uses(fn)
    changed = False
    for block in _blocks(fn.body):
        keep = []
        for k, s in enumerate(block):
            flag = N.assigned_name(s)
            nxt = block[k + 1] if k + 1 < len(block) else None
            if (flag is not None and _generated(flag) and loads.get(flag) == 1
                    and stores.get(flag) == 1 and isinstance(nxt, N.If) and N.is_name(nxt.test, flag)):
                nxt.test = s.value
                changed = True
                continue
            keep.append(s)
        block[:] = keep
    return changed


# Passes that run once, after the fixed point: the others do not know the
# forms these produce (a save of `_rt.shape_of(v)` names no variable).
FINAL = [save_shapes_only, inline_branch_tests]


def optimize(fn: N.FunctionDef, env: Env, max_rounds: int = 50) -> N.FunctionDef:
    # A pass that found nothing finds nothing again until another pass
    # changes the function: skip it until then (most rebuild the CFG).
    idle: set = set()
    for _ in range(max_rounds):
        for pass_ in PASSES:
            if pass_ in idle:
                continue
            if pass_(fn, env):
                idle = set()
            else:
                idle.add(pass_)
        if len(idle) == len(PASSES):
            break
    for pass_ in FINAL:
        pass_(fn, env)
    return fn
