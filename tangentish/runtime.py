"""The only module generated code calls (as `_rt`).

Small, fast helpers for what derivative code needs and NumPy does not
spell directly: undoing broadcasting, zero adjoints of the right shape and
dtype, scattering a cotangent back through indexing, and the shape cases
of `matmul`/`dot`. Each fast path (equal shapes) returns its input untouched.
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from . import structure
from .errors import TangentishError

_ndarray = np.ndarray
_pyfloat = float  # not `_float`: a helper below has that name
_f64 = np.float64
_F64 = np.dtype(np.float64)
_shape = np.shape

# log(2) and log(10) as Python floats, which NumPy does not let promote float32
LN2 = 0.6931471805599453
LN10 = 2.302585092994046


def zeros_like(x):
    """A zero of `x`'s shape and float dtype (0.0 for scalars and None);
    for a container (structure.py), one like it holding zeros, with None
    for a record's fields that carry no derivative (strings, functions)."""
    if isinstance(x, _ndarray):
        if x.dtype.kind in "fc":
            return np.zeros_like(x)
        return np.zeros(x.shape)
    if x.__class__ is _pyfloat:
        return 0.0
    if isinstance(x, (tuple, list)) and not structure.is_namedtuple(x):
        return type(x)([zeros_like(e) for e in x])
    if structure.is_container(x):
        record = structure.is_record(x)
        return structure.rebuild(x, [zeros_like(v) if not record or _has_derivative(v) else None
                                     for _, v in structure.entries(x)])
    return 0.0


_NUMBERS = (_ndarray, float, np.generic)


def _has_derivative(v) -> bool:
    return isinstance(v, (_ndarray, np.generic, float, int)) or structure.is_container(v)


def add(a, b):
    """`a + b`, entry by entry for containers (tuples' and lists' `+`
    concatenates): how derivative code accumulates the adjoint of a container.
    None (a record field without a derivative) adds as nothing."""
    if isinstance(a, _NUMBERS) and isinstance(b, _NUMBERS):
        return a + b
    if a is None or b is None:  # a container returned is a new one (derive/containers.py)
        other = b if a is None else a
        return private_copy(other) if structure.is_container(other) else other
    if structure.is_container(a) or structure.is_container(b):
        if not _same_structure(a, b):
            raise TangentishError(
                f"cannot add derivatives of different structure: {_structure(a)} and "
                f"{_structure(b)}")
        if isinstance(a, dict):
            return {k: add(v, b[k]) for k, v in a.items()}
        like = b if type(a) is tuple else a  # a namedtuple wins over a plain tuple
        return structure.rebuild(like, [add(x, y) for (_, x), (_, y)
                                        in zip(structure.entries(a), structure.entries(b))])
    return a + b


def _same_structure(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):  # a namedtuple and a plain tuple
        return len(a) == len(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b)
    if isinstance(a, dict):
        return a.keys() == b.keys()
    return structure.fields(a).keys() == structure.fields(b).keys()


def _structure(x) -> str:
    if structure.is_container(x):
        return f"a {type(x).__name__} of {len(structure.entries(x))}"
    return f"shape {_shape(x)}"


def unbroadcast(g, x):
    """Sum `g` down to the shape of `x`: the adjoint of broadcasting."""
    # Scalar loops call this once per operation: two Python floats take
    # the cheapest test, and no path calls np.shape on a scalar (it makes
    # an array, about 1 µs).
    if g.__class__ is _pyfloat and x.__class__ is _pyfloat:
        return g
    if structure.is_container(x):
        return g  # containers are never broadcast
    if isinstance(g, _ndarray):
        is_array = isinstance(x, _ndarray)
        return _sum_to(g, g.shape, x.shape if is_array else _shape(x), is_array)
    if isinstance(x, _ndarray):
        return _sum_to(g, _shape(g), x.shape, True)
    return g  # two scalars: nothing was broadcast


def shape_of(x):
    """All that `unbroadcast(g, x)` needs of `x`, for `unbroadcast_to`: the
    shape of an array, None for a scalar, CONTAINER for a tuple or list, a
    list for any other sequence."""
    if x.__class__ is _pyfloat:
        return None
    if isinstance(x, _ndarray):
        return x.shape
    if structure.is_container(x):
        return CONTAINER
    shape = _shape(x)
    return list(shape) if shape else None


CONTAINER = "container"   # never broadcast (see unbroadcast)


def unbroadcast_to(g, shape):
    """`unbroadcast(g, x)` from `shape_of(x)`: the reverse sweep saves the
    shape of an operand it needs only for that, not the operand."""
    if shape is None:
        if g.__class__ is _pyfloat or not isinstance(g, _ndarray):
            return g
        return _sum_to(g, g.shape, (), False)
    if shape is CONTAINER:
        return g
    gs = g.shape if isinstance(g, _ndarray) else _shape(g)
    if shape.__class__ is tuple:
        return _sum_to(g, gs, shape, True)
    return _sum_to(g, gs, tuple(shape), False)


