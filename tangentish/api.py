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
import linecache
import re
from typing import Any, Callable, Sequence, Union

import numpy as np

from .errors import (ArgumentError, DerivativeRaisedError, FunctionRaisedError,
                     NonScalarOutputError, SourceUnavailableError, TangentishError,
                     UnsupportedSyntaxError, also_raised_as, caller_origin, line_origin)
from .frontend import def_origin, is_library, is_user_file, rule_params, target
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

    def pack(self, grads, values, seed):
        out = []
        for g, k in zip(grads, self.index):
            g = _match_dtype(g, values[k])
            out.append(_unshared(g, (*values, seed)) if isinstance(g, np.ndarray) else g)
        return out[0] if self.bare else tuple(out)


def _unshared(out, inputs):
    """`out`, copied if it may be one of the caller's arrays or a view of it:
    the optimizer turns `g * 1.0` into `g`, and a transpose's adjoint is a
    view, but a caller updating a result in place must not change its
    arguments or seeds."""
    if isinstance(out, np.ndarray):
        for a in inputs:
            if isinstance(a, np.ndarray) and np.may_share_memory(out, a):
                return out.copy()
    return out


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
        # a non-scalar output breaks the 1.0 seed: say so, not how it broke
        value, *grads = _run(d, values, (1.0,), lambda value: _scalar_check(f, value))
        _scalar_check(f, value)
        return value, d.pack(grads, values, None)

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
            raise _fail(ArgumentError, "vjp needs the cotangent as its last positional argument",
                        "call it as g(*args, cotangent), the cotangent shaped like the output")
        *args, cotangent = args_and_cotangent
        values = d.args(args, kwargs)
        if type(cotangent) not in _PLAIN_REAL:
            _seed_check(f, cotangent)
        value, *grads = _run(d, values, (cotangent,), lambda value: _cotangent_check(f, cotangent, value))
        _cotangent_check(f, cotangent, value)
        if isinstance(value, np.ndarray):
            value = _unshared(value, (*values, cotangent))
        return value, d.pack(grads, values, cotangent)

    return vjp_f


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
        return d.generated()(*values, *seeds)
    except TangentishError:
        raise
    except Exception as exc:
        name = getattr(d.f, "__name__", "f")
        try:
            value = d.f(*_copies(values))
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


def _derivative_raised(name: str, exc: Exception) -> TangentishError:
    """The derivative failed where the function did not: quote the generated
    line, and the user's line it differentiates when a comment says so."""
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


def _seed_check(f, value, name: str | None = None) -> None:
    """A tangent (for parameter `name`) or a cotangent (no name) must be real."""
    kind = _not_real(value, allow_bool=False)
    if kind:
        what = f"the tangent for `{name}`" if name else "the cotangent"
        raise _fail(ArgumentError, f"{what} is {kind} (differentiating {getattr(f, '__name__', 'f')})",
                    f"pass a float or a NumPy float array shaped like {f'`{name}`' if name else 'the output'}")


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


def _cotangent_check(f, cotangent, value) -> None:
    _output_check(f, value)
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
            if type(t) not in _PLAIN_REAL:
                _seed_check(f, t, name)
            if np.shape(t) != np.shape(values[k]):
                raise _fail(
                    ArgumentError,
                    f"the tangent for `{name}` has shape {np.shape(t)} but `{name}` has "
                    f"shape {np.shape(values[k])}", "pass one tangent per wrt entry, "
                                                    "shaped like its argument")
        value, tangent = _run(d, values, tangents)
        if type(value) not in _PLAIN_REAL:
            _output_check(f, value)
        if isinstance(value, np.ndarray) or isinstance(tangent, np.ndarray):
            value, tangent = _unshared(value, values), _unshared(tangent, (*values, *tangents))
        return value, tangent

    return jvp_f


def source(f: Callable, mode: str = "reverse", wrt: Wrt = 0) -> str:
    """The generated derivative source of `f` (and of helpers it calls)."""
    if mode not in ("reverse", "forward"):
        raise _fail(ArgumentError, f"mode must be 'reverse' or 'forward', not {mode!r}",
                    "pass mode='reverse' (adjoints) or mode='forward' (tangents)")
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
