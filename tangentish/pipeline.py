"""THE stage order, in one place, and the cache of its results.

    parse -> normalize -> share common subexpressions -> verify -> analyze
          -> derive -> optimize -> compile

`transform(func, mode, wrt)` runs the stages (or returns the cached result)
and gives back a `Derived`: the compiled derivative and its source. Helper
functions called by `func` come back through `derive_helper`, so they run
the same stages and share the cache. The cache is keyed by the function
object and validated against its code object, its closure values, the
rule-table version and, recursively, the helpers it embeds.
"""
from __future__ import annotations

import inspect
import threading
import weakref
from dataclasses import dataclass, field
from typing import Callable

from . import runtime, runtime_vector
from .analysis.activity import analyze
from .analysis.aliases import aliases
from .codegen import compile_function
from .derive import calls
from . import nesting
from .analysis import kinds
from .derive import containers
from .derive.context import SELF, Context, Derived
from .derive.forward import Forward
from .derive.outputs import drop_outputs
from .derive.reverse import REVERSE_MARKER, Reverse
from .derive.vector import VectorForward
from .errors import NoRuleError, SourceUnavailableError, TangentishError, UnsupportedSyntaxError
from .frontend import IR, _MISSING, parse_function, parse_rule_wrapper, rule_params, target
from .ir import grammar, nodes as N
from .ir.cse import eliminate_common_subexpressions
from .ir.naming import Namer, renumber
from .ir.normalize import normalize
from .ir.views import copy_views_of_updated
from .optimize import Env, optimize
from .rules import RULES

MODES = ("forward", "forward-vector", "reverse")  # forward-vector: derive/vector.py


@dataclass
class Entry:
    derived: Derived
    fingerprint: tuple
    deps: list = field(default_factory=list)   # (helper func, its cache key) embedded
    key: tuple = ()                            # where the cache holds it
    # did specialising on the arguments' shapes change the code? If not, it
    # serves any shapes, and other shapes need no transformation of their own
    uses_dims: bool = True


def _fingerprint(func) -> tuple:
    cells = tuple(id(c.cell_contents) if _filled(c) else None
                  for c in (getattr(func, "__closure__", None) or ()))
    return (getattr(func, "__code__", None), cells, RULES.version)


