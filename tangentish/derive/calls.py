"""What a normal-form operation computes: its function object and arguments.

Both generators look operations up here, so `x * y`, `np.multiply(x, y)`,
`x[i]` and `x.T` all reach the rule tables the same way: as a function
object (`operator.mul`, `np.multiply`, `operator.getitem`, `np.transpose`)
with positional and keyword argument expressions.
"""
from __future__ import annotations

import ast
import inspect
import operator
from dataclasses import dataclass, field

import numpy as np

from ..frontend import IR, _MISSING, is_library
from ..ir import nodes as N
from ..rules import Rule, linear_args, lookup
from ..rules.methods import ARRAY_ATTRIBUTES, ARRAY_METHODS, SHAPE_ATTRIBUTES, SHAPE_VARARGS

BINOPS = {N.Add: operator.add, N.Sub: operator.sub, N.Mult: operator.mul,
          N.Div: operator.truediv, N.Pow: operator.pow, N.MatMult: operator.matmul,
          N.Mod: operator.mod, N.FloorDiv: operator.floordiv,
          N.BitAnd: operator.and_, N.BitOr: operator.or_, N.BitXor: operator.xor,
          N.LShift: operator.lshift, N.RShift: operator.rshift}
UNARYOPS = {N.USub: operator.neg, N.UAdd: operator.pos, N.Not: operator.not_}


@dataclass
class Op:
    kind: str                    # copy | const | rule | helper | nondiff | unknown
    fn: object = None
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    rule: Rule | None = None
    written: object = ""         # the expression, or its text: see `label`
    why: str = ""                # for `unknown`: what to tell the user
    hint: str = ""

    @property
    def label(self) -> str:
        """The operation as written, for messages (unparsed only when needed:
        operations are resolved far more often than reported)."""
        if not isinstance(self.written, str):
            self.written = _label(self.written)
        return self.written


def index_value(s) -> N.expr:
    """An index as a value: `1:n` -> `slice(1, n, None)`."""
    if isinstance(s, N.Slice):
        part = lambda x: N.const(None) if x is None else x  # noqa: E731
        return N.call(N.load("slice"), [part(s.lower), part(s.upper), part(s.step)])
    if isinstance(s, N.Tuple):
        return N.tuple_([index_value(x) for x in s.elts])
    return s


def _label(node) -> str:
    try:
        return ast.unparse(N.to_python_ast(node))
    except Exception:  # pragma: no cover
        return type(node).__name__


def _from_fn(fn, args, kwargs, label) -> Op:
    rule = lookup(fn)
    if rule is None and hasattr(fn, "__wrapped__"):
        fn = inspect.unwrap(fn)  # functools.wraps and @tg.differentiate are transparent
        rule = lookup(fn)
    if rule is not None:
        return Op("nondiff" if rule.nondiff else "rule", fn, args, kwargs, rule, label)
    if getattr(fn, "__tangentish_wrapper__", None) is not None:
        return Op("helper", fn, args, kwargs, None, label)  # tg.grad(f) and friends: nesting.py
    if inspect.isfunction(fn) and not is_library(fn):
        return Op("helper", fn, args, kwargs, None, label)
    name = getattr(fn, "__name__", None) or (label if isinstance(label, str) else _label(label))
    if inspect.isclass(fn) and not is_library(fn):
        return Op("unknown", fn, args, kwargs, None, label,
                  f"building a `{name}` inside the differentiated function is not supported yet",
                  f"build it outside and pass it in: its array attributes can be differentiated "
                  f"(`wrt` naming the argument gives a `{name}` of gradients)")
    return Op("unknown", fn, args, kwargs, None, label, f"`{name}` has no derivative rule")


def resolve(value, ir: IR, local_names: set[str], kinds: dict | None = None) -> Op:
    """The Op `value` computes. With `kinds` (analysis/kinds.py), a field or a
    method of a record (`p.W`, `layer(x)`, `self.act(t)`) is found through
    the record's class."""
    if kinds:
        from . import records
        op = records.resolve(value, kinds, _label)
        if op is not None:
            return op
    if isinstance(value, N.Name):
        return Op("copy", args=[value], written=value.id)
    if isinstance(value, N.Constant) or isinstance(value, N.JoinedStr):
        return Op("const")
    label = value  # unparsed by Op.label if a message needs it
    if isinstance(value, N.Attribute):
        if ir.namespace.resolve(value, local_names) is not _MISSING:
            return Op("const")
        if value.attr in SHAPE_ATTRIBUTES:
            return Op("nondiff", written=label)
        if value.attr in ARRAY_ATTRIBUTES:
            return _from_fn(ARRAY_ATTRIBUTES[value.attr], [value.value], {}, label)
        return Op("unknown", written=label, why=f"the attribute `.{value.attr}` has no derivative rule",
                  hint="use the NumPy function instead (e.g. `np.transpose(x)`)")
    if isinstance(value, N.BinOp):
        return _from_fn(BINOPS[type(value.op)], [value.left, value.right], {}, label)
    if isinstance(value, N.UnaryOp):
        fn = UNARYOPS.get(type(value.op))
        if fn is None:
            return Op("nondiff", written=label)
        return _from_fn(fn, [value.operand], {}, label)
    if isinstance(value, (N.Compare, N.BoolOp)):
        return Op("nondiff", written=label)
    if isinstance(value, N.Subscript):
        return _from_fn(operator.getitem, [value.value, index_value(value.slice)], {}, label)
    if isinstance(value, N.Call):
        kwargs = {k.arg: k.value for k in value.keywords}
        fn = ir.namespace.resolve(value.func, local_names)
        if fn is _MISSING:
            if isinstance(value.func, N.Attribute):
                return _method(value, kwargs, label, local_names)
            return Op("unknown", args=list(value.args), kwargs=kwargs, written=label,
                      why="the function called here is not known when the code is transformed",
                      hint="call a module-level function or a NumPy function directly")
        return _from_fn(fn, list(value.args), kwargs, label)
    if isinstance(value, (N.Tuple, N.List, N.Dict, N.Set)):
        return Op("unknown", written=label, why="containers of differentiable values are not supported yet",
                  hint="keep each differentiable value in its own variable")
    return Op("unknown", written=label, why="this operation has no derivative rule")


