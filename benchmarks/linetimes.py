"""Where the time goes inside tangentish's generated derivative, line by line.

    python benchmarks/linetimes.py d            # workload key, see workloads.py
    python benchmarks/linetimes.py e --calls 20

Re-compiles the generated source of the derivative the workload's
`tg.grad` call runs (forward mode for a gradient with respect to one
number, else reverse mode; `--mode` picks one) with a clock read around
every simple statement (loop bodies included),
runs it, and prints each line with its share of the total. The clock is
this thread's CPU time, so other processes' load does not count; reading
it costs ~0.3 µs per statement, so the numbers mislead for scalar code
(workloads a, b) and are best read as shares on array workloads.
"""
from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))   # this checkout: its tangentish and benchmarks

import numpy as np  # noqa: E402

from benchmarks.contestants import grad_derivative  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402


class _Instrument(ast.NodeTransformer):
    """Wrap every simple statement `s` as `t = clock(); s; acc[k] += clock() - t`."""

    def __init__(self):
        self.lines: list[int] = []

    def _wrap(self, stmts):
        out = []
        for s in stmts:
            if isinstance(s, (ast.For, ast.While, ast.If)):
                self.generic_visit(s)
                out.append(s)
                continue
            if isinstance(s, ast.Return):
                out.append(s)
                continue
            k = len(self.lines)
            self.lines.append(s.lineno)
            out += ast.parse(f"_lt_t = _lt_clock()").body
            out.append(s)
            out += ast.parse(f"_lt_acc[{k}] += _lt_clock() - _lt_t").body
        return out

    def generic_visit(self, node):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, field, self._wrap(block))
        return node


def instrumented(fn, source: str):
    tree = ast.parse(source)
    inst = _Instrument()
    inst.generic_visit(tree.body[0])
    ast.fix_missing_locations(tree)
    free = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__ or ())))
    acc = [0.0] * len(inst.lines)
    free.update(_lt_clock=time.thread_time, _lt_acc=acc)
    factory = ast.parse(f"def _factory({', '.join(free)}):\n    pass").body[0]
    factory.body = [tree.body[0], ast.Return(ast.Name(tree.body[0].name, ast.Load()))]
    module = ast.fix_missing_locations(ast.Module([factory], []))
    scratch: dict = {}
    exec(compile(module, "<linetimes>", "exec"), fn.__globals__, scratch)
    return scratch["_factory"](**free), acc, inst.lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workload")
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--mode", choices=("forward", "reverse"), default=None,
                    help="the derivative to time (default: the one tg.grad runs)")
    opts = ap.parse_args(argv)
    import tangentish as tg
    w = next(w for w in WORKLOADS if w.key == opts.workload)
    args = w.data(np.random.default_rng(0))
    f = w.f
    try:
        tg.value_and_grad(f, wrt=w.wrt if len(w.wrt) > 1 else w.wrt[0])(*args)
    except Exception:
        f = w.compat
    mode, derived, seeds = grad_derivative(w, f, args, opts.mode)
    fn, acc, lines = instrumented(derived.function, derived.source)
    fn(*args, *seeds)
    for k in range(len(acc)):
        acc[k] = 0.0
    t0 = time.thread_time()
    for _ in range(opts.calls):
        fn(*args, *seeds)
    total = (time.thread_time() - t0) / opts.calls
    per_line: dict[int, float] = {}
    for k, line in enumerate(lines):
        per_line[line] = per_line.get(line, 0.0) + acc[k] / opts.calls
    timed = sum(per_line.values())
    print(f"{f.__name__}, {mode} mode: {total * 1e3:.3f} ms CPU per call (instrumented); per line:")
    for n, text in enumerate(derived.source.splitlines(), start=1):
        t = per_line.get(n)
        cell = f"{t * 1e6:9.1f} µs {100 * t / timed:5.1f}%" if t is not None else " " * 19
        print(f"{cell}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
