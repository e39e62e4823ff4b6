"""Benchmark suite: tangentish against a hand-written NumPy gradient and the peers.

    python benchmarks/run.py            # the recorded run (a few minutes)
    python benchmarks/run.py --quick    # a smoke run (well under a minute)
    python benchmarks/run.py --only d,e --contestants tangentish,hand-written

One process, float64, one thread per library. For each workload, every
contestant's gradient is first checked against the hand-written one (which
is itself checked against central finite differences); then all run
interleaved, round by round, each round timing a batch of calls per
contestant, and the table reports the median per-call time over rounds.
A contestant that fails or cannot express a workload shows `n/a`, with
the reason in a footnote. Separately: the one-time transformation cost
(first call minus steady state), JAX's jit compile time, and the peak
memory that tracemalloc sees during one gradient call.
"""
from __future__ import annotations

import os

# one thread per library: must be set before numpy, torch or jax load
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TANGENT_DISK_CACHE", "0")   # tangent-ad: measure real transformations

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))   # this checkout: its tangentish and benchmarks

import numpy as np  # noqa: E402

from benchmarks.checks import agrees, check_hand  # noqa: E402
from benchmarks.contestants import CLOCK, CONTESTANTS, Unavailable, _short  # noqa: E402
from benchmarks.workloads import WORKLOADS  # noqa: E402

warnings.filterwarnings("ignore")


# ---------------------------------------------------------------- timing

class Entry:
    def __init__(self, name, prepared):
        self.name = name
        self.p = prepared
        self.number = 1
        self.samples: list[float] = []
        self.spent = 0.0

    def batch(self) -> None:
        call, n, clock = self.p.call, self.number, CLOCK[0]
        gc.disable()
        t0 = clock()
        for _ in range(n):
            call()
        dt = clock() - t0
        gc.enable()
        self.samples.append(dt / n)
        self.spent += dt

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def calibrate(entry: Entry, target: float) -> None:
    """Calls per batch so one batch takes about `target` seconds."""
    t = _once(entry.p.call)
    if t < target:  # a slow contestant (seconds per call) is not called again here
        t = min(t, _once(entry.p.call), _once(entry.p.call))
    entry.number = max(1, min(100_000, int(target / max(t, 1e-7))))


