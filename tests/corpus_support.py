"""Build arguments for corpus functions from their parameter names.

The naming convention is documented in ``tests/corpus/__init__.py``.  Two
ways to make arguments: ``random_args`` from a seed (for finite
differences: no value sits on a branch threshold by construction) and
``draw_args`` from hypothesis (values may sit anywhere in the domain,
boundaries included; for checks that need no finite differences).
"""
from __future__ import annotations

import copy
import inspect

import numpy as np
from hypothesis import strategies as st

from tests import corpus

FLOAT, ARRAY, INT, CONTAINER = "float", "array", "int", "container"


def base_name(param: str) -> str:
    return param.rstrip("0123456789")


def kind(param: str) -> str:
    if param in corpus.CONTAINERS:
        return CONTAINER
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
    if kind(param) == CONTAINER:
        return (None, None)
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
        if k == CONTAINER:
            args.append(corpus.CONTAINERS[p](rng, dims))
        elif k == INT:
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
        if k == CONTAINER:
            seed = data.draw(st.integers(0, 2 ** 32 - 1), label=p)
            args.append(corpus.CONTAINERS[p](np.random.default_rng(seed), dims))
            continue
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


# -- containers: the structure-preserving maps the tests need -------------------

def leaves(x) -> list:
    """The numbers and arrays inside `x`, depth first, in a fixed order."""
    if isinstance(x, dict):
        return [leaf for k in x for leaf in leaves(x[k])]
    if isinstance(x, (tuple, list)):
        return [leaf for e in x for leaf in leaves(e)]
    if hasattr(x, "__dict__") and not isinstance(x, np.ndarray):
        return [leaf for k, v in sorted(vars(x).items()) for leaf in leaves(v)]
    if isinstance(x, (float, int, np.ndarray, np.generic)) and not isinstance(x, bool):
        return [x]
    return []


def tree_map(fn, x, *rest):
    """`fn` applied to matching leaves of containers of the same structure."""
    if isinstance(x, dict):
        return {k: tree_map(fn, x[k], *(r[k] for r in rest)) for k in x}
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):
        return type(x)(*(tree_map(fn, *es) for es in zip(x, *rest)))
    if isinstance(x, (tuple, list)):
        return type(x)(tree_map(fn, *es) for es in zip(x, *rest))
    if hasattr(x, "__dict__") and not isinstance(x, np.ndarray):
        out = copy.copy(x)
        for k, v in vars(x).items():
            if leaves(v):
                setattr(out, k, tree_map(fn, v, *(getattr(r, k) for r in rest)))
        return out
    return fn(x, *rest)


def is_container(x) -> bool:
    return isinstance(x, (tuple, list, dict)) or (hasattr(x, "__dict__") and not isinstance(x, np.ndarray))


def layout(x):
    """Structure and shapes, to compare a derivative with its value."""
    if is_container(x):
        return type(x).__name__, [np.shape(leaf) for leaf in leaves(x)]
    return np.shape(x)


def is_scalar(x) -> bool:
    return not is_container(x) and np.ndim(x) == 0


def assert_tree_close(got, expected, **tol):
    assert layout(got) == layout(expected), f"{layout(got)} != {layout(expected)}"
    for g, e in zip(leaves(got), leaves(expected)):
        np.testing.assert_allclose(g, e, **tol)


def function_id(f) -> str:
    return f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}"