def _sum_to(g, gs, xs, is_array):
    if gs == xs:
        return g
    lead = len(gs) - len(xs)
    if lead > 0:
        g = np.sum(g, axis=tuple(range(lead)))
    axes = tuple(k for k, n in enumerate(xs) if n == 1 and _shape(g)[k] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if not is_array and isinstance(g, _ndarray):
        return g[()] if g.ndim == 0 else g
    return g


def broadcast_like(t, ans):
    """`t` broadcast to the shape of `ans`: a tangent must match its value."""
    if structure.is_container(ans):
        return t
    ts = _shape(t)
    s = _shape(ans)
    if ts == s:
        return t
    return np.broadcast_to(t, s).copy()


def unreduce(g, x, axis=None, keepdims=False):
    """Spread the cotangent of a reduction back over the reduced axes."""
    if (axis is None and x.__class__ is _ndarray and x.dtype is _F64
            and (g.__class__ is _pyfloat or g.__class__ is _f64)):
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
    return _float((x == ans) / (1.0 + (x == y)), ans)


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
    (for a container `x`, a container of zeros with `g` at entry `idx`)."""
    if isinstance(x, (tuple, list)):
        out = zeros_like(list(x))
        if isinstance(idx, slice):
            for k, gk in zip(range(*idx.indices(len(x))), g):
                out[k] = add(out[k], gk)
        else:
            out[idx] = add(out[idx], g)
        return structure.rebuild(x, out)
    if isinstance(x, dict):
        out = zeros_like(x)
        out[idx] = add(out[idx], g)
        return out
    out = np.zeros(_shape(x), dtype=np.result_type(x, g, np.float16))
    if _is_basic_index(idx):
        out[idx] += g
    else:
        np.add.at(out, idx, g)
    return out


def field(x, name):
    """`x.name` for a record `x` (structure.py): a function, so it has rules."""
    return getattr(x, name)


def unfield(g, x, name):
    """Cotangent of `x.name`: a zero record like `x` with `g` in field `name`."""
    out = zeros_like(x)
    value = add(getattr(out, name), g)
    if structure.is_namedtuple(out):
        return out._replace(**{name: value})
    object.__setattr__(out, name, value)
    return out


def unsum(g, xs):
    """Cotangent of `sum(xs)`: `g` for every entry (summed down to its shape)."""
    if isinstance(xs, _ndarray):  # the sum of its rows
        return np.broadcast_to(unbroadcast_to(g, xs.shape[1:]), xs.shape).copy()
    return structure.rebuild(xs, [unbroadcast(g, e) for e in xs])


def undict(g, pairs):
    """Cotangent of `dict(pairs)`: each value's entry of `g`, keys getting zeros;
    a pair whose key comes again later was overwritten and gets zero."""
    if isinstance(pairs, dict):
        return dict(g)
    last = {key: k for k, (key, _) in enumerate(pairs)}
    out = [(zeros_like(key), g[key] if last[key] == k else zeros_like(value))
           for k, (key, value) in enumerate(pairs)]
    return structure.rebuild(pairs, out)


def redict(t, pairs):
    """Tangent of `dict(pairs)`: the pairs' keys with the values' tangents."""
    if isinstance(pairs, dict):
        return dict(t)
    return {key: value for (key, _), (_, value) in zip(pairs, t)}


def add_at(x_bar, idx, g) -> None:
    """`x_bar[idx] += g` in place, repeated integer indices counted each time:
    the adjoint of reading `x[idx]` when x_bar is the function's own array."""
    if _is_basic_index(idx):
        x_bar[idx] += g
    else:
        np.add.at(x_bar, idx, g)


def added_at(x, idx, g):
    """The entries `x[idx]` would hold after `add_at(x, idx, g)`, shaped like
    `x[idx]`: a repeated index gets every g sent to it, so storing them
    back (`x[idx] = ...`, as derivative code differentiated again does)
    leaves what the in-place sum leaves, whichever repeat is written last."""
    return x[idx] + sum_repeats(np.broadcast_to(g, np.shape(x[idx])), x, idx)


def sum_repeats(g, x, idx):
    """`g` (shaped like `x[idx]`) with each entry replaced by the sum over the
    entries whose index repeats its own: what `g` sends to `x[idx]` in
    `add_at(x, idx, g)`, read back at idx (g itself for basic indices)."""
    if _is_basic_index(idx):
        return g
    sums = np.zeros(np.shape(x), dtype=np.result_type(x, g))
    np.add.at(sums, idx, g)
    return sums[idx]


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
    if a.__class__ is _ndarray and b.__class__ is _ndarray and a.ndim == 1 == b.ndim:
        return g * b  # the inner product, first: a call fewer
    return _dot_vjp(g, a, b, 0)


def dot_vjp_b(g, a, b):
    if a.__class__ is _ndarray and b.__class__ is _ndarray and a.ndim == 1 == b.ndim:
        return g * a
    return _dot_vjp(g, a, b, 1)


def astype(x, dtype):
    """`x.astype(dtype)` as a function, so the method has a rule."""
    return np.asarray(x).astype(dtype)


def private_copy(x):
    """A copy the derivative code may update in place (arrays, and containers
    with the arrays inside them copied too)."""
    if isinstance(x, _ndarray):
        return x.copy()
    if structure.is_container(x):
        return structure.rebuild(x, [private_copy(v) for _, v in structure.entries(x)])
    return x


def cotangent_at(x_bar, idx, v):
    """What flowed into `x[idx]`, as a new value of `v`'s shape: the
    cotangent of `v` in `x[idx] = v` (the entries are cleared next). Where
    an integer index repeats, only the write NumPy keeps (the last) gets it."""
    if not isinstance(x_bar, _ndarray):
        return unbroadcast(x_bar, v)
    if _is_basic_index(idx):
        return unbroadcast(np.copy(x_bar[idx]), v)
    return unbroadcast(np.where(_last_writes(x_bar, idx), x_bar[idx], 0.0), v)


def uncotangent_at(c, x_bar, idx):
    """Transpose of `cotangent_at(x_bar, idx, v)` in x_bar: zeros like x_bar
    with c at the entries the store keeps."""
    entries = np.broadcast_to(c, np.shape(x_bar[idx]))
    if not _is_basic_index(idx):
        entries = np.where(_last_writes(x_bar, idx), entries, 0.0)
    return unindex(entries, x_bar, idx)


def _last_writes(x, idx):
    """Which entries of `x[idx]` (an integer or mask index) a store
    `x[idx] = v` keeps: all but a repeated index written again later."""
    where = np.arange(np.size(x)).reshape(np.shape(x))[idx]
    order = np.arange(where.size)
    kept = np.empty(np.size(x), dtype=np.intp)
    kept[where.ravel()] = order  # the last write of each position stays
    return (kept[where.ravel()] == order).reshape(where.shape)


def _region(x, idx):
    """The memory `x[idx] = v` writes, as a view (all of x for fancy indices)."""
    if not _is_basic_index(idx):
        return x
    parts = idx if isinstance(idx, tuple) else (idx,)
    if any(p is Ellipsis for p in parts):
        return x[idx]
    return x[parts + (Ellipsis,)]  # a view even where x[idx] is one element


def not_shared(x, idx, names: tuple, file: str, line: int, *others) -> None:
    """Guard for `x[idx] = v` while other live names may view x's memory
    (`names`: how a message names each, quoted: "`v`"). They come last, one
    argument each, not in a tuple: derivative code differentiated again
    must not see them passed on into a value.

    Python changes that name too; the derivative would treat it as holding
    its old value, so the update is refused rather than differentiated wrongly."""
    if not isinstance(x, _ndarray):
        return
    region = _region(x, idx)
    for other, name in zip(others, names):
        if isinstance(other, _ndarray) and np.shares_memory(region, other):
            from .errors import UnsupportedSyntaxError, line_origin
            raise UnsupportedSyntaxError(
                f"this in-place update also changes {name}, which shares its memory "
                f"and is used afterwards", line_origin(file, line), None,
                f"make {name} an independent array with `.copy()` where it is created")


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


# ----------------------------------------------------------- dtypes

def cast_like(g, x):
    """`g` in the float dtype of `x`: the cotangent of a cast is cast back."""
    dtype = np.result_type(x)
    if dtype.kind not in "fc" or np.result_type(g) == dtype:
        return g
    return np.asarray(g, dtype=dtype) if np.ndim(g) else dtype.type(g)


def _float(mask, x):
    """A 0/1 or share array in the float dtype of `x` (float32 stays float32)."""
    if not isinstance(x, (_ndarray, np.generic)):
        return mask  # Python scalars promote nothing
    dtype = np.result_type(x)
    return np.asarray(mask, dtype=dtype if dtype.kind in "fc" else np.float64)


# ----------------------------------------------------------- reductions

def _axes(axis, ndim: int) -> tuple:
    """The reduced axes as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % max(ndim, 1) for a in axes))


def _count(x, axis, where=True):
    """How many elements each reduction of `x` over `axis` saw (kept dims)."""
    mask = np.broadcast_to(where, _shape(x))
    return np.sum(mask, axis=_axes(axis, np.ndim(x)), keepdims=True)


def mean_share(x, axis=None, where=True):
    """d mean / d x: `where` over the number of elements averaged."""
    return _float(np.broadcast_to(where, _shape(x)) / np.maximum(_count(x, axis, where), 1), x)


def extremum_share(x, ans, axis=None, keepdims=False):
    """d max / d x: 1 at the maximum, split equally among ties (autograd's rule)."""
    at = np.asarray(x) == unreduce(ans, x, axis, keepdims)
    return _float(at / np.maximum(np.sum(at, axis=_axes(axis, np.ndim(x)), keepdims=True), 1), x)


def prod_others(x, axis=None):
    """d prod / d x: the product of the other elements, exact with zeros."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    if not axes or x.size == 0:
        return np.ones_like(x)
    rest = [a for a in range(x.ndim) if a not in axes]
    perm = rest + list(axes)
    xt = np.transpose(x, perm)
    flat = xt.reshape(xt.shape[:len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
    return np.transpose((left * right).reshape(xt.shape), np.argsort(perm))


def _dual_prefix(x, directions):
    """Exclusive prefix products along the last axis of x + sum_m eps_m d_m
    with eps_m^2 = 0, one array per subset of the eps_m (a bit mask): the
    mixed derivatives of the products, exact where x has zeros."""
    subsets = 1 << len(directions)
    dtype = np.result_type(x, *directions, 1.0)
    running = [np.zeros(x.shape[:-1], dtype) for _ in range(subsets)]
    running[0] = np.ones(x.shape[:-1], dtype)
    out = [np.empty(x.shape, dtype) for _ in range(subsets)]
    for i in range(x.shape[-1]):
        for mask in range(subsets):
            out[mask][..., i] = running[mask]
        running = [running[mask] * x[..., i]
                   + sum(running[mask ^ 1 << m] * d[..., i] for m, d in enumerate(directions)
                         if mask >> m & 1) for mask in range(subsets)]
    return out


def _prod_others_along(x, axis, directions):
    """The derivative of prod_others(x, axis) along each of `directions`
    (shaped like x), once each: products of all other elements in which
    one element per direction is replaced by that direction's entry."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    if not axes or x.size == 0:
        return np.zeros(x.shape, np.result_type(x, *directions, 1.0))
    flat, back = _reduced_last(x, axes)
    moved = [_reduced_last(np.broadcast_to(d, x.shape), axes)[0] for d in directions]
    left = _dual_prefix(flat, moved)
    right = _dual_prefix(flat[..., ::-1], [d[..., ::-1] for d in moved])
    full = len(left) - 1
    return back(sum(left[mask] * right[full ^ mask][..., ::-1] for mask in range(full + 1)))


def prod_others_jvp(t, x, axis=None):
    """The tangent of prod_others along t, H t for H the Hessian of each
    product: sum over k != i of t_k times the product of the elements other
    than i and k. Exact with zeros; symmetric, so also the cotangent."""
    return _prod_others_along(x, axis, [np.asarray(t)])


def prod_others_hvp(t, s, x, axis=None):
    """The third derivative of each product along t and s (symmetric in t,
    s and the result): prod_others_jvp(t) moved along s."""
    return _prod_others_along(x, axis, [np.asarray(t), np.asarray(s)])


_ORDINALS = {3: "third", 4: "fourth"}


def unsupported_derivative(name, order):
    """Stands in generated code for a derivative that tangentish's rules do
    not reach (the fourth derivative of np.prod): raises when it runs."""
    raise TangentishError(
        f"{_ORDINALS.get(order, f'order-{order}')} and higher derivatives of {name} are not "
        f"supported", hint=f"write {name} out with elementary operations to differentiate it further")


def var_partial(x, axis=None, ddof=0, nan=False):
    """d var / d x = 2 (x - mean) / (n - ddof); NaNs (for nanvar) get 0."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    keep = ~np.isnan(x) if nan else True
    mean = (np.nanmean if nan else np.mean)(x, axis=axes, keepdims=True)
    centered = np.where(keep, x - mean, 0.0) if nan else x - mean
    return _float(2.0 * centered / (_count(x, axes, keep) - ddof), x)


def std_partial(x, ans, axis=None, ddof=0, keepdims=False, nan=False):
    """d std / d x = (x - mean) / ((n - ddof) std); 0 where std is 0."""
    std = unreduce(ans, x, axis, keepdims)
    return var_partial(x, axis, ddof, nan) / (2.0 * replace_zero(std, 1.0))


def nan_mask(x):
    """d nansum / d x: 1 where x is a number, 0 at NaN."""
    return ~np.isnan(x)


def cumsum_vjp(g, x, axis=None):
    """Cotangent of cumsum: reversed cumulative sums of g."""
    if axis is None:
        return np.reshape(np.cumsum(g[::-1])[::-1], _shape(x))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def _along_first(x, axis):
    x = np.asarray(x)
    return (x.reshape(-1), 0) if axis is None else (np.moveaxis(x, axis, 0), axis)


def _dual_step(running, factor):
    """running * factor in hyper-dual arithmetic: both lists indexed by the
    subset of the eps_m (a bit mask), with eps_m^2 = 0."""
    return [sum(running[mask ^ part] * factor[part] for part in range(len(factor))
                if part & mask == part) for mask in range(len(running))]


def _dual(x, directions):
    """x + sum_m eps_m d_m in hyper-dual form, zeros where a part is unused."""
    parts = [np.zeros_like(x) for _ in range(1 << len(directions))]
    parts[0] = x
    for m, d in enumerate(directions):
        parts[1 << m] = d
    return parts


def _cumprod_layout(x, axis, *others):
    """x and others (shaped like x) with the running axis first."""
    xs, _ = _along_first(x, axis)
    return xs, [_along_first(np.reshape(o, _shape(x)) if axis is None else o, axis)[0] for o in others]


def cumprod_jvp(t, x, axis=None, s=None):
    """Tangent of cumprod along t: y_dot[i] = y_dot[i-1] x[i] + y[i-1] t[i];
    with s, the second derivative along t and s. The running products are
    taken in hyper-dual arithmetic (x + eps t + eps' s), exact with zeros."""
    xs, directions = _cumprod_layout(x, axis, *([t] if s is None else [t, s]))
    dtype = np.result_type(xs, *directions, 1.0)
    running = _dual(np.ones(xs.shape[1:], dtype), [np.zeros(xs.shape[1:], dtype)] * len(directions))
    out = np.empty(xs.shape, dtype)
    for i in range(xs.shape[0]):
        running = _dual_step(running, _dual(xs[i], [d[i] for d in directions]))
        out[i] = running[-1]
    return out if axis is None else np.moveaxis(out, 0, axis)  # flat, as cumprod is


def cumprod_vjp(g, x, axis=None, s=None):
    """Cotangent of cumprod, exact with zeros: x_bar[k] = y[k-1] r[k] where
    r[k] = g[k] + x[k+1] r[k+1], a backward recurrence along the axis; with
    s, that cotangent moved along s (the recurrence in hyper-dual arithmetic)."""
    xs, rest = _cumprod_layout(x, axis, g, *([] if s is None else [s]))
    gs, directions = rest[0], rest[1:]
    n = xs.shape[0]
    dtype = np.result_type(xs, gs, *directions, 1.0)
    zero = np.zeros(xs.shape[1:], dtype)
    before = [_dual(np.ones(xs.shape[1:], dtype), [zero] * len(directions))]
    for i in range(n - 1):  # before[k]: the product of x[:k]
        before.append(_dual_step(before[-1], _dual(xs[i], [d[i] for d in directions])))
    out = np.empty(xs.shape, dtype)
    after = _dual(zero, [zero] * len(directions))
    for k in range(n - 1, -1, -1):
        if k < n - 1:
            after = _dual_step(after, _dual(xs[k + 1], [d[k + 1] for d in directions]))
        after[0] = after[0] + gs[k]
        out[k] = _dual_step(before[k], after)[-1]
    return np.reshape(out, _shape(x)) if axis is None else np.moveaxis(out, 0, axis)


def drop_initial(g, axis=None):
    """g without its first entry along axis: the cotangent of a running sum
    or product through include_initial (whose initial 0 or 1 is constant)."""
    return np.take(g, np.arange(1, _shape(g)[0 if axis is None else axis]), axis=0 if axis is None else axis)


def zero_initial(t, axis=None):
    """t with a zero in front along axis: the transpose of drop_initial."""
    widths = [(0, 0)] * np.ndim(t)
    widths[0 if axis is None else axis] = (1, 0)
    return np.pad(t, widths)


def lay_weights(weights, a, axis=None):
    """np.average's weights laid against a (1-D weights with an int axis lie
    along it; None weighs every element 1), linear in the weights."""
    if weights is None:
        return np.ones(_shape(a), _float_dtype(a))
    w = np.asarray(weights)
    if w.shape == _shape(a) or w.ndim != 1 or axis is None:
        return np.broadcast_to(w, _shape(a)).copy()
    shape = [1] * np.ndim(a)
    shape[int(np.ravel(axis)[0]) % np.ndim(a)] = w.size
    return np.broadcast_to(w.reshape(shape), _shape(a)).copy()


def unlay_weights(g, weights, a, axis=None):
    """The transpose of lay_weights: g, shaped like a, summed to the weights."""
    w = np.asarray(weights)
    if w.shape == _shape(a) or w.ndim != 1 or axis is None:
        return unbroadcast(g, w)
    other = tuple(k for k in range(np.ndim(a)) if k != int(np.ravel(axis)[0]) % np.ndim(a))
    return np.sum(g, axis=other)


def diff_vjp(g, x, n=1, axis=-1):
    """Cotangent of np.diff: the adjoint of one difference, applied n times."""
    for _ in range(n):
        if _shape(g)[axis]:
            g = np.concatenate([-np.take(g, [0], axis=axis), -np.diff(g, axis=axis),
                                np.take(g, [-1], axis=axis)], axis=axis)
        else:  # the difference of a length-1 axis is empty: nothing flows back
            shape = list(_shape(g))
            shape[axis] = 1
            g = np.zeros(shape, dtype=np.result_type(g))
    return g


# ----------------------------------------------------------- norms

def _vector_norm_partial(x, norm, ord, axes):
    """d ||x||_ord / d x over `axes`, with the norm broadcast against x.

    0 where the norm is 0 (the subgradient of least size), as for abs at 0."""
    x = np.asarray(x)
    safe = replace_zero(norm, 1.0)
    if ord is None or ord == 2:
        return _float(np.where(norm == 0, 0.0, x / safe), x)
    if ord == 1:
        return _float(np.sign(x), x)
    if ord == 0:
        return _float(np.zeros_like(x), x)
    if np.isinf(ord):  # the entries of largest (smallest) size share the derivative
        at = np.abs(x) == norm
        return _float(np.sign(x) * at / np.maximum(np.sum(at, axis=axes, keepdims=True), 1), x)
    ratio = np.abs(x) / safe
    return _float(np.where((norm == 0) | (x == 0), 0.0, np.sign(x) * ratio ** (ord - 1)), x)


def _matrix_norm_partial(x, norm, ord):
    """d ||x||_ord / d x for matrices in the last two axes."""
    x = np.asarray(x)
    if ord in (None, "fro"):
        return _float(np.where(norm == 0, 0.0, x / replace_zero(norm, 1.0)), x)
    if ord in ("nuc", 2, -2):
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        if ord == "nuc":
            return _float(u @ vh, x)
        k = 0 if ord == 2 else -1  # singular values come sorted, largest first
        return _float(u[..., :, k, None] * vh[..., None, k, :], x)
    if ord in (1, -1, np.inf, -np.inf):
        axis = -2 if ord in (1, -1) else -1  # column sums for 1, row sums for inf
        sums = np.sum(np.abs(x), axis=axis, keepdims=True)
        at = sums == norm
        share = at / np.maximum(np.sum(at, axis=-1 if axis == -2 else -2, keepdims=True), 1)
        return _float(np.sign(x) * share, x)
    raise TangentishError(f"np.linalg.norm with ord={ord!r} has no derivative rule")


def norm_partial(x, ans, ord=None, axis=None, keepdims=False):
    """d np.linalg.norm(x, ord, axis) / d x, shaped like x."""
    ndim = np.ndim(x)
    norm = unreduce(ans, x, axis, keepdims)
    if axis is None and (ord is None or ndim == 1):
        return _vector_norm_partial(x, norm, 2 if ord is None else ord, None)
    if axis is None:
        axis = (0, 1)
    if np.ndim(axis) == 0 or len(axis) == 1:
        return _vector_norm_partial(x, norm, ord, tuple(np.ravel(axis)))
    return matrix_norm_partial(x, ans, ord if ord is not None else "fro", tuple(axis), keepdims)


def vector_norm_partial(x, ans, ord=2, axis=None, keepdims=False):
    """d np.linalg.vector_norm / d x: the vector norm over `axis` (all by default)."""
    norm = unreduce(ans, x, axis, keepdims)
    return _vector_norm_partial(x, norm, ord, None if axis is None else _axes(axis, np.ndim(x)))


def matrix_norm_partial(x, ans, ord="fro", axis=(-2, -1), keepdims=False):
    """d ||x||_ord / d x for the matrices spanning `axis` (two axes)."""
    norm = unreduce(ans, x, axis, keepdims)
    moved = np.moveaxis(np.asarray(x), axis, (-2, -1))
    partial = _matrix_norm_partial(moved, np.moveaxis(norm, axis, (-2, -1)), ord)
    return np.moveaxis(partial, (-2, -1), axis)


def _norm_order(x, ord, axis, default):
    """(ord, whether it is a vector norm) of np.linalg.norm (default None),
    vector_norm (default 2) or matrix_norm (default "fro"), read as
    norm_partial reads them."""
    if default is None:
        ndim = np.ndim(x)
        if (axis is None and (ord is None or ndim == 1)) or (axis is not None and np.size(axis) == 1):
            return (2 if ord is None else ord), True
        return ("fro" if ord is None else ord), False
    return (default if ord is None else ord), default != "fro"


def _piecewise_linear(p, vector: bool) -> bool:
    if vector:
        return p in (0, 1) or np.isinf(p)
    return p in (1, -1) or (p != "fro" and np.isinf(p))


def norm_curvature(x, ans, ord=None, axis=None, keepdims=False, default=None):
    """d norm_partial / d x with the norm held fixed: diagonal, so shaped
    like x. (p - 1)|x|^(p-2) / norm^(p-1) for a p-norm (Frobenius: p = 2),
    0 for the piecewise linear ones (1, inf, 0; matrix 1 and inf) and for
    those through the SVD, whose curvature spectral_hvp applies."""
    p, vector = _norm_order(x, ord, axis, default)
    x = np.asarray(x)
    if _through_svd(p, vector) or _piecewise_linear(p, vector):
        return _float(np.zeros_like(x), x)
    p = 2 if p == "fro" else p
    norm = unreduce(ans, x, axis, keepdims)
    safe = replace_zero(norm, 1.0)
    if p == 2:
        return _float(np.where(norm == 0, 0.0, 1.0 / safe), x)
    size = np.where(x == 0, 1.0, np.abs(x))
    return _float(np.where((norm == 0) | (x == 0), 0.0, (p - 1) * size ** (p - 2) / safe ** (p - 1)), x)


def _through_svd(p, vector: bool) -> bool:
    return not vector and p in ("nuc", 2, -2)


def _svd_tangents(t, u, s, vh):
    """(du, dv) of the reduced SVD (u, s, vh) along t, for distinct nonzero
    singular values: with P = U^T t V and F = inverse_gaps(s^2),
    du = U (F * (P S + S P^T)) + (I - U U^T) t V S^-1, and dv likewise."""
    v = _T(vh)
    p = _T(u) @ t @ v
    f = inverse_gaps(s * s)
    row, col = np.expand_dims(s, -1), np.expand_dims(s, -2)
    du = u @ (f * (p * col + row * _T(p))) + (t @ v - u @ p) / col
    dv = v @ (f * (row * p + _T(p) * col)) + (_T(t) @ u - v @ _T(p)) / col
    return du, dv


def spectral_hvp(t, x, ord=None, axis=None, default=None):
    """The derivative along t of norm_partial where it goes through the SVD
    (the matrix norms 'nuc', 2 and -2, whose partials are U V^T and u_k v_k^T):
    H t for H their Hessian, at distinct nonzero singular values. 0 for every
    other norm, whose curvature norm_curvature gives."""
    p, vector = _norm_order(x, ord, axis, default)
    if not _through_svd(p, vector):
        return np.zeros(np.shape(t), dtype=_float_dtype(x, t))
    axes = (0, 1) if axis is None else tuple(axis)
    x, t = np.moveaxis(np.asarray(x), axes, (-2, -1)), np.moveaxis(np.asarray(t), axes, (-2, -1))
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    du, dv = _svd_tangents(t, u, s, vh)
    if p == "nuc":
        dot = du @ vh + u @ _T(dv)
    else:
        k = 0 if p == 2 else -1  # singular values come sorted, largest first
        dot = du[..., :, k, None] * vh[..., None, k, :] + u[..., :, k, None] * _T(dv)[..., None, k, :]
    return _float(np.moveaxis(dot, (-2, -1), axes), x)


def beyond_spectral(x, ord=None, axis=None, default=None):
    """Zeros shaped like x where spectral_hvp is 0; raises for the norms
    through the SVD, whose third derivatives tangentish does not have."""
    p, vector = _norm_order(x, ord, axis, default)
    if _through_svd(p, vector):
        norm = {"nuc": "np.sum(s, -1)", 2: "s[..., 0]", -2: "s[..., -1]"}[p]
        raise TangentishError(
            f"third and higher derivatives of the matrix norm with ord={p!r} are not supported",
            hint=f"write it as {norm} with s = np.linalg.svd(a, compute_uv=False): "
                 "the rules of the singular values go further")
    return _float(np.zeros_like(np.asarray(x)), np.asarray(x))


def norm_power(x, ord=None, axis=None, default=None) -> float:
    """p - 1 of the norm, 0 for the piecewise linear ones: norm_partial
    moves with the norm by -(p - 1) norm_partial / norm."""
    p, vector = _norm_order(x, ord, axis, default)
    if (not vector and p != "fro") or _piecewise_linear(p, vector):
        return 0.0
    return 1.0 if p == "fro" else float(p) - 1.0


# ----------------------------------------------------------- shapes

def _float_dtype(*values):
    """The float dtype values combine to (float64 for integers)."""
    dtype = np.result_type(*values)
    return dtype if dtype.kind in "fc" else np.dtype(np.float64)


def _zeros_for(x, g):
    return np.zeros(_shape(x), dtype=_float_dtype(x, g))


def untake(g, x, indices, axis=None):
    """Cotangent of np.take: g added back at the taken positions."""
    out = _zeros_for(x, g)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % out.ndim) + (indices,), g)
    return out


def take_along_axis_vjp(g, x, indices, axis=-1):
    out = _zeros_for(x, g)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
        return out
    axis %= out.ndim
    index = list(np.ogrid[tuple(slice(n) for n in _shape(g))])
    index[axis] = np.broadcast_to(indices, _shape(g))
    np.add.at(out, tuple(index), g)
    return out


def repeat_vjp(g, x, repeats, axis=None):
    """Cotangent of np.repeat: repeat is a take of np.repeat(arange(n), repeats)."""
    n = np.size(x) if axis is None else _shape(x)[axis]
    return untake(g, x, np.repeat(np.arange(n), repeats), axis)


def delete_vjp(g, x, obj, axis=None):
    """Cotangent of np.delete: the kept positions receive g."""
    n = np.size(x) if axis is None else _shape(x)[axis]
    return untake(g, x, np.delete(np.arange(n), obj), axis)


def compress_vjp(g, condition, x, axis=None):
    return untake(g, x, np.flatnonzero(condition), axis)


def extract_vjp(g, condition, x):
    return untake(g, x, np.flatnonzero(condition))


def append_vjp(g, arr, values, axis=None, which=0):
    """Cotangent of np.append for `arr` (which=0) or `values` (which=1)."""
    if axis is None:
        part = g[:np.size(arr)] if which == 0 else g[np.size(arr):]
        return np.reshape(part, _shape(arr if which == 0 else values))
    n = _shape(arr)[axis]
    part = np.take(g, np.arange(n) if which == 0 else np.arange(n, _shape(g)[axis]), axis=axis)
    return unbroadcast(part, arr if which == 0 else values)


def tile_vjp(g, x, reps):
    """Cotangent of np.tile: the copies of x summed."""
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    ndim = max(np.ndim(x), len(reps))
    shape = (1,) * (ndim - np.ndim(x)) + _shape(x)
    reps = (1,) * (ndim - len(reps)) + reps
    split = [n for pair in zip(reps, shape) for n in pair]
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * ndim, 2)))
    return np.reshape(summed, _shape(x))


