"""The public transformations: wrt handling, seeds, argument checks.

Each transformation returns a plain Python function that binds the
arguments, fetches the generated derivative from the cache (transforming
on first use) and calls it. Nothing here differentiates: it only adapts
the generated functions' calling convention, `f_vjp(*args, out_bar) ->
(value, *grads)` and `f_jvp(*args, *tangents) -> (value, value_dot)`, to
the public API (README.md, docs/getting-started.md).
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Sequence, Union

import numpy as np

from .errors import (ArgumentError, NonScalarOutputError, SourceUnavailableError,
                     TangentishError, UnsupportedSyntaxError, caller_origin)
from .frontend import is_library, rule_params, target
from .pipeline import full_source, transform
from .rules import RULES

Wrt = Union[int, str, Sequence[Union[int, str]]]

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "source", "differentiate", "Differentiable"]


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
    if getattr(f, "__tangentish_derivative__", False):
        raise _fail(UnsupportedSyntaxError,
                    f"cannot differentiate {getattr(f, '__name__', 'f')}: it is already a "
                    "derivative made by tangentish, and derivatives of derivatives are not "
                    "supported yet", "differentiate the original function once; for "
                    "second derivatives, use finite differences of tg.grad for now")
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


def _resolve_wrt(f, wrt: Wrt) -> tuple[tuple[str, ...], bool]:
    """Parameter names to differentiate, and whether to return a bare value."""
    names = [p.name for p in _params(f)]
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
        if isinstance(w, int):
            if not -len(names) <= w < len(names):
                raise _fail(ArgumentError, f"wrt={w} is out of range: {signature} has "
                                           f"{len(names)} parameters", hint)
            out.append(names[w])
        else:
            if w not in names:
                raise _fail(ArgumentError, f"wrt={w!r} names no parameter of {signature}", hint)
            out.append(w)
    if len(set(out)) != len(out):
        raise _fail(ArgumentError, f"`wrt` names a parameter twice: {wrt!r}", hint)
    return tuple(out), bare


def _bind(f, params, args, kwargs) -> list:
    if not kwargs and len(args) == len(params):
        return list(args)
    try:
        bound = inspect.Signature(params).bind(*args, **kwargs)
    except TypeError as exc:
        raise _fail(ArgumentError, f"bad arguments for {getattr(f, '__name__', 'f')}: {exc}",
                    "call it with the arguments of the original function "
                    "(for jvp/vjp, followed by the tangents/cotangent)") from None
    bound.apply_defaults()
    return [bound.arguments[p.name] for p in params]


def _check_differentiable_arg(f, name, value) -> None:
    kind = None
    if isinstance(value, (bool, np.bool_)):
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

    def __init__(self, f, mode: str, wrt: Wrt):
        f = _target(f)
        self.f = f
        self.mode = mode
        self.params = _params(f)
        self.names, self.bare = _resolve_wrt(f, wrt)
        self.index = [[p.name for p in self.params].index(n) for n in self.names]
        self._key = None
        self._derived = None

    def generated(self) -> Callable:
        """The generated function; re-fetched if f, the rules or a helper changed."""
        key = (getattr(self.f, "__code__", None), RULES.version)
        d = self._derived
        if d is None or key != self._key or (d.guards and not d.valid()):
            d = self._derived = transform(self.f, self.mode, self.names)
            self._key = key
        return d.function

    def args(self, args, kwargs) -> list:
        values = _bind(self.f, self.params, args, kwargs)
        for k, name in zip(self.index, self.names):
            _check_differentiable_arg(self.f, name, values[k])
        return values

    def pack(self, grads, values=None):
        if values is not None:
            grads = [_match_dtype(g, values[k]) for g, k in zip(grads, self.index)]
        return grads[0] if self.bare else tuple(grads)


def _derivative_of(f):
    """Like functools.wraps, minus `__wrapped__`: a derivative must never be
    mistaken for the function it differentiates (tg.grad(tg.grad(f)))."""
    def mark(wrapper):
        functools.update_wrapper(wrapper, f, updated=())
        del wrapper.__wrapped__
        wrapper.__tangentish_derivative__ = True
        return wrapper
    return mark


def _match_dtype(g, x):
    """A float32 input gets a float32 derivative, even where only Python
    floats met on the way (the seed, constants)."""
    dtype = getattr(x, "dtype", None)
    if dtype is None or getattr(g, "dtype", None) == dtype or dtype.kind != "f":
        return g
    if isinstance(x, np.ndarray):
        return np.asarray(g, dtype=dtype)
    return dtype.type(g)


def _scalar_check(f, value) -> None:
    if np.ndim(value) != 0 or isinstance(value, (complex, np.complexfloating)):
        raise _fail(
            NonScalarOutputError,
            f"grad needs a scalar output, but {getattr(f, '__name__', 'f')} returned "
            f"shape {np.shape(value)}",
            "use tg.vjp(f) with a cotangent of the output's shape, or reduce the output "
            "(e.g. np.sum) before taking the gradient")


def value_and_grad(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `g(*args, **kwargs) -> (f(*args), gradient)`.

    Args:
        f: a function returning a scalar.
        wrt: parameter index or name (gradient returned bare), or a tuple
            of them (a tuple of gradients in the same order).
    Raises:
        TangentishError: `f` uses an unsupported construct (at transformation,
            pointing at the line), bad `wrt`, or a non-scalar output.
    """
    d = _Derivative(f, "reverse", wrt)

    @_derivative_of(f)
    def value_and_grad_f(*args, **kwargs):
        values = d.args(args, kwargs)
        try:
            value, *grads = d.generated()(*values, 1.0)
        except TangentishError:
            raise
        except Exception:  # a non-scalar output breaks the 1.0 seed
            _diagnose(lambda: _scalar_check(f, f(*_copies(values))))
            raise
        _scalar_check(f, value)
        return value, d.pack(grads, values)

    return value_and_grad_f


