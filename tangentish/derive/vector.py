"""Vector-mode forward derivatives: many tangent directions in one sweep.

`f_jvp_vec(*args, *tangents) -> (value, value_dot)` is `f_jvp` with every
tangent carrying a leading direction axis: `x_dot[k]` is the tangent of x
in direction k (shape `(n,) + np.shape(x)`), and so is `value_dot[k]` the
output's. The primal runs once for all n directions, which is what makes
`tg.jacobian(mode="forward")` and `tg.hessian` one sweep per chunk of
columns instead of one per column.

NumPy aligns shapes from the right, so a batched tangent next to a value
of higher rank would meet the direction axis in the wrong place, silently
when n equals that axis's length. Each tangent statement is therefore
batched in one of three ways, none of them a guess:
- an elementwise rule: partial times tangent, the tangent lifted
  (`_rt.lift`) unless its operand surely has the result's shape, and the
  sum spread to the result's shape (`_rt.broadcast_directions`);
- a rule with a `batched` form (rules/__init__.py), inlined with its `g`
  bound to the batched tangent;
- anything else: the ordinary one-direction tangent code in a loop over
  the directions, stacked (`_rt.stack_directions`).
Control flow tests primal values only, so all directions share it;
helpers are called through their own vector derivatives; stores go
through `_rt.batch_setitem`, which keeps the direction axis first.
"""
from __future__ import annotations

import builtins
import operator

from ..analysis.kinds import is_container
from ..ir import nodes as N
from ..rules import linear_args, seed_params
from .calls import _declared_outputs, index_value
from .forward import Forward, _sum_terms
from .inline import BindError, mul


