"""Forward mode is dual-number arithmetic, compiled ahead of time.

A dual number a + bε has ε² = 0, so  f(x + ε) = f(x) + f'(x) ε :  evaluate f
on x + 1ε and you get the value and the derivative together.  For

    f(x) = 5x² + 4x + 1   at x = 2:

    x        = 2  + 1ε
    x²       = 4  + 4ε        (2 + ε)(2 + ε) = 4 + 4ε + ε²,  and ε² = 0
    5x²      = 20 + 20ε
    4x       = 8  + 4ε
    5x²+4x+1 = 29 + 24ε       so f(2) = 29 and f'(2) = 24.

Below, a small Dual class does this by operator overloading at run time.
tangentish gets the same numbers differently: it writes a new Python
function in which every variable v has a companion v_dot (the ε part), and
each line of f is followed by the line that updates its tangent.  The script
prints that function.

Run it from the repository root:

    python examples/dual_numbers.py
"""

import numpy as np

import tangentish as tg


def f(x):
    return 5 * x**2 + 4 * x + 1


# ---------------------------------------------------------------------------
# A minimal dual number, for comparison (just enough for f above)
# ---------------------------------------------------------------------------

class Dual:
    """a + b·ε with ε² = 0.  ``real`` is a, ``eps`` is b."""

    def __init__(self, real, eps=0.0):
        self.real, self.eps = real, eps

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.real + other.real, self.eps + other.eps)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        # (a + bε)(c + dε) = ac + (ad + bc)ε + bd·ε², and ε² = 0
        return Dual(self.real * other.real,
                    self.real * other.eps + self.eps * other.real)

    def __pow__(self, n):  # integer n >= 1: repeated multiplication
        result = self
        for _ in range(n - 1):
            result = result * self
        return result

    __radd__ = __add__
    __rmul__ = __mul__

    def __repr__(self):
        return f"{self.real} + {self.eps}ε"


# ---------------------------------------------------------------------------
# Checking against finite differences (each example carries its own copy)
# ---------------------------------------------------------------------------

EPS = 1e-6


def central_difference(func, x, eps=EPS):
    """(func(x + eps) - func(x - eps)) / (2 eps): error O(eps**2)."""
    return (func(x + eps) - func(x - eps)) / (2 * eps)


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    """Raise AssertionError (so the script exits non-zero) on a mismatch."""
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: tangentish gives {got!r}, the check gives {expected!r}"
        )
    print(f"  ok  {what}")


# ---------------------------------------------------------------------------
# The demonstration
# ---------------------------------------------------------------------------

def main():
    x = 2.0
    print(f"=== f(x) = 5x² + 4x + 1 at x = {x}, forward mode ===")

    dual = f(Dual(x, 1.0))
    print(f"with dual numbers:  f({x} + 1ε) = {dual}")

    # tg.jvp(f) takes the arguments followed by one tangent per wrt entry;
    # the tangent x_dot = 1 plays the role of the 1 in x + 1ε.
    value, derivative = tg.jvp(f)(x, 1.0)
    print(f"with tangentish:    f({x}) = {value},  f'({x}) = {derivative}")

    check_close("f(2) is 29", value, 29.0, rtol=1e-15, atol=0.0)
    check_close("f'(2) is 24", derivative, 24.0, rtol=1e-15, atol=0.0)
    check_close("tangentish agrees with the dual numbers",
                (value, derivative), (dual.real, dual.eps),
                rtol=1e-15, atol=0.0)
    check_close("derivative vs finite difference", derivative,
                central_difference(f, x))

    # Forward mode is linear in the seed: x_dot = 3 gives 3 f'(x).
    _, tripled = tg.jvp(f)(x, 3.0)
    check_close("seed x_dot = 3 gives 3 f'(2)", tripled, 3 * 24.0,
                rtol=1e-15, atol=0.0)

    print("\nGenerated forward-mode (tangent) code: each line of f is")
    print("paired with the line computing its '_dot', the ε part.\n")
    print(tg.source(f, mode="forward"))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
