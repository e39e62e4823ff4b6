"""Kinds: which variables may hold a container, and of what.

Derivatives of a container are containers of derivatives, and `+` on
Python tuples and lists concatenates instead of adding. So derivative code
accumulates the adjoint of a variable that may hold a container with
`_rt.add` (entry by entry), arithmetic on a container is refused, and a
helper called with a container learns which of its parameters hold one.

A kind is one of
- `ARRAY`: a number or an array (anything `+` adds), the default;
- `("tuple", (k0, k1, ...))`: a tuple of known length with entries of these kinds;
- `("list", k)`: a list whose entries have kind k;
- `("dict", ((key, k), ...))`: a dict whose entry `key` has kind k (`ANY_KEY`
  stands for keys only known when the function runs);
- `("record", cls, ((field, k), ...))`: an instance of `cls` (a namedtuple,
  a dataclass or a user class, structure.py) with these fields;
- `UNKNOWN`: anything, containers included;
- `BOTTOM`: no value seen yet (the entries of a list that stays empty).
The analysis is flow-insensitive: a variable's kind joins those of all its
definitions, iterated to a fixed point over the normal form. The kinds of
parameters come from the arguments of the call being differentiated
(`of_value`), so the derivative is made for one structure of its inputs,
and the structure is part of the cache key.
"""
from __future__ import annotations

import inspect
import operator
from typing import Callable

from .. import structure
from ..ir import nodes as N

ARRAY = None
UNKNOWN = "?"
BOTTOM = "-"
ANY_KEY = Ellipsis
_MAX_DEPTH = 4


def is_container(kind) -> bool:
    """May a value of this kind be a container?"""
    return kind not in (ARRAY, BOTTOM)


def is_sure_container(kind) -> bool:
    return isinstance(kind, tuple)


def is_record(kind) -> bool:
    return isinstance(kind, tuple) and kind[0] == "record"


def record_fields(kind) -> dict:
    return dict(kind[2]) if is_record(kind) else {}


def describe(kind) -> str:
    """`a tuple`, `a dict`, `a Layer` (for messages)."""
    return f"a {kind[1].__name__}" if is_record(kind) else f"a {kind[0]}"


def of_value(value):
    """The kind of a runtime value (an argument of the call differentiated)."""
    if not structure.is_container(value):
        return ARRAY
    if isinstance(value, tuple) and not structure.is_namedtuple(value):
        return _cap(("tuple", tuple(of_value(e) for e in value)))
    if isinstance(value, list):
        out = BOTTOM
        for e in value:
            out = join(out, of_value(e))
        return _cap(("list", out))
    if structure.is_namedtuple(value):
        return _cap(("record", type(value), tuple(zip(value._fields, map(of_value, value)))))
    pairs = tuple((k, of_value(v)) for k, v in structure.entries(value))
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) for k, _ in pairs):
            return UNKNOWN
        return _cap(("dict", pairs))
    return _cap(("record", type(value), pairs))


def join(a, b):
    if a == BOTTOM:
        return b
    if b == BOTTOM or a == b:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "list":
            return ("list", join(a[1], b[1]))
        if a[0] == "dict":
            return ("dict", _join_pairs(a[1], b[1]))
        if a[0] == "record" and a[1] is b[1]:
            return ("record", a[1], _join_pairs(a[2], b[2]))
        if a[0] == "tuple" and len(a[1]) == len(b[1]):
            return ("tuple", tuple(join(x, y) for x, y in zip(a[1], b[1])))
    return UNKNOWN


def _join_pairs(a: tuple, b: tuple) -> tuple:
    """Entries of either (a kind says what a value *may* hold)."""
    out = dict(a)
    for k, kind in b:
        out[k] = join(out.get(k, BOTTOM), kind)
    return tuple(out.items())


def _inner(kind) -> tuple:
    if kind[0] == "tuple":
        return kind[1]
    if kind[0] == "list":
        return (kind[1],)
    return tuple(k for _, k in kind[-1])


def _depth(kind) -> int:
    if not isinstance(kind, tuple):
        return 0
    return 1 + max((_depth(k) for k in _inner(kind)), default=0)


def _cap(kind):
    return UNKNOWN if _depth(kind) > _MAX_DEPTH else kind


def _join_all(kinds) -> object:
    out = BOTTOM
    for k in kinds:
        out = join(out, k)
    return out


def element(kind, index=None):
    """The kind of `value[index]` for a value of `kind` (index: a constant or None)."""
    if kind == ARRAY:
        return ARRAY
    if isinstance(kind, tuple):
        if kind[0] == "list":
            return kind[1] if not isinstance(index, slice) else kind
        if kind[0] == "dict":
            pairs = dict(kind[1])
            if index in pairs and ANY_KEY not in pairs:
                return pairs[index]
            return _join_all(pairs.values())
        entries = kind[1] if kind[0] == "tuple" else (
            tuple(k for _, k in kind[2]) if issubclass(kind[1], tuple) else None)
        if entries is None:
            return UNKNOWN
        if isinstance(index, int) and -len(entries) <= index < len(entries):
            return entries[index]
        if isinstance(index, slice):
            return ("tuple", entries[index])
        return _join_all(entries)
    return UNKNOWN if kind != BOTTOM else BOTTOM


