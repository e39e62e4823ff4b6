"""Function object -> raw IR: source, dedent, gast parse, namespace, origins.

The raw IR is the user's `def` as gast, decorators stripped, with every
statement's absolute position in the user's file available through
`IR.origin`, and the namespace (globals, closure cells, builtins) the body
resolves names in.
"""
from __future__ import annotations

import builtins
import inspect
import os
import sysconfig
import linecache
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import Origin, SourceUnavailableError, UnsupportedSyntaxError, caller_origin, line_origin
from .ir import nodes as N

_MISSING = object()


@dataclass
class Namespace:
    """Where the body's free names live: closure first, then globals, builtins."""

    globals: dict
    closure: dict = field(default_factory=dict)

    def lookup(self, name: str) -> Any:
        """The object bound to a free name, or `_MISSING`."""
        if name in self.closure:
            return self.closure[name]
        if name in self.globals:
            return self.globals[name]
        return getattr(builtins, name, _MISSING)

    def resolve(self, node: N.AST, local_names: set[str]) -> Any:
        """The object a static `a.b.c` expression denotes, or `_MISSING`."""
        if isinstance(node, N.Name):
            if node.id in local_names:
                return _MISSING
            return self.lookup(node.id)
        if isinstance(node, N.Attribute):
            base = self.resolve(node.value, local_names)
            if base is _MISSING:
                return _MISSING
            return getattr(base, node.attr, _MISSING)
        return _MISSING


# the comments generated code ties its statements to the user's lines with
_NOTE = re.compile(r"\s*# ((?:grad of )?line \d+: .*?)\s*$")


@dataclass
class IR:
    """A function as gast plus the side tables every stage reads."""

    fn: N.FunctionDef
    namespace: Namespace
    file: str
    func: Callable | None = None
    # node -> (absolute line, col, end col) in the user's file
    origins: dict = field(default_factory=dict)
    # `x = x + e` lowered from `x += e` where x may share memory: stmt -> Origin
    inplace_checks: dict = field(default_factory=dict)
    # temporaries an error may have to name: name -> what the user wrote
    described: dict = field(default_factory=dict)

    def describe(self, name: str) -> str:
        """How a message names a variable: `v`, or what a temporary holds."""
        return self.described.get(name, f"`{name}`")
    # lists built by a lowered comprehension: complete when first read
    finished_lists: set = field(default_factory=set)
    # `_seqN` sequences a `for` loop indexes by position -> the user's loop
    sequences: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fn.name

    @property
    def generated(self) -> bool:
        """Is this derivative code, differentiated again?"""
        return bool(self.file) and self.file.startswith("<tangentish")

    @property
    def params(self) -> list[str]:
        return N.param_names(self.fn)

    def position(self, node: N.AST) -> tuple[int, int, int | None] | None:
        return self.origins.get(node)

    def origin(self, node: N.AST | None) -> Origin | None:
        pos = self.origins.get(node) if node is not None else None
        if pos is None:
            pos = self.origins.get(self.fn)
        if pos is None:
            return None
        line, col, end_col = pos
        text = linecache.getline(self.file, line) if self.file else ""
        return Origin(self.file, line, col, end_col, text)

    def note(self, node: N.AST) -> str | None:
        """What a comment above `node`'s derivative says: `line 3: y = x * x`
        for the user's code; for generated code (a derivative differentiated
        again) the user's line its own comments named, so every level of a
        nested derivative reads against the user's source."""
        pos = self.origins.get(node)
        if pos is None or not self.file:
            return None
        lines = linecache.getlines(self.file)
        if not self.generated:
            return f"line {pos[0]}: {lines[pos[0] - 1].strip()}" if pos[0] <= len(lines) else None
        for text in reversed(lines[:pos[0] - 1]):
            m = _NOTE.match(text)
            if m:
                return m.group(1)
            if text.lstrip().startswith("def "):
                return None
        return None

    def segment(self, node: N.AST | None) -> str | None:
        """The user's source text of `node`, when it sits on one line."""
        origin = self.origin(node) if node in self.origins else None
        if origin is None or origin.end_col is None or not origin.text:
            return None
        return origin.text[origin.col:origin.end_col] or None

    def error(self, cls, message: str, node: N.AST | None,
              construct: str | None = None, hint: str | None = None):
        return cls(message, self.origin(node), self.segment(node) or construct, hint)

    def inherit(self, new: N.AST, old: N.AST) -> N.AST:
        """Make `new` report the user position of `old`."""
        pos = self.origins.get(old)
        if pos is not None:
            self.origins.setdefault(new, pos)
        return new


_LIBRARY_DIRS = tuple({os.path.abspath(sysconfig.get_paths()[k])
                       for k in ("stdlib", "platstdlib", "purelib", "platlib")})


def is_library(fn) -> bool:
    """Installed packages and the standard library are not user code: their
    internals are never differentiated, only their rules are used."""
    module = getattr(fn, "__module__", "") or ""
    if module.split(".")[0] in ("numpy", "scipy", "math", "tangentish"):
        return True
    code = getattr(fn, "__code__", None)
    return code is not None and os.path.abspath(code.co_filename).startswith(_LIBRARY_DIRS)


_NOT_USER_DIRS = _LIBRARY_DIRS + (os.path.dirname(os.path.abspath(__file__)) + os.sep,)