def grad(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `df(*args, **kwargs) -> gradient of scalar f`.

    Args/Raises: as `value_and_grad`.
    """
    vg = value_and_grad(f, wrt)

    @_derivative_of(f)
    def grad_f(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    return grad_f


def vjp(f: Callable, wrt: Wrt = 0) -> Callable:
    """Reverse mode: `g(*args, cotangent) -> (value, cotangents)`.

    The last positional argument is the cotangent, shaped like the output.
    """
    d = _Derivative(f, "reverse", wrt)

    @_derivative_of(f)
    def vjp_f(*args_and_cotangent, **kwargs):
        if not args_and_cotangent:
            raise _fail(ArgumentError, "vjp needs the cotangent as its last positional argument")
        *args, cotangent = args_and_cotangent
        values = d.args(args, kwargs)
        try:
            value, *grads = d.generated()(*values, cotangent)
        except TangentishError:
            raise
        except Exception:
            _diagnose(lambda: _cotangent_check(f, cotangent, f(*_copies(values))))
            raise
        _cotangent_check(f, cotangent, value)
        return value, d.pack(grads, values)

    return vjp_f


def _copies(values: list) -> list:
    """Arguments for re-running the user's function without touching theirs."""
    return [np.copy(v) if isinstance(v, np.ndarray) else v for v in values]


def _diagnose(check: Callable) -> None:
    """After a failure inside generated code, raise a clearer TangentishError
    if `check` finds bad arguments; otherwise let the original error stand."""
    try:
        check()
    except ArgumentError:
        raise
    except Exception:
        pass


def _cotangent_check(f, cotangent, value) -> None:
    if np.shape(cotangent) != np.shape(value):
        raise _fail(
            ArgumentError,
            f"the cotangent has shape {np.shape(cotangent)} but "
            f"{getattr(f, '__name__', 'f')} returned shape {np.shape(value)}",
            "pass a cotangent shaped like the output")


def jvp(f: Callable, wrt: Wrt = 0) -> Callable:
    """Forward mode: `g(*args, *tangents) -> (value, output tangent)`.

    One tangent per `wrt` entry, each shaped like its argument.
    """
    d = _Derivative(f, "forward", wrt)
    n = len(d.names)

    @_derivative_of(f)
    def jvp_f(*args_and_tangents, **kwargs):
        if len(args_and_tangents) < n:
            raise _fail(ArgumentError, f"jvp needs {n} tangent(s) after the arguments",
                        "pass one tangent per `wrt` entry, after the arguments")
        args, tangents = args_and_tangents[:-n], args_and_tangents[-n:]
        values = d.args(args, kwargs)
        for k, name, t in zip(d.index, d.names, tangents):
            if np.shape(t) != np.shape(values[k]):
                raise _fail(
                    ArgumentError,
                    f"the tangent for `{name}` has shape {np.shape(t)} but `{name}` has "
                    f"shape {np.shape(values[k])}", "pass one tangent per wrt entry, "
                                                    "shaped like its argument")
        return d.generated()(*values, *tangents)

    return jvp_f


def source(f: Callable, mode: str = "reverse", wrt: Wrt = 0) -> str:
    """The generated derivative source of `f` (and of helpers it calls)."""
    if mode not in ("reverse", "forward"):
        raise _fail(ArgumentError, f"mode must be 'reverse' or 'forward', not {mode!r}")
    f = _target(f)
    names, _ = _resolve_wrt(f, wrt)
    return full_source(transform(f, mode, names))


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

    def source(self, mode: str = "reverse") -> str:
        return source(self.f, mode, self.wrt)

    def __repr__(self):
        return f"<tangentish.Differentiable {getattr(self.f, '__qualname__', self.f)}>"


def differentiate(f: Callable | None = None, *, wrt: Wrt = 0) -> Any:
    """Decorator: `@differentiate` or `@differentiate(wrt=...)`."""
    if f is None:
        return lambda g: Differentiable(g, wrt)
    return Differentiable(f, wrt)
