"""Differentiate one generated program in both modes and judge the result."""
import importlib.util
import warnings

import numpy as np

import tangentish as tg

EPS = 1e-4  # five-point stencil: truncation error ~ EPS**4


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def _central(f, x, y, eps):
    def d(g):
        return (-g(2 * eps) + 8 * g(eps) - 8 * g(-eps) + g(-2 * eps)) / (12 * eps)
    return np.array([d(lambda h: f(x + h, y)), d(lambda h: f(x, y + h))])


def check(path, seed: int) -> tuple[str, str]:
    """(verdict, detail) for the program in `path`, at a point drawn from `seed`."""
    f = _load(path)
    x, y = np.random.default_rng(seed).uniform(-1.5, 1.5, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                value = f(x, y)  # inf/nan on the way: 0 * inf makes any AD give nan
            expected = _central(f, x, y, EPS)
            coarse = _central(f, x, y, 2 * EPS)
        except Exception as exc:  # the program itself fails here
            return "skipped", f"primal raised {type(exc).__name__}"
        if not np.isfinite(value) or not np.allclose(expected, coarse, rtol=1e-3, atol=1e-5):
            return "skipped", "not smooth at the sample point"
        try:
            got_value, grad = tg.value_and_grad(f, wrt=(0, 1))(x, y)
            tangents = [tg.jvp(f, wrt=k)(x, y, 1.0)[1] for k in (0, 1)]
        except tg.TangentishError as exc:
            return "rejected", str(exc).splitlines()[0]
    if not np.allclose(got_value, value, rtol=1e-12, atol=1e-12):
        return "wrong", f"value {got_value} != {value}"
    if not np.allclose(grad, expected, rtol=1e-4, atol=1e-6):
        return "wrong", f"reverse {grad} != {expected} at x={x}, y={y}"
    if not np.allclose(tangents, expected, rtol=1e-4, atol=1e-6):
        return "wrong", f"forward {tangents} != {expected} at x={x}, y={y}"
    return "correct", ""
