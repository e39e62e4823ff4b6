"""The public transformations: wrt handling, seeds, argument checks.

Each transformation returns a plain Python function that binds the
arguments, fetches the generated derivative from the cache (transforming
on first use) and calls it. Nothing here differentiates: it only adapts
the generated functions' calling convention, `f_vjp(*args, out_bar) ->
(value, *grads)` and `f_jvp(*args, *tangents) -> (value, value_dot)`, to
the public API (README.md, docs/getting-started.md).

The functions returned by `grad`, `value_and_grad`, `vjp`, `jvp` and `hvp`
can be transformed again: each carries a `nesting.Spec` saying what it
computes in terms of the generated function, which the pipeline reads as
a small function calling that generated function (see nesting.py).
`jacobian` and `hessian` loop over directions with a cached generated
function (one jvp, vjp or hvp per column or row).
"""
from __future__ import annotations

import copy
import functools
import inspect
import linecache
import re
from typing import Any, Callable, Sequence, Union

import numpy as np

from .errors import (ArgumentError, DerivativeRaisedError, FunctionRaisedError,
                     NonScalarOutputError, SourceUnavailableError, TangentishError,
                     UnsupportedSyntaxError, also_raised_as, caller_origin, line_origin)
from . import structure
from .analysis import kinds
from .frontend import def_origin, is_library, is_user_file, rule_params, target
from .nesting import Spec, spec_of
from .pipeline import MAX_SPECIALISATIONS, SIGHTINGS, full_source, return_kind, transform
from .rules import RULES

Wrt = Union[int, str, Sequence[Union[int, str]]]

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian", "jacobian", "source",
           "differentiate", "Differentiable"]


