"""Runtime helpers of vector-mode forward derivatives (`f_jvp_vec`), as `_rt.*`.

In vector mode every tangent carries a leading direction axis: the tangent
of `v` is an array of shape `(n,) + np.shape(v)` for the n directions pushed
through one sweep (for a tuple or list, a tuple or list of such). NumPy
aligns shapes from the right, so a tangent of lower rank than the value it
meets would put its direction axis against one of that value's axes, and
give a wrong answer without an error whenever n happens to equal that
axis's length. `lift` inserts the missing axes after the direction axis;
every helper here keeps the direction axis first and the shape exact.
What has no batched form runs one direction at a time (`direction`,
`stack_directions`, `each_direction`).
"""
from __future__ import annotations

import operator

import numpy as np

from .structure import entries, is_container, rebuild

_ndarray = np.ndarray
_shape = np.shape


def n_directions(*tangents) -> int:
    """How many directions the tangents carry (the length of their first axis)."""
    for t in tangents:
        if is_container(t):
            n = n_directions(*_values(t))
            if n:
                return n
        else:
            return len(t)
    return 0


def _float_dtype(x):
    dtype = getattr(x, "dtype", None)
    return dtype if dtype is not None and dtype.kind == "f" else np.float64


def direction_zeros(n: int, x):
    """The zero tangent of `x` in each of `n` directions."""
    if is_container(x):
        return rebuild(x, [direction_zeros(n, e) for e in _values(x)])
    if x is None or isinstance(x, (str, bytes)) or callable(x):
        return None  # a record field without a derivative
    return np.zeros((n,) + _shape(x), dtype=_float_dtype(x))


def _lift_to(t, ndim: int):
    missing = ndim + 1 - t.ndim
    if missing <= 0:
        return t
    return t.reshape(t.shape[:1] + (1,) * missing + t.shape[1:])


def lift(t, ans):
    """Tangent `t` with axes inserted after its direction axis, so that it
    broadcasts against `ans` (and its partials) axis by axis."""
    if not isinstance(t, _ndarray):
        return t  # a constant zero
    return _lift_to(t, np.ndim(ans))


def broadcast_directions(t, ans):
    """Tangent `t` spread to the exact shape `(n,) + np.shape(ans)`."""
    if is_container(ans):
        return t
    shape = t.shape[:1] + _shape(ans)
    if t.shape == shape:
        return t
    return np.broadcast_to(_lift_to(t, len(shape) - 1), shape).copy()


def _values(x) -> list:
    return [v for _, v in entries(x)]


def direction(t, k: int):
    """The tangent in direction `k` (entry by entry for a tuple or list)."""
    if is_container(t):
        return rebuild(t, [direction(e, k) for e in _values(t)])
    return None if t is None else t[k]


def stack_directions(parts: list, ans):
    """Tangents of `ans`, one per direction, as one tangent with a direction
    axis; each part is broadcast to the shape of `ans`, as a tangent may be
    a scalar zero."""
    if is_container(ans):
        rows = [_values(p) for p in parts]
        return rebuild(ans, [stack_directions([r[i] for r in rows], a) for i, a in enumerate(_values(ans))])
    if ans is None or isinstance(ans, (str, bytes)) or callable(ans):
        return None  # a record field without a derivative
    out = np.empty((len(parts),) + _shape(ans), dtype=_float_dtype(ans))
    for k, part in enumerate(parts):
        out[k] = part
    return out


def each_direction(fn, t, *args):
    """`fn(t_k, *args)` for each direction k of `t`, stacked: the batched
    form of an operation linear in `t` that has no cheaper one."""
    return np.stack([fn(row, *args) for row in t])


# ----------------------------------------------------------- indexing

def _is_array_index(p) -> bool:
    if isinstance(p, (slice, type(None), type(Ellipsis))):
        return False
    return np.ndim(p) > 0 or isinstance(p, (bool, np.bool_))


def _advanced_apart(parts: tuple) -> bool:
    """Do advanced indices (arrays, and integers next to them) sit apart?
    NumPy then moves their axis to the front, in front of the direction axis."""
    if not any(_is_array_index(p) for p in parts):
        return False
    where = [k for k, p in enumerate(parts) if not isinstance(p, (slice, type(None), type(Ellipsis)))]
    return where[-1] - where[0] + 1 != len(where)


def _parts(idx) -> tuple:
    return idx if isinstance(idx, tuple) else (idx,)


def batch_getitem(t, idx):
    """The tangent of `x[idx]` from the tangent `t` of `x`."""
    if is_container(t):
        return t[idx]  # entries of a tuple or list: each has its own direction axis
    parts = _parts(idx)
    if _advanced_apart(parts):
        return np.stack([row[idx] for row in t])
    return t[(slice(None),) + parts]


def batch_setitem(t, idx, v) -> None:
    """`x_dot[idx] = v_dot` in every direction, `v_dot` carrying its own
    direction axis (or being a constant zero)."""
    if is_container(t):
        t[idx] = v
        return
    parts = _parts(idx)
    if _advanced_apart(parts):
        for k in range(len(t)):
            t[k][idx] = v[k] if isinstance(v, _ndarray) else v
        return
    key = (slice(None),) + parts
    if isinstance(v, _ndarray):
        v = _lift_to(v, t[key].ndim - 1)
    t[key] = v


def batch_unindex(t, x, idx):
    """The tangent of `_rt.unindex(g, x, idx)` from the tangent `t` of g:
    zeros shaped like x, with t added at idx in every direction."""
    if is_container(x):
        from .runtime import unindex
        return stack_directions([unindex(direction(t, k), x, idx) for k in range(len(t))], x)
    out = np.zeros((len(t),) + _shape(x), dtype=np.result_type(x, t, np.float16))
    parts = _parts(idx)
    if _advanced_apart(parts):
        for k in range(len(t)):
            np.add.at(out[k], idx, t[k])
        return out
    key = (slice(None),) + parts
    t = _lift_to(t, out[key].ndim - 1)
    if any(_is_array_index(p) for p in parts):
        np.add.at(out, key, t)  # repeated indices add up
    else:
        out[key] += t
    return out