def unpad(g, x, pad_width, mode="constant"):
    """Cotangent of np.pad in constant mode: the middle of g."""
    if mode != "constant":
        raise TangentishError(f"np.pad with mode={mode!r} has no reverse-mode rule; "
                              "only mode='constant' is supported")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(x), 2))
    return g[tuple(slice(lo, n - hi) for (lo, hi), n in zip(widths, _shape(g)))]


def diagonal_vjp(g, x, offset=0, axis1=0, axis2=1):
    """Cotangent of np.diagonal: g written onto the diagonal of zeros."""
    out = _zeros_for(x, g)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    n = _shape(g)[-1]
    rows = np.arange(n) + max(-offset, 0)
    cols = np.arange(n) + max(offset, 0)
    view[..., rows, cols] = g
    return out


def trace_vjp(g, x, offset=0, axis1=0, axis2=1):
    """Cotangent of np.trace: g on every diagonal entry."""
    rows, cols = _shape(x)[axis1], _shape(x)[axis2]
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    g = np.asarray(g)
    return diagonal_vjp(np.broadcast_to(g[..., None], g.shape + (n,)), x, offset, axis1, axis2)


def diag_vjp(g, x, k=0):
    """Cotangent of np.diag: extract (x 1-D) or place on the diagonal (x 2-D)."""
    if np.ndim(x) == 1:
        return np.diag(g, k)
    return diagonal_vjp(g, x, k, 0, 1)


