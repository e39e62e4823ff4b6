import math
import numpy as np

def helper(a, b):
    return a * np.sin(b) + b

def f_while(x, n):
    s = 0.0
    k = 0
    while k < n and s < 10.0:
        k += 1
        if k % 3 == 0:
            continue
        s = s + x * k
        if s > 5:
            break
    else:
        s = -s
    if s > 3:
        return s * x
    y = s if s > 1 else -s
    return y * 2

def f_helper(x, y):
    z = helper(x, y) + helper(y, 2.0)
    return z * x

def f_math(x):
    return math.sin(x) * math.exp(x) / math.sqrt(1 + x * x) + math.log(x, 2)

def f_arr(w, X, y):
    p = np.tanh(X @ w)
    return np.mean((p - y) ** 2) + 0.1 * np.sum(np.abs(w))

def f_vec(x):
    out = 0.0
    for i in range(x.shape[0]):
        out = out + np.maximum(x[i], 0.2) * np.sum(x[i:i + 2])
    return out

def f_dot(A, x):
    return np.dot(np.dot(A, x), x) - np.sum(x * x) ** 0.5

def f_early(x):
    for i in range(10):
        x = x * 1.1
        if x > 3.0:
            return x * i
    return -x
