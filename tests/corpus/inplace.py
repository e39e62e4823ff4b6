"""Arrays updated in place: `out[i] = ...`, `x[i] += ...`, masks and slices."""
import numpy as np


def fill_recurrence(x, n):
    # the loop that fills an array: each entry reads the one before
    out = np.zeros(n + 1)
    out[0] = x
    for i in range(1, n + 1):
        out[i] = np.sin(out[i - 1]) * x + out[i - 1]
    return np.sum(out ** 2)


def update_parameter(v, x):
    # the caller's array is never changed by a derivative call
    v[0] = v[0] * x
    v[1:] += v[:-1] * 0.5
    v[v > 1.4] = 0.25
    return np.sum(v * v) + v[0]


def scale_columns(M, v):
    M = M * 1.0
    for j in range(M.shape[1]):
        M[:, j] *= v[j]
    return np.sum(np.tanh(M))


def scatter_integer_index(v, u):
    idx = np.arange(len(v))[::-1]
    w = np.zeros(len(v))
    w[idx] = v * u
    w[0] += np.sum(v)
    return np.sum(w * np.arange(1.0, len(v) + 1.0))


def overwrite_then_reuse(v, x):
    # the value read between two stores is the one the reverse sweep needs
    a = v * 1.0
    a[0] = x
    y = a * a
    a[0] = y[-1] + x
    return np.sum(a * y)


def store_in_branches_and_loops(v, x, n):
    w = np.ones(len(v) + n)
    for i in range(n):
        if x * i > 1.0:
            w[i] = w[i] * x
            if i > 2:
                break
        else:
            w[i + 1] = np.cos(x) + w[i]
    w[n:] += v
    return np.sum(w * w)


def broadcast_into_row(M, x):
    M = M + 0.0
    M[0] = x
    M[-1, :] += x * x
    return np.sum(M * M)


def alias_of_parameter(v, x):
    # w is v: the update reaches the parameter, which is copied first
    w = v
    w[0] = x * w[0]
    return np.sum(w * w)


def read_row_then_store(M, x):
    row = M[0]
    s = np.sum(row * row)
    M = M * 2.0
    M[0] = s * x
    return np.sum(M)


def store_constant_clears(v, x):
    w = v * x
    w[0] = 1.0
    w[1:2] = 0.0
    return np.sum(w * w)


def _with_first_scaled(a, x):
    b = a.copy()
    b[0] = b[0] * x
    return b


def helper_updates_a_copy(v, x):
    # a helper may update a copy it made; the caller's w is unchanged
    w = v * 2.0
    z = _with_first_scaled(w, x)
    return np.sum(z * w)


def store_an_array_into_itself(v, x):
    # `a[:] = a` leaves a as it is: its cotangent must survive the store
    # (found by the fuzzer: it was cleared before being passed on)
    a = np.sin(v) * x
    a[:] = a
    return np.sum(a * v)


def copy_by_arithmetic_then_update(x, v):
    # `v * 1.0` is a new array but its tangent simplifies to v's: updating v
    # afterwards must not change a's tangent (found by the fuzzer, forward mode)
    a = v * 1.0
    b = v[1:] * 1.0
    v[-1] *= np.cos(x)
    return np.sum(v * a) + np.sum(b * x)


def second_name_after_the_updates(v, x):
    # `a += e` is lowered to `a = a + e`; a second name made after the last
    # such update sees no difference (derivative code read again returns its
    # adjoints this way)
    a = v * x
    a += np.sin(v)
    a *= x
    b = a
    return np.sum(b * v) + np.sum(a)


def store_at_repeated_indices(v, x):
    # index 0 written twice: the last write wins, in NumPy and in the
    # derivative (what the first write stored reaches nothing)
    w = np.zeros(3) + np.sum(v) * x
    idx = np.array([0, 2, 0])
    w[idx] = np.sin(w[idx]) * x + v[0] * np.array([1.0, 2.0, 3.0])
    return np.sum(w * w)


def read_repeated_entries(v, x):
    # entries of an updated array read at repeated indices: each read counts
    w = v * x
    w[0] = x * x
    idx = np.array([0, 0, -1])
    return np.sum(w[idx] ** 3) + np.sum(w * w)


def transpose_read_before_store(M, x):
    # T views A and is read before A's first row is overwritten; differentiated
    # twice, the level above restores A_bar's row through a propagated copy
    A = M * x
    T = A.T
    s = np.sum(T * T)
    A[0, :] = x
    return s + np.sum(A ** 2)


def _first_row(A):
    return A[0]


def view_from_a_helper(M, x):
    # r views A's first row through a helper and is read before the row is
    # overwritten: differentiated twice, r is a value of its own
    A = M * x
    r = _first_row(A)
    s = np.sum(r * r * r)
    A[0, :] = x
    return s + np.sum(A ** 2)
