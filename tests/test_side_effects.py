"""No side effects: the caller's arrays are never changed, calls repeat and
interleave exactly, concurrent first calls make one cache entry, and the
cache notices a changed function, a rebound helper and a changed rule table.
"""
from __future__ import annotations

import importlib
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import tangentish as tg
from tangentish import pipeline
from tangentish.rules import RULES


# -- functions that update their own names in every way the library supports ------

def updates_locals(v, x):
    w = v
    w = w * x           # w was v: a new array, not a write into v
    s = 0.0
    for i in range(3):
        s += np.sum(w * v) * 0.5
        v = v - 0.1 * w
    return s + np.sum(np.sin(v))


def slices_and_loops(v, x):
    head = v[:2]
    total = np.sum(head * x)
    k = 0
    while k < 2:
        total = total + np.dot(v, v) * x
        k = k + 1
        if total > 10.0:
            break
    return total


def vector_valued(v, x):
    out = np.tanh(v * x)
    out = out + v
    return out


SCALAR = [updates_locals, slices_and_loops]


def _fresh():
    return np.array([0.3, -1.2, 0.8]), 0.7


@pytest.mark.parametrize("f", SCALAR + [vector_valued], ids=lambda f: f.__name__)
def test_arguments_seeds_and_cotangents_are_not_changed(f):
    v, x = _fresh()
    v_dot, cot = np.array([1.0, 0.5, -2.0]), np.array([0.2, 0.1, -1.0])
    saved = [v.copy(), v_dot.copy(), cot.copy()]
    scalar = f in SCALAR
    for _ in range(2):
        if scalar:
            tg.grad(f, wrt=(0, 1))(v, x)
            tg.value_and_grad(f)(v, x)
        tg.vjp(f, wrt=(0, 1))(v, x, 1.0 if scalar else cot)
        tg.jvp(f, wrt=(0, 1))(v, x, v_dot, 1.0)
        tg.jvp(f)(v, x, v_dot)
    for now, before in zip((v, v_dot, cot), saved):
        np.testing.assert_array_equal(now, before)


def identity(v):
    return v * 1.0


def weighted(v, w):
    return np.sum(v * w)


def transposed(M):
    return np.transpose(M)


def test_results_are_never_the_callers_arrays():
    """A derivative may equal an argument, a seed or a view of one (the
    gradient of `sum(v * w)` is `w`; `v * 1.0` folds to `v`; a transpose's
    adjoint is a view), but must not be it: updating a result in place, as
    optimizers do, must leave the caller's arrays alone."""
    v, w, M = np.zeros(3), np.array([1.0, 2.0, 3.0]), np.ones((2, 3))
    cot, tan, cot_t = np.ones(3), np.ones(3), np.ones((3, 2))
    results = [
        *tg.vjp(identity)(v, cot),
        *tg.jvp(identity)(v, tan),
        tg.grad(weighted)(v, w),
        *tg.vjp(transposed)(M, cot_t),
        *tg.jvp(transposed)(M, np.ones((2, 3))),
    ]
    saved = [a.copy() for a in (v, w, M, cot, tan, cot_t)]
    for r in results:
        r[...] = 7.0
    for now, before in zip((v, w, M, cot, tan, cot_t), saved):
        np.testing.assert_array_equal(now, before)


def test_repeated_and_interleaved_calls_give_identical_results():
    v, x = _fresh()
    def all_results():
        out = []
        for f in SCALAR:
            out.append(tg.grad(f, wrt=(0, 1))(v, x))
            out.append(tg.jvp(f)(v, x, np.ones(3)))
        out.append(tg.vjp(vector_valued)(v, x, np.ones(3)))
        return out

    first = all_results()
    grad_a, jvp_b = tg.grad(updates_locals), tg.jvp(slices_and_loops)
    for _ in range(3):
        # the same derivative objects, called alternately, and new ones
        a, b = grad_a(v, x), jvp_b(v, x, np.ones(3))
        np.testing.assert_array_equal(a, first[0][0])
        np.testing.assert_array_equal(b[1], first[3][1])
        again = all_results()
        for p, q in zip(first, again):
            for u, w in zip(p, q):
                np.testing.assert_array_equal(u, w)


# -- threads -----------------------------------------------------------------------

