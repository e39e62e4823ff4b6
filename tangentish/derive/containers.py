"""Derivatives of tuples and lists: building, unpacking, lists as stacks.

The tangent of a tuple is the tuple of its entries' tangents, and its
adjoint the tuple of their adjoints; a list used as a stack gets a tangent
(or adjoint) list that every update mirrors, so entry k of one always
belongs to entry k of the other:

    statement          forward                          reverse
    t = (a, b)         t_dot = (a_dot, b_dot)           a_bar = a_bar + t_bar[0] ...
    a, b = t           a_dot, b_dot = t_dot             t_bar = _rt.add(t_bar, (a_bar, b_bar))
    lst.append(v)      lst_dot.append(v_dot)            v_bar = v_bar + lst_bar.pop()
    v = lst.pop()      v_dot = lst_dot.pop()            lst_bar.append(v_bar)

A list is mirrored as a whole once it is active, entries whose value
carries no derivative included (their tangent or adjoint is a zero), so the
two stay aligned whatever the control flow. Indexing `t[0]` is ordinary
`operator.getitem` (its rule knows tuples), and helpers returning tuples
need nothing special. Adjoints of values that may be containers accumulate
with `_rt.add`, since `+` concatenates (see analysis/kinds.py).
"""
from __future__ import annotations

from collections import Counter

import builtins
import operator
import re
import types

import numpy as np

from .. import runtime
from ..analysis.kinds import describe, is_sure_container, list_append, list_pop, unpack_targets
from ..errors import UnsupportedSyntaxError
from ..ir import nodes as N
from .calls import structural
from ..rules import RULES

# rules that take containers as operands (everything else is arithmetic);
# np.stack and friends, whose rules take sequences, belong here once they have rules
_CONTAINER_SAFE = {operator.getitem, runtime.add, runtime.zeros_like, runtime.unindex,
                   runtime.pick, runtime.unpick, runtime.unbroadcast, runtime.broadcast_like,
                   runtime.field, runtime.unfield, runtime.unstack_like, runtime.unsum, runtime.undict,
                   runtime.redict, runtime.private_copy, np.array, np.asarray, np.asanyarray,
                   builtins.sum, builtins.dict,
                   *(getattr(np, name) for name in ("stack", "vstack", "hstack", "concatenate")
                     if RULES.get(getattr(np, name)) is not None)}


def _method(obj: str, name: str, args=()) -> N.Call:
    return N.call(N.attr(N.load(obj), name), list(args))


def _discard(gen) -> str:
    """The name a generated unpacking binds what it does not need (`_`)."""
    if getattr(gen, "discard", None) is None:
        gen.discard = gen.namer.unique("_")
    return gen.discard


def zero(ctx, atom) -> N.expr:
    if isinstance(atom, N.Constant):
        return N.const(0.0)
    return ctx.rt_call("zeros_like", N.copy(atom))


# ------------------------------------------------------------------ forward

def forward(gen, s) -> list | None:
    """Tangent code for a tuple or list statement; None for any other."""
    active = gen.facts.active_vars
    ctx = gen.ctx
    stack_op = _forward_stack_op(gen, s)
    if stack_op is not None:
        return stack_op
    names = unpack_targets(s)
    if names is not None:
        src = s.value.id
        if s in gen.facts.active_stmts and src in active:
            discard = _discard(gen)
            elts = [N.store(gen.dot(n)) if n in active else N.store(discard) for n in names]
            return [s, ctx.ir.inherit(N.assign(N.tuple_(elts, store_ctx=True), N.load(gen.dot(src))), s)]
        return [s] + [N.assign(gen.dot(n), gen.zeros(n)) for n in names if n in active]
    if (isinstance(s, N.Assign) and isinstance(s.value, (N.Tuple, N.List, N.Dict))
            and s in gen.facts.active_stmts):
        target = N.assigned_name(s)
        value = s.value
        elts = [N.load(gen.dot(e.id)) if isinstance(e, N.Name) and e.id in active else gen.zero(e)
                for e in (value.values if isinstance(value, N.Dict) else value.elts)]
        literal = (N.Dict(keys=[N.copy(k) for k in value.keys], values=elts)
                   if isinstance(value, N.Dict) else type(value)(elts=elts, ctx=N.Load()))
        return [s, ctx.ir.inherit(N.assign(gen.dot(target), literal), s)]
    return None


