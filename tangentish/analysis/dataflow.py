"""One worklist solver for gen/kill-style dataflow problems on a CFG.

A problem is a direction, a meet (union or intersection), the fact at the
boundary (entry for forward problems, exit for backward ones) and a
transfer function. Facts are frozensets of names. Every analysis in
tangentish (activity, definedness, liveness) is an instance.
"""
from __future__ import annotations

from typing import Callable

from .cfg import CFG, Node

Facts = frozenset


def solve(cfg: CFG, *, forward: bool, meet: str, boundary: Facts,
          transfer: Callable[[Node, Facts], Facts],
          top: Facts | None = None) -> tuple[dict, dict]:
    """Return (before, after) facts per node, in the problem's direction.

    For a forward problem `before` is the fact on entry to a node; for a
    backward one it is the fact on exit (the node's "in" in that direction).
    """
    union = meet == "union"
    start = Facts() if union else top
    before: dict[Node, Facts] = {}
    after: dict[Node, Facts] = {n: start for n in cfg.nodes}
    first = cfg.entry if forward else cfg.exit
    order = cfg.nodes if forward else list(reversed(cfg.nodes))
    work = list(reversed(order))
    queued = set(work)
    while work:
        node = work.pop()
        queued.discard(node)
        feeders = node.pred if forward else node.succ
        if node is first:
            fact = boundary
        elif not feeders:
            fact = start
        elif union:
            fact = Facts().union(*(after[p] for p in feeders))
        else:
            fact = after[feeders[0]].intersection(*(after[p] for p in feeders[1:]))
        before[node] = fact
        out = transfer(node, fact)
        if out != after[node]:
            after[node] = out
            for nxt in (node.succ if forward else node.pred):
                if nxt not in queued:
                    queued.add(nxt)
                    work.append(nxt)
    return before, after


def liveness(cfg: CFG) -> tuple[dict, dict]:
    """(live after node, live before node) for every node."""
    return solve(cfg, forward=False, meet="union", boundary=Facts(),
                 transfer=lambda n, live: (live - n.defs) | n.uses)


def maybe_assigned(cfg: CFG) -> dict:
    before, _ = solve(cfg, forward=True, meet="union", boundary=cfg.entry.defs,
                      transfer=lambda n, f: f | n.defs)
    return before


def definitely_assigned(cfg: CFG) -> dict:
    everything = Facts().union(*(n.defs for n in cfg.nodes))
    before, _ = solve(cfg, forward=True, meet="intersection", boundary=cfg.entry.defs,
                      transfer=lambda n, f: f | n.defs, top=everything)
    return before
