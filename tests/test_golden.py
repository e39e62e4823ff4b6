"""Golden generated source for showcase functions, both modes.

Each test compares ``tg.source`` with ``tests/golden/<name>.<mode>.txt``
and then executes the golden text itself, checking its derivative against
central differences, so a golden file cannot freeze a wrong derivative.

Regenerate the files after an intended change of the generated code with

    TANGENTISH_REGOLD=1 python -m pytest tests/test_golden.py

and review the diff by eye.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import tangentish as tg
from tangentish.pipeline import transform
from tests.golden import showcase as G

GOLDEN = Path(__file__).parent / "golden"
REGOLD = os.environ.get("TANGENTISH_REGOLD") == "1"

_rng = np.random.default_rng(42)
# function, wrt (differentiable parameters), arguments
SHOWCASE = [
    (G.loop_with_branch, ("x",), [(1.3, 5), (0.4, 7)]),
    (G.while_with_break, ("x", "y"), [(0.5, 1.7), (2.0, 1.1)]),
    (G.dense_layer, ("W", "v", "b"), [(_rng.normal(size=(3, 4)), _rng.normal(size=4), 0.3)]),
    (G.helper_call, ("x", "y"), [(0.7, -0.4), (1.5, 0.9)]),
    (G.textbook, ("x1", "x2"), [(2.0, 5.0), (0.5, 1.2)]),
]
MODES = ("reverse", "forward")
CASES = [pytest.param(f, wrt, points, mode, id=f"{f.__name__}.{mode}")
         for f, wrt, points in SHOWCASE for mode in MODES]


def golden_path(f, mode) -> Path:
    return GOLDEN / f"{f.__name__}.{mode}.txt"


def _namespace(f, mode, wrt) -> dict:
    """Globals to execute generated text in: the user's module, plus the
    closure values (``_rt``, rule helpers) the compiled derivatives use."""
    ns = dict(f.__globals__)
    todo = [transform(f, mode, wrt)]
    while todo:
        derived = todo.pop()
        fn = derived.function
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
            ns.setdefault(name, cell.cell_contents)
        todo.extend(getattr(derived, "helpers", []))
    return ns


def _central(f, args, i, dx, eps=1e-6):
    hi, lo = list(args), list(args)
    hi[i] = args[i] + eps * dx
    lo[i] = args[i] - eps * dx
    return (f(*hi) - f(*lo)) / (2 * eps)


@pytest.mark.parametrize("f,wrt,points,mode", CASES)
def test_golden_source(f, wrt, points, mode):
    text = tg.source(f, mode=mode, wrt=wrt)
    path = golden_path(f, mode)
    if REGOLD:
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with TANGENTISH_REGOLD=1"
    assert text == path.read_text(), (
        f"generated source differs from {path.name}; if the change is intended, "
        "regenerate with TANGENTISH_REGOLD=1 and review the diff")


@pytest.mark.parametrize("f,wrt,points,mode", CASES)
def test_golden_source_computes_the_derivative(f, wrt, points, mode):
    path = golden_path(f, mode)
    text = path.read_text()
    ns = _namespace(f, mode, wrt)
    exec(compile(text, str(path), "exec"), ns)
    generated = ns[f"{f.__name__}_{'vjp' if mode == 'reverse' else 'jvp'}"]
    params = list(f.__code__.co_varnames[:f.__code__.co_argcount])
    rng = np.random.default_rng(0)
    for args in points:
        args = list(args)
        idx = [params.index(p) for p in wrt]
        dirs = [rng.normal(size=np.shape(args[i])) if np.ndim(args[i]) else float(rng.normal())
                for i in idx]
        expected = sum(float(np.sum(_central(f, args, i, d))) * 1.0 for i, d in zip(idx, dirs))
        if mode == "reverse":
            value, *grads = generated(*args, 1.0)
            assert len(grads) == len(wrt)
            got = sum(float(np.sum(g * d)) for g, d in zip(grads, dirs))
        else:
            value, tangent = generated(*args, *dirs)
            got = float(tangent)
        assert np.isclose(value, f(*args), rtol=1e-13)
        assert np.isclose(got, expected, rtol=1e-6, atol=1e-8), (got, expected)