def _own_list(gen, name: str) -> bool:
    """Is `name` a list this function makes (so its updates are ours to mirror)?"""
    kind = gen.facts.kinds.get(name)
    return name in gen.ctx.local_names and isinstance(kind, tuple) and kind[0] == "list"


def _forward_stack_op(gen, s) -> list | None:
    """`lst_dot.append(v_dot)` after `lst.append(v)`, `v_dot = lst_dot.pop()` after a pop."""
    appended, popped = list_append(s), list_pop(s)
    lst = appended[0] if appended else popped[1] if popped else None
    if lst is None or not _own_list(gen, lst):
        return None
    active = gen.facts.active_vars
    if lst not in active:  # nothing read from it carries a derivative
        return [s] if appended else None
    if appended:
        v = appended[1]
        tangent = (N.load(gen.dot(v.id)) if isinstance(v, N.Name) and v.id in active
                   else gen.zero(v))
        return [s, N.expr_stmt(_method(gen.dot(lst), "append", [tangent]))]
    pop = _method(gen.dot(lst), "pop")
    v = popped[0]
    return [s, N.assign(gen.dot(v), pop) if v in active else N.expr_stmt(pop)]


# ------------------------------------------------------------------ reverse

def reverse_append(gen, s) -> tuple[list, list] | None:
    """(forward sweep, reverse sweep) for `lst.append(v)`; None for other statements."""
    appended = list_append(s)
    if appended is None or not _own_list(gen, appended[0]):
        return None  # not a list of ours: a call for its effect (context.py decides)
    lst, v = appended
    if lst not in gen.facts.active_vars:
        return [s], []
    pop = _method(gen.bar(lst), "pop")
    restore = [N.expr_stmt(_method(lst, "pop"))] if _read_in_reverse(gen, lst) else []
    if isinstance(v, N.Name) and v.id in gen.facts.active_vars:
        return [s], gen.comment(s) + [gen.ctx.ir.inherit(gen.accumulate(v.id, pop), s)] + restore
    return [s], [N.expr_stmt(pop)] + restore


def _read_in_reverse(gen, lst: str) -> bool:
    """Does adjoint code read the list `lst` (`_rt.unindex(g, lst, i)`)? Then
    the reverse sweep undoes each update of it, so every read sees the list
    as it was when the primal read it."""
    reads = getattr(gen, "lists_read", None)
    if reads is None:
        reads = gen.lists_read = set()
        for stmt in gen.facts.active_stmts:
            if not N.mutated_names(stmt) and isinstance(stmt, (N.Assign, N.Expr)):
                reads |= N.names_loaded(stmt.value)
    # a comprehension's list is read once, complete: nothing reads it half-built
    return lst in reads and lst not in gen.ctx.ir.finished_lists


