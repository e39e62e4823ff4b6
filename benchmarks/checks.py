"""Correctness before speed: the hand-written derivatives against central
finite differences, and every contestant's against the hand-written one."""
from __future__ import annotations

import numpy as np

from .workloads import HVP_GRADIENTS


def _directional(f, args, k, d, h):
    plus = list(args)
    minus = list(args)
    plus[k] = args[k] + h * d
    minus[k] = args[k] - h * d
    return (f(*plus) - f(*minus)) / (2 * h)


def check_hand(w, args, v, rng) -> None:
    """The hand-written derivative against central finite differences."""
    if w.kind == "hvp":
        grad = HVP_GRADIENTS[w.key]
        value, _ = grad(*args)
        _close(value, w.f(*args), 1e-12, f"({w.key}) the hand gradient's value")
        hv = w.hand(*args, v)
        fd = _directional(lambda *a: grad(*a)[1], args, 0, v, 1e-5)
        _close(hv, fd, 1e-6, f"({w.key}) hand-written HVP vs finite differences of the gradient")
        d = rng.standard_normal(np.shape(args[0]))
        fd = _directional(w.f, args, 0, d, 1e-5)
        _close(np.sum(grad(*args)[1] * d), fd, 1e-6, f"({w.key}) hand gradient vs finite differences")
        return
    value, grads = w.hand(*args)
    grads = grads if len(w.wrt) > 1 else (grads,)
    _close(value, w.f(*args), 1e-12, f"({w.key}) the hand-written value")
    for k, g in zip(w.wrt, grads):
        d = rng.standard_normal(np.shape(args[k]))
        h = 1e-6 * max(1.0, float(np.max(np.abs(args[k]))))
        fd = _directional(w.f, args, k, d if np.ndim(args[k]) else 1.0, h)
        _close(np.sum(g * d) if np.ndim(args[k]) else g, fd, 1e-6,
               f"({w.key}) hand gradient for argument {k} vs finite differences")


def _close(a, b, rtol, what) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(float(np.max(np.abs(b))), 1e-300)
    err = float(np.max(np.abs(a - b))) / scale
    if not err <= rtol:
        raise AssertionError(f"{what}: relative error {err:.2e} > {rtol:.0e}")


def agrees(result, reference) -> str | None:
    """None if `result` matches the reference derivative, else why not."""
    if isinstance(reference, tuple):
        if not isinstance(result, tuple) or len(result) != len(reference):
            return f"returned {type(result).__name__} of the wrong structure"
        pairs = list(zip(result, reference))
    else:
        pairs = [(result, reference)]
    for k, (r, ref) in enumerate(pairs):
        r = np.asarray(r, dtype=float)
        if r.shape != np.shape(ref):
            return f"gradient {k} has shape {r.shape}, expected {np.shape(ref)}"
        scale = max(float(np.max(np.abs(ref))), 1e-300)
        err = float(np.max(np.abs(r - ref))) / scale
        if not err <= 1e-7:
            return f"gradient {k} is wrong: relative error {err:.1e}"
    return None
