"""Corner cases: aliasing and self-assignment, unused and condition-only
parameters, activity that starts mid-loop, a rebound loop variable,
temporaries that exist on some paths only, constant outputs, int
parameters mixed into float arithmetic."""
import numpy as np

from .helpers import affine


def alias_then_overwrite(x, y):
    z = x
    x = x * y
    w = z
    z = z + x
    return w * x + z


def unused_and_condition_only(x, y, v):
    # y only steers a branch and v is unused: both gradients are zero
    if y > 1.0:
        return x * 2.0
    return x * x


def activity_starts_mid_loop(x, n):
    s = 1.0
    for i in range(n + 1):
        s = s * 0.5 + (x if i > 0 else 2.0)
    return s


def constant_output(x, n):
    y = x * n
    return 3.0


def int_params_in_arithmetic(x, n, k):
    return x ** n + n / x + x * k - (k + n) * x ** (n - k) + x % 1.0


def defined_in_loop_used_after(x, n):
    last = 0.0
    for i in range(n):
        t = x * (i + 1)
        if t > 1.0:
            last = t * t
    return last + x


def break_inner_continue_outer(x, n, k):
    s = x
    for i in range(n + 1):
        if i == 1:
            continue
        for j in range(k + 2):
            s = s * 1.1 + x * j
            if s > 3.0 + i:
                break
        s = s * 0.5
    return s


def return_inside_while_inside_for(x, n):
    for i in range(n):
        y = x
        while y < 4.0:
            y = y * 1.7 + 0.1 * i
            if y * i > 6.0:
                return y * x
        x = x + 0.1 * y
    return x


def self_assignment(x, y):
    x = x
    y = y * 1.0
    y = y
    return x * y


def loop_var_rebound(x, n):
    # the loop variable turns into a float (and active) inside the body
    s = 0.0
    for i in range(n):
        for j in range(2):
            s = s + i * x
            i = x * 2.0 + j
    return s


def temporary_on_some_paths(x, y):
    # t exists only on some paths and is dead after the branches
    if x > 0.0:
        t = x * y
        y = t
    elif y > 0.0:
        t = y * 2.0
        t = x
    return y * x


def dead_reassignment_in_branches(x, y):
    a = x * y
    if a > 0.0:
        a = x * y / 2.0
    else:
        a = y * 3.0
    return x * y + x


def loop_target_rebound_used_after(x, y, n):
    # found by fuzzing: the loop target keeps its last value after the loop;
    # dead-code elimination once treated the exit as rebinding it
    for i in range(n):
        i = np.cos(y) * x
    return i * x


def repeated_call_on_one_path(x, v):
    # np.sin(x) again under `and`, np.sum(v) again in one arm of `... if ... else`:
    # merged with the first computation, the other path must keep its own value
    s = np.sum(v)
    a = np.sin(x) * 2.0 + (x > 0.0 and np.sin(x))
    b = s / (1.5 + np.cos(x if s > 0.86 else np.sum(v)))
    return a + b
