"""The contestants: one adapter per library, each turning a workload into a
zero-argument callable that computes one gradient (or HVP).

`prepare(workload, args)` returns a `Prepared` or raises `Unavailable` with
the reason the contestant shows `n/a`. Every adapter runs the workload's
own primal code object, with `np` / `math` rebound to its library's
NumPy-like module (see workloads.rebind), so all compute the same math.
`result(out)` maps whatever the call returned to NumPy gradients in `wrt`
order (or the HVP array), for the check against the hand-written one.
"""
from __future__ import annotations

import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .workloads import Workload, rebind


class Unavailable(Exception):
    """The contestant cannot run this workload; the message says why."""


@dataclass
class Prepared:
    call: Callable[[], Any]
    result: Callable[[Any], Any]
    notes: list = field(default_factory=list)           # footnotes for this cell
    first_call: Callable[[], float] | None = None       # seconds of a cold first call
    first_call_label: str = ""                          # "transformation", "jit compile"
    traced_memory: bool = True                          # does tracemalloc see its arrays?


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def _fresh(f: Callable) -> Callable:
    """A new function object with f's code: defeats caches keyed by function."""
    return types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)


CLOCK = [time.perf_counter]   # run.py --clock cpu swaps in time.process_time


def _timed(thunk) -> float:
    clock = CLOCK[0]
    t0 = clock()
    thunk()
    return clock() - t0


def _math_shim(mod) -> types.SimpleNamespace:
    """`math` for a library whose scalars are arrays: its own sin and cos."""
    return types.SimpleNamespace(sin=mod.sin, cos=mod.cos)


def _wrt_arg(w: Workload):
    return w.wrt[0] if len(w.wrt) == 1 else tuple(w.wrt)


def _as_tuple(g, n):
    return (g,) if n == 1 else tuple(g)


# ---------------------------------------------------------------- reference

def primal(w: Workload, args, v=None) -> Prepared:
    f = w.f
    return Prepared(lambda: f(*args), lambda out: None)


def hand(w: Workload, args, v=None) -> Prepared:
    if w.kind == "hvp":
        return Prepared(lambda: w.hand(*args, v), lambda out: out)
    return Prepared(lambda: w.hand(*args), lambda out: _as_tuple(out[1], len(w.wrt)))


# ---------------------------------------------------------------- tangentish

def _tangentish_function(w: Workload, args, notes: list):
    """The natural formulation, or the compat one if tangentish rejects it."""
    import tangentish as tg
    try:
        tg.value_and_grad(_fresh(w.f), wrt=_wrt_arg(w))(*args)
        return w.f
    except Exception as exc:
        reason = _short(exc)
        if w.compat is None:
            raise Unavailable(f"tangentish failed on the natural formulation: {reason}") from None
        notes.append(f"ran the tangentish-compatible formulation `{w.compat.__name__}` "
                     f"({w.compat_note}); the natural one failed: {reason}")
        return w.compat


def tangentish(w: Workload, args, v=None) -> Prepared:
    import tangentish as tg
    notes: list = []
    if w.kind == "hvp":
        if not hasattr(tg, "hvp"):
            raise Unavailable("tangentish has no tg.hvp yet")
        h = tg.hvp(w.f)
        first = lambda: _timed(lambda: tg.hvp(_fresh(w.f))(*args, v))  # noqa: E731
        return Prepared(lambda: h(*args, v), lambda out: out, notes, first, "transformation")
    f = _tangentish_function(w, args, notes)
    vg = tg.value_and_grad(f, wrt=_wrt_arg(w))
    first = lambda: _timed(lambda: tg.value_and_grad(_fresh(f), wrt=_wrt_arg(w))(*args))  # noqa: E731
    return Prepared(lambda: vg(*args), lambda out: _as_tuple(out[1], len(w.wrt)), notes,
                    first, "transformation")