def _load(tmp_path, name: str, source: str):
    """A module written to tmp_path and imported: new function objects,
    nothing cached for them yet."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.invalidate_caches()
        if name in sys.modules:
            return importlib.reload(sys.modules[name])
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))


@pytest.fixture
def slow_pipeline(monkeypatch):
    """Count the pipeline runs, each slowed down so that threads overlap."""
    runs = []
    real = pipeline.Transformer._run

    def counted(self, func, mode, wrt, *rest, **options):
        runs.append((func.__name__, mode, wrt))
        time.sleep(0.05)
        return real(self, func, mode, wrt, *rest, **options)

    monkeypatch.setattr(pipeline.Transformer, "_run", counted)
    return runs


def _in_threads(n: int, work):
    """Run work(k) in n threads released together; their results."""
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def run(k):
        try:
            barrier.wait()
            results[k] = work(k)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("n", [2, 8])
def test_threads_transforming_one_function_make_one_entry(tmp_path, slow_pipeline, n):
    mod = _load(tmp_path, f"threaded_{n}", """
        import numpy as np

        def helper(x):
            return np.sin(x) * x

        def f(x, y):
            return helper(x * y) + np.exp(x)
        """)
    x, y = 0.4, 1.3
    expected = np.cos(x * y) * x * y * y + np.sin(x * y) * y + np.exp(x)
    results = _in_threads(n, lambda k: tg.grad(mod.f)(x, y))
    np.testing.assert_allclose(results, [expected] * n, rtol=1e-13)
    # f once, and its helper once: not once per thread (forward mode: the
    # gradient with respect to one number)
    assert sorted(slow_pipeline) == [("f", "forward", ("x",)), ("helper", "forward", ("x",))]
    derived = {id(pipeline.transform(mod.f, "forward", ("x",))) for _ in range(3)}
    assert len(derived) == 1


def test_threads_in_both_modes_at_once(tmp_path, slow_pipeline):
    mod = _load(tmp_path, "threaded_modes", """
        import numpy as np

        def f(x):
            return np.tanh(x) * x
        """)
    x = 0.8
    expected = (1 - np.tanh(x) ** 2) * x + np.tanh(x)
    results = _in_threads(8, lambda k: tg.vjp(mod.f)(x, 1.0)[1] if k % 2 else tg.jvp(mod.f)(x, 1.0)[1])
    np.testing.assert_allclose(results, [expected] * 8, rtol=1e-13)
    assert sorted(slow_pipeline) == [("f", "forward", ("x",)), ("f", "reverse", ("x",))]


# -- invalidation ----------------------------------------------------------------------

def test_a_changed_source_file_is_differentiated_anew(tmp_path):
    mod = _load(tmp_path, "edited_module", """
        def f(x):
            return x * x
        """)
    old_f = mod.f
    assert tg.grad(mod.f)(3.0) == 6.0
    mod = _load(tmp_path, "edited_module", """
        def f(x):
            return x * x * x  # edited
        """)
    assert tg.grad(mod.f)(3.0) == 27.0
    assert tg.jvp(mod.f)(3.0, 1.0)[1] == 27.0
    assert tg.grad(old_f)(3.0) == 6.0  # the old function object is still x * x


def test_a_replaced_code_object_is_differentiated_anew(tmp_path):
    """The same function object, given new code (as by a hot reloader):
    an existing derivative object notices."""
    mod = _load(tmp_path, "hot_reloaded", """
        def f(x):
            return x * x

        def g(x):
            return x * x * x + 1.0
        """)
    grad, jvp = tg.grad(mod.f), tg.jvp(mod.f)
    assert grad(2.0) == 4.0 and jvp(2.0, 1.0)[1] == 4.0
    mod.f.__code__ = mod.g.__code__
    assert grad(2.0) == 12.0 and jvp(2.0, 1.0)[1] == 12.0


def test_a_rebound_global_helper_is_noticed(tmp_path):
    mod = _load(tmp_path, "rebinding", """
        import numpy as np

        def helper(x):
            return np.sin(x)

        def cube(x):
            return x ** 3

        def f(x):
            return helper(x) * 2.0
        """)
    grad, jvp = tg.grad(mod.f), tg.jvp(mod.f)
    assert grad(0.5) == pytest.approx(2.0 * np.cos(0.5))
    original = mod.helper
    mod.helper = mod.cube
    assert grad(0.5) == pytest.approx(2.0 * 3 * 0.25)
    assert jvp(0.5, 1.0)[1] == pytest.approx(2.0 * 3 * 0.25)
    mod.helper = original
    assert grad(0.5) == pytest.approx(2.0 * np.cos(0.5))


def opaque(x):
    return np.i0(x * x)  # np.i0 has no rule: only a registered one helps


def uses_opaque(x):
    return opaque(x) * 3.0


def test_a_changed_rule_table_is_noticed():
    x = 0.5
    saved = RULES.snapshot()
    grad, jvp = tg.grad(uses_opaque), tg.jvp(uses_opaque)
    try:
        # any registered rule is used as given (this one is not the true derivative)
        tg.register_adjoint(opaque)(lambda g, ans, x: g * 2.0 * x / (1.0 + x * x))
        tg.register_tangent(opaque)(lambda g, ans, x: g * 2.0 * x / (1.0 + x * x))
        right = 3.0 * 2.0 * x / (1.0 + x * x)
        assert grad(x) == pytest.approx(right) and jvp(x, 1.0)[1] == pytest.approx(right)
        tg.register_adjoint(opaque, replace=True)(lambda g, ans, x: g * 7.0)
        tg.register_tangent(opaque, replace=True)(lambda g, ans, x: g * 7.0)
        assert grad(x) == pytest.approx(21.0) and jvp(x, 1.0)[1] == pytest.approx(21.0)
    finally:
        RULES.restore(saved)
    # back to no rule at all: the same derivative objects refuse again
    for call in (lambda: grad(x), lambda: jvp(x, 1.0)):
        with pytest.raises(tg.TangentishError, match="i0"):
            call()
