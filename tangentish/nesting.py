"""Derivatives as functions that can be differentiated again.

`tg.grad(f)` returns a Python wrapper around the generated `f_vjp`, which
binds arguments, checks them and unpacks the result. To differentiate the
wrapper, tangentish reads an equivalent function that it writes itself,
with the generated function as an ordinary helper:

    def grad_f(x, n):
        value, x_bar = f_vjp(x, n, 1.0)
        return x_bar

`f_vjp` is plain Python registered in linecache, so it is read, normalized
and differentiated like any helper of the user's: `tg.jvp(tg.grad(f))`
generates `grad_f_jvp`, which calls `f_vjp_jvp`, and so on to any depth.
The description of a wrapper (`Spec`) hangs on the wrapper function as
`__tangentish_wrapper__`; the pipeline asks it for the IR.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import linecache
from dataclasses import dataclass, field
from typing import Callable

from .frontend import IR, Namespace
from .ir import nodes as N
from .ir.naming import Namer

KINDS = ("grad", "value_and_grad", "vjp", "jvp", "hvp")


@dataclass
class Spec:
    """What a derivative wrapper computes, in terms of a generated function.

    `inner(dims=...)` returns the current `Derived` it calls (regenerated when `f`
    or the rules change; specialised on the shapes `dims` of f's arguments), `params` are f's parameter names, `wrt` the
    names differentiated, `bare` whether one derivative is returned bare.
    For `hvp`, `inner` is the forward derivative of the gradient wrapper."""
    kind: str
    name: str
    inner: Callable
    params: list
    wrt: tuple
    bare: bool
    defaults: dict = field(default_factory=dict)   # parameter -> default, for binding
    # () -> {parameter: kind} for the parameters that hold tuples (kinds.py);
    # called once, when first needed, since it reads f's source
    kinds: Callable | None = None

    @functools.cached_property
    def param_kinds(self) -> dict:
        return dict(self.kinds()) if self.kinds is not None else {}

    def __post_init__(self):
        names = Namer(self.params)
        self.bars = [names.unique(f"{w}_bar") for w in self.wrt]
        self.dots = [names.unique(f"{w}_dot") for w in self.wrt]
        self.value = names.unique("value")
        self.cotangent = names.unique("out_bar")
        self.vector = names.unique("v")
        self.callee = names.unique("_inner")  # replaced by the generated name if free
        self._names = names

    # ------------------------------------------------------------ signature
    @property
    def extra(self) -> list[str]:
        """Parameters after f's: the cotangent, the tangents or the vector."""
        return {"vjp": [self.cotangent], "jvp": list(self.dots),
                "hvp": [self.vector]}.get(self.kind, [])

    def base_signature(self) -> inspect.Signature:
        """f's parameters, with their defaults."""
        P = inspect.Parameter
        return inspect.Signature([P(p, P.POSITIONAL_OR_KEYWORD, default=self.defaults.get(p, P.empty))
                                  for p in self.params])

    def signature(self) -> inspect.Signature:
        """f's parameters, then the extra ones; defaults only where nothing
        follows them (the API binds the extra ones from the end)."""
        P = inspect.Parameter
        base = list(self.base_signature().parameters.values())
        if self.extra:
            base = [p.replace(default=P.empty) for p in base]
        return inspect.Signature(base + [P(p, P.POSITIONAL_OR_KEYWORD) for p in self.extra])

    # ------------------------------------------------------------ source
    def source(self, callee: str) -> str:
        args = ", ".join(self.params)
        grads = self.bars[0] if self.bare else f"({', '.join(self.bars)})"
        body = []
        if self.kind in ("grad", "value_and_grad", "vjp"):
            seed = self.cotangent if self.kind == "vjp" else "1.0"
            body.append(f"{self.value}, {', '.join(self.bars)} = {callee}({args}, {seed})")
            body.append(f"return {grads}" if self.kind == "grad" else f"return {self.value}, {grads}")
        elif self.kind == "jvp":
            dot = self._names.unique(f"{self.value}_dot")
            body.append(f"{self.value}, {dot} = {callee}({args}, {', '.join(self.dots)})")
            body.append(f"return {self.value}, {dot}")
        elif self.kind == "hvp":
            grad = self._names.unique("grad")
            hv = self._names.unique("hv")
            if self.bare:
                vectors = self.vector
            else:
                vectors = ", ".join(self.dots)
                body.append(f"{vectors}, = {self.vector}" if len(self.dots) == 1
                            else f"{vectors} = {self.vector}")
            body.append(f"{grad}, {hv} = {callee}({args}, {vectors})")
            body.append(f"return {hv}")
        else:  # pragma: no cover
            raise ValueError(self.kind)
        lines = [f"def {self.name}({', '.join(self.params + self.extra)}):"]
        lines += ["    " + line for line in body]
        return "\n".join(lines) + "\n"

    def _inner(self, dims):
        """The generated function called, specialised on f's arguments' shapes."""
        return self.inner(dims=None if dims is None else dims[:len(self.params)])

    def ir(self, wrapper, dims: tuple | None = None) -> IR:
        derived = self.last = self._inner(dims)
        callee = derived.name if derived.name not in self._names.taken else self.callee
        source = self.source(callee)
        file = f"<tangentish {self.name} {id(wrapper):x}>"
        linecache.cache[file] = (len(source), None, source.splitlines(True), file)
        fn = N.parse(source).body[0]
        module = getattr(derived.function, "__module__", None)
        namespace = Namespace({callee: derived.function, "__builtins__": builtins,
                               "__name__": module})
        ir = IR(fn=fn, namespace=namespace, file=file, func=wrapper)
        for node in N.walk(fn):
            if getattr(node, "lineno", None) is not None:
                ir.origins[node] = (node.lineno, node.col_offset,
                                    getattr(node, "end_col_offset", None))
        return ir

    def guards(self, dims: tuple | None = None) -> list:
        """Valid while the wrapper still calls the generated function `ir` read."""
        return [(lambda: self._inner(dims).function, (), self.last.function)]


def spec_of(func) -> Spec | None:
    return getattr(func, "__tangentish_wrapper__", None)