def tangentish_generated(w: Workload, args, v=None) -> Prepared:
    """The generated derivative called directly: tangentish minus its API wrapper."""
    if w.kind == "hvp":
        raise Unavailable("reported for tg.grad workloads only")
    notes: list = []
    f = _tangentish_function(w, args, notes)
    _, derived, seeds = grad_derivative(w, f, args)
    fn = derived.function
    return Prepared(lambda: fn(*args, *seeds), lambda out: tuple(out[1:]), notes)


def grad_derivative(w: Workload, f, args, mode: str | None = None):
    """(mode, Derived, seeds): the generated derivative `tg.grad` runs for
    these arguments, specialised on their shapes: forward mode for a
    gradient with respect to one number (seeded with 1.0), else reverse
    mode (seeded with the output's cotangent 1.0); `mode` overrides."""
    import inspect
    from tangentish.api import arg_dims
    from tangentish.pipeline import transform
    names = list(inspect.signature(f).parameters)
    one_number = len(w.wrt) == 1 and np.ndim(args[w.wrt[0]]) == 0
    mode = mode or ("forward" if one_number else "reverse")
    derived = transform(f, mode, tuple(names[k] for k in w.wrt), dims=arg_dims(args))
    seeds = [1.0] if mode == "reverse" else [
        np.ones_like(args[k]) if isinstance(args[k], np.ndarray) else 1.0 for k in w.wrt]
    return mode, derived, seeds


# ---------------------------------------------------------------- autograd

def autograd(w: Workload, args, v=None) -> Prepared:
    try:
        import autograd as ag
        import autograd.numpy as anp
    except ImportError:
        raise Unavailable("autograd is not installed") from None
    f = rebind(w.f, np=anp, math=_math_shim(anp))
    if w.kind == "hvp":
        h = ag.hessian_vector_product(f)
        return Prepared(lambda: h(*args, v), lambda out: out)
    vg = ag.value_and_grad(f, _wrt_arg(w))
    return Prepared(lambda: vg(*args), lambda out: _as_tuple(out[1], len(w.wrt)))


# ---------------------------------------------------------------- JAX

def _jax():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise Unavailable("jax is not installed") from None
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
    return jax, jnp


def _jax_setup(w: Workload, args, v):
    jax, jnp = _jax()
    jargs = tuple(a if k in w.static else jnp.asarray(a, dtype=jnp.float64) for k, a in enumerate(args))
    f = rebind(w.f, np=jnp, math=_math_shim(jnp))
    jv = None if v is None else jnp.asarray(v)
    return jax, f, jargs, jv


def _jax_fn(jax, f, w: Workload):
    if w.kind == "hvp":
        return lambda x, v: jax.jvp(jax.grad(f), (x,), (v,))[1]
    return jax.value_and_grad(f, argnums=_wrt_arg(w))


def _jax_result(w: Workload):
    if w.kind == "hvp":
        return lambda out: np.asarray(out)
    return lambda out: tuple(np.asarray(g) for g in _as_tuple(out[1], len(w.wrt)))


def jax_eager(w: Workload, args, v=None) -> Prepared:
    jax, f, jargs, jv = _jax_setup(w, args, v)
    fn = _jax_fn(jax, f, w)
    call_args = (*jargs, jv) if w.kind == "hvp" else jargs
    try:
        jax.block_until_ready(fn(*call_args))
    except Exception as exc:
        raise Unavailable(f"jax eager failed: {_short(exc)}") from None
    return Prepared(lambda: jax.block_until_ready(fn(*call_args)), _jax_result(w),
                    traced_memory=False)


