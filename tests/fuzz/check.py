"""Differentiate one generated program in both modes and judge the result:
against five-point central differences, forward against reverse, and
reverse against autograd wherever autograd can run the program; then,
optionally, its Hessian-vector product against central differences of the
(checked) gradient."""
import importlib.util
import types
import warnings

import numpy as np

import tangentish as tg

EPS = 1e-4  # five-point stencil: truncation error ~ EPS**4


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def _flat(x, y, v) -> np.ndarray:
    return np.concatenate([[x, y], v])


def _central(f, point: np.ndarray, eps: float) -> np.ndarray:
    """The gradient by five-point differences, one coordinate at a time."""
    def at(p):
        return f(p[0], p[1], p[2:])

    grad = np.zeros_like(point)
    for k in range(point.size):
        e = np.zeros_like(point)
        e[k] = eps
        grad[k] = (-at(point + 2 * e) + 8 * at(point + e) - 8 * at(point - e)
                   + at(point - 2 * e)) / (12 * eps)
    return grad


def _autograd_gradient(path, point_flat: np.ndarray):
    """autograd's gradient of the program at the point, or None where
    autograd cannot run it (in-place updates, array methods its boxes lack)."""
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:  # pragma: no cover - autograd is in the test extra
        return None
    source = path.read_text().replace("import numpy as np", "import autograd.numpy as np")
    namespace = {"math": types.SimpleNamespace(sin=anp.sin, cos=anp.cos, exp=anp.exp),
                 "__name__": path.stem + "__autograd"}
    try:
        exec(compile(source.replace("import math\n", ""), str(path), "exec"), namespace)
        f = namespace["f"]
        return autograd.grad(lambda p: f(p[0], p[1], p[2:]))(point_flat.copy())
    except Exception:
        return None


def point(seed: int):
    """The sample point of program `seed`: x, y and v in [-1.5, 1.5]."""
    p = np.random.default_rng(seed).uniform(-1.5, 1.5, 5)
    return p[0], p[1], p[2:].copy()


def check(path, seed: int, second_order: bool = False) -> tuple[str, str]:
    """(verdict, detail) for the program in `path`, at the point of `seed`.

    With `second_order`, a correct program's `tg.hvp` is checked as well;
    its refusal is reported in the detail (`hvp refused: ...`), the verdict
    staying "correct"."""
    f = _load(path)
    x, y, v = point(seed)
    flat = _flat(x, y, v)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                value = f(x, y, v.copy())  # inf/nan on the way: 0 * inf makes any AD give nan
            expected = _central(f, flat, EPS)
            coarse = _central(f, flat, 2 * EPS)
        except Exception as exc:  # the program itself fails here
            return "skipped", f"primal raised {type(exc).__name__}"
        if not np.isfinite(value) or not np.allclose(expected, coarse, rtol=1e-3, atol=1e-5):
            return "skipped", "not smooth at the sample point"
        # forward mode w.r.t. one argument or all three: activity differs
        rng = np.random.default_rng(seed + 1)
        wrt = [(0,), (1,), (2,), (0, 1, 2)][rng.integers(4)]
        seeds = {0: rng.normal(), 1: rng.normal(), 2: rng.normal(size=3)}
        direction = np.concatenate([np.ravel(seeds[k]) if k in wrt else np.zeros(np.size(seeds[k]))
                                    for k in (0, 1, 2)])
        try:
            got_value, (gx, gy, gv) = tg.value_and_grad(f, wrt=(0, 1, 2))(x, y, v)
            _, tangent = tg.jvp(f, wrt=wrt)(x, y, v, *(seeds[k] for k in wrt))
        except tg.errors.DerivativeRaisedError as exc:  # the point is smooth: a bug
            return "wrong", str(exc).splitlines()[0]
        except tg.TangentishError as exc:
            return "rejected", str(exc).splitlines()[0]
    grad = _flat(gx, gy, gv)
    # differences cannot see below the rounding of f itself
    atol = 1e-6 + 64 * abs(value) * np.finfo(float).eps / EPS
    if not np.allclose(got_value, value, rtol=1e-12, atol=1e-12):
        return "wrong", f"value {got_value} != {value}"
    if not np.allclose(grad, expected, rtol=1e-4, atol=atol):
        return "wrong", f"reverse {grad} != {expected} at x={x}, y={y}, v={v}"
    if not np.allclose(tangent, expected @ direction, rtol=1e-4, atol=atol * np.abs(direction).sum()):
        return "wrong", f"forward (wrt {wrt}) {tangent} != {expected @ direction} at x={x}, y={y}, v={v}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = _autograd_gradient(path, flat)
    # both are exact up to rounding: a tight tolerance
    if reference is not None and not np.allclose(grad, reference, rtol=1e-8, atol=1e-10):
        return "wrong", f"reverse {grad} != autograd's {reference} at x={x}, y={y}, v={v}"
    return _check_hvp(f, x, y, v, seed) if second_order else ("correct", "")


def _check_hvp(f, x, y, v, seed: int) -> tuple[str, str]:
    """H d by tg.hvp against the central difference of the gradient along d."""
    rng = np.random.default_rng(seed + 2)
    d = (rng.normal(), rng.normal(), rng.normal(size=3))
    grad = tg.grad(f, wrt=(0, 1, 2))

    def along(t):
        return _flat(*grad(x + t * d[0], y + t * d[1], v + t * d[2]))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fine = (along(1e-5) - along(-1e-5)) / 2e-5
            coarse = (along(2e-5) - along(-2e-5)) / 4e-5
            if not np.allclose(fine, coarse, rtol=1e-4, atol=1e-6):
                return "correct", "hvp not checked: the gradient is not smooth here"
            hv = _flat(*tg.hvp(f, wrt=(0, 1, 2))(x, y, v, d))
        except tg.errors.DerivativeRaisedError as exc:
            return "wrong", "hvp: " + str(exc).splitlines()[0]
        except tg.TangentishError as exc:
            return "correct", "hvp refused: " + str(exc).splitlines()[0]
    if not np.allclose(hv, fine, rtol=1e-4, atol=1e-5 * (1 + np.abs(fine).max())):
        return "wrong", f"hvp {hv} != {fine} along {d} at x={x}, y={y}, v={v}"
    return "correct", ""
