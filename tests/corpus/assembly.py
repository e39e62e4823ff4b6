"""Lists of arrays joined and cut (concatenate, stack, split, np.array of a
list, sum of a list) and factorizations with several outputs (slogdet,
eigh, svd, qr), as numeric code writes them."""
import numpy as np


def join_and_cut(v, u, x):
    # a feature vector assembled from pieces, then cut apart again
    z = np.concatenate([v, u * x, np.sin(v)])
    head, tail = np.split(z, [len(v)])
    parts = np.array_split(tail, 3)
    return np.sum(head * head) + np.sum(parts[0]) * x + np.sum(parts[-1] ** 2)


def stacked_rows(v, u, x, y):
    # rows stacked into a matrix, columns joined, vectors made of scalars
    R = np.stack([v, u, v * u], axis=0)
    W = np.column_stack((v, u * y))
    w = np.array([x, y * 2.0, x * y])
    P = np.array([[x, y], [y * y, 1.0]])
    T = np.hstack([v, u])
    V = np.vstack([v, np.cos(u)])
    return (np.sum(R @ W) + np.sum(w ** 3) + np.sum(P @ P) + np.sum(T * T) * x
            + np.sum(np.tanh(V)))


def sum_of_list(v, u, x):
    # the builtin sum over a list of arrays built in a loop
    terms = [v * x, u * u, np.exp(v)]
    total = sum(terms)
    return np.sum(total * total) + sum([x, x * x])


def log_det_gaussian(S, v):
    # log density of a Gaussian with covariance S S^T + I
    cov = S @ S.T + np.eye(len(S))
    sign, logdet = np.linalg.slogdet(cov)
    r = np.linalg.solve(cov, v)
    return -0.5 * (logdet + v @ r) * sign


def spectrum_of_symmetric(S):
    # a small symmetric part on a well-separated diagonal: distinct eigenvalues;
    # squared eigenvector entries do not depend on the vectors' signs
    A = 0.05 * (S + S.T) + np.diag(3.0 * np.arange(len(S)))
    w, V = np.linalg.eigh(A)
    weights = np.arange(1.0, len(S) + 1.0)
    return np.sum(w * w) + np.sum((weights @ (V * V)) * w)


def low_rank_parts(M):
    # distinct nonzero singular values; U diag(s) Vt and squares are sign-free
    A = 0.05 * M + np.eye(M.shape[0], M.shape[1]) * 3.0 * np.arange(1.0, M.shape[1] + 1.0)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    rebuilt = (U * s) @ Vt
    return np.sum(rebuilt * M) + np.sum(s ** 3) + np.sum((U * U) @ s[:, None] * 0.5)


def least_squares_by_qr(M, S, v):
    # a tall matrix of full column rank, solved through its reduced QR
    A = np.vstack([M, S + 3.0 * np.eye(len(S))])
    Q, R = np.linalg.qr(A)
    b = np.concatenate([np.ones(M.shape[0]), v])
    coef = np.linalg.solve(R, Q.T @ b)
    return np.sum(coef ** 2) + np.sum(Q[:, 0] * b)