def _method(value: N.Call, kwargs: dict, label, local_names: set[str]) -> Op:
    """`x.sum(axis=0)` on a local array -> `np.sum(x, axis=0)`."""
    receiver, name = value.func.value, value.func.attr
    args = list(value.args)
    if name == "keys" and not args and not kwargs:
        return Op("nondiff", written=label)  # a dict's keys (ir/comprehensions.py)
    fn = ARRAY_METHODS.get(name)
    if fn is None or not (isinstance(receiver, N.Name) and receiver.id in local_names):
        return Op("unknown", args=args, kwargs=kwargs, written=label,
                  why=f"the method `.{name}(...)` has no derivative rule",
                  hint=f"call the NumPy function instead, e.g. `np.{name}(x)`")
    if name in SHAPE_VARARGS and len(args) > 1:
        args = [N.tuple_(args)]
    op = _from_fn(fn, [receiver] + args, kwargs, label)
    if op.kind == "unknown":
        qualified = f"np.{fn.__name__}" if getattr(fn, "__module__", "").startswith("numpy") else name
        op.why = f"`.{name}()` computes `{qualified}`, which has no derivative rule"
        op.hint = (f"register one with @tangentish.register_adjoint({qualified}), or compute "
                   "this value outside the differentiated function")
    return op


def differentiable(op: Op) -> bool:
    return op.kind not in ("const", "nondiff")


def _shape_arguments() -> dict:
    """Function -> positions of the arguments it reads only for their shape."""
    from .. import runtime as rt
    return {np.shape: (0,), np.ndim: (0,), np.size: (0,), len: (0,), rt.shape_of: (0,),
            rt.zeros_like: (0,), rt.unbroadcast: (1,), rt.broadcast_like: (1,),
            rt.unreduce: (1,), rt.unindex: (1,), rt.cotangent_at: (2,)}


def shape_reads(stmt, resolve) -> frozenset:
    """Names `t = f(...)` reads only for their shape: `x.shape`, `np.shape(x)`,
    and what derivative code reads so (`_rt.shape_of(x)`, `_rt.unbroadcast(g, x)`)."""
    value = stmt.value if isinstance(stmt, N.Assign) else None
    if isinstance(value, N.Attribute) and value.attr in SHAPE_ATTRIBUTES:
        return frozenset(N.names_loaded(value.value))
    if not isinstance(value, N.Call) or value.keywords:
        return frozenset()
    positions = _shape_arguments().get(resolve(value).fn, ())
    shaped = {a.id for k, a in enumerate(value.args) if k in positions and isinstance(a, N.Name)}
    return frozenset(shaped - {a.id for k, a in enumerate(value.args)
                               if k not in positions and isinstance(a, N.Name)})


def structural(op: Op) -> set[str]:
    """Names an operation reads only for a shape or an index: the operands
    whose derivative every rule of the function declares None (`x` in
    `_rt.unbroadcast(g, x)`; a `linear` function's other operands), and no
    other operand of it names."""
    if op.kind != "rule" or op.rule.user:
        return set()
    rule, n = op.rule, len(op.args)
    flowing = set()
    for template in (rule.partials, rule.vjp, rule.jvp):
        if template is not None:
            whole = template is rule.jvp and rule.outputs is not None
            outputs = [True] if whole else _declared_outputs(template)
            if outputs is None:
                return set()
            # only an explicit None says "no derivative": an entry left out
            # stays an error in the generators if its operand is varied
            flowing |= {k for k in range(n) if k >= len(outputs) or outputs[k]}
    flowing |= set(linear_args(rule))
    names = lambda ks: {a.id for k, a in enumerate(op.args) if k in ks and isinstance(a, N.Name)}  # noqa: E731
    return names(set(range(n)) - flowing) - names(flowing)


def _declared_outputs(template) -> list[bool] | None:
    """For each returned entry of a rule: may it be non-None? None if unreadable."""
    from .inline import _variadic, template as read
    tpl = read(template)
    if tpl is None:
        return None
    result = tpl.result
    if _variadic(tpl.signature) and not isinstance(result, N.Tuple):
        return None  # one sequence, indexed by argument position (np.einsum's operands)
    entries = result.elts if isinstance(result, N.Tuple) else [result]
    return [not N.is_const(e, None) for e in entries]
