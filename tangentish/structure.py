"""Containers of differentiable values: which values are, and how to take
them apart and build them again.

A derivative of a container is a container of the same type holding
derivatives (JAX's pytrees, without a registry):

- tuples, lists, dicts, and namedtuples hold entries;
- *records*, the instances of dataclasses and of user classes with a
  `__dict__` (`Layer(W, b)`), hold fields. A record's derivative is a
  shallow copy of it whose fields hold derivatives (`copy.copy` plus
  `object.__setattr__`, so `__init__` and `__post_init__` do not run and
  frozen dataclasses work); a field with no derivative (a string, a
  function, None) holds None there.

Generated code reaches these through `runtime` (`_rt.add`, `_rt.zeros_like`);
the API uses them to check and unshare arguments and results.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import types

import numpy as np

# objects with a `__dict__` that are never records
_NOT_RECORDS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                types.ModuleType, type, functools.partial, np.ndarray, np.generic)


def is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_record(x) -> bool:
    """A dataclass instance or an instance of a user class (not a namedtuple)."""
    if isinstance(x, (tuple, list, dict, float, int, complex, str, bytes, bool)) or x is None:
        return False
    if isinstance(x, _NOT_RECORDS) or callable(getattr(x, "__array__", None)):
        return False
    if dataclasses.is_dataclass(x):
        return True
    return hasattr(x, "__dict__") and type(x).__module__ not in ("builtins",)


def fields(x) -> dict:
    """A record's fields: name -> value (dataclass fields, else `vars`)."""
    if dataclasses.is_dataclass(x):
        return {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    return dict(vars(x))


# the values the API checks on every call, none of them containers
_LEAVES = frozenset({np.ndarray, float, int, bool, np.float64, np.float32, type(None)})


def is_container(x) -> bool:
    if x.__class__ in _LEAVES:
        return False
    return isinstance(x, (tuple, list, dict)) or is_record(x)


def entries(x) -> list:
    """(key, value) pairs of a container: positions, dict keys or field names."""
    if isinstance(x, dict):
        return list(x.items())
    if isinstance(x, (tuple, list)):
        return list(enumerate(x))
    return list(fields(x).items())


def rebuild(x, values: list):
    """A container like `x` holding `values` (one per entry, in `entries` order)."""
    if isinstance(x, dict):
        return dict(zip(x.keys(), values))
    if is_namedtuple(x):
        return type(x)(*values)
    if isinstance(x, (tuple, list)):
        return type(x)(values)
    out = copy.copy(x)
    for name, value in zip(fields(x), values):
        object.__setattr__(out, name, value)
    return out


def leaves(x) -> list:
    """The non-container values inside `x`, depth first."""
    if not is_container(x):
        return [x]
    return [leaf for _, v in entries(x) for leaf in leaves(v)]


def layout(x) -> str:
    """Structure and shapes, for messages and checks: `(3,)`, `((), (2, 3))`,
    `{'W': (2, 2), 'b': (2,)}`, `Layer(W=(2, 2), b=(2,))`."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {layout(v)}" for k, v in x.items()) + "}"
    if is_namedtuple(x) or is_record(x):
        inner = ", ".join(f"{k}={layout(v)}" for k, v in entries(x) if _numeric(v) or is_container(v))
        return f"{type(x).__name__}({inner})"
    if isinstance(x, (tuple, list)):
        inner = ", ".join(layout(e) for e in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    return str(np.shape(x))


def plain(x):
    """`x` with named tuples turned into plain tuples (all the way down):
    a cotangent for NumPy's named results (`np.linalg.eigh`) may be a tuple."""
    if is_namedtuple(x):
        return tuple(plain(v) for v in x)
    if isinstance(x, (tuple, list)):
        return type(x)(plain(v) for v in x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def _numeric(v) -> bool:
    return isinstance(v, (float, int, np.ndarray, np.generic)) and not isinstance(v, bool)
