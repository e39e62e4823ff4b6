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
_float = float
_f64 = np.float64
_F64 = np.dtype(np.float64)
_shape = np.shape


def zeros_like(x):
    """A zero of `x`'s shape and float dtype (0.0 for scalars and None)."""
    if isinstance(x, _ndarray):
        if x.dtype.kind in "fc":
            return np.zeros_like(x)
        return np.zeros(x.shape)
    return 0.0


def unbroadcast(g, x):
    """Sum `g` down to the shape of `x`: the adjoint of broadcasting."""
    # Scalar loops call this once per operation: two Python floats take
    # the cheapest test, and no path calls np.shape on a scalar (it makes
    # an array, about 1 µs).
    if g.__class__ is _float and x.__class__ is _float:
        return g
    if isinstance(g, _ndarray):
        gs = g.shape
        xs = x.shape if isinstance(x, _ndarray) else _shape(x)
    elif isinstance(x, _ndarray):
        gs = _shape(g)
        xs = x.shape
    else:
        return g  # two scalars: nothing was broadcast
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
    ts = _shape(t)
    s = _shape(ans)
    if ts == s:
        return t
    return np.broadcast_to(t, s).copy()


def unreduce(g, x, axis=None, keepdims=False):
    """Spread the cotangent of a reduction back over the reduced axes."""
    if (axis is None and x.__class__ is _ndarray and x.dtype is _F64
            and (g.__class__ is _float or g.__class__ is _f64)):
        out = np.empty(x.shape)  # the common full reduction: 5x faster than below
        out.fill(g)
        return out
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
    """Cotangent of `x[idx]`: zeros shaped like `x` with `g` added at `idx`."""
    out = np.zeros(_shape(x), dtype=np.result_type(x, g, np.float16))
    if _is_basic_index(idx):
        out[idx] += g
    else:
        np.add.at(out, idx, g)
    return out


def add_at(x_bar, idx, g) -> None:
    """`x_bar[idx] += g` in place, repeated integer indices counted each time:
    the adjoint of reading `x[idx]` when x_bar is the function's own array."""
    if _is_basic_index(idx):
        x_bar[idx] += g
    else:
        np.add.at(x_bar, idx, g)


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
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        na, nb = a.ndim, b.ndim
        if na == 1 and nb == 1:
            return g * b
        if g.__class__ is _ndarray and na <= 2 and nb <= 2:
            if nb == 2:
                return g @ b.T if na == 2 else b @ g
            return np.multiply.outer(g, b)
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        raise TangentishError("matmul of a 0-d array is not defined")
    g2, a2, b2 = _as_matrices(np.asarray(g), a, b)
    grad = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2)
    return grad.reshape(a.shape)


def matmul_vjp_b(g, a, b):
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        na, nb = a.ndim, b.ndim
        if na == 1 and nb == 1:
            return g * a
        if g.__class__ is _ndarray and na <= 2 and nb <= 2:
            if na == 2:
                return a.T @ g if nb == 2 else g @ a
            return np.multiply.outer(a, g)
    a, b = np.asarray(a), np.asarray(b)
    g2, a2, b2 = _as_matrices(np.asarray(g), a, b)
    grad = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2)
    return grad.reshape(b.shape)


def _dot_vjp(g, a, b, side):
    if (a.__class__ is _ndarray and b.__class__ is _ndarray
            and 0 < a.ndim <= 2 and 0 < b.ndim <= 2):  # np.dot is matmul here
        return matmul_vjp_a(g, a, b) if side == 0 else matmul_vjp_b(g, a, b)
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


def private_copy(x):
    """A copy the derivative code may update in place (arrays and lists)."""
    if isinstance(x, (_ndarray, list)):
        return x.copy()
    return x


def cotangent_at(x_bar, idx, v):
    """What flowed into `x[idx]`, as a new value of `v`'s shape: the
    cotangent of `v` in `x[idx] = v` (the entries are cleared next)."""
    return unbroadcast(np.copy(x_bar[idx]) if isinstance(x_bar, _ndarray) else x_bar, v)


def _region(x, idx):
    """The memory `x[idx] = v` writes, as a view (all of x for fancy indices)."""
    if not _is_basic_index(idx):
        return x
    parts = idx if isinstance(idx, tuple) else (idx,)
    if any(p is Ellipsis for p in parts):
        return x[idx]
    return x[parts + (Ellipsis,)]  # a view even where x[idx] is one element


def not_shared(x, idx, others: tuple, names: tuple, file: str, line: int) -> None:
    """Guard for `x[idx] = v` while another live name may view x's memory.

    Python changes that name too; the derivative would treat it as holding
    its old value, so the update is refused rather than differentiated wrongly."""
    if not isinstance(x, _ndarray):
        return
    region = _region(x, idx)
    for other, name in zip(others, names):
        if isinstance(other, _ndarray) and np.shares_memory(region, other):
            from .errors import UnsupportedSyntaxError, line_origin
            raise UnsupportedSyntaxError(
                f"this in-place update also changes `{name}`, which shares its memory "
                f"and is used afterwards", line_origin(file, line), None,
                f"make `{name}` an independent array with `.copy()` where it is created")


def pick(result, i):
    """Entry `i` of a custom rule's result (a bare value counts as entry 0)."""
    if isinstance(result, (tuple, list)):
        return result[i]
    if i == 0:
        return result
    raise TangentishError(f"a custom rule returned one value where entry {i} was needed; "
                          "return one entry per positional argument")


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