def sort_vjp(g, x, axis=-1):
    """Cotangent of np.sort: g sent back through the sorting permutation."""
    order = np.argsort(x, axis=axis, kind="stable")
    out = _zeros_for(x, g)
    if axis is None:
        out.reshape(-1)[order] = g
    else:
        np.put_along_axis(out, order, g, axis)
    return out


def sort_jvp(t, x, axis=-1):
    return np.take_along_axis(t, np.argsort(x, axis=axis, kind="stable"), axis)


def rollaxis_vjp(g, x, axis, start=0):
    """Cotangent of np.rollaxis: transpose back by the inverse permutation."""
    ndim = np.ndim(x)
    axis %= ndim
    start = start + ndim if start < 0 else start
    axes = list(range(ndim))
    axes.insert(start - 1 if start > axis else start, axes.pop(axis))
    return np.transpose(g, np.argsort(axes))


# ----------------------------------------------------------- products

def _tensordot_axes(axes, a_ndim, b_ndim):
    """np.tensordot's `axes` as two lists of non-negative axes."""
    if np.ndim(axes) == 0:
        n = int(axes)
        return list(range(a_ndim - n, a_ndim)), list(range(n))
    left, right = axes
    left = [left] if np.ndim(left) == 0 else list(left)
    right = [right] if np.ndim(right) == 0 else list(right)
    return [a % a_ndim for a in left], [b % b_ndim for b in right]


