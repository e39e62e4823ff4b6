"""Reverse mode: a primal sweep that records, then an adjoint sweep.

The primal sweep runs the user's statements and records what the adjoint
sweep cannot recompute: loop trip counts (`_n0`), and the old value of any
variable about to be overwritten (`_stack.append(x)`), which includes
branch flags and loop indices inside loops. The adjoint sweep walks the
statements backwards, replays `if` on the recorded flags and loops on the
recorded counts, pops overwritten values back, and accumulates adjoints
out of place (`x_bar = x_bar + ...`). The optimizer later drops every save
that the adjoint sweep never reads, and turns first accumulations into
plain assignments.

Adjoint of `v` starts at zero at the top of the innermost block that holds
all of `v`'s definitions and uses (and across which `v` is not live), so
temporaries of a loop body get a fresh adjoint in every reversed iteration.
"""
from __future__ import annotations

import operator

from ..analysis.kinds import is_container, unpack_targets
from ..ir import nodes as N
from . import containers
from .calls import index_value
from .context import Context
from .inline import add, mul

REVERSE_MARKER = "reverse sweep"


class Reverse:
    def __init__(self, ctx: Context, facts):
        self.ctx = ctx
        self.facts = facts
        self.namer = ctx.namer
        self._stack: str | None = None
        self.depth = 0
        self.none_inits: set[str] = set()
        self.defs: dict[str, int] = {}
        self.in_loop: set[str] = set()
        self.def_site: dict[str, tuple] = {}
        self._count_defs(ctx.ir.fn.body, False)
        for p in ctx.ir.params:
            self.defs[p] = self.defs.get(p, 0) + 1
        self.overwritten = {v for v, n in self.defs.items() if n > 1} | self.in_loop
        self.paths, self.heads = self._occurrences()
        self.scopes = self._scopes()
        self.block_local = self._block_local()
        self.local_saved = {v for vs in self.block_local.values() for v in vs}

    # ------------------------------------------------------------ facts
    def _count_defs(self, stmts, looped: bool) -> None:
        for s in stmts:
            if isinstance(s, N.Assign) and N.updated_name(s) is None:
                for t in _targets(s):
                    self.defs[t] = self.defs.get(t, 0) + 1
                    self.def_site[t] = (id(stmts), s)
                    if looped:
                        self.in_loop.add(t)
            elif isinstance(s, N.If):
                self._count_defs(s.body, looped)
                self._count_defs(s.orelse, looped)
            elif isinstance(s, (N.For, N.While)):
                if isinstance(s, N.For):
                    self.defs[s.target.id] = self.defs.get(s.target.id, 0) + 1
                    self.in_loop.add(s.target.id)
                self._count_defs(s.body, True)

    def _occurrences(self) -> tuple[dict, dict]:
        """Variable -> the block paths where it occurs; block id -> its head."""
        paths: dict[str, list] = {}
        heads: dict[int, N.AST] = {}

        def visit(stmts, path):
            for s in stmts:
                if isinstance(s, N.For):
                    names = N.names_loaded(s.iter) | {s.target.id}
                elif isinstance(s, (N.If, N.While)):
                    names = N.names_loaded(s.test)
                else:
                    names = N.all_names(s)
                for v in names:
                    paths.setdefault(v, []).append(path)
                if isinstance(s, N.If):
                    for sub in (s.body, s.orelse):
                        heads[id(sub)] = s
                        visit(sub, path + [id(sub)])
                elif isinstance(s, (N.For, N.While)):
                    heads[id(s.body)] = s
                    visit(s.body, path + [id(s.body)])

        body = self.ctx.ir.fn.body
        visit(body, [id(body)])
        return paths, heads

    @staticmethod
    def _common(paths: list) -> list:
        common = paths[0]
        for p in paths[1:]:
            k = 0
            while k < min(len(common), len(p)) and common[k] == p[k]:
                k += 1
            common = common[:k]
        return common

    def _live_into(self, v: str, block_id: int) -> bool:
        head = self.heads[block_id]
        return v in self.facts.live_in[self.facts.node(head)]

    def _scopes(self) -> dict[str, int]:
        """Active variable -> id() of the block whose reversal zero-inits it.

        The innermost block holding every occurrence, widened while the
        variable is live on entry to it (carried across iterations)."""
        body = self.ctx.ir.fn.body
        scopes = {}
        for v in self.facts.active_vars:
            common = self._common(self.paths[v]) if v in self.paths else [id(body)]
            while len(common) > 1 and (self._live_into(v, common[-1]) or v in self.ctx.ir.params):
                common = common[:-1]
            scopes[v] = common[-1]
        ret = body[-1].value
        if isinstance(ret, N.Name):
            scopes[ret.id] = id(body)
        return scopes

    def _block_local(self) -> dict[int, list[str]]:
        """Block id -> loop temporaries saved at its end, restored at its reversal's start.

        A variable defined once, inside a loop, and used only inside the block
        of its definition needs one push per execution of that block, after
        all its uses, instead of a push before every overwrite."""
        out: dict[int, list[str]] = {}
        params = set(self.ctx.ir.params)
        for v, (block_id, stmt) in self.def_site.items():
            if (self.defs.get(v) != 1 or v in params or v not in self.in_loop
                    or block_id == id(self.ctx.ir.fn.body)):
                continue
            if self._common(self.paths[v])[-1] != block_id or self._live_into(v, block_id):
                continue
            out.setdefault(block_id, []).append(v)
        return out

    # ------------------------------------------------------------ pieces
    def bar(self, name: str) -> str:
        return self.namer.adjoint(name)

    @property
    def stack(self) -> str:
        if self._stack is None:
            self._stack = self.namer.unique("_stack")
        return self._stack

    def push(self, name: str) -> N.Expr:
        return N.expr_stmt(N.call(N.attr(N.load(self.stack), "append"), [N.load(name)]))

    def pop(self, name: str) -> N.Assign:
        return N.assign(name, N.call(N.attr(N.load(self.stack), "pop")))

    def accumulate(self, name: str, contribution) -> N.stmt:
        if name in self.ctx.aliases.updated:
            # its adjoint is cleared in place (`x_bar[i] = 0.0`), so it must stay
            # the array made for it: accumulate in place, never rebind
            scattered = self._unindexed(contribution, name)
            if scattered is not None:  # only the entries at idx change
                g, index = scattered
                return N.expr_stmt(self.ctx.rt_call("add_at", N.load(self.bar(name)), index, g))
            return N.AugAssign(target=N.store(self.bar(name)), op=N.Add(), value=contribution)
        if is_container(self.facts.kinds.get(name)):  # `+` would concatenate
            return N.assign(self.bar(name), self.ctx.rt_call("add", N.load(self.bar(name)), contribution))
        return N.assign(self.bar(name), add(N.load(self.bar(name)), contribution))

    def _unindexed(self, contribution, name: str):
        """(g, idx) of a contribution `_rt.unindex(g, name, idx)`, else None."""
        c = contribution
        if (isinstance(c, N.Call) and isinstance(c.func, N.Attribute) and c.func.attr == "unindex"
                and N.dump(c.func.value) == N.dump(self.ctx.rt) and len(c.args) == 3
                and N.is_name(c.args[1], name)):
            return c.args[0], c.args[2]
        return None

    def comment(self, s) -> list:
        note = self.ctx.ir.note(s)
        if note is None:
            return []
        return [N.comment(note if note.startswith("grad of ") else f"grad of {note}")]

    # ------------------------------------------------------------ walk
    def run(self) -> N.FunctionDef:
        ctx, ir = self.ctx, self.ctx.ir
        body = ir.fn.body
        fwd, rev = self.block(body[:-1], scope=id(body))
        ret = body[-1].value
        seed = []
        out_bar = self.namer.unique("out_bar")
        touched = isinstance(ret, N.Name) and self.ctx.aliases.touched(ret.id)
        if isinstance(ret, N.Name) and ret.id in self.facts.active_vars:
            g = N.load(out_bar)
            if ret.id in self.ctx.aliases.updated or N.names_mutated(ir.fn) & {ret.id}:
                g = ctx.rt_call("private_copy", g)  # updated in place by the reverse sweep
            seed.append(N.assign(self.bar(ret.id), g))
        head = ctx.private_copies(ctx.aliases.params_to_copy(ir.params))
        tail = []
        for w in ctx.wrt:
            if w not in self.facts.active_vars:
                head.append(N.assign(self.bar(w), ctx.zeros_like(w)))
        value = ret
        if touched:  # the reverse sweep restores it in place
            value = N.load(self.namer.unique("_value"))
            tail.append(N.assign(value.id, ctx.rt_call("private_copy", ret)))
        elif isinstance(ret, N.Name) and ret.id in self.overwritten:
            value = N.load(self.namer.unique("_value"))
            tail.append(N.assign(value.id, ret))
        inits = [N.assign(v, N.const(None)) for v in sorted(self.none_inits | ctx.guard_inits)]
        stack = [N.assign(self._stack, N.List(elts=[], ctx=N.Load()))] if self._stack else []
        grads = [N.load(self.bar(w)) for w in ctx.wrt]
        stmts = (inits + stack + head + fwd + tail + [N.comment(REVERSE_MARKER)] + seed + rev
                 + [N.ret(N.tuple_([value] + grads))])
        return N.function(self.ctx.own_name(), ir.params + [out_bar], stmts)

    def block(self, stmts, scope: int | None = None) -> tuple[list, list]:
        fwd, rev, last = [], [], None
        for s in stmts:
            f, r = self.stmt(s)
            note = self.ctx.ir.note(s)
            if f and note is not None and note != last:  # the primal trace, line by line
                fwd.append(N.comment(note))
                last = note
            fwd += f
            rev = r + rev
        rev = _dedupe_comments(rev)
        scope = id(stmts) if scope is None else scope
        ret = self.ctx.ir.fn.body[-1].value
        seeded = ret.id if isinstance(ret, N.Name) else None
        inits = [N.assign(self.bar(v), self.ctx.zeros_like(v))
                 for v in sorted(self.facts.active_vars)
                 if self.scopes.get(v) == scope and v != seeded]
        if inits:  # zeros_like(v) needs v bound even where no path assigned it
            assigned = self._entry_assigned(stmts) | _definitely_assigned(stmts)
            self.none_inits |= {s.value.args[0].id for s in inits} - assigned
        local = self.block_local.get(id(stmts), [])
        if local:
            exit_check = fwd[-1:] if fwd and _is_exit_check(fwd[-1]) else []
            fwd = fwd[:len(fwd) - len(exit_check)] + [self.push(v) for v in local] + exit_check
            rev = [self.pop(v) for v in reversed(local)] + inits + rev
            return fwd, rev
        return fwd, inits + rev

    def _entry_assigned(self, stmts) -> set:
        if not stmts:
            return set()
        first = stmts[0]
        node = self.facts.cfg.of.get(first)
        return set(self.facts.definite_in[node]) if node is not None else set()

    def stmt(self, s) -> tuple[list, list]:
        if isinstance(s, N.Assign) and N.updated_name(s) is not None:
            return self.store(s)
        if isinstance(s, N.Assign):
            return self.assign(s)
        if isinstance(s, N.If):
            if _is_exit_check(s):
                return [s], []
            fb, rb = self.block(s.body)
            fo, ro = self.block(s.orelse)
            rev = [N.if_(s.test, rb or [N.pass_()], ro)] if (rb or ro) else []
            return [N.if_(s.test, fb or [N.pass_()], fo)], rev
        if isinstance(s, (N.For, N.While)):
            return self.loop(s)
        if isinstance(s, N.Expr):
            appended = containers.reverse_append(self, s)
            if appended is not None:
                return appended
            self.ctx.check_effect_call(s, self.facts.varied_before(s))
        return [s], []

    def assign(self, s) -> tuple[list, list]:
        targets = _targets(s)
        node = self.facts.node(s)
        saves, resets = [], []
        for t in targets:
            earlier = t in self.facts.maybe_in[node]
            save = t in self.overwritten and earlier and t not in self.local_saved
            if save and t not in self.facts.definite_in[node] and t not in self.ctx.ir.params:
                self.none_inits.add(t)
            if save:
                saves.append(t)
            if t in self.facts.active_vars and earlier and t not in self.local_saved:
                resets.append(t)
        fwd = self.ctx.inplace_guard(s, self.facts.value_live_after(s)) + [self.push(t) for t in saves] + [s]
        rev = containers.reverse_adjoint(self, s, targets)
        if rev is None:
            rev = self.comment(s) + self.adjoint(s, targets[0]) if s in self.facts.active_stmts else []
        rev += [self.pop(t) for t in reversed(saves)]
        rev += [N.assign(self.bar(t), self.ctx.zeros_like(t)) for t in resets]
        return fwd, rev

    def store(self, s) -> tuple[list, list]:
        """`x[i] = v`: save the entries it overwrites; in the adjoint sweep
        pass their cotangent to v, clear it, and put the old entries back."""
        x = N.updated_name(s)
        index = s.targets[0].slice
        entries = N.Subscript(value=N.load(x), slice=N.copy(index), ctx=N.Load())
        save = N.expr_stmt(N.call(N.attr(N.load(self.stack), "append"),
                                  [N.call(N.attr(entries, "copy"), [])]))
        fwd = self.ctx.sharing_guard(s, self.facts.may_view_after(s), self.facts.bound_before(s)) + [save, s]
        rev = []
        if s in self.facts.active_stmts and x in self.facts.active_vars:
            rev += self.comment(s)
            v = s.value
            after = []
            if isinstance(v, N.Name) and v.id in self.facts.varied_before(s):
                c = self.ctx.rt_call("cotangent_at", N.load(self.bar(x)), index_value(index), v)
                if v.id == x:  # `x[i] = x`: x_bar gives the cotangent and takes it, once cleared
                    held = self.namer.fresh("_t")
                    rev.append(N.assign(held, self.ctx.rt_call("private_copy", c)))
                    after.append(self.ctx.ir.inherit(self.accumulate(x, N.load(held)), s))
                else:
                    rev.append(self.ctx.ir.inherit(self.accumulate(v.id, c), s))
            cleared = N.Subscript(value=N.load(self.bar(x)), slice=N.copy(index), ctx=N.Store())
            rev.append(N.Assign(targets=[cleared], value=N.const(0.0), type_comment=None))
            rev += after
        restore = N.Subscript(value=N.load(x), slice=N.copy(index), ctx=N.Store())
        rev.append(N.Assign(targets=[restore], value=N.call(N.attr(N.load(self.stack), "pop")),
                            type_comment=None))
        return fwd, rev

    def loop(self, s) -> tuple[list, list]:
        count = self.namer.fresh("_n")
        self.depth += 1
        fb, rb = self.block(s.body)
        self.depth -= 1
        # record at the end of the body, replay at the start of its reversal
        tail = [N.assign(count, N.binop(N.load(count), N.Add(), N.const(1)))]
        pre, post_rev = [], []
        if isinstance(s, N.For):
            i = s.target.id
            tail.insert(0, self.push(i))
            rb = [self.pop(i)] + rb
            if i in self.facts.active_vars:  # the index itself carries no derivative
                rb.append(N.assign(self.bar(i), self.ctx.zeros_like(i)))
            if self.defs.get(i, 0) > 1:
                node = self.facts.node(s)
                if i not in self.facts.definite_in[node] and i not in self.ctx.ir.params:
                    self.none_inits.add(i)
                pre.append(self.push(i))
                post_rev.append(self.pop(i))
        exit_check = fb[-1:] if fb and _is_exit_check(fb[-1]) else []
        fb = fb[:len(fb) - len(exit_check)] + tail + exit_check
        if isinstance(s, N.For):
            primal = N.for_(s.target.id, s.iter, fb)
        else:
            primal = N.while_(s.test, fb)
        under = self.namer.unique("_")
        fwd = pre + [N.assign(count, N.const(0)), primal]
        rev = [N.for_(under, N.call(N.load("range"), [N.load(count)]), rb)] + post_rev
        if self.depth > 0:
            fwd.append(self.push(count))
            rev.insert(0, self.pop(count))
        return fwd, rev

    # ------------------------------------------------------------ adjoints
    def adjoint(self, s, t: str) -> list:
        ctx = self.ctx
        op = ctx.op(s)
        varied = self.facts.varied_before(s)
        active = ctx.varied_args(op, varied)
        g = N.load(self.bar(t))
        if op.kind == "copy":
            if op.args[0].id in ctx.ir.finished_lists:  # its adjoint is popped from: a copy
                g = ctx.rt_call("private_copy", g)
            return [self.accumulate(op.args[0].id, g)]
        x = op.args[0].id if op.fn is operator.getitem and isinstance(op.args[0], N.Name) else None
        if x in ctx.aliases.updated and active == [0]:  # its adjoint is ours: add in place
            add_at = ctx.rt_call("add_at", N.load(self.bar(x)), op.args[1], g)
            return [ctx.ir.inherit(N.expr_stmt(add_at), s)]
        if op.kind == "helper":
            func, args, wrt = ctx.helper(s, op, varied)
            temps = [self.namer.fresh("_t") for _ in wrt]
            discard = self.namer.unique("_")  # the helper's value: the primal has it
            targets = N.tuple_([N.store(discard)] + [N.store(x) for x in temps], store_ctx=True)
            out = [ctx.ir.inherit(N.assign(targets, N.call(func, args + [g])), s)]
            return out + [self.accumulate(name, N.load(x)) for name, x in zip(wrt, temps)]
        ctx.check_keywords(s, op, varied)
        rule = op.rule
        if op.kind != "rule" or not rule.has_reverse:
            raise ctx.no_rule(s, op)
        containers.check_operands(ctx, s, op, active, self.facts.kinds)
        if rule.partials is not None:
            pre, outs = ctx.expand(s, op, rule.partials, ans=N.load(t))
            contributions = {k: mul(g, outs[k]) for k in active if k < len(outs) and outs[k] is not None}
            broadcasting = True
        else:
            pre, outs = ctx.expand(s, op, rule.vjp, ans=N.load(t), g=g)
            contributions = {k: outs[k] for k in active if k < len(outs) and outs[k] is not None}
            broadcasting = rule.user
        for k in active:
            if k >= len(outs):
                raise ctx.no_rule(s, op, f" with respect to argument {k + 1}")
        out = list(pre)
        for k, c in _merge_repeated(op.args, contributions).items():
            name = op.args[k].id
            others = [a for j, a in enumerate(op.args) if j != k]
            if (broadcasting and not all(N.is_number(a) for a in others)
                    and not self.facts.same_shape(name, t, s)):
                c = ctx.rt_call("unbroadcast", c, N.load(name))
            out.append(ctx.ir.inherit(self.accumulate(name, c), s))
        return out


