"""Control flow: branches, loops over range, while, break/continue/return.

Domains (see ``DOMAINS`` in ``__init__``) keep every branch condition away
from its threshold, so the functions are smooth near the sampled points.
"""
import math

import numpy as np


def branch_assigns_differ(x, y):
    c = y
    if x > 1.0:
        a = x * y
        c = a * x
    else:
        a = x - y
        d = a * a
        y = d + y
    return a + c * y


def elif_chain(x):
    if x < 0.7:
        r = x * x
    elif x < 1.0:
        r = math.sin(x)
    elif x < 1.3:
        r = x ** 3 - x
    else:
        r = math.exp(-x)
    return r * x


def conditional_expr(x, y):
    z = x * y if x > y else x / y
    return z + (x if y > 1.0 else y * y) + (z * z if z > 0.0 else -z)


def bool_conditions(x, y):
    r = x + y
    if x > 0.8 and y > 0.8 or not x < y:
        r = r * x
    if not (x < 0.6 or y < 0.6):
        r = r - y * y
    if x > 1.2 and not y > 1.2:
        r = r / x
    return r


def chained_compare(x, y):
    r = x
    if 0.0 < x < y:
        r = x * y
    if 0.5 < y <= 1.5 < x + y * 3.0:
        r = r + y ** 2
    return r if 0.0 < r < 100.0 else -r


def nested_loops(x, y, n, k):
    s = y
    for i in range(n):
        t = x
        for j in range(k):
            t = t * x + (i - j) * y
            s = s + 0.1 * t
        s = s * 0.5
    return s


def loop_break_continue(x, n):
    s = 0.0
    for i in range(n + 3):
        if i % 2 == 0:
            continue
        s = s + x * i
        if s > 4.5:
            break
        s = s * x
    return s * x


def range_variants(x, n):
    s = x
    for i in range(10, 0, -3):
        s = s * 0.5 + x * i
    for i in range(2, n + 3):
        s = s + x / i
    for i in range(n, 0, -1):
        s = s - 0.1 * s * x
    for i in range(0, 7, 2):
        s = s + i * x * x
    return s


def loop_var_after_loop(x, n):
    for i in range(n):
        x = x + i * 0.1
    return x * i


def for_else(x, n):
    for i in range(n):
        if x * i > 3.0:
            x = x * 2.0
            break
        x = x + 0.5 * x * x
    else:
        x = -x
    return x


def while_complex_condition(x, y, n):
    i = 0
    s = 0.0
    while i < n and (s < 5.0 or not y > 3.0) and x > 0.0:
        s = s + x * y
        y = y * 1.2
        i += 1
    return s + y


def while_break_else(x, y):
    k = 0
    while k < 20:
        k += 1
        if k == 2 or k == 4:
            continue
        x = x * 1.1 + y
        if x > 4.0:
            y = y * x
            break
    else:
        y = -y
    return y + x


def early_return_nested(x, n, k):
    for i in range(n):
        for j in range(k):
            x = x * 1.05
            if x * (i + j) > 2.0:
                return x * i - j
    return x * x


def return_in_while(x):
    while True:
        x = x * 1.3
        if x > 5.0:
            return x * x
        if x > 2.0:
            x = x + 1.0


def returns_everywhere(x, y):
    if x > 1.0:
        return x * y
    for i in range(3):
        y = y * x
        if y > 10.0:
            return y
    if y < 0.1:
        return -y
    return y + x


def augmented_scalars(x, y, n):
    s = x
    for i in range(n):
        s += x * y
        s *= 0.9
        s -= y / (i + 1)
        s /= 1.1
    s **= 2
    return s