def tensordot_vjp_a(g, a, b, axes=2):
    """Cotangent of np.tensordot for `a`: contract g with b's free axes."""
    sa, sb = _tensordot_axes(axes, np.ndim(a), np.ndim(b))
    free_a = [k for k in range(np.ndim(a)) if k not in sa]
    free_b = [k for k in range(np.ndim(b)) if k not in sb]
    g_b = list(range(len(free_a), np.ndim(g)))
    out = np.tensordot(g, b, (g_b, free_b))  # axes: free_a, then b's summed axes in order
    order = free_a + [sa[sb.index(k)] for k in sorted(sb)]
    return np.transpose(out, np.argsort(order)) if np.ndim(out) else out


def tensordot_vjp_b(g, a, b, axes=2):
    """Cotangent of np.tensordot for `b`: contract a's free axes with g."""
    sa, sb = _tensordot_axes(axes, np.ndim(a), np.ndim(b))
    free_a = [k for k in range(np.ndim(a)) if k not in sa]
    free_b = [k for k in range(np.ndim(b)) if k not in sb]
    out = np.tensordot(a, g, (free_a, list(range(len(free_a)))))  # a's summed axes, free_b
    order = [sb[sa.index(k)] for k in sorted(sa)] + free_b
    return np.transpose(out, np.argsort(order)) if np.ndim(out) else out


def inner_vjp_a(g, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    return tensordot_vjp_a(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 1]))


def inner_vjp_b(g, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    return tensordot_vjp_b(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 1]))


def kron_vjp(g, a, b, which=0):
    """Cotangent of np.kron for `a` (which=0) or `b` (which=1)."""
    ndim = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (ndim - np.ndim(a)) + _shape(a)
    sb = (1,) * (ndim - np.ndim(b)) + _shape(b)
    blocks = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])  # (a0, b0, a1, b1, ...)
    even, odd = list(range(0, 2 * ndim, 2)), list(range(1, 2 * ndim, 2))
    if which == 0:
        out = np.tensordot(blocks, np.reshape(b, sb), (odd, list(range(ndim))))
    else:
        out = np.tensordot(np.reshape(a, sa), blocks, (list(range(ndim)), even))
    return np.reshape(out, _shape(a if which == 0 else b))


