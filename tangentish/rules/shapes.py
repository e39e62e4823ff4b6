"""Shape changes, rearrangements and selections: all linear in the array,
so the tangent is the function applied to the tangent, and the cotangent
puts each element of g back where it came from."""
import numpy as np

from .. import runtime as _rt
from . import LIST_OF_ARRAYS, available, batched, jvp, linear, returns, sequence_operand, vjp

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


@vjp(np.asarray, np.asanyarray, np.array, np.asarray_chkfinite, np.require)
def asarray_vjp(g, ans, x, dtype=None):
    return _rt.unstack_like(g, x)  # x may be a (nested) list: np.array([a, b * 2, c])


@vjp(np.ascontiguousarray, np.asfortranarray)
def contiguous_vjp(g, ans, x, dtype=None):
    return np.reshape(_rt.cast_like(g, x), np.shape(x))  # a 0-d x comes back 1-d


@vjp(np.float64, np.float32, np.float16)
def cast_vjp(g, ans, x):
    return _rt.cast_like(g, x)


@vjp(*available(np, "astype"))
def astype_vjp(g, ans, x, dtype):
    return _rt.cast_like(g, x)


@vjp(np.real, np.real_if_close)
def real_vjp(g, ans, x):
    return g  # real inputs only: tangentish does not differentiate complex values


linear(np.ravel, np.squeeze, np.expand_dims, np.atleast_1d, np.atleast_2d, np.atleast_3d,
       np.broadcast_to, np.copy, np.ascontiguousarray, np.asarray, np.asanyarray, np.array,
       np.asfortranarray, np.float64, np.float32, np.float16, *available(np, "astype"), np.real,
       np.asarray_chkfinite, np.require, np.real_if_close)


@batched(np.ravel, np.atleast_1d, np.atleast_2d, np.atleast_3d)
def reshaped_batched(g, ans, x):
    return _rt.batch_reshape(g, ans)  # C order only: `order` falls back


@batched(np.squeeze, np.expand_dims)
def squeeze_batched(g, ans, x, axis=None):
    return _rt.batch_reshape(g, ans)


@batched(np.copy, np.asarray, np.array)
def copy_batched(g, ans, x):
    return np.array(g)

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


@vjp(np.partition)
def partition_vjp(g, ans, x, kth, axis=-1):
    return _rt.partition_vjp(g, ans, x, axis)


@jvp(np.partition)
def partition_jvp(g, ans, x, kth, axis=-1):
    return _rt.partition_jvp(g, ans, x, axis)


@vjp(np.unwrap)
def unwrap_vjp(g, ans, p, discont=None, axis=-1, *, period=6.283185307179586):
    return g  # unwrapping adds multiples of the period, constant between jumps


@jvp(np.unwrap)
def unwrap_jvp(g, ans, p, discont=None, axis=-1, *, period=6.283185307179586):
    return g


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


@vjp(np.resize)
def resize_vjp(g, ans, x, new_shape):
    return _rt.resize_vjp(g, x, new_shape)


linear(np.tile, np.repeat, np.resize)

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


@vjp(np.bincount)
def bincount_vjp(g, ans, x, weights=None, minlength=0):
    return None, _rt.bincount_vjp(g, x, weights)


@jvp(np.bincount)
def bincount_jvp(g, ans, x, weights=None, minlength=0):
    return None, np.bincount(x, g, minlength)

# ----------------------------------------------------------- joining two arrays

@vjp(np.append)
def append_vjp(g, ans, x, values, axis=None):
    return _rt.append_vjp(g, x, values, axis, 0), _rt.append_vjp(g, x, values, axis, 1)


@jvp(np.append)
def append_jvp(g, ans, x, values, axis=None):
    return np.append(g, _rt.zeros_like(values), axis), np.append(_rt.zeros_like(x), g, axis)

# ----------------------------------------------------------- joining a list of arrays
# the first operand is a list or tuple of arrays: its tangent is the list of
# their tangents, and its cotangent g cut back into pieces shaped like them

@vjp(np.concatenate)
def concatenate_vjp(g, ans, arrays, axis=0):
    return _rt.unconcatenate(g, arrays, axis)


@vjp(np.stack)
def stack_vjp(g, ans, arrays, axis=0):
    return _rt.unstack(g, arrays, axis)


@vjp(np.vstack)
def vstack_vjp(g, ans, tup):
    return _rt.unconcatenate(g, tup, 0, np.atleast_2d)


@vjp(np.hstack)
def hstack_vjp(g, ans, tup):
    return _rt.unconcatenate(g, tup, 0 if np.ndim(ans) == 1 else 1, np.atleast_1d)


@vjp(np.dstack)
def dstack_vjp(g, ans, tup):
    return _rt.unconcatenate(g, tup, 2, np.atleast_3d)


@vjp(np.column_stack)
def column_stack_vjp(g, ans, tup):
    return _rt.unconcatenate(g, tup, 1, _column)


def _column(a):
    """What np.column_stack makes of each array: a column if it has fewer than 2 axes."""
    return np.reshape(a, (-1, 1)) if np.ndim(a) < 2 else a


linear(np.concatenate, np.stack, np.vstack, np.hstack, np.dstack, np.column_stack)
sequence_operand(np.concatenate, np.stack, np.vstack, np.hstack, np.dstack, np.column_stack,
                 np.array, np.asarray, np.asanyarray)

# ----------------------------------------------------------- cutting into a list of arrays
# the output is a list: g is the list of the pieces' cotangents

@vjp(np.split, np.array_split)
def split_vjp(g, ans, x, indices_or_sections, axis=0):
    return np.concatenate(g, axis)


@vjp(np.hsplit)
def hsplit_vjp(g, ans, x, indices_or_sections):
    return np.concatenate(g, 1 if np.ndim(x) > 1 else 0)


@vjp(np.vsplit)
def vsplit_vjp(g, ans, x, indices_or_sections):
    return np.concatenate(g, 0)


@vjp(np.dsplit)
def dsplit_vjp(g, ans, x, indices_or_sections):
    return np.concatenate(g, 2)


linear(np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
returns(LIST_OF_ARRAYS, np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
