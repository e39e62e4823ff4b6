"""Derivatives as functions that can be differentiated again.

`tg.grad(f)` returns a Python wrapper around the generated `f_vjp`, which
binds arguments, checks them and unpacks the result. To differentiate the
wrapper, tangentish reads an equivalent function that it writes itself,
with the generated function as an ordinary helper:

    def grad_f(x, n):
        value, x_bar = f_vjp(x, n, 1.0)
        return x_bar

`f_vjp` is plain Python registered in linecache, so it is read and
normalized like the user's code. Its body is spliced in place of the call
(`_inline`), so the next level optimizes both as one function: the seed
folds in and what the wrapper drops is dead code. `tg.jvp(tg.grad(f))`
generates `grad_f_jvp`, and so on to any depth; where the body cannot be
spliced in, the wrapper calls `f_vjp` as a helper (giving `f_vjp_jvp`).
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

from .errors import TangentishError
from .frontend import IR, Namespace, parse_function
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

    def _inner(self, dims, kinds: tuple = ()):
        """The generated function called, specialised on f's arguments' shapes,
        for arguments whose containers have these kinds (f's parameters among
        the wrapper's `(name, kind)` pairs)."""
        own = tuple((name, kind) for name, kind in kinds if name in self.params)
        return self.inner(param_kinds=own, dims=None if dims is None else dims[:len(self.params)])

    def ir(self, wrapper, dims: tuple | None = None, kinds: tuple = ()) -> IR:
        derived = self.last = self._inner(dims, kinds)
        callee = derived.name if derived.name not in self._names.taken else self.callee
        source = self.source(callee)
        fn = N.parse(source).body[0]
        inlined = _inline(fn, callee, derived.function)
        if inlined is not None:  # its free names are the generated function's
            return inlined
        file = f"<tangentish {self.name} {id(wrapper):x}>"
        linecache.cache[file] = (len(source), None, source.splitlines(True), file)
        module = getattr(derived.function, "__module__", None)
        namespace = Namespace({callee: derived.function, "__builtins__": builtins,
                               "__name__": module})
        ir = IR(fn=fn, namespace=namespace, file=file, func=wrapper)
        for node in N.walk(fn):
            if getattr(node, "lineno", None) is not None:
                ir.origins[node] = (node.lineno, node.col_offset,
                                    getattr(node, "end_col_offset", None))
        return ir

    def guards(self, dims: tuple | None = None, kinds: tuple = ()) -> list:
        """Valid while the wrapper still calls the generated function `ir` read."""
        return [(lambda: self._inner(dims, kinds).function, (), self.last.function)]


def spec_of(func) -> Spec | None:
    return getattr(func, "__tangentish_wrapper__", None)


def _inline(wrapper: N.FunctionDef, callee: str, function) -> IR | None:
    """The wrapper with the generated function's body in place of its call.

    Differentiated again, one function optimizes as a whole: the seed 1.0
    of `grad` folds into the code, and what the wrapper drops (the value,
    or the gradient under `hvp`) is dead code. None where the body cannot
    simply be spliced in: the call form is used then."""
    try:
        ir = parse_function(function)
    except TangentishError:
        return None
    at = next((k for k, s in enumerate(wrapper.body) if isinstance(s, N.Assign)
               and isinstance(s.value, N.Call) and N.is_name(s.value.func, callee)), None)
    if at is None or not _spliceable(ir.fn, wrapper.body[at].value):
        return None
    body = _bound_body(ir.fn, wrapper, at)
    if body is None:
        return None
    wrapper.body[at:at + 1] = body[:-1] + _unpacked(wrapper.body[at].targets[0], body[-1].value)
    wrapper.decorator_list = []
    ir.fn = wrapper
    return ir


def _spliceable(fn: N.FunctionDef, call: N.Call) -> bool:
    """One return, at the end; plain parameters, one argument each."""
    body, args = fn.body, fn.args
    return (bool(body) and isinstance(body[-1], N.Return) and body[-1].value is not None
            and not (args.vararg or args.kwarg or args.kwonlyargs or args.defaults)
            and not any(isinstance(n, (N.Return, N.FunctionDef, N.Lambda, N.Yield))
                        for s in body[:-1] for n in N.walk(s))
            and len(call.args) == len(N.param_names(fn)) and not call.keywords)


def _bound_body(fn: N.FunctionDef, wrapper: N.FunctionDef, at: int) -> list | None:
    """`fn`'s body as it runs in the wrapper's place: parameters bound to
    the call's arguments (constants substituted), locals that the wrapper's
    names would shadow renamed. None where a free name of `fn` (a global,
    a closure value) would read one of the wrapper's."""
    call, params = wrapper.body[at].value, N.param_names(fn)
    outer = set(N.param_names(wrapper)) | set().union(*map(N.names_stored, wrapper.body[:at]))
    local = N.names_stored(fn) - set(params)
    free = N.names_loaded(fn) - local - set(params)
    bound = {p for p, a in zip(params, call.args) if not N.is_name(a, p)}
    # binding the parameters one by one must read no parameter bound before
    if free & outer or bound & {a.id for a in call.args if isinstance(a, N.Name)}:
        return None
    names = Namer(N.all_names(fn) | N.all_names(wrapper))
    renamed = {v: names.unique(v) for v in sorted(local & outer)}
    stored = N.names_stored(fn)  # a parameter assigned in the body keeps its name
    constants = {p: a for p, a in zip(params, call.args) if isinstance(a, N.Constant) and p in bound
                 and p not in stored}
    binds = [N.assign(N.store(p), a) for p, a in zip(params, call.args)
             if p in bound and p not in constants]
    return binds + [N.substitute(N.rename(s, renamed), constants) for s in fn.body]


def _unpacked(target, value) -> list:
    """`a, b = c, d` as `a = c` and `b = d` where that means the same, so
    that an unused `a` leaves `c` dead."""
    if not (isinstance(target, N.Tuple) and isinstance(value, N.Tuple)
            and len(target.elts) == len(value.elts)
            and all(isinstance(t, N.Name) for t in target.elts)):
        return [N.assign(target, value)]
    out = []
    for k, (t, v) in enumerate(zip(target.elts, value.elts)):
        if any(t.id in N.names_loaded(later) for later in value.elts[k + 1:]):
            return [N.assign(target, value)]
        if not (isinstance(v, N.Name) and v.id == t.id):
            out.append(N.assign(N.store(t.id), v))
    return out

