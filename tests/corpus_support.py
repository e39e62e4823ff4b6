"""Build arguments for corpus functions from their parameter names.

The naming convention is documented in ``tests/corpus/__init__.py``.  Two
ways to make arguments: ``random_args`` from a seed (for finite
differences: no value sits on a branch threshold by construction) and
``draw_args`` from hypothesis (values may sit anywhere in the domain,
boundaries included; for checks that need no finite differences).
"""
from __future__ import annotations

import inspect

import numpy as np
from hypothesis import strategies as st

from tests import corpus

FLOAT, ARRAY, INT = "float", "array", "int"


def base_name(param: str) -> str:
    return param.rstrip("0123456789")


def kind(param: str) -> str:
    name = base_name(param)
    if name in corpus.FLOAT_NAMES:
        return FLOAT
    if name in corpus.ARRAY_SHAPES:
        return ARRAY
    if name in corpus.INT_NAMES:
        return INT
    raise KeyError(f"parameter {param!r} does not follow the corpus naming convention")


def params(f) -> list[str]:
    return list(inspect.signature(f).parameters)


def differentiable_params(f) -> list[str]:
    return [p for p in params(f) if kind(p) != INT]


def _domain(f, param):
    return corpus.DOMAINS.get(f.__name__, {}).get(param)


def value_range(f, param) -> tuple:
    spec = _domain(f, param)
    if isinstance(spec, dict):
        spec = spec.get("range")
    if spec is not None:
        return spec
    return corpus.DEFAULT_INT_RANGE if kind(param) == INT else corpus.DEFAULT_FLOAT_RANGE


def shape(f, param, dims) -> tuple:
    spec = _domain(f, param)
    if isinstance(spec, dict) and "shape" in spec:
        return tuple(spec["shape"])
    return tuple(dims[d] if isinstance(d, str) else d
                 for d in corpus.ARRAY_SHAPES[base_name(param)])


def random_args(f, rng: np.random.Generator, dims: dict) -> list:
    args = []
    for p in params(f):
        lo, hi = value_range(f, p)
        k = kind(p)
        if k == INT:
            args.append(int(rng.integers(lo, hi + 1)))
        elif k == FLOAT:
            args.append(float(rng.uniform(lo, hi)))
        else:
            args.append(rng.uniform(lo, hi, size=shape(f, p, dims)))
    return args


def dims_strategy():
    lo, hi = corpus.SIZE_RANGE
    size = st.integers(lo, hi)
    return st.fixed_dictionaries({"m": size, "p": size, "q": size})


def draw_args(data, f, dims: dict) -> list:
    """Arguments drawn by hypothesis (``data`` from ``st.data()``)."""
    from hypothesis.extra import numpy as hnp
    args = []
    for p in params(f):
        lo, hi = value_range(f, p)
        k = kind(p)
        if k == INT:
            args.append(data.draw(st.integers(lo, hi), label=p))
            continue
        elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                             allow_subnormal=False)
        if k == FLOAT:
            args.append(data.draw(elements, label=p))
        else:
            args.append(data.draw(hnp.arrays(np.float64, shape(f, p, dims),
                                             elements=elements), label=p))
    return args


def function_id(f) -> str:
    return f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}"