def reverse_adjoint(gen, s, targets: list[str]) -> list | None:
    """Adjoint code for a pop, an unpacking or a tuple/list literal; None for others."""
    active = gen.facts.active_vars
    ctx = gen.ctx
    popped = list_pop(s)
    if popped is not None:
        v, lst = popped
        if lst not in active:
            return []
        entry = N.load(gen.bar(v)) if v in active else ctx.zeros_like(v)
        restore = [N.expr_stmt(_method(lst, "append", [N.load(v)]))] if _read_in_reverse(gen, lst) else []
        return gen.comment(s) + [N.expr_stmt(_method(gen.bar(lst), "append", [entry]))] + restore
    if s not in gen.facts.active_stmts:
        return None
    names = unpack_targets(s)
    if names is not None:
        src = s.value.id
        if src not in active:
            return []
        entries = [N.load(gen.bar(n)) if n in active else ctx.zeros_like(n) for n in names]
        kind = gen.facts.kinds.get(src)
        literal = N.List(elts=entries, ctx=N.Load()) if (
            isinstance(kind, tuple) and kind[0] == "list") else N.tuple_(entries)
        # always entry by entry: the value unpacked is a container, whatever
        # its kind says (a parameter nobody declared, say)
        total = ctx.rt_call("add", N.load(gen.bar(src)), literal)
        return gen.comment(s) + [ctx.ir.inherit(N.assign(gen.bar(src), total), s)]
    if isinstance(s.value, (N.Tuple, N.List, N.Dict)):
        varied = gen.facts.varied_before(s)
        out = []
        target = targets[0]
        for key, e in _literal_entries(s.value):
            if isinstance(e, N.Name) and e.id in active and e.id in varied:
                entry = N.Subscript(value=N.load(gen.bar(target)), slice=key, ctx=N.Load())
                out.append(ctx.ir.inherit(gen.accumulate(e.id, entry), s))
        return gen.comment(s) + out if out else []
    return None


def _literal_entries(value) -> list:
    """(key, value) of a tuple, list or dict literal; a dict's repeated key
    keeps its last value (normalize made every key a constant)."""
    if not isinstance(value, N.Dict):
        return [(N.const(k), e) for k, e in enumerate(value.elts)]
    last = {k.value: j for j, k in enumerate(value.keys)}
    return [(N.copy(k), e) for j, (k, e) in enumerate(zip(value.keys, value.values))
            if last[k.value] == j]


# ------------------------------------------------------------------ checks

def check_operands(ctx, stmt, op, active: list[int], kinds: dict) -> None:
    """Refuse arithmetic on a tuple or list: `t + s` concatenates, `t * 2`
    repeats, and no elementwise rule describes either."""
    if op.fn in _CONTAINER_SAFE:
        return
    shapes_only = structural(op)  # read for shapes and indices: any value will do
    for k in active:
        arg = op.args[k]
        if k == 0 and op.rule is not None and op.rule.sequence:
            continue  # np.concatenate([a, b]): a list of arrays is what it takes
        if isinstance(arg, N.Name) and arg.id not in shapes_only and is_sure_container(kinds.get(arg.id)):
            what = kinds[arg.id][0]
            temporary = re.fullmatch(r"_t\d+_*", arg.id)  # a list written in the call
            entries = "take its entries out first" + (
                "" if temporary else f" (e.g. `a, b = {arg.id}`)")
            raise ctx.ir.error(
                UnsupportedSyntaxError, f"arithmetic or a NumPy function applied to a {what} "
                f"of differentiable values", stmt, op.label,
                f"make one array of the {what} first (`np.array(...)`, `np.stack(...)`), "
                f"or {entries}")


def check_iteration(ir, kinds: dict) -> None:
    """`for k in d:` loops over a dict's keys, but normalize made it a loop
    that indexes its sequence by position (`k = _seq0[_k0]`): refuse it for
    a dict or a record, whose positions are not what the loop visits."""
    for s in N.walk(ir.fn):
        value = s.value if isinstance(s, N.Assign) else None
        if not (isinstance(value, N.Subscript) and isinstance(value.value, N.Name)
                and value.value.id in ir.sequences):
            continue
        kind = kinds.get(value.value.id)
        if isinstance(kind, tuple) and (kind[0] == "dict" or (
                kind[0] == "record" and not issubclass(kind[1], tuple))):
            what = "iterating over a dict directly" if kind[0] == "dict" else "iterating over an object"
            raise ir.error(UnsupportedSyntaxError, f"{what} yet", ir.sequences[value.value.id], None,
                           "iterate over `d.keys()`, `d.values()` or `d.items()`")