def vecdot_vjp(g, a, b, axis=-1):
    """Cotangent of np.vecdot(a, b) for `a`: g times b along the contracted axis."""
    return unbroadcast(np.expand_dims(g, axis) * b, a)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_spec(subscripts, operands):
    """Per-operand subscripts and the output's, with `...` spelled as letters."""
    if not isinstance(subscripts, str):
        raise TangentishError("np.einsum in sublist form (operand, [0, 1], ...) has no derivative "
                              "rule; write the subscripts as a string, e.g. 'ij,jk->ik'")
    spec = subscripts.replace(" ", "")
    inputs, arrow, out = spec.partition("->")
    inputs = inputs.split(",")
    if not arrow:
        letters = "".join(inputs).replace(".", "")
        out = ("..." if "..." in spec else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    unused = [c for c in _LETTERS if c not in spec]
    dots = max((np.ndim(op) - len(s.replace("...", "")) for s, op in zip(inputs, operands)
                if "..." in s), default=0)
    fresh = "".join(unused[:dots])
    inputs = [s.replace("...", fresh[dots - (np.ndim(op) - len(s.replace("...", ""))):])
              for s, op in zip(inputs, operands)]
    return inputs, out.replace("...", fresh)


def _einsum_operand_vjp(g, subscripts, operands, k, optimize=False):
    """Cotangent of np.einsum for operand k: g contracted with the others into
    operand k's subscripts; repeated letters (diagonals) are written back onto
    the diagonal, letters only operand k has are broadcast, size-1 axes summed."""
    inputs, out = _einsum_spec(subscripts, operands)
    x, sub = np.asarray(operands[k]), inputs[k]
    others = [(s, op) for j, (s, op) in enumerate(zip(inputs, operands)) if j != k]
    letters = "".join(dict.fromkeys(sub))  # unique, in order
    seen = set(out + "".join(s for s, _ in others))
    sizes = dict(zip(sub, _shape(x)))
    naked = "".join(c for c in letters if c not in seen)
    spec = [out] + [s for s, _ in others]
    ops = [g] + [op for _, op in others]
    if naked:
        spec.append(naked)
        ops.append(np.ones([sizes[c] for c in naked], dtype=np.result_type(x)))
    h = np.einsum(",".join(spec) + "->" + letters, *ops, optimize=optimize)
    # a letter broadcast against operand k (size 1 there) sums back to size 1;
    # one of size 1 in all the others spreads over operand k's size
    summed = tuple(i for i, c in enumerate(letters) if sizes[c] == 1 and h.shape[i] != 1)
    if summed:
        h = np.sum(h, axis=summed, keepdims=True)
    shape = tuple(sizes[c] for c in letters)
    if h.shape != shape:
        h = np.broadcast_to(h, shape).copy()
    if len(letters) == len(sub):
        return h
    result = _zeros_for(x, h)
    grid = np.ogrid[tuple(slice(n) for n in h.shape)]
    result[tuple(grid[letters.index(c)] for c in sub)] = h
    return result


def einsum_operand_vjp(g, subscripts, k, optimize=False, *operands):
    """Cotangent of np.einsum(subscripts, *operands) for operand k: the
    gradient in it of <g, einsum>, linear in g and in each other operand."""
    return _einsum_operand_vjp(g, subscripts, operands, k, optimize)


# ----------------------------------------------------------- numpy.linalg

def _T(a):
    return np.swapaxes(a, -1, -2)


def _as_matrix(b, like):
    """A 1-D right-hand side of np.linalg.solve as a column, else itself."""
    return np.asarray(like)[..., None] if np.ndim(b) == 1 else np.asarray(like)


def solve_vjp_b(g, ans, a, b):
    """Cotangent of x = solve(a, b) for b: solve(a^T, g)."""
    b_bar = np.linalg.solve(_T(a), _as_matrix(b, g))
    return unbroadcast(b_bar[..., 0] if np.ndim(b) == 1 else b_bar, b)


def solve_vjp_a(g, ans, a, b):
    """Cotangent of x = solve(a, b) for a: -solve(a^T, g) x^T."""
    b_bar = np.linalg.solve(_T(a), _as_matrix(b, g))
    return unbroadcast(-b_bar @ _T(_as_matrix(b, ans)), a)


def solve_jvp_a(t, ans, a, b):
    """Tangent of x = solve(a, b) along a: -solve(a, t x)."""
    x_dot = -np.linalg.solve(a, t @ _as_matrix(b, ans))
    return x_dot[..., 0] if np.ndim(b) == 1 else x_dot


def read_triangle(t, upper=False):
    """The symmetric matrix a routine that reads one triangle of t sees."""
    if upper:
        return np.triu(t) + _T(np.triu(t, 1))
    return np.tril(t) + _T(np.tril(t, -1))


def fold_triangle(s, upper=False):
    """Adjoint of `read_triangle`: the cotangent s of a symmetric input, sent
    to the triangle the routine reads (off-diagonal entries count twice)."""
    diagonal = np.tril(np.triu(s))
    if upper:
        return np.triu(s + _T(s), 1) + diagonal
    return np.tril(s + _T(s), -1) + diagonal


def phi(x):
    """The lower triangle with the diagonal halved (self-adjoint)."""
    return np.tril(x) - 0.5 * np.tril(np.triu(x))


# ----------------------------------------------------------- order statistics

def _reduced_last(x, axis):
    """x with the kept axes first and the reduced ones flattened last, and
    the function that puts an array of that layout back in x's layout."""
    x = np.asarray(x)
    axes = _axes(axis, x.ndim)
    rest = [a for a in range(x.ndim) if a not in axes]
    perm = rest + list(axes)
    moved = np.transpose(x, perm)
    flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
    return flat, lambda y: np.transpose(np.reshape(y, moved.shape), np.argsort(perm))


def _quantile_nodes(n, q):
    """Lower order statistic and weight of the upper one, NumPy's 'linear' method."""
    h = (n - 1) * np.asarray(q, dtype=float)
    low = np.clip(np.floor(h).astype(int), 0, max(n - 2, 0))
    return low, (h - low if n > 1 else np.zeros_like(h))


def _quantile_output(y, x, axis, keepdims, q_shape):
    """Reshape q_shape + kept axes to the layout of np.quantile's result."""
    if keepdims:
        shape = list(_shape(x))
        for a in _axes(axis, np.ndim(x)):
            shape[a] = 1
        return np.reshape(y, q_shape + tuple(shape))
    return y


def _quantile_scatter(g, x, q, axis, weights):
    """g sent to the two order statistics of x that each q falls between,
    with weights(f) = (weight of the lower, weight of the upper) for the
    upper one's weight f in the quantile."""
    flat, back = _reduced_last(x, axis)
    order = np.argsort(flat, axis=-1, kind="stable")
    low, f = _quantile_nodes(flat.shape[-1], q)
    g = np.reshape(g, np.shape(q) + flat.shape[:-1])
    out = np.zeros(flat.shape, dtype=_float_dtype(flat, g))
    for k in np.ndindex(np.shape(q)):
        for node, weight in zip((low[k], min(low[k] + 1, flat.shape[-1] - 1)), weights(f[k])):
            index = np.take(order, [node], axis=-1)
            np.put_along_axis(out, index, np.take_along_axis(out, index, -1) + (g[k] * weight)[..., None], -1)
    return back(out)


def _quantile_gather(t, x, q, axis, keepdims, weights):
    """The transpose of `_quantile_scatter`: t's entries at the two order
    statistics of x that each q falls between, weighted, in np.quantile's layout."""
    flat, _ = _reduced_last(x, axis)
    moved, _ = _reduced_last(t, axis)
    order = np.argsort(flat, axis=-1, kind="stable")
    low, f = _quantile_nodes(flat.shape[-1], q)
    upper = np.minimum(low + 1, flat.shape[-1] - 1)
    sorted_t = np.take_along_axis(moved, order, -1)
    pick = lambda node: np.moveaxis(np.take(sorted_t, node, axis=-1), range(-np.ndim(node), 0),  # noqa: E731
                                    range(np.ndim(node)))
    lower_weight, upper_weight = (np.reshape(np.asarray(w, dtype=_float_dtype(flat, t)),
                                             np.shape(f) + (1,) * (flat.ndim - 1)) for w in weights(f))
    return _quantile_output(lower_weight * pick(low) + upper_weight * pick(upper), x, axis, keepdims, np.shape(q))


def quantile_vjp_x(g, x, q, axis=None, keepdims=False):
    """Cotangent of np.quantile (method 'linear') for x: each q sends (1 - f)
    of g to the lower order statistic and f to the upper one."""
    return _quantile_scatter(g, x, q, axis, lambda f: (1.0 - f, f))


def quantile_jvp_x(t, x, q, axis=None, keepdims=False):
    return _quantile_gather(t, x, q, axis, keepdims, lambda f: (1.0 - f, f))


def quantile_gap(v, x, q, axis=None, keepdims=False, scale=1.0):
    """scale (n - 1) (v_up - v_low), for v_low and v_up the entries of v at
    the two order statistics of x that each q falls between; linear in v."""
    n = _reduced_last(x, axis)[0].shape[-1]
    return _quantile_gather(v, x, q, axis, keepdims, lambda f: (-(n - 1) * scale * np.ones_like(f),
                                                                 (n - 1) * scale * np.ones_like(f)))


def quantile_partial_q(x, q, axis=None, keepdims=False, scale=1.0):
    """d quantile / d q: the gap between the two order statistics of x that q
    falls between, times (n - 1) (and 0.01 for percentiles)."""
    return quantile_gap(x, x, q, axis, keepdims, scale)


def quantile_gap_vjp(g, x, q, axis=None, keepdims=False, scale=1.0):
    """The transpose of quantile_gap in v."""
    n = _reduced_last(x, axis)[0].shape[-1]
    return _quantile_scatter(g, x, q, axis, lambda f: (-(n - 1) * scale, (n - 1) * scale))


def quantile_layout(t, like):
    """The shape that lines t (shaped like q) up with like (shaped like np.quantile's result)."""
    return np.shape(t) + (1,) * (np.ndim(like) - np.ndim(t))


def median_partial(x, axis=None):
    """d median / d x: 1 at the middle element, 1/2 at each of the two middle ones."""
    share = quantile_vjp_x(np.ones(np.shape(np.median(x, axis=axis))), x, 0.5, axis)
    return _float(share, x)


def _unpermute(y, x, axis=-1):
    """For y a permutation of x along axis (np.partition): the index of x that
    each entry of y came from (ties: any of the equal entries)."""
    order_x = np.argsort(x, axis=axis, kind="stable")
    order_y = np.argsort(y, axis=axis, kind="stable")
    source = np.empty_like(order_x)
    np.put_along_axis(source, order_y, order_x, axis)
    return source


def partition_vjp(g, ans, x, axis=-1):
    if axis is None:
        return np.reshape(take_along_axis_vjp(g, np.ravel(x), _unpermute(ans, np.ravel(x), 0), 0), _shape(x))
    return take_along_axis_vjp(g, x, _unpermute(ans, x, axis), axis)


def partition_jvp(t, ans, x, axis=-1):
    if axis is None:
        return np.take_along_axis(np.ravel(t), _unpermute(ans, np.ravel(x), 0), 0)
    return np.take_along_axis(t, _unpermute(ans, x, axis), axis)


# ----------------------------------------------------------- covariance

def _cov_rows(m, y, rowvar):
    """The variables as rows, as np.cov stacks them."""
    rows = np.atleast_2d(np.asarray(m, dtype=np.result_type(m, np.float64)))
    if not rowvar and rows.shape[0] != 1:
        rows = rows.T
    if y is not None:
        more = np.atleast_2d(np.asarray(y, dtype=rows.dtype))
        if not rowvar and more.shape[0] != 1:
            more = more.T
        rows = np.concatenate([rows, more], axis=0)
    return rows


def _cov_norm(n, bias, ddof):
    return n - (ddof if ddof is not None else (0 if bias else 1))


def _cov_split(rows_bar, m, y, rowvar, which):
    """The part of a cotangent of the stacked rows that belongs to m or y."""
    n_m = _cov_rows(m, None, rowvar).shape[0]
    part = rows_bar[:n_m] if which == 0 else rows_bar[n_m:]
    target = m if which == 0 else y
    if not rowvar and np.ndim(target) == 2 and np.shape(target)[0] != 1:
        part = part.T
    return np.reshape(part, _shape(target))


def cov_vjp(g, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    """Cotangent of C = Xc Xc^T / (N - ddof): (G + G^T) Xc / (N - ddof)."""
    rows = _cov_rows(m, y, rowvar)
    centered = rows - np.mean(rows, axis=1, keepdims=True)
    g = np.reshape(g, (rows.shape[0],) * 2)
    rows_bar = (g + g.T) @ centered / _cov_norm(rows.shape[1], bias, ddof)
    return _cov_split(rows_bar, m, y, rowvar, which)


def cov_jvp(t, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    rows = _cov_rows(m, y, rowvar)
    centered = rows - np.mean(rows, axis=1, keepdims=True)
    zeros = [np.zeros(_shape(m)), None if y is None else np.zeros(_shape(y))]
    zeros[which] = t
    rows_dot = _cov_rows(zeros[0], zeros[1], rowvar)
    rows_dot = rows_dot - np.mean(rows_dot, axis=1, keepdims=True)
    c_dot = (rows_dot @ centered.T + centered @ rows_dot.T) / _cov_norm(rows.shape[1], bias, ddof)
    return c_dot if rows.shape[0] > 1 else c_dot[0, 0]


# R = N(C) = C * w, w_ij = (d_i d_j)^(-1/2), d = diag(C): np.corrcoef of the
# covariance C. Along dC, with a = diag(dC) / d, N moves by
# N'[dC] = dC * w - R * (a_i + a_j) / 2, and N'[dC] along T (b = diag(T) / d) by
# N''[dC, T] = -(dC * w * (b_i + b_j) + T * w * (a_i + a_j)) / 2
#              + R * ((a_i + a_j) (b_i + b_j) / 4 + (a_i b_i + a_j b_j) / 2).

def _corr_parts(c):
    """d = diag(c), w and R = N(c) for a covariance matrix c."""
    d = np.diagonal(c, 0, -2, -1)
    w = 1.0 / np.sqrt(np.multiply.outer(d, d))
    return d, w, c * w


def _pair_sum(a):
    """M_ij = a_i + a_j."""
    return a[:, None] + a[None, :]


def _row_col_sums(m):
    return np.sum(m, 1) + np.sum(m, 0)


def corr_jvp(dc, c):
    """N'[dc]: the tangent of np.corrcoef for dc, the tangent of its covariance c."""
    d, w, r = _corr_parts(c)
    return dc * w - r * _pair_sum(np.diagonal(dc) / d) / 2.0


def corr_vjp(g, c):
    """The transpose of corr_jvp: the cotangent of c for g, that of np.corrcoef."""
    d, w, r = _corr_parts(c)
    return g * w - np.diag(_row_col_sums(g * r) / (2.0 * d))


def corr_hvp(dc, t, c):
    """N''[dc, t], symmetric in dc and t."""
    d, w, r = _corr_parts(c)
    a, b = np.diagonal(dc) / d, np.diagonal(t) / d
    return (-(dc * w * _pair_sum(b) + t * w * _pair_sum(a)) / 2.0
            + r * (_pair_sum(a) * _pair_sum(b) / 4.0 + _pair_sum(a * b) / 2.0))


def corr_hvp_vjp(g, dc, c):
    """The gradient in t of <g, N''[dc, t]>."""
    d, w, r = _corr_parts(c)
    a = np.diagonal(dc) / d
    diagonal = (-_row_col_sums(g * dc * w) / 2.0 + _row_col_sums(g * r * _pair_sum(a)) / 4.0
                + a * _row_col_sums(g * r) / 2.0)
    return -g * w * _pair_sum(a) / 2.0 + np.diag(diagonal / d)


# ----------------------------------------------------------- integrals

def _trapezoid_steps(y, x, dx, axis):
    if x is None:
        return dx
    d = np.diff(x, axis=axis if np.ndim(x) == np.ndim(y) else -1)
    if np.ndim(x) == 1 and np.ndim(y) > 1:
        shape = [1] * np.ndim(y)
        shape[axis] = d.shape[0]
        d = d.reshape(shape)
    return d


def _pair_means(y, axis):
    n = _shape(y)[axis]
    return (np.take(y, np.arange(1, n), axis=axis) + np.take(y, np.arange(n - 1), axis=axis)) / 2.0


def trapezoid_vjp(g, y, x=None, dx=1.0, axis=-1, which=0):
    """Cotangent of np.trapezoid for y (which=0), x (1) or dx (2)."""
    g = np.expand_dims(g, axis)
    if which == 0:
        steps = g * _trapezoid_steps(y, x, dx, axis) / 2.0
        n = _shape(y)[axis]
        pad = [(0, 0)] * np.ndim(steps)
        lead, tail = list(pad), list(pad)
        lead[axis % np.ndim(steps)] = (0, 1)
        tail[axis % np.ndim(steps)] = (1, 0)
        full = np.broadcast_to(steps, _shape(y)[:axis % np.ndim(y)] + (n - 1,) + _shape(y)[axis % np.ndim(y) + 1:])
        return np.pad(full, lead) + np.pad(full, tail)
    means = g * _pair_means(y, axis)
    if which == 2:
        return np.sum(means) * dx_weight(x)
    bar = diff_vjp(means, None, 1, axis)
    return unbroadcast(bar, x) if np.ndim(x) == np.ndim(y) else np.sum(
        np.moveaxis(bar, axis, -1).reshape(-1, _shape(x)[0]), axis=0)


def dx_weight(x):
    """1.0 if np.trapezoid uses its dx (x is None), else 0.0: given x, dx has no derivative."""
    return 1.0 if x is None else 0.0


def trapezoid_jvp_x(t, y, x, axis=-1):
    return np.sum(_pair_means(y, axis) * _trapezoid_steps(y, t, None, axis), axis=axis)


def ediff1d_vjp(g, ary, to_end=None, to_begin=None, which=0):
    """Cotangent of np.ediff1d for ary (0), to_end (1) or to_begin (2)."""
    begin = np.size(to_begin) if to_begin is not None else 0
    end = np.size(to_end) if to_end is not None else 0
    if which == 1:
        return np.reshape(g[len(g) - end:], _shape(to_end))
    if which == 2:
        return np.reshape(g[:begin], _shape(to_begin))
    middle = g[begin:len(g) - end]
    return np.reshape(diff_vjp(middle, None, 1, 0) if np.size(ary) else middle, _shape(ary))


def ediff1d_jvp(t, ary, to_end=None, to_begin=None, which=0):
    dtype = _float_dtype(t)
    parts = [np.zeros(np.size(to_begin), dtype) if to_begin is not None else None,
             np.zeros(max(np.size(ary) - 1, 0), dtype),
             np.zeros(np.size(to_end), dtype) if to_end is not None else None]
    if which == 0:
        parts[1] = np.diff(np.ravel(t))
    else:
        parts[2 if which == 1 else 0] = np.ravel(t)
    return np.concatenate([p for p in parts if p is not None])


# ----------------------------------------------------------- signals and polynomials

def _full_from(g, n, m, mode):
    """A convolution's cotangent in 'same' or 'valid' mode, placed in the
    full-length output."""
    start = {"full": 0, "same": (min(n, m) - 1) // 2, "valid": min(n, m) - 1}[mode]
    full = np.zeros(n + m - 1, dtype=_float_dtype(g))
    full[start:start + len(g)] = g
    return full


def convolve_vjp(g, a, v, mode="full", which=0):
    """Cotangent of np.convolve for a (which=0) or v (1): correlate g with the other."""
    full = _full_from(g, np.size(a), np.size(v), mode)
    return np.correlate(full, v if which == 0 else a, "valid")


def correlate_vjp(g, a, v, mode="valid", which=0):
    """np.correlate(a, v) is np.convolve(a, v[::-1])."""
    bar = convolve_vjp(g, a, np.asarray(v)[::-1], mode, which)
    return bar if which == 0 else bar[::-1]


def polyval_vjp_p(g, p, x):
    """Cotangent of np.polyval for the coefficients: g times the powers of x."""
    powers = np.vander(np.ravel(np.broadcast_to(x, np.shape(g))), len(p))
    return np.ravel(g) @ powers


def polyval_partial_x(p, x, m=1):
    """The m-th derivative of polyval(p, x) in x: the derivative polynomial
    at x, in p's and x's dtype."""
    return np.asarray(np.polyval(np.polyder(p, m), x), dtype=_float_dtype(p, x))


def polyder_vjp(g, p, m=1):
    """Cotangent of np.polyder: the adjoint of differentiation, m times."""
    n = len(p)
    for k in range(m):
        size = n - m + k  # length of the derivative before this step's input
        g = np.concatenate([np.asarray(g) * np.arange(size, 0, -1), [0.0]])
    return g


def polyint_vjp(g, p, m=1):
    n = len(p)
    for k in range(m):
        size = n + m - 1 - k  # length of the input of the (m - k)-th integration
        g = np.asarray(g)[:size] / np.arange(size, 0, -1)
    return g


def polyadd_vjp(g, a, sign=1.0):
    return sign * np.reshape(g[len(g) - np.size(a):], _shape(a))


def vander_partial(x, n=None, increasing=False, order=1):
    """The order-th derivative of vander(x, n) in x, row by row: for each
    power k, k (k - 1) ... (k - order + 1) x^(k - order)."""
    x = np.asarray(x)
    n = len(x) if n is None else n
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    falling = np.prod([powers - j for j in range(order)], axis=0)
    return np.where(powers >= order, falling * x[:, None] ** np.maximum(powers - order, 0), 0.0)


def interp_segment(x, xp):
    """The index i of the segment [xp[i], xp[i + 1]] np.interp(x, xp, fp)
    interpolates in at each x (the first or last one outside xp)."""
    return np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)


def interp_inside(x, xp):
    """1.0 where x lies within xp, 0.0 where np.interp holds an end value."""
    return _float((x >= xp[0]) & (x <= xp[-1]), np.asarray(x))


def resize_vjp(g, x, shape):
    """Cotangent of np.resize: the copies of x's elements summed."""
    idx = np.arange(np.size(g)) % max(np.size(x), 1)
    return untake(np.ravel(g), x, idx)


def bincount_vjp(g, x, weights):
    return np.reshape(np.asarray(g)[np.ravel(x)], _shape(weights))


# ----------------------------------------------------------- tensor inverses

def square_matrix(x):
    """x's entries as an n x n matrix (tensorinv's a, its inverse, their tangents)."""
    n = math.isqrt(np.size(x))
    return np.reshape(x, (n, n))


def tensorsolve_matrix(a, b, axes=None):
    """The matrix np.linalg.tensorsolve(a, b) solves with."""
    if axes is not None:
        raise TangentishError("np.linalg.tensorsolve with axes= has no derivative rule; "
                              "move the axes with np.moveaxis first")
    return np.reshape(a, (np.size(b), -1))


# ----------------------------------------------------------- lists of arrays
# derivatives of functions that join a list of arrays or cut one into a
# list; each cotangent comes back as a list or tuple like the operand

def unconcatenate(g, arrays, axis=0, prep=None):
    """Cotangents of the arrays that `np.concatenate([prep(a) for a in
    arrays], axis)` joined: g cut at their boundaries along `axis`
    (flattened if axis is None), each reshaped like its array."""
    shapes = [_shape(a) for a in arrays]
    joined = [_shape(prep(a)) for a in arrays] if prep is not None else shapes
    if axis is None:
        g, axis, sizes = np.ravel(g), 0, [int(np.prod(s)) for s in joined]
    else:
        sizes = [s[axis] for s in joined]
    pieces = np.split(g, np.cumsum(sizes)[:-1], axis)
    pieces = [cast_like(np.reshape(p, s), a) for p, s, a in zip(pieces, shapes, arrays)]
    if isinstance(arrays, _ndarray):  # np.concatenate(x) joins the rows of an array
        return np.reshape(np.stack(pieces), arrays.shape)
    return structure.rebuild(arrays, pieces)


def concatenate_like(pieces, axis=0, prep=None):
    """`np.concatenate([prep(p) for p in pieces], axis)`: the transpose of
    `unconcatenate`, for derivatives of derivatives."""
    return np.concatenate([prep(p) for p in pieces] if prep is not None else pieces, axis)


def unstack(g, arrays, axis=0):
    """Cotangents of the arrays `np.stack(arrays, axis)` stacked: g's slices along `axis`."""
    slices = np.moveaxis(g, axis, 0)
    if isinstance(arrays, _ndarray):
        return np.reshape(slices, arrays.shape)
    return structure.rebuild(arrays, [cast_like(s, a) for s, a in zip(slices, arrays)])


def unstack_like(g, x):
    """Cotangent of `np.array(x)`: g itself, or for a (nested) list or tuple
    x, g's entries in a (nested) list or tuple like x."""
    if isinstance(x, (tuple, list)):
        return structure.rebuild(x, [unstack_like(gk, xk) for gk, xk in zip(g, x)])
    return cast_like(g, x)


# ----------------------------------------------------------- factorizations with several outputs

def inverse_gaps(w):
    """F with F[i, j] = 1 / (w[j] - w[i]) off the diagonal and 0 on it (w distinct)."""
    gaps = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    eye = np.eye(np.shape(w)[-1], dtype=bool)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, gaps))


def diag_embed(d):
    return np.expand_dims(d, -1) * np.eye(np.shape(d)[-1], dtype=np.result_type(d))


def svd_rank(a, full_matrices):
    """The number of singular values of a, refusing the full factors of a
    matrix that is not square (where the derivative does not exist)."""
    m, n = _shape(a)[-2:]
    if full_matrices and m != n:
        raise TangentishError(
            f"np.linalg.svd of a {m}x{n} matrix with full_matrices=True has no derivative "
            "(its extra singular vectors are not unique)",
            hint="pass full_matrices=False: the reduced factors have one")
    return min(m, n)


def qr_r_only(a, mode):
    """Whether np.linalg.qr returned r alone (mode 'r'), refusing the modes
    and shapes whose factors have no derivative."""
    m, n = _shape(a)[-2:]
    if mode not in ("reduced", "complete", "r") or m < n or (mode == "complete" and m != n):
        raise TangentishError(
            f"np.linalg.qr of a {m}x{n} matrix with mode={mode!r} has no derivative rule",
            hint="tangentish differentiates mode='reduced' and mode='r' of a matrix with at "
                 "least as many rows as columns; for a wide one, factor its transpose")
    return mode == "r"


def arguments(fn, positional, keywords, star, dstar) -> list:
    """The values of `fn`'s parameters, in signature order (`*args` as a
    tuple, `**kwargs` as a dict), for `fn(*positional, *star, **keywords,
    **dstar)`: how a generated derivative takes them, for a call whose
    unpacked arguments bind only when it runs. Raises as the call would."""
    bound = inspect.signature(fn).bind(*positional, *star, **keywords, **dstar)
    bound.apply_defaults()
    return list(bound.arguments.values())


# ----------------------------------------------------------- vector mode
# helpers of derivatives whose tangents carry a direction axis, in their
# own module; generated code reaches them here, as `_rt.*`

from .runtime_vector import (  # noqa: E402,F401
    batch_axis, batch_dot_a, batch_dot_b, batch_dot_vjp_a, batch_dot_vjp_b, batch_getitem,
    batch_matmul_a, batch_matmul_b, batch_matmul_vjp_a, batch_matmul_vjp_b,
    batch_reshape, batch_setitem, batch_sum_to, batch_transpose, batch_unindex, batch_unreduce,
    broadcast_directions, direction, direction_zeros, each_direction, lift, n_directions,
    stack_directions)
