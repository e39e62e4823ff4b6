"""The only module that spells gast node types.

Everything else builds and inspects IR through these names, so a gast
release that renames a field breaks this file and nothing else.
"""
from __future__ import annotations

import copy as _copy
from collections import deque as _deque
from typing import Any, Iterable

import gast
from gast import (  # noqa: F401  (re-exported node classes)
    AST, Add, And, Assert, Assign, Attribute, AugAssign, BinOp, BitAnd, BitOr,
    BitXor, BoolOp, Break, Call, ClassDef, Compare, Constant, Continue, Del,
    Delete, Dict, DictComp, Div, Eq, Expr, FloorDiv, For, FunctionDef,
    GeneratorExp, Global, Gt, GtE, If, IfExp, In, Invert, Is, IsNot, JoinedStr,
    Lambda, List, ListComp, Load, LShift, Lt, LtE, MatMult, Mod, Module, Mult,
    Name, NamedExpr, Nonlocal, Not, NotEq, NotIn, Or, Pass, Pow, Raise, Return,
    RShift, Set, SetComp, Slice, Starred, Store, Sub, Subscript, Try, Tuple,
    UAdd, UnaryOp, USub, While, With, Yield, YieldFrom, Await, AsyncFunctionDef,
    AsyncFor, AsyncWith, keyword, arguments, expr, stmt,
)

try:  # Python >= 3.10 pattern matching
    from gast import Match  # noqa: F401
except ImportError:  # pragma: no cover
    Match = None


def walk(node):
    """Every node under `node` (itself included), in ast.walk's order; a
    plain loop over `_fields`, since the analyses and passes walk a lot."""
    todo = _deque([node])
    pop, push = todo.popleft, todo.append
    while todo:
        node = pop()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
        yield node


iter_child_nodes = gast.iter_child_nodes
NodeTransformer = gast.NodeTransformer
NodeVisitor = gast.NodeVisitor
dump = gast.dump


def parse(source: str) -> Module:
    return gast.parse(source)


def to_python_ast(tree: AST):
    return gast.gast_to_ast(tree)


def copy(node):
    return _copy.deepcopy(node)


# ---------------------------------------------------------------- builders

def load(name: str) -> Name:
    return Name(id=name, ctx=Load(), annotation=None, type_comment=None)


def store(name: str) -> Name:
    return Name(id=name, ctx=Store(), annotation=None, type_comment=None)


def const(value: Any) -> Constant:
    return Constant(value=value, kind=None)


def attr(value: expr, name: str) -> Attribute:
    return Attribute(value=value, attr=name, ctx=Load())


def subscript(value: expr, index: expr) -> Subscript:
    return Subscript(value=value, slice=index, ctx=Load())


def dotted(path: str) -> expr:
    """`"_rt.unbroadcast"` -> Attribute(Name('_rt'), 'unbroadcast')."""
    head, *rest = path.split(".")
    node: expr = load(head)
    for part in rest:
        node = attr(node, part)
    return node


def call(func: expr | str, args: Iterable[expr] = (),
         keywords: dict[str, expr] | None = None) -> Call:
    if isinstance(func, str):
        func = dotted(func)
    kws = [keyword(arg=k, value=v) for k, v in (keywords or {}).items()]
    return Call(func=func, args=list(args), keywords=kws)


def assign(target: str | expr, value: expr) -> Assign:
    if isinstance(target, str):
        target = store(target)
    return Assign(targets=[target], value=value, type_comment=None)


def tuple_(elts: Iterable[expr], store_ctx: bool = False) -> Tuple:
    return Tuple(elts=list(elts), ctx=Store() if store_ctx else Load())


def binop(left: expr, op: AST, right: expr) -> BinOp:
    return BinOp(left=left, op=op, right=right)


def unary(op: AST, operand: expr) -> UnaryOp:
    return UnaryOp(op=op, operand=operand)


def not_(operand: expr) -> UnaryOp:
    return UnaryOp(op=Not(), operand=operand)


def if_(test: expr, body: list, orelse: list | None = None) -> If:
    return If(test=test, body=body, orelse=orelse or [])


def while_(test: expr, body: list) -> While:
    return While(test=test, body=body, orelse=[])


def for_(target: str, iter_: expr, body: list) -> For:
    return For(target=store(target), iter=iter_, body=body, orelse=[],
               type_comment=None)


def expr_stmt(value: expr) -> Expr:
    return Expr(value=value)


def ret(value: expr | None) -> Return:
    return Return(value=value)


def break_() -> Break:
    return Break()


