"""Arithmetic: Python's operators (`+ - * / ** @ %`, unary minus), the NumPy
ufuncs that spell the same operations, and indexing."""
import builtins
import operator

import numpy as np

from .. import runtime as _rt
from . import available, batched, elementwise, jvp, linear, nondiff, vjp

# ----------------------------------------------------------- arithmetic

@elementwise(operator.add, np.add)
def add_partials(x, y):
    return 1.0, 1.0


@elementwise(operator.sub, np.subtract)
def sub_partials(x, y):
    return 1.0, -1.0


@elementwise(operator.mul, np.multiply)
def mul_partials(x, y):
    return y, x


@elementwise(operator.truediv, np.divide)
def truediv_partials(x, y, ans):
    return 1.0 / y, -ans / y


@elementwise(operator.pow, np.power, np.float_power, builtins.pow)
def pow_partials(x, y, ans):
    # d/dy is log(x) x**y; x == 0 gives 0 there, as autograd does
    return y * x ** (y - 1), np.log(_rt.replace_zero(x, 1.0)) * ans


@elementwise(operator.mod)
def mod_partials(x, y):
    return 1.0, -np.floor(x / y)


@elementwise(operator.neg, np.negative)
def neg_partial(x):
    return -1.0


@elementwise(operator.pos, np.positive)
def pos_partial(x):
    return 1.0


nondiff(operator.floordiv, operator.not_, operator.lt, operator.le,
        operator.gt, operator.ge, operator.eq, operator.ne)

# ----------------------------------------------------------- matmul

@vjp(operator.matmul, np.matmul, *available(np.linalg, "matmul"))
def matmul_vjp(g, ans, a, b):
    return _rt.matmul_vjp_a(g, a, b), _rt.matmul_vjp_b(g, a, b)


@jvp(operator.matmul, np.matmul, *available(np.linalg, "matmul"))
def matmul_jvp(g, ans, a, b):
    return g @ b, a @ g


@batched(operator.matmul, np.matmul)
def matmul_batched(g, ans, a, b):
    return _rt.batch_matmul_a(g, b), _rt.batch_matmul_b(a, g)

# ----------------------------------------------------------- indexing

@vjp(operator.getitem)
def getitem_vjp(g, ans, x, idx):
    return _rt.unindex(g, x, idx), None


@batched(operator.getitem)
def getitem_batched(g, ans, x, idx):
    return _rt.batch_getitem(g, idx), None


linear(operator.getitem)
