"""Forward mode: each active statement is followed by its tangent.

The control flow of the primal is kept as it is: a tangent is computed
right where its value is, so `v_dot` always describes the current `v`.
The generated function takes the primal's parameters plus one tangent per
`wrt` parameter and returns `(value, value_dot)`.
"""
from __future__ import annotations

from ..analysis.kinds import is_container
from ..rules import linear_args
from ..ir import nodes as N
from . import containers
from .context import Context
from .inline import add, mul


class Forward:
    def __init__(self, ctx: Context, facts):
        self.ctx = ctx
        self.facts = facts
        self.namer = ctx.namer
        self._primal_of = None  # tangent name -> its primal name

    def dot(self, name: str) -> str:
        return self.namer.tangent(name)

    def tangent(self, name: str) -> N.expr:
        """The expression reading the tangent of `name`."""
        return N.load(self.dot(name))

    def zeros(self, name: str) -> N.expr:
        """The zero tangent of variable `name`."""
        return self.ctx.zeros_like(name)

    def zero(self, atom) -> N.expr:
        """The zero tangent of a name or a literal."""
        return containers.zero(self.ctx, atom)

    def run(self) -> N.FunctionDef:
        ir = self.ctx.ir
        copied = self.ctx.aliases.params_to_copy(ir.params)
        body = self.ctx.private_copies(copied)
        body += self.ctx.private_copies(self.dot(p) for p in copied if p in self.ctx.wrt)
        for p in ir.params:
            if p in self.facts.active_vars and p not in self.ctx.wrt:
                body.append(N.assign(self.dot(p), self.zeros(p)))
        body += self.block(ir.fn.body[:-1])
        ret = ir.fn.body[-1].value
        if isinstance(ret, N.Name) and ret.id in self.facts.active_vars:
            ret_dot = N.load(self.dot(ret.id))
        else:
            ret_dot = self.zero(ret)
        body.append(N.ret(N.tuple_([ret, ret_dot])))
        body[:0] = [N.assign(v, N.const(None)) for v in sorted(self.ctx.guard_inits)]
        params = ir.params + [self.dot(w) for w in self.ctx.wrt]
        return N.function(self.ctx.own_name(), params, body)

    def block(self, stmts) -> list:
        """The statements with their tangents, each run from one user line
        under a `# line N: ...` comment."""
        out, last = [], None
        for s in stmts:
            note = self.ctx.ir.note(s)
            if note is not None and note != last:
                out.append(N.comment(note))
                last = note
            out += self.stmt(s)
        return out

    def stmt(self, s) -> list:
        special = containers.forward(self, s)
        if special is not None:
            return special
        if isinstance(s, N.Assign) and N.updated_name(s) is not None:
            return self.store(s)
        if isinstance(s, N.Assign):
            return self.ctx.inplace_guard(s, self.facts.value_live_after(s)) + self.assign(s)

        if isinstance(s, N.If):
            return [N.if_(s.test, self.block(s.body) or [N.pass_()], self.block(s.orelse))]
        if isinstance(s, N.For):
            head = []
            if s.target.id in self.facts.active_vars:  # the index itself carries no derivative
                head = [N.assign(self.dot(s.target.id), self.zeros(s.target.id))]
            return [N.for_(s.target.id, s.iter, head + self.block(s.body))]
        if isinstance(s, N.While):
            return [N.while_(s.test, self.block(s.body))]
        if isinstance(s, N.Expr):
            self.ctx.check_effect_call(s, self.facts.varied_before(s))
        return [s]

    def shares_a_changing_tangent(self, s, total, any_name: bool = False) -> bool:
        """Would the tangent `total` of a new value be (a view of) a tangent
        that an in-place update changes, its own later or its source's? The
        primal made a new array, but simplification may not have (`v * 1.0`
        has the tangent `v_dot`): then the tangent needs a copy of its own.
        `any_name`: any tangent `total` reads may be viewed (runtime helpers
        that reshape), not only a bare name or index of one."""
        aliases = self.ctx.aliases
        viewed = N.names_loaded(total) if any_name else {_viewed_name(total)} - {None}
        if not viewed or not aliases.updated:
            return False
        if aliases.needs_private_derivative(s):
            return True
        if self._primal_of is None:
            self._primal_of = {self.dot(v): v for v in self.facts.active_vars}
        sources = {self._primal_of[n] for n in viewed if n in self._primal_of}
        return id(s) in aliases.fresh and any(aliases.touched(u) for u in sources)

    def linear_tangent(self, s, op, active: list[int]) -> N.expr:
        """`f(x, i)` -> `f(x_dot, i)`; `f(x, i, g)` linear in x and g together
        -> `f(x_dot, i, g_dot)`, a zero for the one that carries no tangent."""
        positions = linear_args(op.rule)
        if positions == (0,):
            first = op.args[0].id
            return _first_operand_swapped(s.value, first, self.tangent(first))
        call = N.copy(s.value)
        if not isinstance(call, N.Call) or len(call.args) != len(op.args):
            raise self.ctx.no_rule(s, op, " called this way (pass its arguments by position)")
        for k in positions:
            arg = op.args[k]
            # a zero of one direction, also where vector mode takes one at a time
            call.args[k] = self.tangent(arg.id) if k in active else containers.zero(self.ctx, arg)
        return call

    def store(self, s) -> list:
        """`x[i] = v` -> `x_dot[i] = v_dot` (0.0 where v carries no tangent)."""
        out = self.ctx.sharing_guard(s, self.facts.may_view_after(s), self.facts.bound_before(s)) + [s]
        x = N.updated_name(s)
        if s not in self.facts.active_stmts or x not in self.facts.active_vars:
            return out
        v = s.value
        varied = isinstance(v, N.Name) and v.id in self.facts.varied_before(s)
        tangent = N.load(self.dot(v.id)) if varied else N.const(0.0)
        return out + [self.ctx.ir.inherit(self.store_tangent(s, x, tangent), s)]

    def store_tangent(self, s, x: str, tangent: N.expr) -> N.stmt:
        target = N.Subscript(value=N.load(self.dot(x)), slice=N.copy(s.targets[0].slice), ctx=N.Store())
        return N.Assign(targets=[target], value=tangent, type_comment=None)

    def assign(self, s) -> list:
        target = N.assigned_name(s)
        if s in self.facts.active_stmts:
            return self.active(s, target)
        if target in self.facts.active_vars:
            return [s, N.assign(self.dot(target), self.zeros(target))]
        return [s]

    def active(self, s, target: str) -> list:
        ctx = self.ctx
        op = ctx.op(s)
        varied = self.facts.varied_before(s)
        active = ctx.varied_args(op, varied)
        t_dot = self.dot(target)
        if op.kind == "copy":
            return [s, N.assign(t_dot, N.load(self.dot(op.args[0].id)))]
        if op.kind == "helper":
            func, args, wrt = ctx.helper(s, op, varied)
            call = N.call(func, args + [N.load(self.dot(name)) for name in wrt])
            both = N.tuple_([N.store(target), N.store(t_dot)], store_ctx=True)
            return [self.ctx.ir.inherit(N.assign(both, call), s)]
        ctx.check_keywords(s, op, varied)
        if op.kind != "rule" or not op.rule.has_forward:
            raise ctx.no_rule(s, op)
        containers.check_operands(ctx, s, op, active, self.facts.kinds)
        return self.rule_tangent(s, op, active, target)

    def rule_tangent(self, s, op, active: list[int], target: str) -> list:
        """`s` followed by the tangent of its rule's result (one direction)."""
        pre, total = self.rule_terms(s, op, active, target)
        t_dot = self.dot(target)
        if total is None:
            return [s, N.assign(t_dot, self.zeros(target))]
        return [s] + pre + [self.ctx.ir.inherit(N.assign(t_dot, total), s)]

    def rule_terms(self, s, op, active: list[int], target: str) -> tuple[list, N.expr | None]:
        """(statements, the expression of the tangent, or None for zero)."""
        ctx = self.ctx
        rule = op.rule
        pre, terms = [], []
        constant_partial = False
        if rule.partials is not None:
            stmts, outs = ctx.expand(s, op, rule.partials, ans=N.load(target))
            pre += stmts
            for k in active:
                if k >= len(outs):
                    raise ctx.no_rule(s, op, f" with respect to argument {k + 1}")
                if outs[k] is not None:
                    constant_partial |= isinstance(outs[k], N.Constant)
                    terms.append(mul(outs[k], self.tangent(op.args[k].id)))
        elif rule.jvp is not None:
            for k in active:
                g = self.tangent(op.args[k].id)
                stmts, outs = ctx.expand(s, op, rule.jvp, ans=N.load(target), g=g)
                if k >= len(outs):
                    raise ctx.no_rule(s, op, f" with respect to argument {k + 1}")
                pre += stmts
                if outs[k] is not None:
                    terms.append(outs[k])
            constant_partial = rule.user
        elif set(active) & set(linear_args(rule)):  # linear in those arguments;
            # the others (axes, shapes, indices: an index popped from a stack
            # may count as varied) carry no derivative by the declaration's meaning
            terms.append(self.linear_tangent(s, op, active))
        if not terms:
            return pre, None
        total = _sum_terms(terms, self.facts.kinds.get(target), ctx)
        if self.shares_a_changing_tangent(s, total):
            total = ctx.rt_call("private_copy", total)
        inactive_operand = any(isinstance(a, N.Name) and k not in active
                               for k, a in enumerate(op.args))
        shaped = all(self.facts.same_shape(op.args[k].id, target, s) for k in active)
        if constant_partial and (inactive_operand or rule.user) and not shaped:
            total = ctx.rt_call("broadcast_like", total, N.load(target))
        return pre, total


