"""Passes over the reverse sweep's stack: save only what is read back,
and only the shape where the shape is all that is read."""
from __future__ import annotations

from ..analysis.cfg import CFG
from ..analysis.dataflow import Facts, liveness, solve
from ..ir import nodes as N
from .common import Env, blocks, fill_empty, method_call, runtime_helper


def pushed(s, stack):
    """`_stack.append(e)` -> e."""
    if isinstance(s, N.Expr) and method_call(s.value, stack, "append") and len(s.value.args) == 1:
        return s.value.args[0]
    return None


def push_of(s, stack):
    """`_stack.append(v)` -> v."""
    arg = pushed(s, stack)
    return arg.id if isinstance(arg, N.Name) else None


def pop_of(s, stack):
    """`v = _stack.pop()` -> v."""
    v = N.assigned_name(s)
    return v if v is not None and method_call(s.value, stack, "pop") else None


def _entries_saved(s, stack):
    """`_stack.append(x[i].copy())` -> x."""
    arg = pushed(s, stack)
    if (isinstance(arg, N.Call) and isinstance(arg.func, N.Attribute) and arg.func.attr == "copy"
            and isinstance(arg.func.value, N.Subscript) and isinstance(arg.func.value.value, N.Name)):
        return arg.func.value.value.id
    return None


def _entries_restored(s, stack):
    """`x[i] = _stack.pop()` -> x."""
    x = N.updated_name(s)
    return x if x is not None and method_call(s.value, stack, "pop") else None


def prune_restores(fn: N.FunctionDef, env: Env) -> bool:
    """Drop saves of overwritten array entries nobody reads after their restore.

    A restore `x[i] = _stack.pop()` reads x only to update it; it matters
    if x, or a name that may view x, is read afterwards."""
    if not env.stack or not any(_entries_restored(s, env.stack) for b in blocks(fn.body) for s in b):
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
    saved = {x: _restored_by(x, restored, env) for b in blocks(fn.body) for s in b
             if (x := _entries_saved(s, env.stack)) is not None}
    for x, owner in saved.items():
        if owner is None:  # which restore pops it is unclear: keep them all
            useless -= env.may_alias(x)
    if not useless:
        return False
    for block in blocks(fn.body):
        block[:] = [s for s in block if saved.get(_entries_saved(s, env.stack)) not in useless
                    and _entries_restored(s, env.stack) not in useless]
    fill_empty(fn.body)
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
    used = any(push_of(s, env.stack) or _entries_saved(s, env.stack)
               for b in blocks(body) for s in b)
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
    for block in blocks(body):
        for s in block:
            v = push_of(s, env.stack)
            if v is not None:
                saved.add(v)
    useless = saved - reads
    if not useless:
        return False
    for block in blocks(body):
        block[:] = [s for s in block
                    if push_of(s, env.stack) not in useless and pop_of(s, env.stack) not in useless]
    fill_empty(body)
    _drop_unused_stack(body, env)
    return True


def _unbroadcast_target(call, env: Env) -> str | None:
    """`_rt.unbroadcast(g, v)` -> v (the runtime's helper: a pure call on `_rt...`)."""
    if (runtime_helper(call) == "unbroadcast" and len(call.args) == 2 and not call.keywords
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
    pushed = {push_of(s, env.stack) for b in blocks(fn.body) for s in b} - {None}
    popped = {pop_of(s, env.stack) for b in blocks(fn.body) for s in b} - {None}
    candidates = (pushed & popped) - set(N.param_names(fn))
    if not candidates:
        return False
    shape_uses: dict[str, list] = {}     # v -> [(call, its statement)]
    other_loads: set[str] = set()
    for block in blocks(reverse):
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
        kind = "pop" if node.stmt is not None and pop_of(node.stmt, env.stack) else "def"
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
        for block in blocks(fn.body):
            for stmt in block:
                if push_of(stmt, env.stack) == v:
                    stmt.value.args[0] = N.call(N.attr(N.load(rt), "shape_of"), [N.load(v)])
                elif pop_of(stmt, env.stack) == v:
                    stmt.targets = [N.store(shape)]
    return True
