"""NumPy arrays: broadcasting, matmul, reductions, ufuncs, indexing."""
import numpy as np


def broadcast_scalar(v, x):
    # NumPy reductions applied to a Python float count too
    return np.sum((v * x + 1.0) ** 2) / x - np.mean(x - v) + np.sum(x * x) * np.mean(x)


def broadcast_column_row(C, v):
    # (p, 1) with (m,) -> (p, m)
    return np.sum(np.sin(C * v) + C - v) + np.sum(C / (1.0 + v * v))


def outer_output(C, v, x):
    # non-scalar output of shape (p, m)
    return C * v - v * x + C


def matmul_forms(M, B, v):
    P = M @ B
    Q = np.matmul(M, B)
    r = np.dot(M, v)
    return np.sum(P * Q) + np.dot(r, r) + np.sum(np.dot(B.T, v))


def square_matrix(S, v):
    T = S @ S.T + np.transpose(S)
    return np.sum(T @ v * v) + np.sum(T ** 2)


def reshape_transpose(M):
    flat = np.reshape(M, (M.shape[0] * M.shape[1],))
    back = np.reshape(flat * flat, (M.shape[1], M.shape[0]))
    return np.sum(back * np.transpose(M)) + np.sum(M.T * M.T)


def reductions(M):
    a = np.sum(M, axis=0)
    b = np.mean(M, axis=1, keepdims=True)
    c = np.sum(M * M, axis=1)
    d = np.mean(M, axis=0, keepdims=True)
    return np.sum(a * a) + np.sum(M * b) + np.mean(c) + np.sum(d * M) + np.mean(M)


def ufuncs(v):
    return np.sum(np.sin(v) + np.cos(v) + np.tan(v / 2.0) + np.arcsin(v / 2.0)
                  + np.arccos(v / 3.0) + np.arctan(v) + np.sinh(v) + np.cosh(v)
                  + np.tanh(v) + np.exp(v) + np.log(v) + np.sqrt(v)
                  + np.square(v) + np.abs(v - 1.0))


def max_min_where(v, u):
    a = np.maximum(v, u)
    b = np.minimum(v, 0.9)
    c = np.where(v > u, v * u, v - u)
    return np.sum(a * b + c) + np.sum(np.where(u > 1.0, u, 0.0))


def indexing(v, M):
    s = v[0] * v[-1] + np.sum(v[:1]) + np.sum(v[1:] * 2.0)
    s = s + np.sum(M[:, 0] * M[:, -1]) + np.sum(M[0]) * M[-1, -1]
    return s + np.sum(M[:, 1:] ** 2) + np.sum(v[::2])


def fancy_and_mask(v):
    idx = np.zeros(3, dtype=int)
    a = v[idx]
    b = v[np.arange(v.shape[0])]
    c = v[v > 1.0]
    return np.sum(a * a) + np.sum(b * v) + np.sum(c ** 3)


def loop_over_rows(M, v):
    s = 0.0
    for i in range(M.shape[0]):
        s = s + np.dot(M[i], v) * (i + 1.0) + np.sum(M[i] * M[i])
    return s


def shape_and_ndim(v, M):
    s = 0.0
    if v.ndim == 1 and M.ndim == 2:
        s = float(v[0]) * M.shape[1] + np.sum(M) * v.shape[0]
    return s + np.sum(v * M)


def array_while(v):
    while np.sum(v * v) < 50.0:
        v = v * 1.3 + 0.1
    return v


def loop_growing_shapes(x, v, C, n):
    # acc grows from a float to (m,) to (p, m): each restored value has its
    # own shape, which the reverse sweep sums cotangents back down to
    acc = x
    for i in range(n):
        t = acc * v
        if i % 2 == 0:
            acc = t + C
        else:
            acc = np.sin(t) + x
    return np.sum(acc * acc)


def loop_broadcast_accumulate(v, C, y, n):
    s = y
    for i in range(n):
        r = C * v + s
        s = np.tanh(r) * 0.5 + y
    return np.sum(s)