def is_user_file(filename: str) -> bool:
    """Not the standard library, an installed package, tangentish or the
    code it generates: a place worth pointing a user at."""
    return not filename.startswith("<tangentish") and not os.path.abspath(filename).startswith(_NOT_USER_DIRS)


def _unwrap(func: Callable) -> Callable:
    return inspect.unwrap(func) if hasattr(func, "__wrapped__") else func


def target(func: Callable) -> Callable:
    """What to differentiate: a function with a rule as it is (NumPy's
    dispatchers wrap their implementations), anything else unwrapped
    through transparent decorators."""
    return func if rule_params(func) is not None else _unwrap(func)


def _closure(func: Callable) -> dict:
    code = func.__code__
    cells = func.__closure__ or ()
    values = {}
    for name, cell in zip(code.co_freevars, cells):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # an empty cell: the name is assigned later
            pass
    return values


def rule_params(func) -> list[inspect.Parameter] | None:
    """Parameters of a function known by its rule, as `tg.grad(func)` takes them.

    Read off the rule; optional ones are kept only if the function accepts
    them by keyword (C functions such as `math.log` may not)."""
    from .rules import lookup, operand_params
    rule = lookup(func)
    if rule is None or rule.nondiff or (rule.partials is None and rule.vjp is None and rule.jvp is None):
        return None
    params = operand_params(rule)
    try:
        accepted = set(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        # no signature to read: NumPy's array functions take keywords (older
        # NumPy gives some, `np.concatenate`, no signature), `math` does not
        if not (getattr(func, "__module__", "") or "").startswith("numpy") or isinstance(func, np.ufunc):
            return [p for p in params if p.default is inspect.Parameter.empty]
        return params
    return [p for p in params if p.default is inspect.Parameter.empty or p.name in accepted]


def parse_rule_wrapper(func) -> IR:
    """IR of `def f(x, axis=None): return f(x, axis=axis)` for a function
    known by its rule, so `tg.grad(np.sum)` differentiates through the table."""
    params = rule_params(func)
    name = getattr(func, "__name__", "f").strip("<>") or "f"
    file = f"<tangentish wrapper of {name}>"
    signature = ", ".join(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
                          for p in params)
    call = ", ".join(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.name}"
                     for p in params)
    source = f"def {name}({signature}):\n    return {name}({call})\n"
    linecache.cache[file] = (len(source), None, source.splitlines(True), file)
    fn = N.parse(source).body[0]
    ir = IR(fn=fn, namespace=Namespace({name: func, "__builtins__": builtins}), file=file, func=func)
    for node in N.walk(fn):
        if getattr(node, "lineno", None) is not None:
            ir.origins[node] = (node.lineno, node.col_offset, getattr(node, "end_col_offset", None))
    return ir


def def_origin(func) -> Origin | None:
    """Where `func` was defined or, when that file cannot be read (`exec`,
    the interactive prompt), the user's line that asked for its derivative."""
    code = func.__code__
    if linecache.getline(code.co_filename, code.co_firstlineno):
        return line_origin(code.co_filename, code.co_firstlineno)
    return caller_origin()


def parse_function(func: Callable) -> IR:
    """Read `func`'s source and return its raw IR.

    Raises:
        SourceUnavailableError: builtins, C functions, and functions whose
            source `inspect` cannot find (typed at a REPL, made by `exec`).
    """
    func = _unwrap(func)
    name = getattr(func, "__name__", repr(func))
    if not inspect.isfunction(func):
        raise SourceUnavailableError(
            f"cannot differentiate {name!r}: it is not a Python function "
            "with source code", hint="pass a function defined with `def` in a .py file")
    if func.__name__ == "<lambda>":
        raise UnsupportedSyntaxError(
            "cannot differentiate a lambda directly",
            def_origin(func),
            hint="define the function with `def`")
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError) as exc:
        raise SourceUnavailableError(
            f"cannot read the source of {name!r} ({exc})",
            def_origin(func),
            hint="inspect finds source by reading the file a function was defined in, "
                 f"and {func.__code__.co_filename!r} is not one: code typed at the >>> prompt "
                 "or run by exec() has none. Define the function in a .py module (or a "
                 "notebook cell), or register its rules with tangentish.register_adjoint and "
                 "tangentish.register_tangent") from None
    raw = "".join(lines)
    source = textwrap.dedent(raw)
    indent = len(lines[0]) - len(lines[0].lstrip()) if source != raw else 0
    module = N.parse(source)
    fn = module.body[0]
    if not isinstance(fn, N.FunctionDef):
        raise UnsupportedSyntaxError(
            f"cannot differentiate {name!r}: async functions and other non-`def` forms "
            "are not supported", line_origin(func.__code__.co_filename, first),
            hint="define a plain synchronous function with `def`")
    fn.decorator_list = []
    fn.returns = None
    file = func.__code__.co_filename
    ir = IR(fn=fn, namespace=Namespace(func.__globals__, _closure(func)),
            file=file, func=func)
    for node in N.walk(fn):
        lineno = getattr(node, "lineno", None)
        if lineno is not None:
            end = getattr(node, "end_col_offset", None)
            if getattr(node, "end_lineno", lineno) != lineno:
                end = None  # spans lines: point at the first one only
            ir.origins[node] = (first + lineno - 1, node.col_offset + indent,
                                end + indent if end is not None else None)
    return ir
