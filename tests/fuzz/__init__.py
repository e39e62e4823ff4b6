"""Random numeric programs, differentiated in both modes and checked.

`generate(seed)` writes a small function `f(x, y, v)` (two floats and a
float array) with scalar and array arithmetic, broadcasting, NumPy and math
calls from the rule table, `if`/`elif`/`else`, conditional expressions,
`for` and `while` loops, `break`/`continue`, early returns and helper calls.
`check(path, seed)` differentiates it in both modes and compares with
central differences; the verdict is one of "correct", "rejected" (a
TangentishError: allowed, counted), "skipped" (the point is too close to a
kink or branch switch for differences to tell, or the program itself fails
there) or "wrong" (a bug). `python -m tests.fuzz --n 2000` runs a campaign;
`shrink` cuts a wrong program down for tests/fuzz/regressions/.
"""
from .generator import generate  # noqa: F401
from .check import check  # noqa: F401