def _once(call) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def peak_memory(call) -> int:
    """Bytes tracemalloc saw allocated at the peak of one call, above the start."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del out
    return peak - base


def page_faults(call, n: int = 5) -> float:
    """Minor page faults per call, after a warm-up call: memory the allocator
    handed back to the system at the end of one call and faults in again in
    the next one (glibc trims a large free block at the top of its heap)."""
    call()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(n):
        call()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n


def first_call_cost(prepared, steady: float, repeats: int) -> float:
    times = [prepared.first_call() for _ in range(repeats)]
    return statistics.median(times) - steady


# ---------------------------------------------------------------- the run

def run_workload(w, names, opts, rng):
    args = w.data(rng)
    v = rng.standard_normal(np.shape(args[0])) if w.kind == "hvp" else None
    check_hand(w, args, v, rng)
    if w.kind == "hvp":
        reference = w.hand(*args, v)
    else:
        grads = w.hand(*args)[1]
        reference = grads if len(w.wrt) > 1 else (grads,)

    entries, cells = [], {}
    for name, make in CONTESTANTS:
        if name not in names:
            continue
        try:
            p = make(w, args, v)
            if name != "primal":
                why = agrees(p.result(p.call()), reference)
                if why:
                    raise Unavailable(f"{name}'s derivative disagrees with the hand-written one: {why}")
        except Unavailable as exc:
            cells[name] = {"na": str(exc)}
            continue
        except Exception as exc:  # a contestant must never crash the suite
            cells[name] = {"na": f"{name} crashed: {_short(exc)}"}
            continue
        e = Entry(name, p)
        calibrate(e, opts.batch)
        entries.append(e)
        cells[name] = {"entry": e, "notes": p.notes}

    # interleaved rounds; a slow contestant stops once past its budget
    for r in range(opts.rounds):
        k = r % max(len(entries), 1)
        for e in entries[k:] + entries[:k]:
            if len(e.samples) < 3 or e.spent < opts.budget:
                e.batch()
        gc.collect()

    for name, cell in cells.items():
        e = cell.get("entry")
        if e is None:
            continue
        cell["time"] = e.median
        cell["samples"] = len(e.samples)
        if e.p.traced_memory and name != "tangentish (generated fn)":
            cell["memory"] = peak_memory(e.p.call)
        if name != "tangentish (generated fn)":
            cell["faults"] = page_faults(e.p.call, 1 if e.median > 0.1 else 5)
        if e.p.first_call is not None:
            try:
                cell["first_call"] = (e.p.first_call_label,
                                      first_call_cost(e.p, e.median, opts.first_repeats))
            except Exception as exc:
                cell["first_call"] = (e.p.first_call_label, None)
                cell.setdefault("notes", []).append(f"first-call timing failed: {_short(exc)}")
    return cells


def fmt_time(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:8.1f} µs"
    if t < 1.0:
        return f"{t * 1e3:8.2f} ms"
    return f"{t:8.2f} s "


def fmt_bytes(b: int) -> str:
    if b < 1024 * 1024:
        return f"{b / 1024:7.1f} KiB"
    return f"{b / 1024 / 1024:7.2f} MiB"


def report(results, names) -> str:
    lines = []
    notes: list[str] = []

    def mark(text: str) -> str:
        if text not in notes:
            notes.append(text)
        return f"[{notes.index(text) + 1}]"

    header = f"{'workload':<48} {'contestant':<26} {'median':>11} {'x primal':>9} {'x hand':>8}"
    lines += [header, "-" * len(header)]
    for w, cells in results:
        primal = cells.get("primal", {}).get("time")
        hand = cells.get("hand-written", {}).get("time")
        label = f"({w.key}) {w.name}"
        for name in names:
            cell = cells.get(name)
            if cell is None:
                continue
            if "na" in cell:
                row = f"{'n/a':>11} {'':>9} {'':>8}  {mark(cell['na'])}"
            else:
                t = cell["time"]
                rp = f"{t / primal:9.2f}" if primal else f"{'':>9}"
                rh = f"{t / hand:8.2f}" if hand else f"{'':>8}"
                row = f"{fmt_time(t)} {rp} {rh}"
                for n in cell.get("notes", []):
                    row += f"  {mark(n)}"
            lines.append(f"{label:<48} {name:<26} {row}".rstrip())
            label = ""
        lines.append("")

    lines.append("One-time cost: first call minus the steady-state call (median of repeats)")
    for w, cells in results:
        parts = []
        for name in names:
            fc = cells.get(name, {}).get("first_call")
            if fc:
                what, cost = fc
                parts.append(f"{name} {what}: " + ("failed" if cost is None else f"{cost * 1e3:.1f} ms"))
        if parts:
            lines.append(f"  ({w.key}) " + "; ".join(parts))
    lines.append("")
    lines.append("Peak memory during one call (tracemalloc; arrays that torch and XLA allocate "
                 "are invisible to it), and minor page faults per call")
    for w, cells in results:
        parts = [f"{name} {fmt_bytes(cells[name]['memory']).strip()}" for name in names
                 if "memory" in cells.get(name, {})]
        hand = cells.get("hand-written", {}).get("memory")
        tg = cells.get("tangentish", {}).get("memory")
        ratio = f"   (tangentish / hand-written = {tg / hand:.2f})" if hand and tg else ""
        lines.append(f"  ({w.key}) " + "; ".join(parts) + ratio)
        faults = [f"{name} {cells[name]['faults']:.0f}" for name in names if "faults" in cells.get(name, {})]
        lines.append("      page faults/call: " + "; ".join(faults))
    lines.append("")
    if notes:
        lines.append("Notes")
        lines += [f"  [{k + 1}] {text}" for k, text in enumerate(notes)]
    return "\n".join(lines)


def versions() -> str:
    out = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    import tangentish
    out.append(f"tangentish {tangentish.__version__} ({Path(tangentish.__file__).parent})")
    for mod, dist in (("autograd", "autograd"), ("jax", "jax"), ("jaxlib", "jaxlib"),
                      ("torch", "torch"), ("tangent", "tangent-ad")):
        try:
            from importlib.metadata import version
            __import__(mod)
            out.append(f"{dist} {version(dist)}")
        except Exception:
            out.append(f"{dist} not installed")
    return ", ".join(out)


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return (f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}; "
            f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few rounds, short batches")
    ap.add_argument("--only", help="comma-separated workload keys, e.g. a,d")
    ap.add_argument("--contestants", help="comma-separated contestant names (primal and "
                                          "hand-written are always included)")
    ap.add_argument("--json", help="also write the raw numbers here")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="time batches by wall clock (default) or by this process's CPU "
                         "time, which other processes' load inflates less")
    opts = ap.parse_args(argv)
    opts.rounds = 5 if opts.quick else 21
    opts.batch = 0.005 if opts.quick else 0.02       # seconds per batch
    opts.budget = 0.5 if opts.quick else 4.0         # seconds per contestant and workload
    opts.first_repeats = 1 if opts.quick else 3

    try:
        import torch
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
    except Exception:
        pass

    if opts.clock == "cpu":
        CLOCK[0] = time.process_time
    names = [n for n, _ in CONTESTANTS]
    if opts.contestants:
        wanted = {s.strip() for s in opts.contestants.split(",")} | {"primal", "hand-written"}
        names = [n for n in names if n in wanted]
    workloads = WORKLOADS
    if opts.only:
        keys = {s.strip() for s in opts.only.split(",")}
        workloads = [w for w in WORKLOADS if w.key in keys]

    print(machine())
    print(versions())
    print(f"float64, one thread per library; {opts.rounds} interleaved rounds, batches of "
          f"~{opts.batch * 1e3:.0f} ms, median per call; {opts.clock} clock\n", flush=True)
    rng = np.random.default_rng(20240606)
    results = []
    started = time.perf_counter()
    for w in workloads:
        t0 = time.perf_counter()
        results.append((w, run_workload(w, names, opts, rng)))
        print(f"  ({w.key}) done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(report(results, names))
    print(f"\ntotal {time.perf_counter() - started:.0f} s; load average at end "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if opts.json:
        raw = {w.key: {n: {k: c[k] for k in ("time", "memory", "faults", "first_call", "na", "notes", "samples")
                           if k in c} for n, c in cells.items()} for w, cells in results}
        Path(opts.json).write_text(json.dumps(raw, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
