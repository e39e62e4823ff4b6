"""Raw IR -> normal form: one operation per statement, structured jumps.

After this stage (see `grammar.py` for the exact grammar):
- every assignment is `name = op` where the operands of `op` are atoms
  (names, constants, static global references) and `name` is not among them;
- `if` and `while` test a plain name that the statement itself never
  reassigns, so the reverse sweep can replay the decision;
- `break`, `continue` and `return` inside control flow are lowered to flags
  (`_brkN`, `_skipN`, `_done`) that guard the rest of their block; a loop that
  can break ends with the single exit check `if _brkN: break`;
- the function ends with exactly one `return atom`.
Short-circuit `and`/`or`, chained comparisons and conditional expressions
become `if` statements, so their laziness survives.
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass

from .. import runtime
from ..errors import UnsupportedSyntaxError
from ..frontend import IR, _MISSING
from . import comprehensions
from . import local_functions as L
from . import nodes as N
from .naming import Namer
from .variadic import VariadicCalls

# Constructs rejected outright, with what to write instead.
_REJECTED = {
    N.Yield: ("generators (`yield`)", "return a value or build a list instead"),
    N.YieldFrom: ("generators (`yield from`)", "return a value instead"),
    N.Await: ("`await`", "differentiate a synchronous function"),
    N.AsyncFunctionDef: ("async functions", "differentiate a synchronous function"),
    N.AsyncFor: ("`async for`", "use a plain loop"),
    N.AsyncWith: ("`async with`", "use plain code"),
    N.Global: ("`global` declarations", "pass the value as an argument and return the new value"),
    N.Nonlocal: ("`nonlocal` declarations", "pass the value as an argument and return the new value"),
    N.ClassDef: ("class definitions inside the function", "define the class at module level"),
    N.With: ("`with` blocks", "move the context manager outside the differentiated function"),
    N.Try: ("`try` blocks", "move error handling outside the differentiated function"),
    N.Delete: ("`del` statements", "let the variable go out of scope"),
    N.NamedExpr: ("assignment expressions (`:=`)", "assign in a separate statement"),
    N.SetComp: ("set comprehensions", "write a `for` loop"),
}
if N.Match is not None:
    _REJECTED[N.Match] = ("`match` statements", "use `if`/`elif`")

# Builtins that read or run code by name: a value reaching them leaves no
# trace in the source, so its derivative would silently be lost.
_BY_NAME = {builtins.eval: "eval", builtins.exec: "exec", builtins.locals: "locals",
            builtins.vars: "vars"}


@dataclass
class _Loop:
    skip: str | None = None     # set: skip the rest of this iteration
    brk: str | None = None      # set: leave the loop after this iteration


class Normalizer(L.Inlining, VariadicCalls):
    """Normalizes one function body: the user's, or (with `parent`) a nested
    function's body copied to a call site (see local_functions.py)."""

    def __init__(self, ir: IR, namer: Namer, fn: N.FunctionDef | None = None,
                 parent: "Normalizer | None" = None):
        self.ir = ir
        self.namer = namer
        self.fn = fn if fn is not None else ir.fn
        own = L.scope_locals(self.fn)
        self.locals = own | (parent.locals if parent else set())
        self.loops: list[_Loop] = []
        self.done: str | None = None
        self.ret_var: str | None = None
        # nested functions: every name that denotes one here, and those
        # callable at this point (a `def` runs before its calls, in their block)
        self.defined = self._local_function_names()
        inherited = (parent.function_names - own) if parent else set()
        self.function_names = inherited | self.defined
        self.visible: dict = {k: v for k, v in parent.visible.items() if k in inherited} if parent else {}
        self.inlining: list = parent.inlining if parent else []
        self.root = parent.root if parent else self
        if parent is None:
            self.claimed: set[str] = set()
            self.outer_names = {n.id for n in L.walk_scope(self.fn) if isinstance(n, N.Name)}
        self.shared = self._possibly_shared()

    def _possibly_shared(self) -> set[str]:
        """Names whose value another name may alias: `y = x`, `v = x[1:]`, `t = x.T`.

        `x += e` is lowered to `x = x + e`, which matches Python only when no
        other name sees x's memory; for these names it is rejected instead."""
        shared = set()
        after_updates = self._after_last_update()
        for node in L.walk_scope(self.fn):
            if isinstance(node, N.Assign):
                value = node.value
                while isinstance(value, (N.Subscript, N.Attribute)):
                    value = value.value
                if isinstance(value, N.Name) and value.id in self.locals:
                    names = {value.id} | N.names_stored(N.module(node.targets))
                    if not names <= after_updates.get(id(node), set()):
                        shared |= names
        return shared

    def _after_last_update(self) -> dict:
        """id of a statement of the body -> the names no `x += e` updates at
        or after it: a second name made there sees no update (derivative
        code read again returns its adjoints this way: `v_bar = a_bar`)."""
        updated_from: dict[str, int] = {}
        for k, s in enumerate(self.fn.body):
            for node in L.walk_scope(s):
                if isinstance(node, N.AugAssign) and isinstance(node.target, N.Name):
                    updated_from[node.target.id] = k
        out = {}
        for k, s in enumerate(self.fn.body):
            out[id(s)] = {n for n in N.all_names(s) if updated_from.get(n, -1) < k}
        return out

    # ---------------------------------------------------------- errors
    def reject(self, node, what, hint, construct=None):
        return self.ir.error(UnsupportedSyntaxError, f"tangentish does not support {what}",
                             node, construct, hint)

    def check_supported(self) -> None:
        for node in L.walk_scope(self.fn):
            if node is self.fn:
                continue
            entry = _REJECTED.get(type(node))
            if entry:
                raise self.reject(node, *entry)
            self.check_not_dynamic(node)
            self.check_no_outside_write(node)
            if isinstance(node, N.Call) and any(kw.arg == "out" for kw in node.keywords):
                raise self.reject(node, "writing results into an array through an `out` "
                                  "argument: the derivative would not see the write",
                                  "assign the result instead (`y = np.multiply(x, 2.0)`)")
    def check_not_dynamic(self, node) -> None:
        fn = self.ir.namespace.resolve(node.func, self.locals) if isinstance(node, N.Call) else None
        if fn in _BY_NAME:
            raise self.reject(node, f"`{_BY_NAME[fn]}()`: values it reaches by name have no "
                              "derivative tangentish can see", "write the expression out in the "
                              "function, or move the dynamic code outside it")

    def check_no_outside_write(self, node) -> None:
        """`G[0] = x` on a global hides x from the derivative of whoever reads G."""
        targets = node.targets if isinstance(node, N.Assign) else (
            [node.target] if isinstance(node, N.AugAssign) else [])
        for target in targets:
            for t in N.walk(target):
                if not isinstance(t, (N.Subscript, N.Attribute)) or not isinstance(t.ctx, N.Store):
                    continue
                root = t.value
                while isinstance(root, (N.Subscript, N.Attribute)):
                    root = root.value
                if isinstance(root, N.Name) and root.id not in self.locals:
                    raise self.reject(t, f"changing {root.id}, which lives outside the function",
                                      f"return the new value instead of storing it in `{root.id}` "
                                      "(or pass the data in as an argument)")

    # ---------------------------------------------------------- helpers
    def emit(self, target: str, value, user_node) -> N.Assign:
        return self.ir.inherit(N.assign(target, value), user_node)

    def is_static(self, node) -> bool:
        """A global reference like `np.pi` that needs no statement of its own."""
        if isinstance(node, N.Name):
            return False
        if isinstance(node, N.Attribute):
            return self.ir.namespace.resolve(node, self.locals) is not _MISSING
        return False

    # ---------------------------------------------------------- expressions
    def atom(self, e, pre: list, prefix: str = "_t"):
        """Flatten `e` into `pre`; return a Name, Constant or static reference."""
        self.check_not_function_value(e)
        if isinstance(e, (N.Name, N.Constant)) or self.is_static(e):
            return e
        if (isinstance(e, N.UnaryOp) and isinstance(e.op, N.USub) and N.is_number(e.operand)
                and not isinstance(e.operand.value, bool)):
            return N.const(-e.operand.value)  # `-1` is a literal, not an operation
        op = self.op(e, pre)
        if isinstance(op, (N.Name, N.Constant)):
            return op  # what an inlined nested function returned
        name = self.namer.fresh(prefix)
        pre.append(self.emit(name, op, e))
        return N.load(name)

    def op(self, e, pre: list):
        """Flatten the operands of `e`; return a one-operation expression."""
        self.check_not_function_value(e)
        if isinstance(e, (N.Name, N.Constant)) or self.is_static(e):
            return e
        if isinstance(e, N.BinOp):
            return N.binop(self.atom(e.left, pre), e.op, self.atom(e.right, pre))
        if isinstance(e, N.UnaryOp):
            return N.unary(e.op, self.atom(e.operand, pre))
        if isinstance(e, N.Compare):
            if len(e.ops) == 1:
                return N.Compare(left=self.atom(e.left, pre), ops=e.ops,
                                 comparators=[self.atom(e.comparators[0], pre)])
            return self.op(self.split_chain(e), pre)
        if isinstance(e, N.BoolOp):
            return self.lazy_boolop(e, pre)
        if isinstance(e, N.IfExp):
            return self.lazy_ifexp(e, pre)
        if isinstance(e, N.Call):
            return self.call(e, pre)
        if isinstance(e, N.Subscript):
            return N.Subscript(value=self.atom(e.value, pre),
                               slice=self.index(e.slice, pre), ctx=N.Load())
        if isinstance(e, N.Attribute):
            return N.attr(self.atom(e.value, pre), e.attr)
        if isinstance(e, (N.Tuple, N.List, N.Set)):
            for x in e.elts:
                if isinstance(x, N.Starred):
                    raise self.reject(x, "star unpacking inside a tuple or list display",
                                      "index the entries you need (`(a, t[0], t[1])`)")
            return type(e)(elts=[self.atom(x, pre) for x in e.elts], **(
                {"ctx": N.Load()} if not isinstance(e, N.Set) else {}))
        if isinstance(e, N.Dict):
            return self.dict_literal(e, pre)
        if isinstance(e, comprehensions.LOWERED):
            return self.comprehension(e, pre)
        if isinstance(e, N.JoinedStr):
            return e  # f-strings only format values; they carry no derivative
        raise self.reject(e, f"the expression {type(e).__name__}", "rewrite it with simpler operations")

    # ---------------------------------------------------------- containers
    def dict_literal(self, e, pre: list):
        """`{"a": x}` as it is; with keys known only when it runs, `dict([(k, x), ...])`,
        whose rules know that a repeated key keeps the last value."""
        if any(k is None for k in e.keys):
            raise self.reject(e, "unpacking a dict into a dict literal", "write the entries one by one")
        if all(isinstance(k, N.Constant) for k in e.keys):
            return N.Dict(keys=list(e.keys), values=[self.atom(v, pre) for v in e.values])
        pairs = N.List(elts=[N.tuple_([k, v]) for k, v in zip(e.keys, e.values)], ctx=N.Load())
        return N.call(self.builtin("dict", e), [self.atom(self.ir.inherit(pairs, e), pre)])

    def builtin(self, name: str, user_node) -> N.Name:
        """A reference to a builtin the lowered code calls (`dict`, `list`)."""
        if name in self.locals or self.ir.namespace.lookup(name) is not getattr(builtins, name):
            raise self.reject(user_node, f"this construct where `{name}` is not the builtin",
                              f"do not rebind the name `{name}`")
        return N.load(name)

    def comprehension(self, e, pre: list):
        """A comprehension or generator expression, as the loop it abbreviates."""
        bound = comprehensions.rename_targets(e, self.ir.fn, self.namer.unique)
        result = self.namer.fresh("_t")
        self.locals |= bound | {result}
        inherit = lambda new: self.ir.inherit(new, e)  # noqa: E731
        for s in comprehensions.lower(e, result, inherit):
            pre += self.stmt(s)[0]
        self.ir.finished_lists.add(result)
        if isinstance(e, N.DictComp):
            return N.call(self.builtin("dict", e), [N.load(result)])
        return N.load(result)

    def index(self, s, pre):
        if isinstance(s, N.Slice):
            part = lambda x: None if x is None else self.atom(x, pre)  # noqa: E731
            return N.Slice(lower=part(s.lower), upper=part(s.upper), step=part(s.step))
        if isinstance(s, N.Tuple):
            return N.tuple_([self.index(x, pre) for x in s.elts])
        return self.atom(s, pre)

    def call(self, e: N.Call, pre: list):
        local = self.local_callee(e)
        if local is not None:
            return self.inline(local, e, pre)
        func = e.func
        if not (isinstance(func, N.Name) or self.is_static(func)):
            if isinstance(func, N.Attribute):
                func = N.attr(self.atom(func.value, pre), func.attr)
            else:
                func = self.atom(func, pre)
        args, kws = self.call_arguments(e, pre)
        return N.Call(func=func, args=args, keywords=kws)

    def split_chain(self, e: N.Compare):
        """`a < b < c` -> `a < b and b < c` with `b` evaluated once."""
        operands = [e.left] + list(e.comparators)
        parts = []
        for k, op in enumerate(e.ops):
            parts.append(N.Compare(left=operands[k], ops=[op], comparators=[operands[k + 1]]))
        for p in parts:
            self.ir.inherit(p, e)
        return N.BoolOp(op=N.And(), values=parts)

    def lazy_boolop(self, e: N.BoolOp, pre: list):
        """`a and b` -> `r = a; if r: r = b` (`or`: `if not r`)."""
        result = self.namer.fresh("_t")
        first = self.atom(e.values[0], pre)
        pre.append(self.emit(result, first, e))
        rest = e.values[1:]
        if not rest:
            return N.load(result)
        later = N.BoolOp(op=e.op, values=rest) if len(rest) > 1 else rest[0]
        self.ir.inherit(later, e)
        branch: list = []
        branch.append(self.emit(result, self.op(later, branch), later))
        test = self.namer.fresh("_c")
        value = N.load(result) if isinstance(e.op, N.And) else N.not_(N.load(result))
        pre.append(self.emit(test, value, e))
        pre.append(self.ir.inherit(N.if_(N.load(test), branch), e))
        return N.load(result)

    def lazy_ifexp(self, e: N.IfExp, pre: list):
        result = self.namer.fresh("_t")
        test = self.test_name(e.test, pre, set())
        body: list = []
        body.append(self.emit(result, self.op(e.body, body), e.body))
        orelse: list = []
        orelse.append(self.emit(result, self.op(e.orelse, orelse), e.orelse))
        pre.append(self.ir.inherit(N.if_(N.load(test), body, orelse), e))
        return N.load(result)

    def test_name(self, test, pre: list, reassigned: set[str]) -> str:
        """A branch flag for `test` that nothing inside the branch reassigns."""
        if isinstance(test, N.Name) and test.id not in reassigned and test.id in self.locals:
            return test.id
        atom = self.atom(test, pre, prefix="_c")
        if isinstance(atom, N.Name) and atom.id.startswith("_c") and atom.id not in self.locals:
            return atom.id
        name = self.namer.fresh("_c")
        pre.append(self.emit(name, atom, test))
        return name

    # ---------------------------------------------------------- statements
    def block(self, stmts: list) -> tuple[list, bool]:
        """Normalize a block; True if it may set the current guard flag."""
        out: list = []
        jumps = False
        for k, s in enumerate(stmts):
            res, may_jump = self.stmt(s)
            out += res
            if isinstance(s, (N.Return, N.Break, N.Continue)):
                return out, True
            if may_jump:
                jumps = True
                rest = stmts[k + 1:]
                if rest:
                    rest_out, _ = self.block(rest)
                    if rest_out:
                        guard = self.guard_flag()
                        test = self.namer.fresh("_c")
                        out.append(self.emit(test, N.not_(N.load(guard)), rest[0]))
                        out.append(self.ir.inherit(N.if_(N.load(test), rest_out), rest[0]))
                return out, True
        return out, jumps

    def guard_flag(self) -> str:
        if self.loops:
            return self.loops[-1].skip
        return self.done

    def stmt(self, s) -> tuple[list, bool]:
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            raise self.reject(s, f"the statement `{type(s).__name__}`", "rewrite it with assignments, if, for or while")
        return method(s)

    def stmt_Assign(self, s):
        pre: list = []
        if len(s.targets) > 1:
            value = self.atom(s.value, pre)
            for t in s.targets:
                single = self.ir.inherit(N.Assign(targets=[t], value=value, type_comment=None), s)
                pre += self.stmt_Assign(single)[0]
            return pre, False
        target = s.targets[0]
        if isinstance(s.value, N.Lambda) and isinstance(target, N.Name):
            return self.define(target.id, L.from_lambda(target.id, s.value, self.ir), s.value), False
        if isinstance(target, N.Subscript):
            pre: list = []
            value = self.atom(s.value, pre)
            stored = self.store(target, value, s, pre)
            return pre + stored, False
        if isinstance(target, (N.Tuple, N.List)):
            return self.unpack(target, s.value, s), False
        if not isinstance(target, N.Name):
            what = {N.Attribute: "assignment to an attribute"}.get(type(target), "this assignment target")
            raise self.reject(target, what + " yet", "keep the value in a local variable")
        return self.assign(target.id, s.value, s), False

    def unpack(self, target, value, user_node) -> list:
        """`a, (b, c) = value` -> `_t0 = value; a, _t1 = _t0; b, c = _t1`.

        The normal form unpacks a name into names, all distinct and none of
        them the name unpacked, so each target's adjoint is its own entry."""
        star = next((k for k, e in enumerate(target.elts) if isinstance(e, N.Starred)), None)
        if star is not None:
            return self.unpack_starred(target, value, user_node, star)
        pre: list = []
        names = {e.id for e in target.elts if isinstance(e, N.Name)}
        if (isinstance(value, (N.Tuple, N.List)) and len(value.elts) == len(target.elts)
                and len(names) == len(target.elts)
                and not names & N.names_loaded(N.module([N.expr_stmt(e) for e in value.elts]))):
            # `a, b = x * y, x + y` is `a = x * y; b = x + y`: no value reads a target
            for name, e in zip(target.elts, value.elts):
                pre += self.assign(name.id, e, user_node)
            return pre
        src = self.atom(value, pre)
        if not isinstance(src, N.Name) or src.id in names:
            temp = self.namer.fresh("_t")
            pre.append(self.emit(temp, src, value))
            src = N.load(temp)
        elts, after = [], []
        for k, e in enumerate(target.elts):
            if isinstance(e, (N.Tuple, N.List)):
                temp = self.namer.fresh("_t")
                elts.append(N.store(temp))
                after += self.unpack(e, N.load(temp), user_node)
            elif isinstance(e, N.Name):
                later = {x.id for x in target.elts[k + 1:] if isinstance(x, N.Name)}
                # `a, a = t` keeps the last: an earlier duplicate is dead
                elts.append(N.store(e.id if e.id not in later else self.namer.fresh("_t")))
            else:
                what = ("starred targets (`a, *rest = ...`)" if isinstance(e, N.Starred)
                        else "unpacking into an element or attribute")
                raise self.reject(e, what + " yet", "unpack into plain names")
        unpack = N.Assign(targets=[N.tuple_(elts, store_ctx=True)], value=src, type_comment=None)
        pre.append(self.ir.inherit(unpack, user_node))
        return pre + after

    def unpack_starred(self, target, value, user_node, k: int) -> list:
        """`a, *rest, z = value`: from a tuple or list display, `rest` is the
        list of the middle entries; from any other value, `a = t[0]`,
        `rest = t[1:-1]` (a tuple when t is one: Python makes a list) and
        `z = t[-1]`, after checking that t has enough entries."""
        elts = target.elts
        after = len(elts) - k - 1
        rest = elts[k].value
        if isinstance(value, (N.Tuple, N.List)) and not any(isinstance(e, N.Starred) for e in value.elts):
            if len(value.elts) < len(elts) - 1:
                raise self.reject(user_node, f"unpacking {len(value.elts)} values into "
                                  f"{len(elts) - 1} or more targets", "unpack as many as there are")
            middle = N.List(elts=value.elts[k:len(value.elts) - after], ctx=N.Load())
            flat = N.tuple_(value.elts[:k] + [middle] + value.elts[len(value.elts) - after:])
            return self.unpack(N.tuple_(elts[:k] + [rest] + elts[k + 1:], store_ctx=True), flat, user_node)
        pre: list = []
        src = self.atom(value, pre)
        if not isinstance(src, N.Name) or src.id in N.names_stored(target):
            temp = self.namer.fresh("_t")
            pre.append(self.emit(temp, src, value))
            src = N.load(temp)
        count = N.Compare(left=N.call(N.load("len"), [src]), ops=[N.GtE()],
                          comparators=[N.const(len(elts) - 1)])
        pre += self.stmt_Assert(self.ir.inherit(N.Assert(test=count, msg=N.const(
            "not enough values to unpack")), user_node))[0]
        parts = [(e, N.const(j)) for j, e in enumerate(elts[:k])]
        parts.append((rest, N.Slice(lower=N.const(k), upper=N.const(-after) if after else None, step=None)))
        parts += [(e, N.const(-after + j)) for j, e in enumerate(elts[k + 1:])]
        for t, index in parts:
            item = self.ir.inherit(N.Subscript(value=src, slice=index, ctx=N.Load()), user_node)
            single = self.ir.inherit(N.Assign(targets=[t], value=item, type_comment=None), user_node)
            pre += self.stmt_Assign(single)[0]
        return pre

    def store_base(self, target: N.Subscript) -> str:
        """The local array `x` of a store `x[...] = v`, or a clear refusal."""
        base = target.value
        if isinstance(base, N.Subscript):
            raise self.reject(target, "assignment into an element of an element (`x[i][j] = ...`)",
                              "index once with a tuple: `x[i, j] = ...`")
        if not isinstance(base, N.Name):
            raise self.reject(target, "assignment into an element of this expression",
                              "assign the array to a local variable first")
        if base.id not in self.locals:
            raise self.reject(target, f"changing the global `{base.id}` in place",
                              f"pass `{base.id}` as an argument and return the new array")
        return base.id

    def store(self, target: N.Subscript, value, user_node, pre: list) -> list:
        """`x[index] = atom` with the index flattened to atoms (into `pre`)."""
        base = self.store_base(target)
        index = self.index(target.slice, pre)
        out = N.Subscript(value=N.load(base), slice=index, ctx=N.Store())
        return [self.ir.inherit(N.Assign(targets=[out], value=value, type_comment=None), user_node)]

    def assign(self, name: str, value, user_node) -> list:
        pre: list = []
        op = self.op(value, pre)
        if N.is_name(op, name):
            return pre  # `x = x` does nothing (its adjoint would double x_bar)
        if name in N.names_loaded(op) and not isinstance(op, N.Name):
            temp = self.namer.fresh("_t")
            pre.append(self.emit(temp, op, value))
            op = N.load(temp)
        pre.append(self.emit(name, op, user_node))
        return pre

    def stmt_AugAssign(self, s):
        if isinstance(s.target, N.Subscript):
            # `x[i] += e` is `x[i] = x[i] + e`, the index evaluated once
            base = self.store_base(s.target)
            pre: list = []
            index = self.index(s.target.slice, pre)
            old = self.namer.fresh("_t")
            pre.append(self.emit(old, N.Subscript(value=N.load(base), slice=index, ctx=N.Load()), s.target))
            new = self.atom(self.ir.inherit(N.binop(N.load(old), s.op, s.value), s), pre)
            target = N.Subscript(value=N.load(base), slice=N.copy(index), ctx=N.Store())
            pre.append(self.ir.inherit(N.Assign(targets=[target], value=new, type_comment=None), s))
            return pre, False
        if not isinstance(s.target, N.Name):
            raise self.reject(s, "augmented assignment to an attribute yet",
                              "keep the value in a local variable")
        value = self.ir.inherit(N.binop(N.load(s.target.id), s.op, s.value), s)
        out = self.assign(s.target.id, value, s)
        if s.target.id in self.shared:
            # floats are fine; an array here would be updated in place
            self.ir.inplace_checks[out[-1]] = self.ir.origin(s)
        return out, False

    def stmt_Expr(self, s):
        if isinstance(s.value, N.Constant):
            return [], False  # docstrings and bare constants do nothing
        pre: list = []
        op = self.op(s.value, pre)
        if isinstance(op, (N.Name, N.Constant)):
            return pre, False  # an inlined call's value, unused
        if (isinstance(op, N.Call) and isinstance(op.func, N.Attribute) and op.func.attr == "pop"
                and isinstance(op.func.value, N.Name)):
            # `lst.pop()` for its effect: the popped value is named, since the
            # derivative of a list of values needs the value's shape
            pre.append(self.emit(self.namer.fresh("_t"), op, s))
            return pre, False
        if (self.calls_builtin(op, runtime.add_at) and isinstance(op.func, N.Attribute)
                and len(op.args) == 3 and N.is_name(op.args[0]) and op.args[0].id in self.locals):
            return pre + self.accumulation(op, s), False
        pre.append(self.ir.inherit(N.expr_stmt(op), s))
        return pre, False

    def accumulation(self, op, s) -> list:
        """`_rt.add_at(x_bar, i, g)` in derivative code differentiated again:
        the store `x_bar[i] = _rt.added_at(x_bar, i, g)`, an in-place update
        both modes know, with np.add.at's count of repeated indices."""
        x, index, g = op.args
        total = self.namer.fresh("_t")
        added = N.call(N.attr(N.copy(op.func.value), "added_at"), [N.copy(x), N.copy(index), g])
        store = N.Subscript(value=N.copy(x), slice=N.copy(index), ctx=N.Store())
        return [self.emit(total, added, s),
                self.ir.inherit(N.Assign(targets=[store], value=N.load(total), type_comment=None), s)]

    def stmt_Pass(self, s):
        return [], False

    def stmt_Assert(self, s):
        pre: list = []
        test = self.atom(s.test, pre)
        msg = self.atom(s.msg, pre) if s.msg is not None else None
        pre.append(self.ir.inherit(N.Assert(test=test, msg=msg), s))
        return pre, False

    def stmt_Raise(self, s):
        pre: list = []
        exc = self.op(s.exc, pre) if s.exc is not None else None
        pre.append(self.ir.inherit(N.Raise(exc=exc, cause=None), s))
        return pre, False

    def stmt_If(self, s):
        pre: list = []
        reassigned = N.names_stored(N.module(s.body + s.orelse))
        test = self.test_name(s.test, pre, reassigned)
        body, j1 = self.block(s.body)
        orelse, j2 = self.block(s.orelse)
        if not body and not orelse:
            return pre, False
        pre.append(self.ir.inherit(N.if_(N.load(test), body or [N.pass_()], orelse), s))
        return pre, j1 or j2

    def stmt_Return(self, s):
        pre: list = []
        value = self.atom(s.value, pre) if s.value is not None else N.const(None)
        if self.done is None:
            self.done = self.namer.unique("_done")
            self.ret_var = self.namer.unique("_ret")
        pre.append(self.emit(self.ret_var, value, s))
        pre.append(self.emit(self.done, N.const(True), s))
        for loop in self.loops:
            self.loop_flags(loop, brk=True)
            pre.append(self.emit(loop.brk, N.const(True), s))
            pre.append(self.emit(loop.skip, N.const(True), s))
        return pre, True

    def loop_flags(self, loop: _Loop, brk: bool) -> None:
        if loop.skip is None:
            loop.skip = self.namer.fresh("_skip")
        if brk and loop.brk is None:
            loop.brk = self.namer.fresh("_brk")

    def stmt_Break(self, s):
        loop = self.loops[-1]
        self.loop_flags(loop, brk=True)
        return [self.emit(loop.brk, N.const(True), s), self.emit(loop.skip, N.const(True), s)], True

    def stmt_Continue(self, s):
        loop = self.loops[-1]
        self.loop_flags(loop, brk=False)
        return [self.emit(loop.skip, N.const(True), s)], True

    def loop_body(self, body: list, tail: list) -> tuple[_Loop, list]:
        loop = _Loop()
        self.loops.append(loop)
        out, _ = self.block(body)
        self.loops.pop()
        if loop.skip:
            out.insert(0, N.assign(loop.skip, N.const(False)))
        if tail and loop.brk:
            test = self.namer.fresh("_c")
            out += [N.assign(test, N.not_(N.load(loop.brk))), N.if_(N.load(test), tail)]
        else:
            out += tail
        if loop.brk:
            out.append(N.if_(N.load(loop.brk), [N.break_()]))
        return loop, out

    def after_loop(self, s, loop: _Loop, head: list, loop_stmt) -> tuple[list, bool]:
        out = list(head)
        if loop.brk:
            out.append(N.assign(loop.brk, N.const(False)))
        out.append(self.ir.inherit(loop_stmt, s))
        if s.orelse:
            orelse, j = self.block(s.orelse)
            if loop.brk:
                test = self.namer.fresh("_c")
                out += [N.assign(test, N.not_(N.load(loop.brk))), N.if_(N.load(test), orelse)]
            else:
                out += orelse
        returns = any(isinstance(n, N.Return) for n in N.walk(N.module(s.body + s.orelse)))
        return out, returns

    def stmt_For(self, s):
        """`for` over `range(...)` as it is; over a sequence, `enumerate`,
        `zip` or `reversed` as a `range` loop that indexes the sequences."""
        it = s.iter
        head: list = []
        view = comprehensions.dict_view(it)
        if view is not None:
            return self.dict_loop(s, *view)
        if self.calls_builtin(it, builtins.range) and isinstance(s.target, N.Name):
            args = [self.atom(a, head) for a in it.args]
            index, bind = s.target.id, []
        else:
            index, args, bind = self.sequence_loop(s, head)
        loop, body = self.loop_body(s.body, [])
        body = bind + body
        if loop.skip:  # `_skip = False` stays first
            body.insert(0, body.pop(len(bind)))
        return self.after_loop(s, loop, head, N.for_(index, N.call(N.load("range"), args), body))

    def dict_loop(self, s, mapping, view: str) -> tuple[list, bool]:
        """`for k, v in d.items():` as a loop over `list(d.keys())` reading `d[k]`."""
        head: list = []
        if not isinstance(mapping, N.Name) or mapping.id in N.names_stored(N.module(s.body)):
            name = self.namer.fresh("_seq")
            head.append(self.emit(name, self.op(mapping, head), mapping))
            mapping = N.load(name)
        key = self.namer.fresh("_key")
        self.locals.add(key)
        self.builtin("list", s.iter)
        loop = comprehensions.over_keys(s, mapping, view, key, lambda new: self.ir.inherit(new, s))
        if loop is None:
            raise self.reject(s.target, f"this loop target for `.{view}()`",
                              f"write `for k, v in d.{view}():` with plain names")
        out, returns = self.stmt_For(loop)
        return head + out, returns

    def calls_builtin(self, e, fn) -> bool:
        return (isinstance(e, N.Call) and not e.keywords
                and self.ir.namespace.resolve(e.func, self.locals) is fn)

    def sequence_loop(self, s, head: list) -> tuple[str, list, list]:
        """(loop index, range arguments, statements binding the targets)."""
        it, target = s.iter, s.target
        start = None
        if self.calls_builtin(it, builtins.enumerate) and len(it.args) in (1, 2):
            if not (isinstance(target, N.Tuple) and len(target.elts) == 2):
                raise self.reject(target, "this target for `enumerate`", "write `for i, v in enumerate(xs):`")
            counter, target = target.elts[0], target.elts[1]
            sequences = [it.args[0]]
            start = self.atom(it.args[1], head) if len(it.args) == 2 else None
        elif self.calls_builtin(it, builtins.zip) and it.args:
            counter, sequences = None, list(it.args)
        elif self.calls_builtin(it, builtins.reversed) and len(it.args) == 1:
            counter, sequences = None, [it.args[0]]
        else:
            counter, sequences = None, [it]
        targets = [target] if len(sequences) == 1 else (
            list(target.elts) if isinstance(target, N.Tuple) and len(target.elts) == len(sequences) else None)
        names = [counter] + targets if counter is not None else targets
        if targets is None or not all(isinstance(t, N.Name) for t in names):
            raise self.reject(target, "this loop target yet",
                              "unpack into plain names, one per sequence")
        seqs = []
        sequences = [self.reversed_copy(seq) for seq in sequences]
        for seq in sequences:  # evaluated once, before the loop, as Python does
            name = self.namer.fresh("_seq")
            head.append(self.emit(name, self.op(seq, head), seq))
            text = self.ir.segment(seq)
            where = self.ir.origin(s)
            self.ir.described[name] = (f"the sequence the `for` loop on line {where.line} iterates"
                                       if where else "the sequence a `for` loop iterates") + (
                                           f" (`{text}`)" if text else "")
            seqs.append(name)
            self.ir.sequences[name] = s
        lengths = []
        for name in seqs:
            n = self.namer.fresh("_t")
            head.append(self.emit(n, N.call(N.load("len"), [N.load(name)]), it))
            lengths.append(N.load(n))
        count = lengths[0]
        if len(lengths) > 1:
            count = N.load(self.namer.fresh("_t"))
            head.append(self.emit(count.id, N.call(N.load("min"), lengths), it))
        if counter is not None and start is None:
            index, bind = counter.id, []
        else:
            index, bind = self.namer.fresh("_k"), []
            if counter is not None:
                bind.append(self.emit(counter.id, N.binop(N.load(index), N.Add(), start), s.target))
        if self.calls_builtin(it, builtins.reversed):
            last = self.namer.fresh("_t")
            head.append(self.emit(last, N.binop(count, N.Sub(), N.const(1)), it))
            args = [N.load(last), N.const(-1), N.const(-1)]
        else:
            args = [count]
        for t, name in zip(targets, seqs):
            bind.append(self.emit(t.id, N.Subscript(value=N.load(name), slice=N.load(index),
                                                    ctx=N.Load()), s.target))
        return index, args, bind

    def reversed_copy(self, seq):
        """`reversed(xs)` inside `enumerate` or `zip` as `xs[::-1]`, which can be indexed."""
        if not (self.calls_builtin(seq, builtins.reversed) and len(seq.args) == 1):
            return seq
        step = N.Slice(lower=None, upper=None, step=N.const(-1))
        return self.ir.inherit(N.Subscript(value=seq.args[0], slice=step, ctx=N.Load()), seq)

    def stmt_While(self, s):
        head: list = []
        test = self.namer.fresh("_c")
        head.append(self.emit(test, self.op(s.test, head), s.test))
        tail: list = []
        tail.append(self.emit(test, self.op(s.test, tail), s.test))
        loop, body = self.loop_body(s.body, tail)
        return self.after_loop(s, loop, head, N.while_(N.load(test), body))

    # ---------------------------------------------------------- function
    def lower(self, as_op: bool = False) -> tuple[list, N.expr]:
        """(the body in normal form, what it returns): an atom, or with
        `as_op` (a nested function's body at a call) possibly an operation."""
        body = self.fn.body
        self.tail_return = None
        if body and isinstance(body[-1], N.Return) and not any(
                isinstance(n, N.Return) for n in L.walk_scope(N.module(body[:-1]))):
            self.tail_return = body[-1]
            body = body[:-1]
        out, _ = self.block(body)
        if self.tail_return is not None:
            value = self.tail_return.value
            if value is None:
                return out, N.const(None)
            pre: list = []
            value = self.op(value, pre) if as_op else self.atom(value, pre)
            return out + pre, value
        if self.done:
            out = [N.assign(self.done, N.const(False)), N.assign(self.ret_var, N.const(None))] + out
            return out, N.load(self.ret_var)
        return out, N.const(None)

    def run(self) -> N.FunctionDef:
        self.check_supported()
        out, value = self.lower()
        ret = N.ret(value)
        if self.tail_return is not None:
            self.ir.inherit(ret, self.tail_return)
        fn = self.ir.fn
        new = N.function(fn.name, N.param_names(fn), out + [ret])
        self.ir.inherit(new, fn)
        return new


def normalize(ir: IR, namer: Namer) -> IR:
    """Return `ir` with its function rewritten into normal form."""
    ir.fn = Normalizer(ir, namer).run()
    return ir