def _where(f) -> str:
    code = getattr(f, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(f)


def _target(f):
    """The plain function behind a `Differentiable` or a transparent wrapper."""
    while isinstance(f, Differentiable):
        f = f.f
    return f


def _fail(cls, message: str, hint: str | None = None):
    """An error located at the user's line that called into tangentish."""
    return cls(message, caller_origin(), None, hint)


def _params(f) -> list[inspect.Parameter]:
    spec = spec_of(f)
    if spec is not None:
        return list(spec.signature().parameters.values())
    if getattr(f, "__tangentish_derivative__", False):
        raise _fail(UnsupportedSyntaxError,
                    f"cannot differentiate {getattr(f, '__name__', 'f')}: it is a "
                    f"{f.__tangentish_derivative__} made by tangentish, which loops over "
                    "directions in Python", "differentiate tg.grad(f), tg.jvp(f), tg.vjp(f) "
                    "or tg.hvp(f) instead: those compose to any depth")
    from_rule = rule_params(f)
    if from_rule is not None:
        if any(p.kind is p.VAR_POSITIONAL for p in from_rule):
            name = getattr(f, "__name__", repr(f))
            raise _fail(UnsupportedSyntaxError,
                        f"cannot differentiate {name!r} itself: it takes any number of arguments",
                        "differentiate a `def` that calls it with the arguments you use")
        return from_rule
    if not inspect.isfunction(target(f)) or is_library(target(f)):
        name = getattr(f, "__name__", repr(f))
        raise _fail(SourceUnavailableError,
                    f"cannot differentiate {name!r}: it is not a Python function with source, "
                    "and it has no derivative rule",
                    hint=f"wrap it in a `def` in a .py file, or register rules with "
                         f"tangentish.register_adjoint({name}) / register_tangent({name})")
    return list(inspect.signature(f).parameters.values())


def _resolve_wrt(f, wrt: Wrt) -> tuple[list, bool]:
    """What to differentiate, as (parameter name, entry) pairs, and whether
    to return a bare value. An int counts parameters in order, except that
    a `*args` parameter counts as its entries: for `def f(a, *xs)`, wrt=1
    is `xs[0]` (entry 0) and wrt=2 is `xs[1]`; a name takes the parameter
    whole (entry None), for `*xs` the tuple of its entries."""
    params = _params(f)
    names = [p.name for p in params]
    star = next((k for k, p in enumerate(params) if p.kind is p.VAR_POSITIONAL), None)
    signature = f"{getattr(f, '__name__', 'f')}({', '.join(names)})"
    hint = f"pass a parameter index or name of {signature}, or a tuple of them"
    bare = isinstance(wrt, (int, str)) and not isinstance(wrt, bool)
    if not bare and not isinstance(wrt, (tuple, list)):
        raise _fail(ArgumentError, f"`wrt` must be an int, a str or a tuple of them, not {wrt!r}", hint)
    items = [wrt] if bare else list(wrt)
    if not items:
        raise _fail(ArgumentError, "`wrt` is empty", hint)
    out = []
    for w in items:
        if isinstance(w, bool) or not isinstance(w, (int, str)):
            raise _fail(ArgumentError, f"`wrt` entries must be parameter indices or names, not {w!r}", hint)
        if isinstance(w, int) and star is not None and w >= star:
            out.append((names[star], w - star))  # checked against the call's arguments
        elif isinstance(w, int):
            if not -len(names) <= w < len(names):
                raise _fail(ArgumentError, f"wrt={w} is out of range: {signature} has "
                                           f"{len(names)} parameters", hint)
            out.append((names[w], None))
        else:
            if w not in names:
                raise _fail(ArgumentError, f"wrt={w!r} names no parameter of {signature}", hint)
            out.append((w, None))
    if len(set(out)) != len(out) or any((n, None) in out for n, e in out if e is not None):
        raise _fail(ArgumentError, f"`wrt` names a parameter twice: {wrt!r}", hint)
    return out, bare


def _label(item) -> str:
    name, entry = item
    return name if entry is None else f"{name}[{entry}]"


def _bind(f, params, args, kwargs) -> list:
    """One value per parameter, in order: `*args` as a tuple, `**kwargs` as a dict."""
    if not kwargs and len(args) == len(params) and all(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        return list(args)
    spec = spec_of(f)
    n = len(spec.extra) if spec is not None else 0
    if n and len(args) >= n:  # a vjp/jvp/hvp: its last positionals follow f's, with defaults
        head = _bind_to(f, list(spec.base_signature().parameters.values()), args[:-n], kwargs)
        return head + list(args[-n:])
    return _bind_to(f, params, args, kwargs)


def _bind_to(f, params, args, kwargs) -> list:
    try:
        bound = inspect.Signature(params).bind(*args, **kwargs)
    except TypeError as exc:
        raise _fail(ArgumentError, f"bad arguments for {getattr(f, '__name__', 'f')}: {exc}",
                    "call it with the arguments of the original function "
                    "(for jvp/vjp, followed by the tangents/cotangent)") from None
    bound.apply_defaults()
    return [bound.arguments[p.name] for p in params]


_ndarray = np.ndarray
_NUMBERS = frozenset({float, int, bool, np.float64, np.float32, np.int64})


def arg_dims(values) -> tuple:
    """What a derivative is specialised on: each argument's shape, `()` for
    numbers (Python or NumPy), None for anything else (a list, an object).
    Cheap, since it runs on every call."""
    return tuple([v.shape if v.__class__ is _ndarray else () if v.__class__ in _NUMBERS
                  else _other_dims(v) for v in values])


def _other_dims(v):
    return () if isinstance(v, np.generic) else None


_F64 = np.dtype(np.float64)
_FLOATS = frozenset({float, np.float64})


def _plain_dims(call: tuple) -> tuple | None:
    """The shapes of the arguments (`arg_dims`) if each is a float64 array
    or a float, else None (see `_Derivative.plain`)."""
    dims = []
    for a in call:
        cls = a.__class__
        if cls is _ndarray and a.dtype is _F64:
            dims.append(a.shape)
        elif cls in _FLOATS:
            dims.append(())
        else:
            return None
    return tuple(dims)


def _check_differentiable_arg(f, name, value, declared=None) -> None:
    """`value` can be differentiated: a float or a float array, or for a
    parameter declared to hold a tuple (a cotangent of a tuple-valued
    function), a tuple or list of those."""
    cls = value.__class__
    if cls is float or cls is np.float64 or (cls is np.ndarray and value.dtype.kind == "f"):
        return  # the common cases, checked on every call
    kind = None
    if structure.is_container(value):
        leaves = structure.leaves(value)
        for leaf in leaves:  # ints and others inside get derivatives too
            if isinstance(leaf, (complex, np.complexfloating)) or (
                    isinstance(leaf, np.ndarray) and leaf.dtype.kind not in "fiub"):
                _check_differentiable_arg(f, name, leaf)
        if any(isinstance(leaf, (float, np.floating)) or (
                isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f") for leaf in leaves):
            return
        kind = f"a {type(value).__name__} holding no floats"
    elif isinstance(value, (bool, np.bool_)):
        kind = "a bool"
    elif isinstance(value, (int, np.integer)):
        kind = "an integer"
    elif isinstance(value, (complex, np.complexfloating)):
        kind = "a complex number"
    elif isinstance(value, np.ndarray) and value.dtype.kind not in "f":
        kind = f"an array of dtype {value.dtype}"
    elif not isinstance(value, (float, np.floating, np.ndarray)):
        kind = f"a {type(value).__name__}"
    if kind:
        raise _fail(
            ArgumentError,
            f"cannot differentiate {getattr(f, '__name__', 'f')} with respect to `{name}`: "
            f"it is {kind}", "pass a float or a float array (e.g. 2.0, not 2), "
                                 "or leave it out of `wrt`")


class _Derivative:
    """Lazily transformed, cached derivative of `f` in one mode."""

    def __init__(self, f, mode: str, wrt: Wrt, live=None):
        f = _target(f)
        self.f = f
        self.mode = mode
        self.live = live   # the outputs used (derive/outputs.py), None for all
        self.params = _params(f)
        self.items, self.bare = _resolve_wrt(f, wrt)
        self.names = [_label(item) for item in self.items]
        # the parameters the generated function differentiates: `*xs` whole
        # when wrt picks entries of it
        self.wrt = tuple(dict.fromkeys(name for name, _ in self.items))
        positions = {p.name: k for k, p in enumerate(self.params)}
        self.index = [positions[name] for name, _ in self.items]
        self.star = next((p.name for p in self.params if p.kind is p.VAR_POSITIONAL), None)
        # arguments of a plain call (`plain`); -1 (none) where some
        # parameter cannot be passed positionally one for one
        self.arity = len(self.params) if self._positional else -1
        self._code = None
        self._version = None
        # (kinds of the container arguments, argument shapes (arg_dims)) -> Derived
        self._derived: dict = {}
        self._asked: dict = {}     # the same keys -> transformations asked for

    @functools.cached_property
    def _declared(self) -> dict:
        return _declared_kinds(self.f)

    @functools.cached_property
    def _positional(self) -> bool:
        return all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in self.params)

    def in_mode(self, mode: str) -> "_Derivative":
        """The same function and `wrt` in another mode, nothing derived yet
        (cheaper than resolving `wrt` again)."""
        other = copy.copy(self)
        other.mode = mode
        other._code = other._version = None
        other._derived, other._asked = {}, {}
        return other

    def generated(self, values) -> Callable:
        """The generated function for these arguments: the kinds of their
        containers (a `*args` tuple too, `kinds_of`) and their shapes."""
        return self.derived(self.kinds_of(values), arg_dims(values)).function

    def derived(self, param_kinds: tuple = (), dims: tuple | None = None):
        """The current `Derived` (function and source) for arguments whose
        containers have these kinds, specialised on `dims`; re-fetched if f,
        the rules or a helper changed."""
        d = self._derived.get((param_kinds, dims))
        if d is None or not self._current(d):
            d = self._fetch(param_kinds, dims)
        return d

    def plain(self, call: tuple, kwargs: dict, extra: int = 0, like: list = ()) -> Callable | None:
        """The generated function `derived` gives for a plain call, if it is
        cached and current, else None: the wrappers' fast path, which must
        never run a stale one.

        A plain call passes positionally one argument per parameter, then
        `extra` tangents (shaped like the arguments at positions `like`) or
        a cotangent, each a float64 array or a float: nothing to bind, no
        container to classify (`kinds_of` is `()`), all differentiable, so
        the wrappers skip those steps for it. A float64 array of another
        byte order is not plain: its derivative is converted back to that
        dtype (`_match_dtype`)."""
        n = self.arity
        if kwargs or n < 0 or len(call) != n + extra:
            return None
        dims = _plain_dims(call)
        if dims is None or (like and dims[n:] != tuple([dims[k] for k in like])):
            return None
        d = self._derived.get(((), dims[:n] if extra else dims))
        return d.function if d is not None and self._current(d) else None

    def _current(self, d) -> bool:
        """`d` still holds: f, the rules and the bindings it was built against are unchanged."""
        return (getattr(self.f, "__code__", None) is self._code and RULES.version == self._version
                and (not d.guards or d.valid()))

    def _fetch(self, param_kinds: tuple, dims):
        code = getattr(self.f, "__code__", None)
        if code is not self._code or RULES.version != self._version:
            self._derived.clear()
            self._asked.clear()
            self._code, self._version = code, RULES.version
        d = transform(self.f, self.mode, self.wrt, param_kinds, dims, self.live)
        key = (param_kinds, dims)
        if len(self._asked) > 64:  # ever new shapes: forget the old ones
            self._asked.clear()
        self._asked[key] = asked = self._asked.get(key, 0) + 1
        # keep it for these shapes if it is theirs for good: the pipeline
        # specialises shapes other than the first only when they come back
        settled = d.dims == dims or d.shape_free or asked > SIGHTINGS
        if settled and (key in self._derived or len(self._derived) <= MAX_SPECIALISATIONS):
            self._derived[key] = d
        return d

    def kinds_of(self, values: list) -> tuple:
        """(parameter, kind) for the arguments that are containers (kinds.py)."""
        found = []
        for p, v in zip(self.params, values):
            if v.__class__ not in _PLAIN_REAL and v.__class__ is not np.ndarray:
                kind = kinds.of_value(v)
                if kind is not kinds.ARRAY:
                    found.append((p.name, kind))
        spec = spec_of(self.f) if found else None
        if spec is not None and any(name in spec.wrt for name, _ in found):
            raise _fail(ArgumentError, "derivatives of derivatives with respect to a "
                                       "tuple, list, dict or object are not supported yet",
                        "pass the arrays inside it as separate arguments")
        return tuple(found)

    def args(self, args, kwargs) -> list:
        if not kwargs and self._positional and len(args) == len(self.params):
            values = list(args)  # the common case, first: every call
        else:
            values = _bind(self.f, self.params, args, kwargs)
        declared = self._declared
        for item, label, k in zip(self.items, self.names, self.index):
            name, entry = item
            if entry is not None and entry >= len(values[k]):
                raise _fail(ArgumentError, f"wrt picks `{label}`, but the call passes "
                                           f"{len(values[k])} values for `*{name}`",
                            "count `*args` entries from the index of the `*args` parameter")
            value = values[k] if entry is None else values[k][entry]
            whole_star = entry is None and name == self.star
            _check_differentiable_arg(self.f, label, value,
                                      kinds.UNKNOWN if whole_star else declared.get(name))
        return values

    def call(self, values):
        """`f` itself on copies of `values` (one per parameter, in order)."""
        args, kwargs = [], {}
        for p, v in zip(self.params, _copies(values)):
            if p.kind is p.VAR_POSITIONAL:
                args.extend(_copies(v))
            elif p.kind is p.VAR_KEYWORD:
                kwargs.update(v)
            elif p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = v
            else:
                args.append(v)
        return self.f(*args, **kwargs)

    def picked(self, values) -> list:
        """The value of each `wrt` item."""
        return [values[k] if e is None else values[k][e] for (_, e), k in zip(self.items, self.index)]

    def seeds(self, values, tangents, zeros=None) -> list:
        """One tangent per differentiated parameter, from one per `wrt` item:
        a tuple for `*xs`, `zeros(x)` where wrt picks no entry of it."""
        zeros = zeros or _zeros
        given = dict(zip(self.items, tangents))
        out = []
        for name in self.wrt:
            if (name, None) in given:
                out.append(given[(name, None)])
                continue
            xs = values[[p.name for p in self.params].index(name)]
            out.append(tuple(given.get((name, k), zeros(x)) for k, x in enumerate(xs)))
        return out

    def spec(self, kind: str, inner=None, kinds: Callable | None = None) -> Spec | None:
        """How the wrapper of `kind` built on this derivative computes, for
        nesting; None (not nestable) for a function with `*args` or `**kwargs`."""
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in self.params):
            return None
        inner_spec = spec_of(self.f)
        base = inner_spec.name if inner_spec is not None else getattr(self.f, "__name__", "f")
        defaults = {p.name: p.default for p in self.params if p.default is not inspect.Parameter.empty}
        return Spec(kind, f"{kind}_{base}".replace("<", "").replace(">", ""), inner or self.derived,
                    [p.name for p in self.params], self.names, self.bare, defaults, kinds)

    def pack(self, grads, values, seed=None):
        if self.bare and self.items[0][1] is None:  # the common case, first: every call
            return _unshared(_match_dtype(grads[0], values[self.index[0]]), (*values, seed))
        by_name = dict(zip(self.wrt, grads))
        picked = [by_name[name] if e is None else by_name[name][e] for name, e in self.items]
        out = [_unshared(_match_dtype(g, x), (*values, seed)) for g, x in zip(picked, self.picked(values))]
        return out[0] if self.bare else tuple(out)


def _star_kinds(star) -> tuple:
    """The kind of a `*args` parameter holding any number of entries (for
    `source` without example arguments; calls use `kinds_of`)."""
    return () if star is None else ((star, ("list", kinds.ARRAY)),)


def _unshared(out, inputs):
    """`out`, copied if it may be one of the caller's arrays or a view of it:
    the optimizer turns `g * 1.0` into `g`, and a transpose's adjoint is a
    view, but a caller updating a result in place must not change its
    arguments or seeds. A container is rebuilt (records shallowly copied):
    it may be the caller's own."""
    if isinstance(out, np.ndarray):
        if out.base is None:  # owns its memory: shared only if it is an argument
            return out.copy() if _is_one_of(out, inputs) else out
        for a in inputs:
            if structure.is_container(a):
                if _unshared(out, structure.leaves(a)) is not out:
                    return out.copy()
            elif isinstance(a, np.ndarray) and np.may_share_memory(out, a):
                return out.copy()
    elif structure.is_container(out):
        return structure.rebuild(out, [_unshared(e, inputs) for _, e in structure.entries(out)])
    return out


def _is_one_of(out, inputs) -> bool:
    for a in inputs:
        if a is out or (structure.is_container(a) and _is_one_of(out, structure.leaves(a))):
            return True
    return False


def _derivative_of(f, spec: Spec | None = None, what: str = "derivative"):
    """Like functools.wraps, minus `__wrapped__`: a derivative must never be
    mistaken for the function it differentiates. With a `spec` the wrapper
    can be differentiated again (nesting.py); its signature is the spec's."""
    def mark(wrapper):
        functools.update_wrapper(wrapper, f, updated=())
        del wrapper.__wrapped__
        wrapper.__tangentish_derivative__ = what
        if spec is not None:
            wrapper.__tangentish_wrapper__ = spec
            wrapper.__signature__ = spec.signature()
        return wrapper
    return mark


def _declared_kinds(f) -> dict:
    """Parameters of `f` that hold tuples (a tuple cotangent, say): name -> kind."""
    spec = spec_of(f)
    return spec.param_kinds if spec is not None else {}


def _match_dtype(g, x):
    """A float32 input gets a float32 derivative, even where only Python
    floats met on the way (the seed, constants)."""
    dtype = getattr(x, "dtype", None)
    if dtype is None or getattr(g, "dtype", None) is dtype:
        return g  # the common cases, first: this runs on every call
    if getattr(g, "dtype", None) == dtype or dtype.kind != "f":
        return g
    if isinstance(x, np.ndarray):
        return np.asarray(g, dtype=dtype)
    return dtype.type(g)


def _scalar_check(f, value) -> None:
    if value.__class__ is float or value.__class__ is np.float64:
        return  # the common case, first: this runs on every call
    _output_check(f, value)
    if np.ndim(value) != 0:
        raise _fail(
            NonScalarOutputError,
            f"grad needs a scalar output, but {getattr(f, '__name__', 'f')} returned "
            f"shape {np.shape(value)}",
            "use tg.vjp(f) with a cotangent of the output's shape, or reduce the output "
            "(e.g. np.sum) before taking the gradient")


def value_and_grad(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `g(*args, **kwargs) -> (f(*args), gradient)`.

    With respect to one number (one `wrt` parameter whose argument is a
    float or a 0-d array), the call runs the forward derivative seeded
    with 1.0 instead: the same numbers without the reverse sweep's stack.
    `tg.source(f, mode="forward", args=...)` shows that code, and
    `mode="reverse"` the reverse derivative, which runs where forward mode
    cannot (a function with only an adjoint rule) and is the one
    `tg.grad(tg.grad(f))`, `hvp` and `hessian` differentiate.

    Args:
        f: a function returning a scalar.
        wrt: parameter index or name (gradient returned bare), or a tuple
            of them (a tuple of gradients in the same order).
    Raises:
        TangentishError: `f` uses an unsupported construct (at transformation,
            pointing at the line), bad `wrt`, or a non-scalar output.
    """
    return _value_and_grad(f, wrt, "value_and_grad")


def _value_and_grad(f, wrt, kind: str) -> Callable:
    d = _Derivative(f, "reverse", wrt)
    grad_only = kind == "grad"
    forward = _ScalarForward(d) if _one_parameter(d) else None

    @_derivative_of(f, d.spec(kind))
    def value_and_grad_f(*args, **kwargs):
        plain = forward is None or not _number_at(args, d.index[0])
        got = _plain_call(d, args, kwargs, (1.0,)) if plain else None
        if got is not None and forward is not None:  # one array: what `pack` checks
            value, g = got
            if value.__class__ in _FLOATS and _kept(g, args):
                return g if grad_only else (value, g)
        values = args
        if got is None:
            values = d.args(args, kwargs)
            got = forward.run(values) if forward is not None else None
        if got is None:
            # a non-scalar output breaks the 1.0 seed: say so, not how it broke
            got = _run(d, values, (1.0,), lambda value: _scalar_check(f, value))
        value, *grads = got
        _scalar_check(f, value)
        grads = d.pack(grads, values)
        return grads if grad_only else (value, grads)

    return value_and_grad_f


def _number_at(args: tuple, k: int) -> bool:
    """The argument `_ScalarForward` may take (a number, or none passed
    here): the fast path leaves it alone."""
    return len(args) <= k or args[k].__class__ is not _ndarray or not args[k].ndim


def _plain_call(d: _Derivative, call: tuple, kwargs: dict, seeds: tuple = (), extra: int = 0,
                like: list = ()):
    """What `d`'s generated function returns for a plain call (`plain`) and
    `seeds`, or None where the call is not plain, nothing current is cached
    or anything raises (a guard re-deriving a helper, the derivative
    itself): the general path then runs, and says why."""
    try:
        function = d.plain(call, kwargs, extra, like)
        return None if function is None else function(*call, *seeds)
    except Exception:
        return None


def _fresh(x, call: tuple) -> bool:
    """`x`, a value or derivative from a plain call, can go to the caller as
    it is: a float, or an array `_kept` lets through."""
    return x.__class__ in _FLOATS or _kept(x, call)


def _kept(x, call: tuple) -> bool:
    """`x`, a derivative from a plain call, can go to the caller as it is:
    a float64 array (the arguments' dtype, as `_match_dtype` wants) that
    owns its memory and is none of the arguments (as `_unshared` wants)."""
    if x.__class__ is not _ndarray or x.base is not None or x.dtype is not _F64:
        return False
    for a in call:
        if a is x:
            return False
    return True


def _one_parameter(d: _Derivative) -> bool:
    """wrt names one parameter, whole: its argument may be a single number."""
    return d.bare and d.items[0][1] is None and d.items[0][0] != d.star


class _ScalarForward:
    """`grad` with respect to one number, by forward mode.

    A gradient with respect to a single number is the derivative's one
    tangent: the forward derivative seeded with 1.0 computes it alongside
    the value, with no stack of saved values and no reversed loop (the
    scalar loop of benchmarks/workloads.py (a) runs in about two thirds of
    the time of the reverse sweep).
    Same numbers, so it is an internal choice; `run` returns None, and the
    caller runs the reverse derivative, where forward mode cannot: f (or a
    helper) calls a function with only an adjoint rule, or uses a construct
    forward mode rejects, or the forward derivative raises. Errors are
    then the reverse mode's, as they were before this path existed.
    Nesting still reads the reverse derivative (the wrapper's `Spec`).
    """

    def __init__(self, d: _Derivative):
        self.fwd = d.in_mode("forward")
        self.k = d.index[0]
        self._refused: dict = {}   # (kinds, dims) -> (code, rules version) forward refused

    def run(self, values):
        """(value, gradient) by forward mode, or None."""
        x = values[self.k]
        cls = x.__class__
        if cls is float or cls is np.float64:
            seed = 1.0
        elif cls is np.float32:
            seed = np.float32(1.0)
        elif cls is np.ndarray and x.ndim == 0 and x.dtype.kind == "f":
            seed = np.ones_like(x)
        else:
            return None  # an array or a container: reverse mode
        function = self._function(values)
        if function is None:
            return None
        try:
            return function(*values, seed)
        except Exception:  # the reverse derivative says what went wrong
            return None

    def _function(self, values):
        """The forward derivative for these arguments, if forward mode can make it."""
        fwd = self.fwd
        stamp = (getattr(fwd.f, "__code__", None), RULES.version)
        key = None
        try:
            key = (fwd.kinds_of(values), arg_dims(values))
            if self._refused.get(key) == stamp:
                return None
            return fwd.derived(*key).function
        except Exception:  # a TangentishError, or a bug of forward mode: grad must still work
            if len(self._refused) > 64:  # ever new shapes: forget the old ones
                self._refused.clear()
            self._refused[key] = stamp
            return None


def grad(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `df(*args, **kwargs) -> gradient of scalar f`.

    The result can be differentiated again: `tg.grad(tg.grad(f))`,
    `tg.jvp(tg.grad(f))` (see also `hvp`). With respect to one number it
    runs forward mode: see `value_and_grad`.

    Args/Raises: as `value_and_grad`.
    """
    return _value_and_grad(f, wrt, "grad")


def vjp(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `g(*args, cotangent) -> (value, cotangents)`.

    The last positional argument is the cotangent, shaped like the output
    (a tuple of cotangents for a function returning a tuple).
    """
    d = _Derivative(f, "reverse", wrt)

    def cotangent_kind() -> dict:
        kind = return_kind(d.f)
        return {spec.cotangent: kind} if kinds.is_container(kind) else {}

    spec = d.spec("vjp", kinds=cotangent_kind)
    single = _one_parameter(d)

    @_derivative_of(f, spec)
    def vjp_f(*args_and_cotangent, **kwargs):
        got = _plain_call(d, args_and_cotangent, kwargs, extra=1)
        if got is not None and single:
            value, g = got
            if _fresh(value, args_and_cotangent) and _kept(g, args_and_cotangent) and _same_dims(
                    value, args_and_cotangent[-1]):
                return value, g
        if not args_and_cotangent:
            raise _fail(ArgumentError, "vjp needs the cotangent as its last positional argument",
                        "call it as g(*args, cotangent), the cotangent shaped like the output")
        *args, cotangent = args_and_cotangent
        if got is None:
            values = d.args(args, kwargs)
            _seed_check(f, "the cotangent", cotangent, "shaped like the output")
            got = _run(d, values, (cotangent,), lambda value: _cotangent_check(f, cotangent, value))
        else:
            values = args
        value, *grads = got
        _cotangent_check(f, cotangent, value)
        return _unshared(value, (*values, cotangent)), d.pack(grads, values, cotangent)

    return vjp_f


def _same_dims(value, cotangent) -> bool:
    """A plain cotangent fits a float or array `value` (as `_cotangent_check` wants)."""
    return getattr(value, "shape", ()) == getattr(cotangent, "shape", ())


def _copies(values: list) -> list:
    """Arguments for re-running the user's function without touching theirs."""
    return [np.copy(v) if isinstance(v, np.ndarray) else v for v in values]


def _run(d: _Derivative, values: list, seeds: tuple, check: Callable | None = None):
    """Call the generated derivative. If it raises, find out who is to blame
    and raise a located TangentishError: the arguments (`check(value)`
    raises an ArgumentError), the user's function (it raises by itself), or
    the derivative code at this point. The error keeps the traceback of the
    failure, so `pdb.pm()` opens the user's line or the generated one."""
    try:
        return d.generated(values)(*values, *seeds)
    except TangentishError as exc:
        if exc.origin is not None:
            raise
        # raised by a runtime helper, which knows no place: the call, and the generated line
        construct, of_line = _generated_place(exc)
        raise type(exc)(f"{exc.message}{of_line}", caller_origin(), construct,
                        exc.hint).with_traceback(exc.__traceback__) from None
    except Exception as exc:
        name = getattr(d.f, "__name__", "f")
        try:
            value = d.call(values)
        except Exception as own:
            raise also_raised_as(FunctionRaisedError, type(own))(
                f"{name} raised {type(own).__name__} for these arguments: {own}",
                _user_origin(own) or caller_origin(), None,
                f"the function fails by itself, without tangentish: call {name} with the "
                "same arguments to debug it").with_traceback(own.__traceback__) from None
        if check is not None:
            check(value)
        raise _derivative_raised(name, exc).with_traceback(exc.__traceback__) from None


def _user_origin(exc: BaseException):
    """The deepest line of the user's code in `exc`'s traceback."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if is_user_file(tb.tb_frame.f_code.co_filename):
            found = line_origin(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _generated_place(exc: Exception) -> tuple[str | None, str]:
    """(the generated line `exc` was raised in, " (differentiating line N)"
    when a comment there names the user's line, else "")."""
    tb, where = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<tangentish"):
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    construct, of_line = None, ""
    if where is not None:
        lines = linecache.getlines(where[0])
        construct = lines[where[1] - 1].strip() if where[1] <= len(lines) else None
        for text in reversed(lines[:where[1]]):
            m = re.match(r"\s*# grad of line (\d+):", text)
            if m:
                of_line = f" (differentiating line {m.group(1)})"
                break
    return construct, of_line


def _derivative_raised(name: str, exc: Exception) -> TangentishError:
    """The derivative failed where the function did not: quote the generated
    line, and the user's line it differentiates when a comment says so."""
    construct, of_line = _generated_place(exc)
    in_line = ", in the generated line" if construct else ""
    return also_raised_as(DerivativeRaisedError, type(exc))(
        f"the derivative of {name} raised {type(exc).__name__} ({exc}) where {name} itself "
        f"did not{of_line}{in_line}", caller_origin(), construct,
        "Python floats raise where the derivative is infinite or undefined (math.sqrt or "
        "x ** 0.5 at 0.0); NumPy floats give inf or nan there instead, so pass np.float64 "
        "values or stay away from the point. If the derivative exists here, this is a bug "
        "in tangentish: please report it with the function")


def _not_real(value, allow_bool: bool) -> str | None:
    """What keeps `value` from being a real number or array, or None."""
    if isinstance(value, (float, int)) and (allow_bool or not isinstance(value, bool)):
        return None
    if isinstance(value, np.ndarray):
        ok = "fiub" if allow_bool else "fiu"
        return None if value.dtype.kind in ok else f"an array of dtype {value.dtype}"
    if isinstance(value, (np.floating, np.integer)) or (allow_bool and isinstance(value, np.bool_)):
        return None
    if isinstance(value, (complex, np.complexfloating)):
        return "a complex number"
    return "None" if value is None else f"a {type(value).__name__}"


# the usual seeds and outputs, let through at the cost of one set lookup
_PLAIN_REAL = frozenset({float, int, np.float64, np.float32})


def _seed_check(f, what: str, value, shaped: str) -> None:
    """A tangent or cotangent must be real (a tuple of reals for a tuple)."""
    if type(value) in _PLAIN_REAL:
        return
    if structure.is_container(value):  # of a container argument or result (_layout checks the rest)
        for entry in structure.leaves(value):  # strings, functions: no derivative, no check
            if isinstance(entry, (complex, np.complexfloating, np.ndarray)):
                _seed_check(f, what, entry, shaped)
        return
    kind = _not_real(value, allow_bool=False)
    if kind:
        raise _fail(ArgumentError, f"{what} is {kind} (differentiating {getattr(f, '__name__', 'f')})",
                    f"pass a float or a NumPy float array {shaped}")


def _output_check(f, value) -> None:
    """Outputs tangentish cannot give a derivative of, whatever the mode."""
    if type(value) in _PLAIN_REAL:
        return
    if value is None or isinstance(value, (str, bytes, complex, np.complexfloating)) or (
            isinstance(value, np.ndarray) and value.dtype.kind not in "fiub"):
        kind = _not_real(value, allow_bool=True)
        where = def_origin(f) if inspect.isfunction(f) else caller_origin()
        raise ArgumentError(f"{getattr(f, '__name__', 'f')} returned {kind}, which has no derivative",
                            where, None, "return a real float or a float array (complex values "
                            "are not supported: split them into real and imaginary parts)")


def _layout(x) -> str:
    """Shape of an array, or the structure and shapes of a container (structure.py)."""
    return structure.layout(x)


def _cotangent_check(f, cotangent, value) -> None:
    _output_check(f, value)
    if _layout(structure.plain(cotangent)) != _layout(structure.plain(value)):
        raise _fail(
            ArgumentError,
            f"the cotangent has shape {_layout(cotangent)} but "
            f"{getattr(f, '__name__', 'f')} returned shape {_layout(value)}",
            "pass a cotangent shaped like the output")


def jvp(f: Callable, wrt: Wrt = 0) -> Callable:
    """Forward mode: `g(*args, *tangents) -> (value, output tangent)`.

    One tangent per `wrt` entry, each shaped like its argument.
    """
    d = _Derivative(f, "forward", wrt)
    n = len(d.names)

    def tangent_kinds() -> dict:
        declared = _declared_kinds(d.f)
        return {dot: declared[w] for w, dot in zip(d.names, spec.dots) if w in declared}

    spec = d.spec("jvp", kinds=tangent_kinds)

    @_derivative_of(f, spec)
    def jvp_f(*args_and_tangents, **kwargs):
        got = _plain_call(d, args_and_tangents, kwargs, extra=n, like=d.index)
        if got is not None:
            value, tangent = got
            if _fresh(value, args_and_tangents) and _fresh(tangent, args_and_tangents):
                return value, tangent
        if len(args_and_tangents) < n:
            raise _fail(ArgumentError, f"jvp needs {n} tangent(s) after the arguments",
                        "pass one tangent per `wrt` entry, after the arguments")
        args, tangents = args_and_tangents[:-n], args_and_tangents[-n:]
        if got is None:
            values = d.args(args, kwargs)
            _tangent_check(d, values, tangents)
            got = _run(d, values, d.seeds(values, tangents))
        else:
            values = args
        value, tangent = got
        _output_check(f, value)
        return _unshared(value, values), _unshared(tangent, (*values, *tangents))

    return jvp_f


def _tangent_check(d: _Derivative, values: list, tangents) -> None:
    for x, name, t in zip(d.picked(values), d.names, tangents):
        _seed_check(d.f, f"the tangent for `{name}`", t, f"shaped like `{name}`")
        if _layout(t) != _layout(x):
            raise _fail(
                ArgumentError,
                f"the tangent for `{name}` has shape {_layout(t)} but `{name}` has "
                f"shape {_layout(x)}", "pass one tangent per wrt entry, "
                                               "shaped like its argument")


def hvp(f: Callable, wrt: Wrt = 0) -> Callable:
    """Hessian-vector product: `h(*args, v) -> H v`, H the Hessian of scalar f.

    Forward over reverse: the forward derivative of the generated gradient,
    so the Hessian is never formed and one product costs a small multiple
    of one gradient. With a tuple `wrt`, `v` is a tuple (one vector per
    entry) and so is the result.

    Raises:
        TangentishError: as `grad`; a `v` shaped unlike the `wrt` arguments.
    """
    g = grad(f, wrt)
    d = _Derivative(g, "forward", wrt, live=(False, True))  # the gradient is not returned

    def vector_kind() -> dict:
        entries = tuple(_declared_kinds(d.f).get(w) for w in d.names)
        kind = entries[0] if d.bare else ("tuple", entries)
        return {spec.vector: kind} if kinds.is_container(kind) else {}

    spec = d.spec("hvp", kinds=vector_kind)

    @_derivative_of(f, spec, "Hessian-vector product")
    def hvp_f(*args_and_v, **kwargs):
        got = _plain_call(d, args_and_v, kwargs, extra=1, like=d.index) if d.bare else None
        if got is not None:
            return got[1] if _kept(got[1], args_and_v) else _unshared(got[1], args_and_v)
        if not args_and_v:
            raise _fail(ArgumentError, "hvp needs the vector v as its last positional argument")
        *args, v = args_and_v
        values = d.args(args, kwargs)
        tangents = (v,) if d.bare else tuple(v) if isinstance(v, (tuple, list)) else None
        if tangents is None or len(tangents) != len(d.names):
            raise _fail(ArgumentError, f"hvp with wrt={d.names} needs v as a tuple of "
                                       f"{len(d.names)} vectors")
        _tangent_check(d, values, tangents)
        _, hv = _run(d, values, d.seeds(values, tangents))
        return _unshared(hv, (*values, *tangents))

    return hvp_f


def hessian(f: Callable, wrt: Wrt = 0) -> Callable:
    """Dense Hessian of scalar f: `H(*args)` of shape `x.shape + x.shape`.

    Forward over reverse in vector mode: the forward derivative of the
    generated gradient pushes up to `_CHUNK` unit vectors through one sweep,
    so the gradient's primal runs once per chunk of columns. With a tuple
    `wrt`, a tuple of tuples: `H[i][j]` of shape `x_i.shape + x_j.shape`.
    """
    d = _Derivative(grad(f, wrt), "forward-vector", wrt, live=(False, True))

    @_derivative_of(f, None, "Hessian")
    def hessian_f(*args, **kwargs):
        values = d.args(args, kwargs)
        xs = _arrays_only(d, d.picked(values), "hessian")
        blocks = [[None] * len(xs) for _ in xs]
        for j, xj in enumerate(xs):
            parts = [[] for _ in xs]
            for tangents in _direction_chunks(xs, j):
                _, hv = _run(d, values, tangents)
                for i, hv_i in enumerate((hv,) if d.bare else hv):
                    parts[i].append(_directions_check(hv_i, xs[i], tangents[j]))
            for i, xi in enumerate(xs):
                blocks[i][j] = _columns(parts[i], np.shape(xi), np.shape(xj))
        return blocks[0][0] if d.bare else tuple(tuple(row) for row in blocks)

    return hessian_f


def jacobian(f: Callable, wrt: Wrt = 0, mode: str = "reverse") -> Callable:
    """Jacobian of f: `J(*args)` of shape `out.shape + x.shape`.

    `mode="reverse"`: one vector-Jacobian product per output entry (rows);
    `mode="forward"`: the columns, up to `_CHUNK` input directions pushed
    through one vector-mode sweep (derive/vector.py). The generated function
    is made once and reused for every row or chunk of columns. With a tuple
    `wrt`, a tuple of Jacobians.
    """
    if mode not in ("reverse", "forward"):
        raise _fail(ArgumentError, f"mode must be 'reverse' or 'forward', not {mode!r}")
    d = _Derivative(f, "forward-vector" if mode == "forward" else mode, wrt)
    sweeps = _CotangentSweeps(f, wrt) if mode == "reverse" else None

    @_derivative_of(f, None, "Jacobian")
    def jacobian_f(*args, **kwargs):
        values = d.args(args, kwargs)
        xs = _arrays_only(d, d.picked(values), "jacobian")
        if mode == "forward":
            return _forward_jacobian(d, values, xs)
        return _reverse_jacobian(d, sweeps, values, xs)

    return jacobian_f


def _forward_jacobian(d, values, xs):
    out = []
    for j, xj in enumerate(xs):
        parts, value = [], None
        for tangents in _direction_chunks(xs, j):
            count = len(tangents[j])
            seeds = d.seeds(values, tangents, lambda x: np.zeros((count,) + np.shape(x)))
            value, columns = _run(d, values, seeds)
            _array_output(d.f, value)
            parts.append(_directions_check(columns, value, tangents[j]))
        out.append(_columns(parts, np.shape(value), np.shape(xj)))
    return out[0] if d.bare else tuple(out)


# directions per vector-mode sweep: each tangent in the sweep holds this
# many copies of its value, so this bounds the memory (see benchmarks/README.md)
_CHUNK = 64


def _direction_chunks(xs, j):
    """Tangents for vector-mode sweeps covering the unit vectors of xs[j]:
    each a list with one tangent per x, with a leading direction axis
    (zeros for the other xs). An empty xs[j] still gets one sweep of a
    zero direction, for the shape of the output."""
    n = int(np.size(xs[j]))
    for start in range(0, max(n, 1), _CHUNK):
        stop = min(start + _CHUNK, n)
        count = max(stop - start, 1)
        unit = np.zeros((count, n))
        unit[np.arange(stop - start), np.arange(start, stop)] = 1.0
        yield [unit.reshape((count,) + np.shape(x)) if i == j else np.zeros((count,) + np.shape(x))
               for i, x in enumerate(xs)]


def _directions_check(columns, value, seed):
    """The sweep's output tangents, one row per direction. Their shape is
    checked, as a misplaced direction axis must never pass unnoticed."""
    expected = (len(seed),) + np.shape(value)
    if np.shape(columns) != expected:
        raise TangentishError(f"internal error: a vector-mode derivative returned shape "
                              f"{np.shape(columns)}, not {expected}; please report it")
    return np.reshape(columns, (len(seed), -1))


def _columns(parts: list, out_shape: tuple, in_shape: tuple):
    """Rows of the sweeps (one per input direction, the output raveled)
    -> array of out_shape + in_shape."""
    n = int(np.prod(in_shape, dtype=int))
    rows = np.concatenate(parts)[:n]
    J = np.ascontiguousarray(rows.T).reshape(out_shape + in_shape)
    return J[()] if J.ndim == 0 else J


def _reverse_jacobian(d, sweeps, values, xs):
    value = d.call(values)
    _array_output(d.f, value)
    rows = sweeps.rows(values, value, xs)
    if rows is None:  # one vector-Jacobian product per output entry
        rows = [_run(d, values, (e,))[1:] for e in _basis(value)]
        rows = [[r[i] for r in rows] for i in range(len(xs))]
    out = [_assemble(r, np.shape(value), np.shape(xi)) for r, xi in zip(rows, xs)]
    return out[0] if d.bare else tuple(out)


class _CotangentSweeps:
    """Rows of a Jacobian, up to `_CHUNK` in one reverse sweep.

    The vector-Jacobian product is linear in its cotangent, so its forward
    derivative with respect to the cotangent, in the direction of a unit
    row, is that row of the Jacobian. Vector mode over the generated vjp
    pushes a chunk of unit rows through the reverse sweep at once, while
    f's own forward sweep runs once (it does not depend on the cotangent;
    the vjp's outputs are dropped, only their tangents are used). Where the
    vjp cannot be differentiated again (a rule without second derivatives)
    the rows come one vjp at a time."""

    def __init__(self, f, wrt: Wrt):
        back = vjp(f, wrt)
        spec = spec_of(back)  # None where the vjp cannot be differentiated (`*args`)
        self.usable = spec is not None
        if self.usable:
            self.d = _Derivative(back, "forward-vector", spec.cotangent, live=(False, True))
            self.bare = spec.bare

    def rows(self, values: list, value, xs: list) -> list | None:
        """Per x, the Jacobian's rows (each shaped like x), or None."""
        args = [*values, np.zeros(np.shape(value))]
        if not self._derivable(args):
            return None
        m = int(np.size(value))
        parts: list = [[] for _ in xs]
        for start in range(0, m, _CHUNK):
            count = min(_CHUNK, m - start)
            unit = np.zeros((count, m))
            unit[np.arange(count), np.arange(start, start + count)] = 1.0
            _, (_, grads) = _run(self.d, args, (unit.reshape((count,) + np.shape(value)),))
            for i, (g, x) in enumerate(zip((grads,) if self.bare else grads, xs)):
                parts[i].extend(np.broadcast_to(g, (count,) + np.shape(x)))
        return parts

    def _derivable(self, args) -> bool:
        if not self.usable:
            return False
        try:
            self.d.derived(self.d.kinds_of(args), arg_dims(args))
        except TangentishError:
            self.usable = False
            return False
        return True


def _arrays_only(d: _Derivative, xs: list, what: str) -> list:
    for name, x in zip(d.names, xs):
        if structure.is_container(x):
            raise _fail(ArgumentError, f"{what} needs `wrt` arguments that are arrays or floats, "
                                       f"but `{name}` is a {type(x).__name__}",
                        f"use tg.grad or tg.vjp (they return the derivative in the same "
                        f"structure), or pass the arrays inside `{name}` as separate arguments")
    return xs


def _array_output(f, value) -> None:
    if isinstance(value, (tuple, list)):
        raise _fail(ArgumentError, f"jacobian needs a function returning one array, but "
                                   f"{getattr(f, '__name__', 'f')} returned a "
                                   f"{type(value).__name__}",
                    "take the Jacobian of each entry in its own function")


def _zeros(x):
    return np.zeros(np.shape(x)) if np.ndim(x) else 0.0


def _basis(x):
    """The unit vectors of x's space, each shaped like x (1.0 for a scalar)."""
    if np.ndim(x) == 0:
        yield 1.0
        return
    for k in range(np.size(x)):
        e = np.zeros(np.size(x))
        e[k] = 1.0
        yield e.reshape(np.shape(x))


def _assemble(parts: list, out_shape: tuple, in_shape: tuple):
    """Rows (one per output entry, shaped like the input) -> array of
    out_shape + in_shape."""
    m = int(np.prod(out_shape, dtype=int))
    n = int(np.prod(in_shape, dtype=int))
    J = np.zeros((m, n))
    for k, part in enumerate(parts):  # a zero derivative may come back as 0.0
        J[k, :] = np.broadcast_to(np.ravel(part), (n,))
    J = J.reshape(out_shape + in_shape)
    return J[()] if J.ndim == 0 else J


def source(f: Callable, mode: str = "reverse", wrt: Wrt = 0, args: Sequence | None = None) -> str:
    """The generated derivative source of `f` (and of helpers it calls).

    `mode="forward-vector"` shows the sweep `jacobian(mode="forward")` and
    `hessian` use: forward mode with a leading direction axis on tangents.
    `grad` and `value_and_grad` with respect to one number run the
    `mode="forward"` derivative (see `value_and_grad`); `mode="reverse"`
    shows the reverse derivative they run otherwise.

    Args:
        args: example arguments (a tuple, as f takes them). Needed when some
            hold tuples, lists, dicts or objects: the derivative is made for
            their structure. Without them, the derivative for arguments of
            any shape; a call runs one specialised on its arguments' shapes,
            which leaves out the broadcasting steps it can prove are
            identities: pass `args` to see the code such a call runs.
    """
    if mode not in ("reverse", "forward", "forward-vector"):
        raise _fail(ArgumentError, f"mode must be 'reverse', 'forward' or 'forward-vector', "
                                   f"not {mode!r}",
                    "pass mode='reverse' (adjoints) or mode='forward' (tangents)")
    d = _Derivative(f, mode, wrt)
    if args is not None:
        values = _bind(d.f, d.params, tuple(args), {})
        return full_source(d.derived(d.kinds_of(values), arg_dims(values)))
    return full_source(transform(d.f, mode, d.wrt, _star_kinds(d.star)))


class Differentiable:
    """`f` with its derivatives bound: `f.grad(*args)`, `f.source()`, ...

    Calling it calls `f` unchanged.
    """

    def __init__(self, f: Callable, wrt: Wrt = 0):
        f = _target(f)
        functools.update_wrapper(self, f)
        self.f = f
        self.wrt = wrt
        self._cache: dict = {}

    def __call__(self, *args, **kwargs):
        return self.f(*args, **kwargs)

    def _get(self, kind, maker):
        if kind not in self._cache:
            self._cache[kind] = maker(self.f, self.wrt)
        return self._cache[kind]

    def grad(self, *args, **kwargs):
        return self._get("grad", grad)(*args, **kwargs)

    def value_and_grad(self, *args, **kwargs):
        return self._get("value_and_grad", value_and_grad)(*args, **kwargs)

    def vjp(self, *args, **kwargs):
        return self._get("vjp", vjp)(*args, **kwargs)

    def jvp(self, *args, **kwargs):
        return self._get("jvp", jvp)(*args, **kwargs)

    def hvp(self, *args, **kwargs):
        return self._get("hvp", hvp)(*args, **kwargs)

    def hessian(self, *args, **kwargs):
        return self._get("hessian", hessian)(*args, **kwargs)

    def jacobian(self, *args, mode: str = "reverse", **kwargs):
        maker = lambda f, wrt: jacobian(f, wrt, mode)  # noqa: E731
        return self._get(f"jacobian-{mode}", maker)(*args, **kwargs)

    def source(self, mode: str = "reverse", args: tuple | None = None) -> str:
        return source(self.f, mode, self.wrt, args)

    def __repr__(self):
        return f"<tangentish.Differentiable {getattr(self.f, '__qualname__', self.f)}>"


def differentiate(f: Callable | None = None, *, wrt: Wrt = 0) -> Any:
    """Decorator: `@differentiate` or `@differentiate(wrt=...)`."""
    if f is None:
        return lambda g: Differentiable(g, wrt)
    return Differentiable(f, wrt)