def field(kind, name: str):
    """The kind of `value.name` for a record of `kind` (ARRAY otherwise)."""
    if is_record(kind):
        return record_fields(kind).get(name, UNKNOWN)
    return ARRAY


def unpacked(kind, n: int) -> list:
    """Kinds of the targets of `a, b, ... = value` (n targets)."""
    if kind == BOTTOM:  # not seen yet: a later round of the fixed point tells
        return [BOTTOM] * n
    if isinstance(kind, tuple) and kind[0] == "tuple" and len(kind[1]) == n:
        return list(kind[1])
    if is_record(kind) and issubclass(kind[1], tuple) and len(kind[2]) == n:
        return [k for _, k in kind[2]]
    if isinstance(kind, tuple) and kind[0] == "dict":
        return [ARRAY] * n  # its keys
    if isinstance(kind, tuple) and kind[0] == "list":
        return [kind[1]] * n
    return [UNKNOWN] * n


# ------------------------------------------------------------------ list ops

def list_append(stmt):
    """`lst.append(v)` as (lst, v), else None."""
    if not isinstance(stmt, N.Expr):
        return None
    call = stmt.value
    if (isinstance(call, N.Call) and isinstance(call.func, N.Attribute)
            and call.func.attr == "append" and isinstance(call.func.value, N.Name)
            and len(call.args) == 1 and not call.keywords):
        return call.func.value.id, call.args[0]
    return None


def list_pop(stmt):
    """`v = lst.pop()` as (v, lst), else None."""
    target = N.assigned_name(stmt)
    if target is None:
        return None
    call = stmt.value
    if (isinstance(call, N.Call) and isinstance(call.func, N.Attribute)
            and call.func.attr == "pop" and isinstance(call.func.value, N.Name)
            and not call.args and not call.keywords):
        return target, call.func.value.id
    return None


def unpack_targets(stmt) -> list[str] | None:
    """`a, b = t` (the normal form's unpacking) as its target names, else None."""
    if (isinstance(stmt, N.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], (N.Tuple, N.List))):
        return [t.id for t in stmt.targets[0].elts]
    return None


# ------------------------------------------------------------------ inference