def pass_() -> Pass:
    return Pass()


def function(name: str, params: list[str], body: list,
             vararg: str | None = None) -> FunctionDef:
    args = arguments(
        args=[Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None)
              for p in params],
        posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
        kwarg=None, defaults=[])
    return FunctionDef(name=name, args=args, body=body, decorator_list=[],
                       returns=None, type_comment=None, type_params=[])


def module(body: list) -> Module:
    return Module(body=body, type_ignores=[])


def comment(text: str) -> Expr:
    """A statement that codegen prints as `# text`."""
    return Expr(value=Constant(value=COMMENT_PREFIX + text, kind=None))


COMMENT_PREFIX = "\x00tangentish-comment:"


def comment_text(node: AST) -> str | None:
    if (isinstance(node, Expr) and isinstance(node.value, Constant)
            and isinstance(node.value.value, str)
            and node.value.value.startswith(COMMENT_PREFIX)):
        return node.value.value[len(COMMENT_PREFIX):]
    return None


# -------------------------------------------------------------- predicates

def is_name(node: AST, name: str | None = None) -> bool:
    return isinstance(node, Name) and (name is None or node.id == name)


def is_const(node: AST, value: Any = ...) -> bool:
    if not isinstance(node, Constant):
        return False
    return value is ... or (type(node.value) is type(value) and node.value == value)


def is_number(node: AST) -> bool:
    return (isinstance(node, Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def param_names(fn: FunctionDef) -> list[str]:
    """Every parameter, in signature order: `*args` and `**kwargs` included."""
    args = fn.args
    names = [a.id for a in args.posonlyargs + args.args]
    if args.vararg is not None:
        names.append(args.vararg.id)
    names += [a.id for a in args.kwonlyargs]
    if args.kwarg is not None:
        names.append(args.kwarg.id)
    return names


def assigned_name(node: AST) -> str | None:
    """The name a normal-form `name = op` statement assigns, else None."""
    if isinstance(node, Assign) and len(node.targets) == 1 and isinstance(node.targets[0], Name):
        return node.targets[0].id
    return None


def updated_name(node: AST) -> str | None:
    """The array a normal-form `name[index] = atom` statement updates, else None."""
    if (isinstance(node, Assign) and len(node.targets) == 1 and isinstance(node.targets[0], Subscript)
            and isinstance(node.targets[0].value, Name)):
        return node.targets[0].value.id
    return None


def names_updated(node: AST) -> set[str]:
    """Names whose value some `name[index] = ...` inside `node` changes in place."""
    return {u for n in walk(node) if (u := updated_name(n)) is not None}


def names_written(node: AST) -> set[str]:
    """Names rebound or updated in place inside `node`."""
    return names_stored(node) | names_updated(node)


# methods that update their receiver in place (lists, and `x.sort()` on arrays)
MUTATING_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear",
                              "reverse", "sort"})


def mutated_names(stmt: AST) -> set[str]:
    """Names a statement updates in place: `lst` in `lst.append(v)`, `v = lst.pop()`."""
    value = stmt.value if isinstance(stmt, (Expr, Assign)) else None
    if (isinstance(value, Call) and isinstance(value.func, Attribute)
            and value.func.attr in MUTATING_METHODS and isinstance(value.func.value, Name)):
        return {value.func.value.id}
    return set()


def names_mutated(node: AST) -> set[str]:
    """Names some `lst.append(v)`-like call inside `node` updates in place."""
    return {name for n in walk(node) for name in mutated_names(n)}


def names_loaded(node: AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, Name) and isinstance(n.ctx, Load)}


def names_stored(node: AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, Name) and isinstance(n.ctx, Store)}


def all_names(node: AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, Name)}


def rename(node: AST, mapping: dict[str, str]) -> AST:
    for n in walk(node):
        if isinstance(n, Name) and n.id in mapping:
            n.id = mapping[n.id]
    return node


class Substitute(gast.NodeTransformer):
    """Replace loads of names by (copies of) expressions."""

    def __init__(self, mapping: dict[str, expr]):
        self.mapping = mapping

    def visit_Name(self, node):
        if isinstance(node.ctx, Load) and node.id in self.mapping:
            return copy(self.mapping[node.id])
        return node


def substitute(node: AST, mapping: dict[str, expr]) -> AST:
    return Substitute(mapping).visit(node)


BINOP_SYMBOLS = {Add: "+", Sub: "-", Mult: "*", Div: "/", Pow: "**",
                 MatMult: "@", FloorDiv: "//", Mod: "%"}