def jax_jit(w: Workload, args, v=None) -> Prepared:
    jax, f, jargs, jv = _jax_setup(w, args, v)
    call_args = (*jargs, jv) if w.kind == "hvp" else jargs

    def compiled():
        return jax.jit(_jax_fn(jax, _fresh(f), w), static_argnums=w.static)

    fn = compiled()
    try:
        jax.block_until_ready(fn(*call_args))
    except Exception as exc:
        raise Unavailable(f"jax.jit failed: {_short(exc)}") from None
    first = lambda: _timed(lambda: jax.block_until_ready(compiled()(*call_args)))  # noqa: E731
    return Prepared(lambda: jax.block_until_ready(fn(*call_args)), _jax_result(w),
                    first_call=first, first_call_label="jit compile", traced_memory=False)


# ---------------------------------------------------------------- PyTorch

class _TorchNumPy:
    """`np` for the workloads' code on torch tensors: torch itself, except
    `max` with axis/keepdims, which torch spells `amax`."""

    def __init__(self, torch):
        self._torch = torch

    def __getattr__(self, name):
        return getattr(self._torch, "amax" if name == "max" else name)


def torch_eager(w: Workload, args, v=None) -> Prepared:
    try:
        import torch
    except ImportError:
        raise Unavailable("torch is not installed") from None
    torch.set_default_dtype(torch.float64)
    f = rebind(w.f, np=_TorchNumPy(torch), math=torch)
    targs = []
    for k, a in enumerate(args):
        if k in w.static:
            targs.append(a)
        else:
            targs.append(torch.tensor(a, dtype=torch.float64, requires_grad=k in w.wrt))
    params = [targs[k] for k in w.wrt]
    if w.kind == "hvp":
        (x,) = params
        tv = torch.tensor(v, dtype=torch.float64)

        def call():
            (g,) = torch.autograd.grad(f(*targs), x, create_graph=True)
            return torch.autograd.grad(g, x, tv)[0]
        result = lambda out: out.detach().numpy()  # noqa: E731
    else:
        def call():
            value = f(*targs)
            return value, torch.autograd.grad(value, params)
        result = lambda out: tuple(g.detach().numpy() for g in out[1])  # noqa: E731
    try:
        call()
    except Exception as exc:
        raise Unavailable(f"torch failed: {_short(exc)}") from None
    return Prepared(call, result, traced_memory=False)


# ---------------------------------------------------------------- tangent-ad

def tangent_ad(w: Workload, args, v=None) -> Prepared:
    try:
        import tangent
    except ImportError:
        raise Unavailable("tangent-ad is not installed") from None
    import io
    import contextlib
    n = len(w.wrt)
    if w.kind == "hvp":
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                df = tangent.grad(_fresh(rebind(w.f, math=_math_shim(np))))
                hvp = tangent.autodiff(df, mode="forward", wrt=(0,))
            hvp(*args, v)
        except Exception as exc:
            raise Unavailable(f"tangent-ad forward-over-reverse failed: {_short(exc)}") from None
        return Prepared(lambda: hvp(*args, v), lambda out: out)

    def make(f):
        with contextlib.redirect_stdout(io.StringIO()):
            return tangent.grad(f, wrt=tuple(w.wrt), preserve_result=True, verbose=0)

    f = rebind(w.f, math=_math_shim(np))   # it has no rules for math.sin and math.cos
    try:
        df = make(_fresh(f))
        df(*args)
    except Exception as exc:
        raise Unavailable(f"tangent-ad failed: {_short(exc)}") from None
    def first():
        tangent.clear_cache()   # its in-memory cache is keyed by source, not function
        return _timed(lambda: make(_fresh(f))(*args))

    return Prepared(lambda: df(*args), lambda out: tuple(out[:n]), first_call=first,
                    first_call_label="transformation")


CONTESTANTS: list[tuple[str, Callable]] = [
    ("primal", primal),
    ("hand-written", hand),
    ("tangentish", tangentish),
    ("tangentish (generated fn)", tangentish_generated),
    ("autograd", autograd),
    ("jax eager", jax_eager),
    ("jax jit", jax_jit),
    ("torch eager", torch_eager),
    ("tangent-ad", tangent_ad),
]
