"""Array methods and attributes written the way NumPy users write them."""
import numpy as np


def method_reductions(M, v):
    # `.sum`/`.mean` with and without axis, on arrays made inside the function
    Z = M * v
    return Z.sum() + Z.sum(axis=0).mean() + (Z * Z).mean(axis=1).sum() + v.dot(v)


def method_shapes(M):
    # `.T`, `.reshape` with spread and packed shapes, `.transpose` with axes
    flat = M.reshape(-1)
    back = flat.reshape(M.shape[0], M.shape[1])
    return (back.T * M.transpose(1, 0)).sum() + flat.reshape((1, -1)).sum() * M.ndim


def method_chain(M, B):
    # `.dot`, `.clip`, `.copy`, `.astype` and `len` of an array
    P = M.dot(B).clip(-0.5, 0.5)
    Q = P.copy().astype(float)
    return (Q * Q).sum() / len(M) + M.T.dot(M).sum()


def method_item_in_loop(v, x):
    # `.item()` gives a float that keeps its derivative
    total = 0.0
    for i in range(v.size):
        total = total + (v[i] * x).item() ** 2
    return total
