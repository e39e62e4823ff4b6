"""Reference check: tangentish against autograd on the whole corpus.

Each corpus module is re-executed from its own source with ``numpy``
swapped for ``autograd.numpy`` and the ``math`` module (whose C functions
reject autograd's boxes) swapped for a shim built on ``autograd.numpy``.
The builtin ``float`` becomes the identity, so ``float(x)`` keeps the box.
Both libraries then differentiate the same code.
"""
from __future__ import annotations

import inspect
import sys
import types

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")
try:  # erf/erfc only: autograd takes them from scipy, which the test extra omits
    from autograd.scipy import special
except ImportError:
    special = None

import tangentish as tg  # noqa: E402
from tests import corpus as C, corpus_support as S  # noqa: E402


def _math_shim():
    shim = types.SimpleNamespace(
        pi=np.pi, e=np.e,
        sin=anp.sin, cos=anp.cos, tan=anp.tan, asin=anp.arcsin, acos=anp.arccos,
        atan=anp.arctan, atan2=anp.arctan2, hypot=lambda x, y: anp.sqrt(x * x + y * y),
        sinh=anp.sinh, cosh=anp.cosh, tanh=anp.tanh, asinh=anp.arcsinh,
        acosh=anp.arccosh, atanh=anp.arctanh, exp=anp.exp, expm1=anp.expm1,
        log2=anp.log2, log10=anp.log10, log1p=anp.log1p, sqrt=anp.sqrt,
        pow=lambda x, y: x ** y, fabs=anp.abs,
        erf=special.erf if special else None, erfc=special.erfc if special else None,
        degrees=anp.rad2deg, radians=anp.deg2rad)
    shim.log = lambda x, base=None: anp.log(x) if base is None else anp.log(x) / anp.log(base)
    return shim


def _autograd_module(module, done):
    source = inspect.getsource(module)
    source = source.replace("import numpy as np", "import autograd.numpy as np")
    source = source.replace("import math\n", "")
    copy = types.ModuleType(module.__name__ + "__autograd")  # dataclasses look their module up
    sys.modules[copy.__name__] = copy
    namespace = copy.__dict__
    namespace.update({"__package__": C.__name__, "math": _math_shim(), "float": lambda x: x})
    exec(compile(source, module.__file__, "exec"), namespace)
    # functions imported from another corpus module: use its autograd copy
    for name, obj in list(namespace.items()):
        if inspect.isfunction(obj) and obj.__module__ in done:
            namespace[name] = done[obj.__module__][name]
    return namespace


MODULES: dict = {}
for _m in (C.scalar, C.control, C.helpers, C.functions, C.arrays, C.methods, C.inplace, C.sequences,
           C.containers, C.assembly, C.records, C.comprehensions, C.textbook, C.tricky):
    MODULES[_m.__name__] = _autograd_module(_m, MODULES)

CASES = [pytest.param(f, p, id=f"{S.function_id(f)}-{p}")
         for f in C.CORPUS for p in S.differentiable_params(f)]
POINTS = [(0, {"m": 3, "p": 2, "q": 4}), (1, {"m": 1, "p": 1, "q": 1}),
          (2, {"m": 4, "p": 3, "q": 2})]


# corpus functions written with array methods autograd's boxes lack
# (test_corpus still checks them against finite differences)
AUTOGRAD_CANNOT_RUN = {
    "method_reductions": "autograd's ArrayBox has no `.dot`",
    "method_shapes": "autograd's ArrayBox.transpose takes no spread axes",
    "method_chain": "autograd's ArrayBox has no `.dot`",
    "method_item_in_loop": "autograd's ArrayBox has no `.item`",
    "least_squares_by_qr": "autograd has no derivative of np.linalg.qr",
    **{f.__name__: "autograd does not support assignment into arrays"
       for f in C.CORPUS if f.__module__ == C.inplace.__name__},
    **{f.__name__: "autograd differentiates tuples, lists and dicts, not namedtuples or objects"
       for f in (C.records.namedtuple_argument, C.records.dataclass_argument,
                 C.records.object_methods)},
    **{f.__name__: "autograd sees a plain container of its boxes as an output without derivative"
       for f in (C.records.dict_local_and_returned, C.records.returns_a_tuple_of_dicts,
                 C.comprehensions.returns_appended_list)},
}


