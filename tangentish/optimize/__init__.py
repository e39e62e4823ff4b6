"""Optimization passes over generated functions, run to a fixed point.

Each pass is `pass_(fn, env) -> changed` and edits `fn` in place; the driver
repeats them until none reports a change (never by comparing source).
- `fold_first_accumulation`: `v = zeros; ...; v = v + e` -> `v = e`
- `propagate_copies`: `a = b` feeds later uses of `a` in the same block
- `fold_constants`, `share_repeated_arithmetic`, `fold_constant_factors`,
  `merge_scatters`, `inner_product_adjoints`: algebra (algebra.py)
- `keep_reductions_scalar`: a full reduction's cotangent stays a number
  where only elementwise arithmetic reads it (scalar_cotangents.py)
- `coalesce_copies`: `_t = s + d; s = _t` -> `s = s + d`
- `eliminate_dead_code`: assignments nobody reads (liveness on the CFG)
- `prune_saves`: stack pushes/pops of values the reverse sweep never reads
- `prune_restores`: saves of overwritten array entries nobody reads again
- `drop_empty_control`: `if c: pass`, loops with empty bodies
- `drop_orphan_comments`: comments whose code was optimized away

Then, once, on the fixed point:
- `save_shapes_only`: a value the reverse sweep reads only for its shape
  (`_rt.unbroadcast(g, v)`) is saved as `_rt.shape_of(v)`, not kept alive
- `inline_branch_tests`: `_c0 = y > 0.5; if _c0:` -> `if y > 0.5:` where nothing
  else reads `_c0` (after `drop_empty_control`, which drops `if c: pass`
  only for a name or a negation, so a test with a call is never lost)
"""
from __future__ import annotations

from ..ir import nodes as N
from .cleanup import (coalesce_copies, drop_empty_control, drop_orphan_comments, eliminate_dead_code,
                      fold_first_accumulation, inline_branch_tests, propagate_copies)
from .algebra import (fold_constant_factors, fold_constants, inner_product_adjoints, merge_scatters,
                      share_repeated_arithmetic)
from .common import Env
from .scalar_cotangents import keep_reductions_scalar
from .stacks import prune_restores, prune_saves, save_shapes_only

PASSES = [fold_first_accumulation, propagate_copies, coalesce_copies, eliminate_dead_code, prune_saves,
          prune_restores, drop_empty_control, drop_orphan_comments,
          # last: they see the cleaned-up code, and after a round without
          # changes they do not run again
          fold_constants, keep_reductions_scalar, share_repeated_arithmetic, fold_constant_factors,
          merge_scatters, inner_product_adjoints]


# Passes that run once, after the fixed point: the others do not know the
# forms these produce (a save of `_rt.shape_of(v)` names no variable).
FINAL = [save_shapes_only, inline_branch_tests]


def optimize(fn: N.FunctionDef, env: Env, max_rounds: int = 50) -> N.FunctionDef:
    # A pass that found nothing finds nothing again until another pass
    # changes the function: skip it until then (most rebuild the CFG).
    idle: set = set()
    for _ in range(max_rounds):
        for pass_ in PASSES:
            if pass_ in idle:
                continue
            if pass_(fn, env):
                idle = set()
            else:
                idle.add(pass_)
        if len(idle) == len(PASSES):
            break
    for pass_ in FINAL:
        pass_(fn, env)
    return fn
