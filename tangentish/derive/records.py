"""Fields and methods of records, found through their kinds.

A record (structure.py) is an instance of a namedtuple, a dataclass or a
user class. Its kind (analysis/kinds.py) names its class and fields, so
at transformation time

    p.W              a field read: `_rt.field(p, 'W')`, linear (its tangent
                     is `p_dot.W`, its cotangent a zero record with g at W)
    p.scale          a @property: a call of its getter, a helper
    layer(x)         `type(layer).__call__(layer, x)`, a helper
    obj.step(x)      `type(obj).step(obj, x)`; a @staticmethod without obj
    self.RATE        a class attribute that is not a function: a constant

Anything else on a record (a function stored in a field, a classmethod) is
left to the ordinary resolution, which reports it.
"""
from __future__ import annotations

import inspect

from .. import runtime
from ..analysis import kinds as K
from ..ir import nodes as N
from ..rules import lookup


def _record(node, kinds: dict):
    """The kind of `node` if it is a local name holding a record, else None."""
    if isinstance(node, N.Name) and K.is_record(kinds.get(node.id)):
        return kinds[node.id]
    return None


def resolve(value, kinds: dict, label):
    """The Op of `value` if it reads a field or calls a method of a record, else None."""
    from .calls import Op
    if isinstance(value, N.Attribute):
        kind = _record(value.value, kinds)
        if kind is None:
            return None
        if value.attr in K.record_fields(kind):
            fn = runtime.field
            return Op("rule", fn, [value.value, N.const(value.attr)], {}, lookup(fn), label(value))
        member = inspect.getattr_static(kind[1], value.attr, None)
        if isinstance(member, property) and member.fget is not None:
            return Op("helper", member.fget, [value.value], {}, None, label(value))
        if member is not None and not callable(member) and not hasattr(member, "__get__"):
            return Op("const", written=label(value))
        return None
    if not isinstance(value, N.Call):
        return None
    func = value.func
    receiver = func.value if isinstance(func, N.Attribute) else func
    kind = _record(receiver, kinds)
    if kind is None:
        return None
    name = func.attr if isinstance(func, N.Attribute) else "__call__"
    if name in K.record_fields(kind):
        return None
    member = inspect.getattr_static(kind[1], name, None)
    kwargs = {k.arg: k.value for k in value.keywords}
    if isinstance(member, staticmethod):
        return Op("helper", member.__func__, list(value.args), kwargs, None, label(value))
    if inspect.isfunction(member):
        return Op("helper", member, [receiver] + list(value.args), kwargs, None, label(value))
    return None
