"""Tuples and lists inside the function: returned by helpers, unpacked,
indexed, and lists used as stacks."""
import numpy as np


def _polar(x, y):
    r = np.sqrt(x * x + y * y)
    return r, np.arctan2(y, x)


def _weighted(pair, w):
    return pair[0] * w + pair[1] * pair[1]


def tuple_from_helper(x, y):
    # a helper returning a tuple, unpacked; the tuple's entries used twice
    r, theta = _polar(x, y)
    return r * np.sin(theta) + r * theta


def tuple_indexed(x, y, v):
    # a tuple built, indexed by constants, passed whole to a helper
    t = (x * v, np.sin(y))
    return np.sum(t[0] * t[1]) + np.sum(_weighted(t, y)) + np.sum(t[0])


def swap_in_loop(x, y, n):
    # `a, b = b, f(a, b)` reads the old values
    a, b = x, y
    for i in range(n):
        a, b = b, a * b + 0.5
    return a + 2.0 * b


def nested_unpacking(x, v):
    pair = ((x, v * x), np.sum(v))
    (a, b), c = pair
    return np.sum(a * b * c)


def list_as_stack(x, v, n):
    # push on the way in, pop on the way out, with a branch on each value
    stack = []
    s = x
    for i in range(n):
        stack.append(s)
        s = np.sin(s) * 1.5
    total = np.sum(v) * s
    while len(stack) > 0:
        w = stack.pop()
        if w > 0.8:
            total = total + w * w
        else:
            total = total - w
    return total


def stack_of_mixed_values(x, n):
    # ints, flags and floats on one stack, popped in reverse order
    stack = []
    for i in range(n):
        stack.append(i)
        stack.append(x * (i + 1))
        stack.append(i % 2 == 0)
    s = 0.0
    for i in range(n):
        even = stack.pop()
        value = stack.pop()
        k = stack.pop()
        if even:
            s = s + value * value * k
        else:
            s = s + np.cos(value)
    return s


def list_literal(x, y):
    xs = [x, y * x, 2.0]
    a, b, c = xs
    return a * b + c * x + xs[1]