def _first_operand_swapped(value, first: str, tangent) -> N.expr:
    """A linear call with its first operand (argument or receiver) replaced
    by the tangent; the same name elsewhere in the call (`f(x, x)`) is a
    parameter the rule declares inert and keeps its value."""
    value = N.copy(value)
    if isinstance(value, N.Call) and value.args and N.is_name(value.args[0], first):
        value.args[0] = tangent
        return value
    if (isinstance(value, N.Call) and isinstance(value.func, N.Attribute)
            and N.is_name(value.func.value, first)):
        value.func.value = tangent
        return value
    return N.substitute(value, {first: tangent})


def _viewed_name(expr) -> str | None:
    """The name whose memory `expr` may be (a view of): `a_dot`, `a_dot[1:]`, `a_dot.T`."""
    while isinstance(expr, (N.Subscript, N.Attribute)):
        expr = expr.value
    return expr.id if isinstance(expr, N.Name) else None


def _sum_terms(terms: list, kind=None, ctx=None) -> N.expr:
    """Add tangent terms, writing a repeated one once: `x * x` -> `2.0 * (x * x_dot)`;
    tangents of tuples and lists add entry by entry (`_rt.add`)."""
    if is_container(kind):
        total = terms[0]
        for t in terms[1:]:
            total = ctx.rt_call("add", total, t)
        return total
    counts: dict[str, list] = {}
    for t in terms:
        counts.setdefault(N.dump(t), []).append(t)
    total = None
    for group in counts.values():
        term = group[0] if len(group) == 1 else mul(N.const(float(len(group))), group[0])
        total = term if total is None else add(total, term)
    return total


def forward(ctx: Context, facts) -> N.FunctionDef:
    return Forward(ctx, facts).run()