def infer(fn: N.FunctionDef, resolve: Callable, params: dict | None = None,
          helper_kind: Callable | None = None) -> dict:
    """name -> kind for every variable of a normalized function.

    `resolve(value, kinds)` gives the derive.calls.Op of an operation (a
    method of a record is found through its kind); `params` the kinds of
    parameters that hold containers (others are ARRAY);
    `helper_kind(fn, args, kwargs)` the kind a user function returns for
    arguments of the given kinds."""
    from .. import runtime
    kinds: dict = {p: (params or {}).get(p, ARRAY) for p in N.param_names(fn)}
    stmts = [s for s in N.walk(fn) if isinstance(s, (N.Assign, N.Expr, N.For))]
    ops: dict = {}  # id(call) -> its Op, resolved once (unless it depends on kinds)

    def of(atom):
        if isinstance(atom, N.Name):
            return kinds.get(atom.id, BOTTOM)
        return ARRAY

    def constant(index):
        if isinstance(index, N.Constant) and isinstance(index.value, (int, str)):
            return index.value
        if isinstance(index, N.Slice) and all(
                p is None or (isinstance(p, N.Constant) and isinstance(p.value, int))
                for p in (index.lower, index.upper, index.step)):
            part = lambda p: None if p is None else p.value  # noqa: E731
            return slice(part(index.lower), part(index.upper), part(index.step))
        return None

    def call_op(call):
        if id(call) in ops:
            return ops[id(call)]
        op = resolve(call, kinds)
        receiver = call.func.value if isinstance(call.func, N.Attribute) else call.func
        if not (isinstance(receiver, N.Name) and is_container(kinds.get(receiver.id, BOTTOM))):
            ops[id(call)] = op
        return op

    def value_kind(value):
        if isinstance(value, N.Name):
            return of(value)
        if isinstance(value, N.Tuple):
            return ("tuple", tuple(of(e) for e in value.elts))
        if isinstance(value, N.List):
            out = BOTTOM
            for e in value.elts:
                out = join(out, of(e))
            return ("list", out)
        if isinstance(value, N.Subscript):
            return element(of(value.value), constant(value.slice))
        if isinstance(value, N.BinOp):
            operands = (of(value.left), of(value.right))
            return ARRAY if not any(map(is_container, operands)) else UNKNOWN
        if isinstance(value, N.Dict):
            keys = [k.value if isinstance(k, N.Constant) else ANY_KEY for k in value.keys]
            return ("dict", _join_pairs((), tuple(zip(keys, map(of, value.values)))))
        if isinstance(value, N.Attribute) and isinstance(value.value, N.Name):
            return field(of(value.value), value.attr)
        if isinstance(value, N.Call):
            op = call_op(value)
            args = [("*", of(a.value)) if isinstance(a, N.Starred) else of(a) for a in op.args]
            if op.fn is dict and args and isinstance(args[0], tuple) and args[0][0] == "list":
                pair = args[0][1]
                entry = pair[1][1] if isinstance(pair, tuple) and pair[0] == "tuple" else UNKNOWN
                return ("dict", ((ANY_KEY, entry),))
            if op.fn is runtime.zeros_like:  # nondiff, but shaped like its argument
                return args[0] if args else UNKNOWN
            if op.kind == "helper":
                if helper_kind is None:
                    return UNKNOWN
                return helper_kind(op.fn, args, {k: of(v) for k, v in op.kwargs.items()})
            if op.kind == "rule":
                if op.fn in (runtime.unstack_like, runtime.unsum, runtime.undict) and len(args) > 1:
                    return args[1]  # shaped like their second argument
                if op.rule.outputs is not None:  # a tuple or a list (rules.returns)
                    return _declared_output(op)
                if op.fn is runtime.unbroadcast:
                    return args[0] if args else UNKNOWN
                if op.fn is runtime.add:
                    return join(*args) if len(args) == 2 else UNKNOWN
                if op.fn is runtime.unindex:  # shaped like x (BOTTOM: not known yet)
                    return args[1] if len(args) > 1 and args[1] != ARRAY else ARRAY
                if op.fn is runtime.private_copy:
                    return args[0] if args else UNKNOWN
                if op.fn is runtime.pick or op.fn is operator.getitem:
                    return UNKNOWN
                return ARRAY
            return UNKNOWN
        if isinstance(value, (N.UnaryOp, N.Compare, N.Constant, N.Attribute, N.JoinedStr)):
            return ARRAY
        return UNKNOWN

    changed = True
    rounds = 0
    while changed and rounds < 1000:
        changed = False
        rounds += 1
        updates = []
        for s in stmts:
            if isinstance(s, N.For):
                updates.append((s.target.id, ARRAY))
                continue
            appended = list_append(s)
            if appended is not None:
                lst, v = appended
                updates.append((lst, ("list", of(v))))
                continue
            if not isinstance(s, N.Assign):
                continue
            popped = list_pop(s)
            names = unpack_targets(s)
            if popped is not None:
                updates.append((popped[0], element(of(N.load(popped[1])))))
            elif names is not None:
                updates += list(zip(names, unpacked(value_kind(s.value), len(names))))
            elif N.assigned_name(s) is not None:
                updates.append((N.assigned_name(s), value_kind(s.value)))
        for name, kind in updates:
            new = _cap(join(kinds.get(name, BOTTOM), kind))
            if new != kinds.get(name, BOTTOM):
                kinds[name] = new
                changed = True
    if changed:  # no fixed point in time: give up on precision, not on soundness
        kinds = {k: UNKNOWN for k in kinds}
    return kinds


def _declared_output(op):
    from ..rules import output_kind
    value = lambda a: a.value if isinstance(a, N.Constant) else UNKNOWN  # noqa: E731
    return output_kind(op.rule, [value(a) for a in op.args],
                       {k: value(v) for k, v in op.kwargs.items()})


def return_kind(fn: N.FunctionDef, kinds: dict):
    ret = fn.body[-1].value if fn.body and isinstance(fn.body[-1], N.Return) else None
    if isinstance(ret, N.Name):
        return kinds.get(ret.id, UNKNOWN)
    return ARRAY


def bind_kinds(func, args: list, kwargs: dict) -> dict:
    """Parameter name -> kind for a call of `func` with arguments of these kinds;
    only containers are listed (the rest are ARRAY). `("*", kind)` is a
    tuple unpacked into the call (`g(*t)`); a `**` entry has the key None."""
    star = next((a[1] for a in args if isinstance(a, tuple) and a[0] == "*"), BOTTOM)
    plain = [a for a in args if not (isinstance(a, tuple) and a[0] == "*")]
    try:
        signature = inspect.signature(func)
        bound = signature.bind_partial(*plain, **{k: v for k, v in kwargs.items() if k is not None})
    except (TypeError, ValueError):
        return {}
    params = signature.parameters
    out = {}
    for name, kind in bound.arguments.items():
        if params[name].kind is inspect.Parameter.VAR_POSITIONAL:
            kind = ("tuple", kind)
        elif params[name].kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if isinstance(kind, (tuple, str)) and is_container(kind):
            out[name] = kind
    vararg = next((p for p in params.values() if p.kind is inspect.Parameter.VAR_POSITIONAL), None)
    named = [p for p in params.values() if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                       inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if star != BOTTOM and vararg is not None and len(plain) == len(named):
        out[vararg.name] = star  # `g(*t)` passes t whole as `*args`
    return out