def _targets(s) -> list[str]:
    """The names an assignment binds, in order (`a, b = t` binds two)."""
    names = unpack_targets(s)
    return names if names is not None else [N.assigned_name(s)]


def _merge_repeated(args, contributions: dict) -> dict:
    """`x * x`: one accumulation of `g * x + g * x` -> `2.0 * (g * x)`."""
    merged: dict = {}
    first: dict = {}
    for k, c in contributions.items():
        name = args[k].id
        if name not in first:
            first[name] = k
            merged[k] = c
        else:
            j = first[name]
            same = N.dump(merged[j]) == N.dump(c)
            merged[j] = mul(N.const(2.0), merged[j]) if same else add(merged[j], c)
    return merged


def _definitely_assigned(stmts) -> set:
    """Names every path through `stmts` assigns (loops may run zero times)."""
    out: set = set()
    for s in stmts:
        if isinstance(s, N.Assign):
            out |= N.names_stored(N.module(s.targets))
        elif isinstance(s, N.If):
            out |= _definitely_assigned(s.body) & _definitely_assigned(s.orelse)
    return out


def _is_exit_check(s) -> bool:
    return isinstance(s, N.If) and len(s.body) == 1 and isinstance(s.body[0], N.Break)


def _dedupe_comments(rev: list) -> list:
    """Keep one `# grad of line N` per run of statements from line N."""
    out, last = [], None
    for s in rev:
        text = N.comment_text(s)
        if text is not None:
            if text == last:
                continue
            last = text
        out.append(s)
    return out


def reverse(ctx: Context, facts) -> N.FunctionDef:
    return Reverse(ctx, facts).run()