def check_stores(ir, kinds: dict) -> None:
    """`x[i] = v` has exact adjoints for arrays only (arrays-in-place.md)."""
    for s in N.walk(ir.fn):
        name = N.updated_name(s)
        if name is not None and is_sure_container(kinds.get(name)):
            raise ir.error(UnsupportedSyntaxError, f"assignment into an entry of {describe(kinds[name])} yet",
                           s, None, "build a new container instead (a literal, a comprehension, "
                                    "or `.append` to a list)")


# runtime helpers that return a container of their own, never one passed
# in: derivative code differentiated again pops from the adjoint lists they make
_NEW_CONTAINERS = (runtime.zeros_like, runtime.unindex, runtime.unstack_like, runtime.add,
                   runtime.private_copy, runtime.unsum, runtime.undict)


def check_lists(ir, facts, resolve) -> None:
    """Lists updated in place must stay private stacks of the function.

    The derivative mirrors each update on a list of derivatives; a second
    name for the same list (a copy, an argument, an entry of another
    container, a returned value) would see updates the mirror does not, and
    reading `lst[i]` in the reverse sweep would see the list as it ends."""
    mutated: dict[str, N.AST] = {}
    local = N.names_stored(ir.fn) | set(ir.params)
    for s in N.walk(ir.fn):
        for name in N.mutated_names(s):
            if name not in local and isinstance(ir.namespace.lookup(name), types.ModuleType):
                continue  # `np.sort(x)` is a function call, not `lst.sort()`
            mutated.setdefault(name, s)
            method = s.value.func.attr
            ok = (list_append(s) is not None or list_pop(s) is not None)
            if not ok and name in facts.varied_before(s) | facts.active_vars:
                raise ir.error(UnsupportedSyntaxError,
                               f"`.{method}(...)` on a differentiable value (it updates it in place)",
                               s, None, "build a new value instead; lists support `.append(v)` "
                                        "and `.pop()`")
    if not mutated:
        return
    for name, s in mutated.items():
        if name in ir.params:
            raise ir.error(UnsupportedSyntaxError, "updating a list argument in place", s, None,
                           "build the list in the function (`lst = [...]`) instead")
    made = _new_containers(ir.fn, resolve)
    for s in N.walk(ir.fn):  # made here, by a literal or a helper: no other name shares it
        target = N.assigned_name(s) if isinstance(s, N.Assign) else None
        fresh = target in mutated and s.value in made
        if (target in mutated and not fresh) or set(unpack_targets(s) or ()) & set(mutated):
            raise ir.error(UnsupportedSyntaxError,
                           "updating in place a list that is not made here by a list literal",
                           mutated[target] if target in mutated else s, None,
                           "make the list in this function with `[...]` before appending")
    tests = set()
    for s in N.walk(ir.fn):
        if isinstance(s, (N.If, N.While)):
            tests |= N.names_loaded(s.test)
    for s in N.walk(ir.fn):
        if not isinstance(s, (N.Assign, N.Expr)) or N.mutated_names(s):
            continue
        uses = N.names_loaded(s.value) & set(mutated)
        if uses:
            _check_list_read(ir, s, sorted(uses)[0], resolve, tests)


def finished_lists(fn) -> set:
    """Lists read only once complete, like a comprehension's: every statement
    of the function's body that updates one comes before every statement
    that reads it (derivative code differentiated again builds and reads
    its lists this way: `_t0.append(v)` in a loop, then `ys = _t0`)."""
    updated: dict[str, int] = {}
    for k, s in enumerate(fn.body):
        for name in N.names_mutated(s):
            updated[name] = k
    finished = set()
    for name, last in updated.items():
        reads = [k for k, s in enumerate(fn.body) if name in _reads(s)]
        if all(k > last for k in reads):
            finished.add(name)
    return finished