# ----------------------------------------------------------- shapes and axes

def batch_axis(axis, x):
    """The `axis` argument of a reduction of `x`, for its tangent: counted
    past the direction axis (None: all axes but that one)."""
    if axis is None:
        return tuple(range(1, np.ndim(x) + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(batch_axis(a, x) for a in axis)
    axis = operator.index(axis)
    return axis + 1 if axis >= 0 else axis


def batch_reshape(t, ans):
    """Tangent `t` of a value whose elements keep their (C) order, reshaped
    like `ans`."""
    return np.reshape(t, t.shape[:1] + _shape(ans))


def batch_transpose(t, axes=None):
    ndim = t.ndim - 1
    if axes is None:
        return np.transpose(t, (0,) + tuple(range(ndim, 0, -1)))
    return np.transpose(t, (0,) + tuple(operator.index(a) % ndim + 1 for a in axes))


def batch_sum_to(t, ans):
    """Tangent `t` summed down to the shape of `ans`: the batched
    `_rt.unbroadcast` (a tangent smaller than ans is spread instead)."""
    if is_container(ans):
        return t
    shape = _shape(ans)
    t = _lift_to(t, len(shape))
    lead = t.ndim - 1 - len(shape)
    if lead > 0:
        t = np.sum(t, axis=tuple(range(1, lead + 1)))
    axes = tuple(k + 1 for k, n in enumerate(shape) if n == 1 and t.shape[k + 1] != 1)
    if axes:
        t = np.sum(t, axis=axes, keepdims=True)
    return broadcast_directions(t, ans)


def batch_unreduce(t, x, axis=None, keepdims=False):
    """The tangent of `_rt.unreduce(g, x, axis, keepdims)` from the tangent t of g."""
    shape = _shape(x)
    if axis is None:
        t = t.reshape(t.shape[:1] + (1,) * len(shape))
    elif not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        t = np.expand_dims(t, tuple(a % len(shape) + 1 for a in axes))
    return np.broadcast_to(t, t.shape[:1] + shape).copy()


# ----------------------------------------------------------- products

def batch_matmul_a(t, b):
    """The term `a_dot @ b` of the tangent of `a @ b`, `t` being a_dot."""
    na, nb = t.ndim - 1, np.ndim(b)
    if nb == 1 or (na >= nb >= 2) or (na == 1 and nb == 2):
        return t @ b
    return each_direction(np.matmul, t, b)


def batch_matmul_b(a, t):
    """The term `a @ b_dot` of the tangent of `a @ b`, `t` being b_dot."""
    na, nb = np.ndim(a), t.ndim - 1
    if nb == 1 and na == 1:
        return t @ a
    if nb == 1 and na == 2:
        return t @ a.T
    if nb >= 2 and na <= nb:
        return a @ t
    return np.stack([a @ row for row in t])


def batch_dot_a(t, b):
    """The term `np.dot(a_dot, b)`: as matmul for 1-d and 2-d operands."""
    if 1 <= t.ndim - 1 <= 2 and 1 <= np.ndim(b) <= 2:
        return batch_matmul_a(t, b)
    return each_direction(np.dot, t, b)


def batch_dot_b(a, t):
    if 1 <= np.ndim(a) <= 2 and 1 <= t.ndim - 1 <= 2:
        return batch_matmul_b(a, t)
    return np.stack([np.dot(a, row) for row in t])


# ----------------------------------------------------------- products in reverse code
# the cotangent g of `a @ b` (or np.dot) moves to a and b by products with
# the other factor; these take t, g's tangent, for 1-d and 2-d factors

def batch_matmul_vjp_a(t, a, b):
    """The tangent of `_rt.matmul_vjp_a(g, a, b)` from the tangent `t` of g."""
    na, nb = np.ndim(a), np.ndim(b)
    b = np.asarray(b)
    if nb == 2 and na in (1, 2):
        return t @ b.T
    if nb == 1 and na == 2:
        return t[:, :, None] * b
    if nb == 1 and na == 1:
        return t[:, None] * b
    from .runtime import matmul_vjp_a
    return np.stack([matmul_vjp_a(row, a, b) for row in t])


def batch_matmul_vjp_b(t, a, b):
    """The tangent of `_rt.matmul_vjp_b(g, a, b)` from the tangent `t` of g."""
    na, nb = np.ndim(a), np.ndim(b)
    a = np.asarray(a)
    if na == 2 and nb == 2:
        return a.T @ t
    if na == 2 and nb == 1:
        return t @ a
    if na == 1 and nb == 2:
        return a[:, None] * t[:, None, :]
    if na == 1 and nb == 1:
        return t[:, None] * a
    from .runtime import matmul_vjp_b
    return np.stack([matmul_vjp_b(row, a, b) for row in t])


def batch_dot_vjp_a(t, a, b):
    if 1 <= np.ndim(a) <= 2 and 1 <= np.ndim(b) <= 2:  # np.dot is matmul here
        return batch_matmul_vjp_a(t, a, b)
    from .runtime import dot_vjp_a
    return np.stack([dot_vjp_a(row, a, b) for row in t])


def batch_dot_vjp_b(t, a, b):
    if 1 <= np.ndim(a) <= 2 and 1 <= np.ndim(b) <= 2:
        return batch_matmul_vjp_b(t, a, b)
    from .runtime import dot_vjp_b
    return np.stack([dot_vjp_b(row, a, b) for row in t])