class VectorForward(Forward):
    def __init__(self, ctx, facts):
        super().__init__(ctx, facts)
        self.n_dirs = self.namer.unique("_dirs")
        self.k = self.namer.unique("_k")
        self.per_direction = False  # emitting the body of a loop over directions?

    def run(self) -> N.FunctionDef:
        fn = super().run()
        dots = [N.load(self.dot(w)) for w in self.ctx.wrt]
        first = self.dot(self.ctx.wrt[0])
        fn.body[:0] = [
            N.comment(f"tangents carry a leading direction axis: {first}[k] is direction k"),
            N.assign(self.n_dirs, self.ctx.rt_call("n_directions", *dots))]
        return fn

    # ------------------------------------------------------------ tangents
    def tangent(self, name: str) -> N.expr:
        if not self.per_direction:
            return N.load(self.dot(name))
        if is_container(self.facts.kinds.get(name)):
            return self.ctx.rt_call("direction", N.load(self.dot(name)), N.load(self.k))
        return N.subscript(N.load(self.dot(name)), N.load(self.k))

    def zeros(self, name: str) -> N.expr:
        return self.ctx.rt_call("direction_zeros", N.load(self.n_dirs), N.load(name))

    def zero(self, atom) -> N.expr:
        return self.ctx.rt_call("direction_zeros", N.load(self.n_dirs), N.copy(atom))

    def store_tangent(self, s, x: str, tangent: N.expr) -> N.stmt:
        index = index_value(N.copy(s.targets[0].slice))
        return N.expr_stmt(self.ctx.rt_call("batch_setitem", N.load(self.dot(x)), index, tangent))

    # ------------------------------------------------------------ rules
    def rule_tangent(self, s, op, active: list[int], target: str) -> list:
        if op.rule.partials is not None:
            found = self.elementwise_terms(s, op, active, target)
        elif op.fn is operator.getitem and self.plain_index(s):
            # `x_dot[:, i]`: the direction axis first, then x's index
            index = N.Tuple(elts=[N.Slice(lower=None, upper=None, step=None)] + _index_parts(s.value),
                            ctx=N.Load())
            found = [], N.Subscript(value=N.load(self.dot(s.value.value.id)), slice=index, ctx=N.Load())
        else:
            found = self.batched_terms(s, op, active, target)
        if found is None:
            return self.one_direction_at_a_time(s, op, active, target)
        pre, total = found
        t_dot = self.dot(target)
        if total is None:
            return [s, N.assign(t_dot, self.zeros(target))]
        if self.shares_a_changing_tangent(s, total, any_name=True):
            # a batched form may return a view (`_rt.lift` reshapes)
            total = self.ctx.rt_call("private_copy", total)
        return [s] + pre + [self.ctx.ir.inherit(N.assign(t_dot, total), s)]

    def elementwise_terms(self, s, op, active, target):
        """partial * tangent, lined up with the result's axes. Partials
        broadcast within the result, so the terms span it if every operand
        that is a variable has one; otherwise the sum is spread to it."""
        ctx = self.ctx
        stmts, outs = ctx.expand(s, op, op.rule.partials, ans=N.load(target))
        terms, with_term = [], set()
        shaped = True
        for k in active:
            if k >= len(outs):
                raise ctx.no_rule(s, op, f" with respect to argument {k + 1}")
            if outs[k] is None:
                continue
            x = op.args[k].id
            dot = N.load(self.dot(x))
            if not self.facts.same_shape(x, target, s):
                shaped = False
                dot = ctx.rt_call("lift", dot, N.load(target))
            terms.append(mul(outs[k], dot))
            with_term.add(k)
        if not terms:
            return stmts, None
        total = _sum_terms(terms, self.facts.kinds.get(target), ctx)
        spanned = all(k in with_term for k, a in enumerate(op.args) if isinstance(a, N.Name))
        if not shaped and not spanned:
            total = ctx.rt_call("broadcast_directions", total, N.load(target))
        return stmts, total

    def plain_index(self, s) -> bool:
        """Is `s` a subscript `x[...]` of an array whose index means the same
        after a leading `:`? Not if x may be a tuple, an index may hold a
        tuple, or array indices may sit apart (NumPy then moves their axis
        in front of the direction axis): those go through `_rt.batch_getitem`."""
        value = s.value
        if not (isinstance(value, N.Subscript) and isinstance(value.value, N.Name)):
            return False
        kinds = self.facts.kinds
        if is_container(kinds.get(value.value.id)):
            return False
        parts = _index_parts(value)
        names, scalars = [], []
        for k, p in enumerate(parts):
            if isinstance(p, N.Name) and not is_container(kinds.get(p.id)):
                names.append(k)
            elif isinstance(p, N.Constant) and type(p.value) is int:
                scalars.append(k)
            elif not isinstance(p, N.Slice) and not (
                    isinstance(p, N.Constant) and (p.value is None or p.value is Ellipsis)):
                return False
        advanced = sorted(names + scalars)
        return not names or advanced[-1] - advanced[0] + 1 == len(advanced)

    def batched_terms(self, s, op, active, target):
        """The rule's `batched` form, or None where it has none (for some
        argument whose tangent flows, or for these arguments)."""
        rule = op.rule
        if rule.batched is None:
            return None
        if any(is_container(self.facts.kinds.get(op.args[k].id)) for k in active):
            return None  # batched forms take arrays: a list's tangent is a list of them
        g_name, ans_name = seed_params(rule.batched)
        flows = _flowing(rule)
        pre, terms = [], []
        for k in active:
            extra = {g_name: N.load(self.dot(op.args[k].id)), ans_name: N.load(target)}
            try:
                stmts, outs = self.ctx.inliner.expand(rule.batched, op.args, op.kwargs, extra)
            except BindError:
                return None
            out = outs[k] if k < len(outs) else None
            if out is None:
                if flows(k):
                    return None
                continue
            pre += stmts
            terms.append(out)
        if not terms:
            return pre, None
        return pre, _sum_terms(terms, self.facts.kinds.get(target), self.ctx)

    def one_direction_at_a_time(self, s, op, active, target) -> list:
        """The one-direction tangent in a loop over the directions:
        slow, but right for every rule."""
        self.per_direction = True
        try:
            pre, total = self.rule_terms(s, op, active, target)
        finally:
            self.per_direction = False
        t_dot = self.dot(target)
        if total is None:
            return [s, N.assign(t_dot, self.zeros(target))]
        ctx = self.ctx
        name = op.label.split("(")[0]
        append = N.expr_stmt(N.call(N.attr(N.load(t_dot), "append"), [total]))
        directions = N.call(ctx.global_ref("range", builtins.range), [N.load(self.n_dirs)])
        return [s,
                N.comment(f"{name}: no batched rule for this call, one direction at a time"),
                N.assign(t_dot, N.List(elts=[], ctx=N.Load())),
                N.for_(self.k, directions, pre + [ctx.ir.inherit(append, s)]),
                ctx.ir.inherit(N.assign(t_dot, ctx.rt_call("stack_directions", N.load(t_dot),
                                                           N.load(target))), s)]


def _index_parts(subscript) -> list:
    index = subscript.slice
    return [N.copy(p) for p in (index.elts if isinstance(index, N.Tuple) else [index])]


def _flowing(rule):
    """k -> does a tangent flow from argument k, by the one-direction rule?"""
    if rule.jvp is not None:
        outputs = _declared_outputs(rule.jvp)
        return lambda k: outputs is None or k >= len(outputs) or outputs[k]
    return lambda k: k in linear_args(rule)

