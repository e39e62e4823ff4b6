"""Shape changes, rearrangements and selections: all linear in the array,
so the tangent is the function applied to the tangent, and the cotangent
puts each element of g back where it came from."""
import numpy as np

from .. import runtime as _rt
from . import available, jvp, linear, vjp

# ----------------------------------------------------------- same elements, new shape

@vjp(np.ravel, np.atleast_1d, np.atleast_2d, np.atleast_3d)
def reshaped_vjp(g, ans, x):
    return np.reshape(g, np.shape(x))


@vjp(np.squeeze, np.expand_dims)
def squeeze_vjp(g, ans, x, axis=None):
    return np.reshape(g, np.shape(x))


@vjp(np.broadcast_to)
def broadcast_to_vjp(g, ans, x, shape):
    return _rt.unbroadcast(g, x)


@vjp(np.copy)
def copy_vjp(g, ans, x):
    return g


@vjp(np.asarray, np.asanyarray, np.array)
def asarray_vjp(g, ans, x, dtype=None):
    return _rt.unarray(g, x) if dtype is None else _rt.cast_like(g, x)


@vjp(np.ascontiguousarray, np.asfortranarray)
def contiguous_vjp(g, ans, x, dtype=None):
    return np.reshape(_rt.cast_like(g, x), np.shape(x))  # a 0-d x comes back 1-d


@vjp(np.float64, np.float32)
def cast_vjp(g, ans, x):
    return _rt.cast_like(g, x)


@vjp(*available(np, "astype"))
def astype_vjp(g, ans, x, dtype):
    return _rt.cast_like(g, x)


@vjp(np.real)
def real_vjp(g, ans, x):
    return g  # real inputs only: tangentish does not differentiate complex values


linear(np.ravel, np.squeeze, np.expand_dims, np.atleast_1d, np.atleast_2d, np.atleast_3d,
       np.broadcast_to, np.copy, np.ascontiguousarray, np.asarray, np.asanyarray, np.array,
       np.asfortranarray, np.float64, np.float32, *available(np, "astype"), np.real)

# ----------------------------------------------------------- axis order

@vjp(np.swapaxes)
def swapaxes_vjp(g, ans, x, axis1, axis2):
    return np.swapaxes(g, axis1, axis2)


@vjp(np.moveaxis)
def moveaxis_vjp(g, ans, x, source, destination):
    return np.moveaxis(g, destination, source)


@vjp(np.rollaxis)
def rollaxis_vjp(g, ans, x, axis, start=0):
    return _rt.rollaxis_vjp(g, x, axis, start)


@vjp(*available(np, "matrix_transpose"), *available(np.linalg, "matrix_transpose"))
def matrix_transpose_vjp(g, ans, x):
    return np.swapaxes(g, -1, -2)


linear(np.swapaxes, np.moveaxis, np.rollaxis, *available(np, "matrix_transpose"),
       *available(np.linalg, "matrix_transpose"))

# ----------------------------------------------------------- order of elements

@vjp(np.flip)
def flip_vjp(g, ans, x, axis=None):
    return np.flip(g, axis)


@vjp(np.fliplr)
def fliplr_vjp(g, ans, x):
    return np.fliplr(g)


@vjp(np.flipud)
def flipud_vjp(g, ans, x):
    return np.flipud(g)


@vjp(np.rot90)
def rot90_vjp(g, ans, x, k=1, axes=(0, 1)):
    return np.rot90(g, -k, axes)


@vjp(np.roll)
def roll_vjp(g, ans, x, shift, axis=None):
    return np.roll(g, np.negative(shift), axis)


@vjp(np.sort)
def sort_vjp(g, ans, x, axis=-1):
    return _rt.sort_vjp(g, x, axis)


@jvp(np.sort)
def sort_jvp(g, ans, x, axis=-1):
    return _rt.sort_jvp(g, x, axis)


linear(np.flip, np.fliplr, np.flipud, np.rot90, np.roll)

# ----------------------------------------------------------- copies and padding

@vjp(np.tile)
def tile_vjp(g, ans, x, reps):
    return _rt.tile_vjp(g, x, reps)


@vjp(np.repeat)
def repeat_vjp(g, ans, x, repeats, axis=None):
    return _rt.repeat_vjp(g, x, repeats, axis)


@vjp(np.pad)
def pad_vjp(g, ans, x, pad_width, mode="constant", *, constant_values=0):
    return _rt.unpad(g, x, pad_width, mode)


@jvp(np.pad)
def pad_jvp(g, ans, x, pad_width, mode="constant", *, constant_values=0):
    return np.pad(g, pad_width, mode)  # the padding constant has no tangent


linear(np.tile, np.repeat)

# ----------------------------------------------------------- triangles and diagonals

@vjp(np.triu)
def triu_vjp(g, ans, x, k=0):
    return np.triu(g, k)


@vjp(np.tril)
def tril_vjp(g, ans, x, k=0):
    return np.tril(g, k)


@vjp(np.diag)
def diag_vjp(g, ans, x, k=0):
    return _rt.diag_vjp(g, x, k)


@vjp(np.diagflat)
def diagflat_vjp(g, ans, x, k=0):
    return np.reshape(np.diag(g, k), np.shape(x))


@vjp(np.diagonal)
def diagonal_vjp(g, ans, x, offset=0, axis1=0, axis2=1):
    return _rt.diagonal_vjp(g, x, offset, axis1, axis2)


@vjp(np.trace)
def trace_vjp(g, ans, x, offset=0, axis1=0, axis2=1, dtype=None):
    return _rt.trace_vjp(g, x, offset, axis1, axis2)


@vjp(*available(np.linalg, "diagonal"))
def linalg_diagonal_vjp(g, ans, x, *, offset=0):
    return _rt.diagonal_vjp(g, x, offset, -2, -1)


@vjp(*available(np.linalg, "trace"))
def linalg_trace_vjp(g, ans, x, *, offset=0, dtype=None):
    return _rt.trace_vjp(g, x, offset, -2, -1)


linear(np.triu, np.tril, np.diag, np.diagflat, np.diagonal, np.trace,
       *available(np.linalg, "diagonal", "trace"))

# ----------------------------------------------------------- selection

@vjp(np.take)
def take_vjp(g, ans, x, indices, axis=None):
    return _rt.untake(g, x, indices, axis)


@vjp(np.take_along_axis)
def take_along_axis_vjp(g, ans, x, indices, axis=-1):
    return _rt.take_along_axis_vjp(g, x, indices, axis)


@vjp(np.delete)
def delete_vjp(g, ans, x, obj, axis=None):
    return _rt.delete_vjp(g, x, obj, axis)


linear(np.take, np.take_along_axis, np.delete)


@vjp(np.compress)
def compress_vjp(g, ans, condition, x, axis=None):
    return None, _rt.compress_vjp(g, condition, x, axis)


@jvp(np.compress)
def compress_jvp(g, ans, condition, x, axis=None):
    return None, np.compress(condition, g, axis)


@vjp(np.extract)
def extract_vjp(g, ans, condition, x):
    return None, _rt.extract_vjp(g, condition, x)


@jvp(np.extract)
def extract_jvp(g, ans, condition, x):
    return None, np.extract(condition, g)

# ----------------------------------------------------------- joining two arrays

@vjp(np.append)
def append_vjp(g, ans, x, values, axis=None):
    return _rt.append_vjp(g, x, values, axis, 0), _rt.append_vjp(g, x, values, axis, 1)


@jvp(np.append)
def append_jvp(g, ans, x, values, axis=None):
    return np.append(g, _rt.zeros_like(values), axis), np.append(_rt.zeros_like(x), g, axis)
