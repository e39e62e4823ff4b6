"""The only module generated code calls (as `_rt`).

Small, fast helpers for what derivative code needs and NumPy does not
spell directly: undoing broadcasting, zero adjoints of the right shape and
dtype, scattering a cotangent back through indexing, and the shape cases
of `matmul`/`dot`. Each fast path (equal shapes) returns its input untouched.
"""
from __future__ import annotations

import numpy as np

from .errors import TangentishError

_ndarray = np.ndarray
_shape = np.shape


def zeros_like(x):
    """A zero of `x`'s shape and float dtype (0.0 for scalars and None);
    for a tuple or list, a new one of the zeros of its entries."""
    if isinstance(x, _ndarray):
        if x.dtype.kind in "fc":
            return np.zeros_like(x)
        return np.zeros(x.shape)
    if isinstance(x, (tuple, list)):
        return type(x)([zeros_like(e) for e in x])
    return 0.0


def add(a, b):
    """`a + b`, entry by entry for tuples and lists (whose `+` concatenates):
    how derivative code accumulates the adjoint of a container."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        if type(a) is not type(b) or len(a) != len(b):
            raise TangentishError(
                f"cannot add derivatives of different structure: {_structure(a)} and "
                f"{_structure(b)}")
        return type(a)([add(x, y) for x, y in zip(a, b)])
    return a + b


def _structure(x) -> str:
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)}"
    return f"shape {_shape(x)}"


def unbroadcast(g, x):
    """Sum `g` down to the shape of `x`: the adjoint of broadcasting."""
    if isinstance(x, (tuple, list)):
        return g  # containers are never broadcast
    gs = _shape(g)
    xs = _shape(x)
    if gs == xs:
        return g
    lead = len(gs) - len(xs)
    if lead > 0:
        g = np.sum(g, axis=tuple(range(lead)))
    axes = tuple(k for k, n in enumerate(xs) if n == 1 and _shape(g)[k] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if not isinstance(x, _ndarray) and isinstance(g, _ndarray):
        return g[()] if g.ndim == 0 else g
    return g


def broadcast_like(t, ans):
    """`t` broadcast to the shape of `ans`: a tangent must match its value."""
    if isinstance(ans, (tuple, list)):
        return t
    ts = _shape(t)
    s = _shape(ans)
    if ts == s:
        return t
    return np.broadcast_to(t, s).copy()


def unreduce(g, x, axis=None, keepdims=False):
    """Spread the cotangent of a reduction back over the reduced axes."""
    shape = _shape(x)
    if not isinstance(g, _ndarray) and isinstance(x, _ndarray):
        dtype = np.result_type(g, x)  # a Python seed must not promote float32
        g = np.asarray(g, dtype=dtype if dtype.kind in "fc" else np.float64)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % len(shape) for a in axes)
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape).copy() if shape else g


def mean_count(x, ans):
    """How many elements each mean averaged."""
    return np.size(x) / max(np.size(ans), 1)


def balanced_eq(x, ans, y):
    """1 where x is the extremum, 1/2 where x ties with y (autograd's split)."""
    return (x == ans) / (1.0 + (x == y))


def replace_zero(x, value):
    return np.where(x == 0, value, x)


def _is_basic_index(idx) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    for p in parts:
        if isinstance(p, (slice, type(None), type(Ellipsis))):
            continue
        if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
            continue
        return False
    return True


def unindex(g, x, idx):
    """Cotangent of `x[idx]`: zeros shaped like `x` with `g` added at `idx`
    (for a tuple or list `x`, a tuple or list of zeros with `g` at `idx`)."""
    if isinstance(x, (tuple, list)):
        out = zeros_like(list(x))
        if isinstance(idx, slice):
            for k, gk in zip(range(*idx.indices(len(x))), g):
                out[k] = add(out[k], gk)
        else:
            out[idx] = add(out[idx], g)
        return type(x)(out)
    out = np.zeros(_shape(x), dtype=np.result_type(x, g, np.float16))
    if _is_basic_index(idx):
        out[idx] += g
    else:
        np.add.at(out, idx, g)
    return out


def _as_matrices(g, a, b):
    a2 = a[np.newaxis, :] if a.ndim == 1 else a
    b2 = b[:, np.newaxis] if b.ndim == 1 else b
    g2 = g
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2 if b.ndim != 1 else 0)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    return g2, a2, b2


def matmul_vjp_a(g, a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        raise TangentishError("matmul of a 0-d array is not defined")
    g2, a2, b2 = _as_matrices(np.asarray(g), a, b)
    grad = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2)
    return grad.reshape(a.shape)


def matmul_vjp_b(g, a, b):
    a, b = np.asarray(a), np.asarray(b)
    g2, a2, b2 = _as_matrices(np.asarray(g), a, b)
    grad = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2)
    return grad.reshape(b.shape)


def _dot_vjp(g, a, b, side):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        other = b if side == 0 else a
        return unbroadcast(g * other, a if side == 0 else b)
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise TangentishError("np.dot of arrays with more than 2 dimensions has no rule yet; "
                              "use np.matmul or np.tensordot")
    return matmul_vjp_a(g, a, b) if side == 0 else matmul_vjp_b(g, a, b)


def dot_vjp_a(g, a, b):
    return _dot_vjp(g, a, b, 0)


def dot_vjp_b(g, a, b):
    return _dot_vjp(g, a, b, 1)


def astype(x, dtype):
    """`x.astype(dtype)` as a function, so the method has a rule."""
    return np.asarray(x).astype(dtype)


def cast_like(g, x):
    """A cotangent in `x`'s float dtype: the adjoint of `astype`."""
    if isinstance(x, _ndarray) and x.dtype.kind in "fc" and isinstance(g, _ndarray):
        return g.astype(x.dtype, copy=False)
    return g


def pick(result, i):
    """Entry `i` of a custom rule's result (a bare value counts as entry 0)."""
    if isinstance(result, (tuple, list)):
        return result[i]
    if i == 0:
        return result
    raise TangentishError(f"a custom rule returned one value where entry {i} was needed; "
                          "return one entry per positional argument")


def unpick(g, result, i):
    """Cotangent of `pick(result, i)`: `g` in entry `i` of a tuple like `result`."""
    if isinstance(result, (tuple, list)):
        return unindex(g, result, i)
    return g


def not_in_place(x, file: str, line: int) -> None:
    """Guard for `x += e` lowered to `x = x + e` where x may share memory.

    Python would update an array in place (and every name sharing it);
    tangentish would not, so the derivative would describe another program.
    """
    if isinstance(x, _ndarray):
        from .errors import UnsupportedSyntaxError, line_origin
        origin = line_origin(file, line)
        name = origin.text.strip().split()[0] if origin.text.strip() else "x"
        raise UnsupportedSyntaxError(
            f"in-place update of an array that another variable may share "
            f"(a copy `y = {name}`, a slice `{name}[...]` or `{name}.T`) is not supported yet",
            origin, None,
            f"write `{name} = {name} + ...` to make a new array, or copy first with np.copy")