def _reads(s) -> set:
    """Names `s` (or a statement inside it) reads, other than to update them."""
    return {n for inner in N.walk(s) if isinstance(inner, N.stmt) and not N.mutated_names(inner)
            for n in _own_loads(inner)}


def _own_loads(s) -> set:
    fields = [getattr(s, f, None) for f in ("value", "test", "iter", "targets")]
    return set().union(*(N.names_loaded(x) for f in fields if f is not None
                         for x in (f if isinstance(f, list) else [f])))


def _new_containers(fn, resolve) -> set:
    """Values that are a new container no other name holds: a list literal,
    a call of a helper in `_NEW_CONTAINERS`, or a temporary holding one and
    read only here (`_t3 = _rt.add(a_bar, b)`, then `a_bar = _t3`)."""
    loads = Counter(n.id for n in N.walk(fn) if isinstance(n, N.Name) and isinstance(n.ctx, N.Load))
    stores = Counter(n.id for n in N.walk(fn) if isinstance(n, N.Name) and isinstance(n.ctx, N.Store))
    made, holding = set(), set()
    for s in N.walk(fn):
        if not isinstance(s, N.Assign):
            continue
        v = s.value
        if isinstance(v, N.List) or (isinstance(v, N.Call) and resolve(v).fn in _NEW_CONTAINERS):
            made.add(v)
            target = N.assigned_name(s)
            if target is not None and stores[target] == 1 and loads[target] == 1:
                holding.add(target)
    made |= {s.value for s in N.walk(fn) if isinstance(s, N.Assign)
             and isinstance(s.value, N.Name) and s.value.id in holding}
    return made | _popped_from_new(fn, made, stores)


def _popped_from_new(fn, made: set, stores) -> set:
    """`x = lst.pop()` where `lst` is one of those new containers, bound
    once and only popped from: the helpers copy every list inside too, so
    what comes off it is a new list as well (an adjoint list of lists)."""
    sources = {N.assigned_name(s) for s in N.walk(fn) if isinstance(s, N.Assign) and s.value in made}
    appended = {s.value.func.value.id for s in N.walk(fn) if isinstance(s, N.Expr)
                and N.mutated_names(s) and s.value.func.attr != "pop"}
    sources = {name for name in sources if name is not None and stores[name] == 1} - appended
    return {s.value for s in N.walk(fn) if isinstance(s, N.Assign) and N.mutated_names(s) & sources
            and s.value.func.attr == "pop"}


def _check_list_read(ir, s, name: str, resolve, tests: set) -> None:
    """A list updated in place may be read (indexed, measured, summed, made
    an array, returned): the reverse sweep undoes its updates as it goes,
    so each read sees the list as it was. A second name for it may not be
    made: a copy, an entry of a literal, a helper's parameter."""
    value = s.value
    target = N.assigned_name(s)
    if isinstance(value, N.Name):
        if value.id in ir.finished_lists or (target is not None and _only_tested(ir.fn, target, tests)):
            return
        what = f"a second name for the list `{name}`, which is updated in place"
    elif isinstance(value, (N.Tuple, N.List, N.Dict, N.Set)):
        what = f"the list `{name}`, which is updated in place, inside a container"
    elif isinstance(value, N.Call) and resolve(value).kind == "helper":
        what = f"passing the list `{name}`, which is updated in place, to a function"
    else:
        return
    raise ir.error(UnsupportedSyntaxError, what, s, None,
                   f"read entries (`{name}[i]`) or convert it (`np.array({name})`, `sum({name})`) "
                   "instead")


def _only_tested(fn, name: str, tests: set) -> bool:
    if name not in tests:
        return False
    for node in N.walk(fn):
        if isinstance(node, (N.Assign, N.Expr, N.Return)) and node.value is not None:
            if name in N.names_loaded(node.value) and not isinstance(node.value, (N.UnaryOp, N.Compare)):
                return False
    return True
