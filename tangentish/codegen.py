"""IR -> Python source text -> function object, registered with linecache.

The only module that imports astor (with `ast.unparse` as the tested
fallback). Comment statements in the IR become `# ...` lines. The function
is built inside a factory whose parameters are the closure variables the
code needs (`_rt`, rule globals, derivatives of helpers), while its globals
stay the user's module, so global names resolve live, as in the primal.
"""
from __future__ import annotations

import ast
import hashlib
import linecache
import re
import textwrap
import warnings

from .ir import nodes as N

try:
    with warnings.catch_warnings():
        # astor 0.8 looks up ast.Num and friends when imported, which Python
        # 3.12+ deprecates; printing our trees uses none of them
        warnings.filterwarnings("ignore", r"ast\.\w+ is deprecated", DeprecationWarning)
        import astor
except ImportError:  # pragma: no cover - astor is a declared dependency
    astor = None

_TOKEN = "__tangentish_comment_{}__"
_TOKEN_LINE = re.compile(r"^(\s*)__tangentish_comment_(\d+)__\s*$")


def _unparse(tree: ast.AST, use_astor: bool) -> str:
    if use_astor and astor is not None:
        # no line wrapping: one statement per line, whatever its length
        return astor.to_source(tree, pretty_source="".join)
    return ast.unparse(tree) + "\n"


def _spell_negative_constants(tree: ast.AST) -> None:
    """Folding can make `Constant(-1.5)`; both printers write it as `-1.5`,
    which as the base of `**` reads `-(1.5 ** 2)`. A unary minus prints right."""
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            if (isinstance(value, ast.Constant) and isinstance(value.value, (int, float, complex))
                    and not isinstance(value.value, bool) and _negative(value.value)):
                setattr(node, field, ast.UnaryOp(ast.USub(), ast.Constant(-value.value)))
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if (isinstance(item, ast.Constant) and isinstance(item.value, (int, float))
                            and not isinstance(item.value, bool) and _negative(item.value)):
                        value[k] = ast.UnaryOp(ast.USub(), ast.Constant(-item.value))


def _negative(v) -> bool:
    return (v.real if isinstance(v, complex) else v) < 0 or str(v).startswith("-")


def to_source(fn: N.FunctionDef, use_astor: bool = True) -> str:
    """Readable source of a generated function, comments included."""
    tree = N.to_python_ast(fn)  # a fresh tree: safe to rewrite below
    texts: list[str] = []
    for node in ast.walk(tree):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for k, s in enumerate(block):
                if (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                        and isinstance(s.value.value, str)
                        and s.value.value.startswith(N.COMMENT_PREFIX)):
                    block[k] = ast.Expr(ast.Name(_TOKEN.format(len(texts)), ast.Load()))
                    texts.append(s.value.value[len(N.COMMENT_PREFIX):])
    _spell_negative_constants(tree)
    tree = ast.fix_missing_locations(tree)
    lines = []
    for line in _unparse(tree, use_astor).splitlines():
        m = _TOKEN_LINE.match(line)
        lines.append(f"{m.group(1)}# {texts[int(m.group(2))]}" if m else line)
    return "\n".join(lines) + "\n"


def compile_function(fn: N.FunctionDef, closure: dict, module_globals: dict):
    """Compile generated source; return (function, source).

    The function is defined inside a factory whose parameters are its
    closure variables. Line numbers are shifted so that tracebacks and pdb
    point into `source` itself, which is what linecache holds."""
    source = to_source(fn)
    params = ", ".join(closure)
    factory = (f"def _tangentish_factory({params}):\n"
               + textwrap.indent(source, "    ")
               + f"    return {fn.name}\n")
    digest = hashlib.sha1(factory.encode()).hexdigest()[:10]
    filename = f"<tangentish {fn.name} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    tree = ast.parse(factory)
    ast.increment_lineno(tree.body[0].body[0], -1)
    code = compile(tree, filename, "exec")
    scratch: dict = {}
    exec(code, module_globals, scratch)
    function = scratch["_tangentish_factory"](**closure)
    return function, source
