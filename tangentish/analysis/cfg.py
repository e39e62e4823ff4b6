"""Control-flow graph of a structured function body.

One node per simple statement and one per control head (`if` test, `for`
head, `while` test), plus entry and exit; a `for` loop's target gets a node
of its own on the edge into the body. Each node knows the names it
defines and uses, which is all the dataflow solver needs.
"""
from __future__ import annotations

from ..ir import nodes as N


class Node:
    __slots__ = ("stmt", "kind", "succ", "pred", "defs", "uses", "updates")

    def __init__(self, stmt, kind: str, defs=frozenset(), uses=frozenset(), updates=frozenset()):
        self.stmt = stmt
        self.kind = kind
        self.succ: list[Node] = []
        self.pred: list[Node] = []
        self.defs = frozenset(defs)
        self.uses = frozenset(uses)
        self.updates = frozenset(updates)  # changed in place (`x[i] = v`): used, not killed

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"<{self.kind} {type(self.stmt).__name__ if self.stmt else ''}>"


class CFG:
    def __init__(self, fn: N.FunctionDef):
        self.entry = Node(None, "entry", defs=N.param_names(fn))
        self.exit = Node(None, "exit")
        self.nodes: list[Node] = [self.entry]
        self.of: dict = {}           # statement -> its node (heads for compounds)
        self._breaks: list[list[Node]] = []
        tails = self._seq(fn.body, [self.entry])
        self._link(tails, self.exit)
        self.nodes.append(self.exit)

    def _new(self, stmt, kind, defs=(), uses=(), updates=()) -> Node:
        node = Node(stmt, kind, defs, uses, updates)
        self.nodes.append(node)
        self.of[stmt] = node
        return node

    @staticmethod
    def _link(preds, node) -> None:
        for p in preds:
            p.succ.append(node)
            node.pred.append(p)

    def _seq(self, stmts, preds):
        for s in stmts:
            preds = self._one(s, preds)
        return preds

    def _one(self, s, preds):
        if isinstance(s, N.If):
            head = self._new(s, "if", uses=N.names_loaded(s.test))
            self._link(preds, head)
            tails = self._seq(s.body, [head])
            tails += self._seq(s.orelse, [head]) if s.orelse else [head]
            return tails
        if isinstance(s, (N.For, N.While)):
            if isinstance(s, N.For):
                # the target is bound on the way into the body only: when the
                # range is exhausted it keeps the value of the last iteration
                head = self._new(s, "for", uses=N.names_loaded(s.iter))
                entry = Node(s.target, "target", N.names_stored(s.target))
                self.nodes.append(entry)
                self._link([head], entry)
            else:
                head = entry = self._new(s, "while", uses=N.names_loaded(s.test))
            self._link(preds, head)
            self._breaks.append([])
            tails = self._seq(s.body, [entry])
            self._link(tails, head)
            return [head] + self._breaks.pop()
        if isinstance(s, N.Break):
            node = self._new(s, "break")
            self._link(preds, node)
            self._breaks[-1].append(node)
            return []
        if isinstance(s, (N.Return, N.Raise)):
            node = self._new(s, "stmt", uses=N.names_loaded(s))
            self._link(preds, node)
            self._link([node], self.exit)
            return []
        if isinstance(s, N.Assign):
            uses = N.names_loaded(s.value)
            for t in s.targets:
                if not isinstance(t, (N.Name, N.Tuple)):
                    uses |= N.names_loaded(t)
            updated = N.updated_name(s)
            node = self._new(s, "stmt", N.names_stored(N.module(s.targets)), uses,
                             {updated} if updated else ())
        elif isinstance(s, N.AugAssign):  # generated code only: `x_bar += c`
            target = N.names_stored(s.target)
            node = self._new(s, "stmt", target, N.names_loaded(s) | target)
        else:  # `lst.append(v)` updates lst in place: its new value depends on v
            node = self._new(s, "stmt", uses=N.names_loaded(s), updates=N.mutated_names(s))
        self._link(preds, node)
        return [node]