def _filled(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


class Cache:
    """func -> {(mode, wrt): Entry}; entries die with func.

    Thread-safe: reads take no lock (single dict operations, atomic under
    the GIL), and `Transformer.transform` fills a missing entry under
    `lock`, re-checking first, so concurrent misses make one entry."""

    def __init__(self):
        self._lock = threading.RLock()
        self._entries: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self._strong: dict = {}   # id -> entries, for module-level C functions

    @property
    def lock(self):
        return self._lock

    def _table(self, func) -> dict:
        try:
            return self._entries.setdefault(func, {})
        except TypeError:  # ufuncs and builtins cannot be weakly referenced
            return self._strong.setdefault(id(func), {})

    def _find(self, func) -> dict:
        try:
            return self._entries.get(func) or {}
        except TypeError:
            return self._strong.get(id(func)) or {}

    def get(self, func, key) -> Entry | None:
        entry = self._find(func).get(key)
        if entry is None or entry.fingerprint != _fingerprint(func) or not entry.derived.valid():
            return None
        for dep_func, dep_key in entry.deps:
            if self.get(dep_func, dep_key) is None:
                return None
        return entry

    def specialisations(self, func, generic_key) -> int:
        """How many shape-specialised entries `func` has for a generic key."""
        return sum(1 for k in self._find(func)
                   if k != _SIGHTINGS and k[:-1] == generic_key and k[-1] is not None)

    def sighted(self, func, key) -> int:
        """How often a specialisation for `key` was asked for (this one included)."""
        sightings = self._table(func).setdefault(_SIGHTINGS, {})
        if len(sightings) > 64:  # ever new shapes: forget the old ones
            sightings.clear()
        sightings[key] = sightings.get(key, 0) + 1
        return sightings[key]

    def put(self, func, key, entry: Entry) -> None:
        self._table(func)[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._strong.clear()


CACHE = Cache()


class Transformer:
    """One top-level transformation, with the helpers it pulls in."""

    def __init__(self):
        self.in_progress: list = []
        self._kinds: dict = {}

    def transform(self, func, mode: str, wrt: tuple[str, ...], param_kinds: tuple = (),
                  dims: tuple | None = None, live=None) -> Entry:
        """`param_kinds`: (name, kind) of parameters that hold containers (kinds.py);
        `dims`: the shape of each parameter's argument (None where unknown),
        to specialise on, or None for the derivative of any shapes; `live`:
        the outputs the caller uses (derive/outputs.py), None for all."""
        func = target(func)
        key = _key(mode, wrt, param_kinds, dims, live)
        entry = CACHE.get(func, key)
        if entry is not None:
            return entry
        # one thread transforms (a global lock: helpers are transformed inside,
        # so per-function locks could deadlock); the others then find its entry
        with CACHE.lock:
            entry = CACHE.get(func, key)
            if entry is not None:
                return entry
            if dims is not None and not self._specialise(func, key):
                return self.transform(func, mode, wrt, param_kinds, live=live)  # the generic one
            generic = CACHE.get(func, key[:-1] + (None,))
            self.in_progress.append(func)
            try:
                entry = self._run(func, mode, wrt, param_kinds=param_kinds, dims=dims, live=live)
            finally:
                self.in_progress.pop()
            entry.key = key
            if dims is not None and not entry.uses_dims and generic is None:
                key = entry.key = key[:-1] + (None,)  # it is the generic one
            entry.derived.dims = key[-1]
            entry.derived.shape_free = not entry.uses_dims
            CACHE.put(func, key, entry)
            return entry

    @staticmethod
    def _specialise(func, key) -> bool:
        """Transform again for these shapes? The first shapes a function is
        called with, yes; others once they come back (a loop calling it),
        up to MAX_SPECIALISATIONS; never if its code does not depend on them."""
        generic = CACHE.get(func, key[:-1] + (None,))
        if generic is not None and not generic.uses_dims:
            return False
        count = CACHE.specialisations(func, key[:-1])
        if count >= MAX_SPECIALISATIONS:
            return False
        return count == 0 or CACHE.sighted(func, key) >= SIGHTINGS

    def _run(self, func, mode, wrt, observe: Callable | None = None, param_kinds: tuple = (),
             dims: tuple | None = None, live=None) -> Entry:
        """The stages, in order; `observe(stage, ir_or_text)` sees each result."""
        show = observe or (lambda stage, value: None)
        ir, spec = _parse(func, dims, param_kinds)
        show("source", ir.fn)
        user = N.all_names(ir.fn)
        namer = Namer(user | set(ir.namespace.closure))
        normalize(ir, namer)
        local_names = N.names_stored(ir.fn) | set(ir.params)
        copy_views_of_updated(ir, namer, lambda value: calls.resolve(value, ir, local_names))
        local_names |= N.names_stored(ir.fn)
        _share_common_subexpressions(ir, lambda value: calls.resolve(value, ir, local_names), user)
        grammar.verify(ir.fn)
        show("normalized", ir.fn)
        declared = {**dict(param_kinds), **(spec.param_kinds if spec is not None else {})}
        found = kinds.infer(ir.fn, _resolver(ir, local_names), declared, self.helper_kind)
        resolve = lambda value: calls.resolve(value, ir, local_names, found)  # noqa: E731
        param_dims = dict(zip(ir.params, dims)) if dims is not None and len(dims) == len(ir.params) else None
        facts = analyze(ir.fn, list(wrt), lambda value: calls.differentiable(resolve(value)), resolve,
                        lambda value: calls.structural(resolve(value)), param_dims)
        facts.kinds = found
        facts.shape_reads = lambda stmt: calls.shape_reads(stmt, resolve)
        containers.check_iteration(ir, found)
        containers.check_stores(ir, found)
        ir.finished_lists |= containers.finished_lists(ir.fn)
        containers.check_lists(ir, facts, resolve)
        show("activity", "active variables: " + ", ".join(sorted(facts.active_vars)) + "\n")
        deps: list = []   # (helper, key); a key ending in shapes if it was specialised
        ctx = Context(ir, namer, list(wrt), mode, self._helper_deriver(deps, func, _key(mode, wrt, param_kinds)),
                      aliases=aliases(ir.fn, resolve), kinds=facts.kinds, dims_before=facts.dims_before)
        if spec is not None:  # rebuilt when the level below changes
            ctx.guards.extend(spec.guards(dims, param_kinds))
        if mode == "forward":
            fn, stack = Forward(ctx, facts).run(), None
        elif mode == "forward-vector":
            fn, stack = VectorForward(ctx, facts).run(), None
        else:
            gen = Reverse(ctx, facts)
            fn, stack = gen.run(), gen._stack
        drop_outputs(fn, live)
        show(mode, fn)
        if spec is not None:  # the level below is shown after this one
            ctx.helpers.append(spec.last)
        env = Env(_purity(ctx), stack=stack, marker=REVERSE_MARKER, may_alias=ctx.aliases.may_alias,
                  shapes=facts.dims.fixed() if facts.dims is not None else {})
        optimize(fn, env)
        facts.dims_used |= env.shapes_used
        show("optimized", fn)
        closure = dict(ctx.injected)
        referenced = N.names_loaded(fn)
        for name, value in ir.namespace.closure.items():
            if name in referenced and name not in closure:
                closure[name] = value  # a snapshot: guarded, so a rebinding re-derives
                ctx.guards.append((ctx.live_binding(name), (), value))
        function, source = compile_function(fn, closure, ir.namespace.globals)
        # what the generated function returns, for callers' kinds: (value, grads...)
        # or (value, value_dot), whatever the kinds of the values
        value_kind = kinds.return_kind(ir.fn, facts.kinds)
        entries = (value_kind,) + (tuple(facts.kinds.get(w) for w in wrt) if mode == "reverse"
                                   else (value_kind,))
        function.__tangentish_returns__ = ("tuple", entries)
        derived = Derived(function, source, fn.name, list(ctx.helpers), list(ctx.guards),
                          tuple(ctx.aliases.params_to_copy(ir.params)))
        if ctx.recursive and derived.updates_params:
            # each level's derivative would work on its own copy of the array
            raise ir.error(UnsupportedSyntaxError,
                           f"a recursive function that changes its parameter "
                           f"'{derived.updates_params[0]}' in place", ir.fn, ir.name,
                           "update a copy (`y = x.copy()`) and pass that on")
        if ctx.recursive and (dims is not None or live is not None):
            # every level of the recursion runs this code, whatever its shapes,
            # and its calls to itself use every output
            entry = self._run(func, mode, wrt, observe, param_kinds)
            entry.uses_dims = False
            return entry
        # a generic derivative may not serve as a specialised one: say it uses shapes
        uses_dims = dims is None or (facts.dims_used or spec is not None
                                     or any(k[-1] is not None for _, k in deps))
        return Entry(derived, _fingerprint(func), deps, uses_dims=uses_dims)

    def _helper_deriver(self, deps: list, func, key) -> Callable:
        """How a generator gets the derivative of a helper it calls: for a
        call of `func` to itself with the same differentiable arguments,
        `SELF` (the generated function calls itself; `key` is the generic one:
        a recursive derivative is not specialised on shapes)."""
        def derive_helper(helper, helper_mode, positions, caller: IR, stmt, param_kinds=(),
                          dims=None) -> Derived:
            names = tuple(_param_names(helper)[k] for k in positions)
            if helper is func and _key(helper_mode, names, param_kinds) == key:
                return SELF
            if helper in self.in_progress:
                raise caller.error(UnsupportedSyntaxError,
                                   "recursion other than a function calling itself with "
                                   "differentiable values in the same arguments",
                                   stmt, getattr(helper, "__name__", "?"),
                                   "call the function itself, passing the differentiable values "
                                   "in the same parameters, or rewrite the recursion as a loop")
            try:
                entry = self.transform(helper, helper_mode, names, param_kinds, dims)
            except SourceUnavailableError as exc:
                name = getattr(helper, "__name__", "?")
                raise caller.error(
                    NoRuleError, f"cannot differentiate the call to `{name}`: it has no derivative "
                    f"rule and its source is unavailable ({exc.message})", stmt, name,
                    f"define `{name}` in a .py file, or register rules with "
                    f"@tangentish.register_adjoint({name}) and @tangentish.register_tangent({name})") from None
            deps.append((helper, entry.key))
            return entry.derived
        return derive_helper

    def helper_kind(self, func, args: list, kw: dict):
        """The kind (see analysis/kinds.py) of what `func` returns for arguments of these kinds."""
        known = getattr(func, "__tangentish_returns__", None)
        if known is not None:  # generated code: its return was recorded when it was made
            return known
        params = kinds.bind_kinds(func, args, kw)
        key = (func, tuple(sorted(params.items())))
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = kinds.UNKNOWN  # recursion: anything
        try:
            ir, spec = _parse(target(func))
            normalize(ir, Namer(N.all_names(ir.fn) | set(ir.namespace.closure)))
            local_names = N.names_stored(ir.fn) | set(ir.params)
            declared = {**params, **(spec.param_kinds if spec is not None else {})}
            found = kinds.infer(ir.fn, _resolver(ir, local_names), declared, self.helper_kind)
            result = kinds.return_kind(ir.fn, found)
        except TangentishError:  # reported if and when the call is differentiated
            result = kinds.UNKNOWN
        self._kinds[key] = result
        return result


# Derivatives of one function specialised on different argument shapes;
# past this many, calls with new shapes take the generic derivative.
MAX_SPECIALISATIONS = 8
# Shapes other than a function's first get their own derivative on the
# this-many-th request (calls with ever new shapes, as in property tests,
# share the generic one).
SIGHTINGS = 2
_SIGHTINGS = ("sightings",)   # the table's entry counting requests per key


def _resolver(ir: IR, local_names: set) -> Callable:
    """`resolve(value, kinds)` for kinds.infer: records' methods need kinds."""
    return lambda value, found=None: calls.resolve(value, ir, local_names, found)


def _key(mode: str, wrt: tuple, param_kinds: tuple, dims: tuple | None = None, live=None) -> tuple:
    """The cache key: specialised derivatives end with their shapes."""
    return (mode, wrt, param_kinds, live, dims)


def _parse(func, dims: tuple | None = None, param_kinds: tuple = ()):
    """Raw IR of a function, and the wrapper Spec if it is a tangentish derivative."""
    if rule_params(func) is not None:
        return parse_rule_wrapper(func), None
    spec = nesting.spec_of(func)
    if spec is not None:
        return spec.ir(func, dims, param_kinds), spec
    return parse_function(func), None


def _share_common_subexpressions(ir: IR, resolve, user: set) -> None:
    """Merge repeated pure operations of the normal form (see ir/cse.py)."""
    def pure_call(call) -> bool:
        op = resolve(call)
        return op.kind == "rule"

    def is_temp(name: str) -> bool:
        return name.startswith("_t") and name not in user

    eliminate_common_subexpressions(ir.fn, is_temp, pure_call)
    renumber(ir.fn, "_t", is_temp)


def _param_names(func) -> list[str]:
    params = rule_params(func)
    if params is not None:
        return [p.name for p in params]
    return list(inspect.signature(func).parameters)


_PURE_BUILTINS = (slice, range, len, tuple)


def _purity(ctx: Context) -> Callable[[N.Call], bool]:
    local_names = N.names_stored(ctx.ir.fn) | set(ctx.ir.params)

    def lookup(node):
        if isinstance(node, N.Name):
            if node.id in ctx.injected:
                return ctx.injected[node.id]
            if node.id in local_names:
                return _MISSING
            return ctx.ir.namespace.lookup(node.id)
        if isinstance(node, N.Attribute):
            base = lookup(node.value)
            return _MISSING if base is _MISSING else getattr(base, node.attr, _MISSING)
        return _MISSING

    def is_pure(call: N.Call) -> bool:
        fn = lookup(call.func)
        if fn is _MISSING:
            return False
        if getattr(fn, "__module__", None) in (runtime.__name__, runtime_vector.__name__):
            return True
        return fn in _PURE_BUILTINS or RULES.get(fn) is not None

    return is_pure


def transform(func, mode: str, wrt: tuple[str, ...], param_kinds: tuple = (),
              dims: tuple | None = None, live=None) -> Derived:
    """The compiled derivative of `func` (cached) for arguments whose
    containers have these kinds (`(name, kind)` pairs, kinds.py), specialised
    on `dims`, the shapes of the arguments (see api.arg_dims), if given;
    returning only the outputs `live` marks (derive/outputs.py)."""
    return Transformer().transform(func, mode, wrt, param_kinds, dims, live).derived


def return_kind(func):
    """Whether `func` returns a tuple or list, and of what (analysis/kinds.py)."""
    return Transformer().helper_kind(target(func), [], {})


def full_source(derived: Derived) -> str:
    """The derivative's source followed by those of the helpers it calls."""
    parts, seen = [], set()

    def add(d):
        if d.name in seen:
            return
        seen.add(d.name)
        parts.append(d.source)
        for h in getattr(d, "helpers", []):
            add(h)

    add(derived)
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def stages(func, mode: str = "reverse", wrt: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """The function after each stage, as (stage name, source text) pairs.

    For teaching and debugging: runs the stages of `transform` outside the
    cache and prints what each produced."""
    from .codegen import to_source
    func = target(func)
    if wrt is None:
        wrt = (_param_names(func)[0],)
    out: list = []

    def collect(stage, value):
        out.append((stage, value if isinstance(value, str) else to_source(value)))

    transformer = Transformer()
    transformer.in_progress.append(func)
    transformer._run(func, mode, tuple(wrt), observe=collect)
    return out
