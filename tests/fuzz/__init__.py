"""Random numeric programs, differentiated in both modes and checked.

`generate(seed)` writes a small function `f(x, y)` with arithmetic, NumPy
and math calls, `if`/`else`, `for` and `while` loops, `break`/`continue`,
early returns and helper calls. `check(path)` differentiates it in both
modes and compares with central differences; the verdict is one of
"correct", "rejected" (a TangentishError: allowed, counted), "skipped" (the
point is too close to a kink or branch switch for differences to tell) or
"wrong" (a bug). `python -m tests.fuzz --n 2000` runs a campaign.
"""
from .generator import generate  # noqa: F401
from .check import check  # noqa: F401