def _reference(f):
    if f.__name__ in AUTOGRAD_CANNOT_RUN:
        pytest.skip(AUTOGRAD_CANNOT_RUN[f.__name__])
    return MODULES[f.__module__][f.__name__]


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
def test_the_reference_copies_compute_the_same_values():
    for f in C.CORPUS:
        if (special is None and "math.erf" in inspect.getsource(f)) or f.__name__ in AUTOGRAD_CANNOT_RUN:
            continue
        args = S.random_args(f, np.random.default_rng(7), {"m": 3, "p": 2, "q": 2})
        S.assert_tree_close(_reference(f)(*args), f(*args), rtol=1e-13)


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("seed,dims", POINTS, ids=["m3p2q4", "size1", "m4p3q2"])
@pytest.mark.parametrize("f,param", CASES)
def test_matches_autograd(f, param, seed, dims):
    if special is None and "math.erf" in inspect.getsource(f):
        pytest.skip("autograd needs scipy for erf")
    rng = np.random.default_rng(seed)
    args = S.random_args(f, rng, dims)
    i = S.params(f).index(param)
    out = f(*args)
    if S.is_scalar(out):
        expected = autograd.grad(_reference(f), i)(*args)
        got = tg.grad(f, wrt=param)(*args)
    else:
        w = S.tree_map(lambda leaf: rng.normal(size=np.shape(leaf)), out)
        expected = autograd.make_vjp(_reference(f), i)(*args)[0](w)
        _, got = tg.vjp(f, wrt=param)(*args, w)
    assert S.layout(got) == S.layout(args[i])
    S.assert_tree_close(got, expected, rtol=1e-10, atol=1e-12)


# -- conventions where the derivative is not unique ---------------------------------

def tied_max(x):
    return np.sum(np.max(x, axis=0) * np.arange(1.0, 4.0))


def tied_min_all(x):
    return np.min(x) * 3.0


def tied_amax_rows(x):
    return np.sum(np.amax(x, axis=1, keepdims=True) ** 2)


def tied_maximum(x, y):
    return np.sum(np.maximum(x, y))


def abs_at_zero(x):
    return np.sum(np.abs(x))


def std_of_one(x):
    return np.sum(np.std(x, axis=0))


TIES = np.array([[1.0, 3.0, 3.0], [3.0, 3.0, 0.0], [3.0, -1.0, 3.0]])


@pytest.mark.parametrize("f,args", [
    (tied_max, (TIES,)), (tied_min_all, (np.array([[0.5, 0.2], [0.2, 0.2]]),)),
    (tied_amax_rows, (TIES,)), (tied_maximum, (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0]))),
    (abs_at_zero, (np.array([-1.0, 0.0, 2.0]),)), (std_of_one, (np.array([[0.3, 0.7]]),)),
], ids=["max-axis", "min-all", "amax-keepdims", "maximum", "abs", "std-one-element"])
def test_tie_conventions_match_autograd(f, args):
    """Ties of max/min split the derivative equally among the extrema, abs has
    derivative 0 at 0, and the std of one element has derivative 0: autograd's
    choices, in both modes."""
    namespace = {"np": anp}
    exec(compile(inspect.getsource(f), __file__, "exec"), namespace)
    reference = namespace[f.__name__]
    for i in range(len(args)):
        expected = autograd.grad(reference, i)(*args)
        np.testing.assert_allclose(tg.grad(f, wrt=i)(*args), expected, rtol=1e-13)
        v = np.random.default_rng(i).normal(size=np.shape(args[i]))
        np.testing.assert_allclose(tg.jvp(f, wrt=i)(*args, v)[1], np.sum(expected * v), rtol=1e-13)
