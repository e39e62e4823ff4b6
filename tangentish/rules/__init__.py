"""The derivative tables: one registry, `RULES`, keyed by function object.

Rule modules fill it at import through the declarators below, and users
through `register_adjoint` / `register_tangent`. A rule is a plain runnable
`def` whose body the generators inline into derivative code:

    @elementwise(np.sin)            # one partial serves both modes
    def sin_partial(x):
        return np.cos(x)

    @vjp(np.sum)                    # g: cotangent of the output, ans: output
    def sum_vjp(g, ans, x, axis=None, keepdims=False):
        return _rt.unreduce(g, x, axis, keepdims)

    linear(np.sum)                  # tangent: apply the function to it
    nondiff(np.shape, len)          # no derivative flows through

    @batched(np.sum)                # vector mode: g carries a leading direction axis
    def sum_batched(g, ans, x, axis=None, dtype=None, *, keepdims=False, where=True):
        return np.sum(g, _rt.batch_axis(axis, x), dtype, keepdims=keepdims, where=where)

Conventions (autograd's): a `vjp` rule returns one cotangent per positional
argument (a bare value for the first one only); a `jvp` rule returns one
term per positional argument, where `g` is that argument's tangent. Partials
may take a parameter named `ans` for the output. Broadcasting is the
engine's job for partials, never the rule author's. A rule's parameters
follow the function's positional order up to the first one it leaves out;
the rest are keyword-only. A rule for a function of any number of arguments
(`np.einsum`) takes `*operands` and either returns one sequence, indexed by
argument position, or takes a keyword-only `position` and is expanded once
per argument position with it constant (derive/inline.py).

Containers: `sequence_operand(np.concatenate)` says the first operand is a
list or tuple of arrays; the rule's `g` for it is then the list of their
tangents, and its cotangent is returned as a list (or tuple) like it.
`returns(kind, fn)` says what `fn` returns when that is not one array
(`returns(TWO_ARRAYS, np.linalg.slogdet)`); `g` and `ans` of its rules are
then tuples or lists too, and its jvp rule returns the whole output tangent
(these functions have one differentiable operand).

Vector mode (derive/vector.py) pushes many tangent directions through one
sweep: every tangent carries a leading direction axis. Elementwise partials
are batch-safe as they are (the engine lines the tangent up with the
result); a `linear` or `jvp` rule is batch-safe only through a `batched`
form, a jvp-shaped rule whose `g` has that extra axis and whose terms have
shape `(n,) + np.shape(ans)`. A statement whose rule has none runs one
direction at a time, so leaving a rule out is slow, never wrong.

Every registration bumps `RULES.version`, which keys the derivative cache.
"""
from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass, replace as _replace
from typing import Any, Callable

from ..analysis.kinds import ARRAY, UNKNOWN

__all__ = ["RULES", "Rule", "elementwise", "vjp", "jvp", "linear", "nondiff", "batched",
           "sequence_operand", "returns", "register_adjoint", "register_tangent", "linear_args"]


@dataclass(frozen=True)
class Rule:
    fn: Any
    partials: Callable | None = None  # elementwise: d out / d arg_i, both modes
    vjp: Callable | None = None
    jvp: Callable | None = None
    linear: bool | tuple = False      # tangent = fn(tangent, *other args); a tuple:
                                      # the positions fn is linear in together
    nondiff: bool = False             # output carries no derivative
    user: bool = False                # registered through the public API
    sequence: bool = False            # first operand: a list or tuple of arrays
    outputs: Any = None               # a container kind (analysis/kinds.py), or a
                                      # function of the call's constant arguments giving one
    batched: Callable | None = None   # vector mode: a jvp rule whose g has a direction axis
    shape: Callable | None = None     # result's shape from the operands' (rules/dims.py)

    @property
    def has_forward(self) -> bool:
        return self.nondiff or self.linear or self.partials is not None or self.jvp is not None

    @property
    def has_reverse(self) -> bool:
        return self.nondiff or self.partials is not None or self.vjp is not None


class RuleTable:
    """Function object -> Rule, with a version that changes on every edit."""

    def __init__(self):
        self._rules: dict[Any, Rule] = {}
        self._lock = threading.Lock()
        self.version = 0

    @staticmethod
    def _key(fn):
        # bound methods and ufuncs hash fine; unhashable objects key by id
        try:
            hash(fn)
            return fn
        except TypeError:
            return ("id", id(fn))

    def get(self, fn) -> Rule | None:
        try:
            return self._rules.get(self._key(fn))
        except TypeError:
            return None

    def __contains__(self, fn) -> bool:
        return self.get(fn) is not None

    def __iter__(self):
        return iter(list(self._rules.values()))

    def __len__(self) -> int:
        return len(self._rules)

    def snapshot(self) -> dict:
        """The table as it is, for `restore` (tests, docs, experiments)."""
        with self._lock:
            return dict(self._rules)

    def restore(self, snapshot: dict) -> None:
        """Put back a `snapshot`; cached derivatives are invalidated."""
        with self._lock:
            self._rules = dict(snapshot)
            self.version += 1

    def update(self, fn, *, replace: bool = False, **fields) -> None:
        with self._lock:
            key = self._key(fn)
            old = self._rules.get(key) or Rule(fn)
            for name, value in fields.items():
                current = getattr(old, name)
                if current not in (None, False) and not replace and current != value:
                    raise ValueError(
                        f"{_name(fn)} already has a {name} rule; pass replace=True to override it")
            self._rules[key] = _replace(old, **fields)
            self.version += 1


RULES = RuleTable()


def _name(fn) -> str:
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
    return f"{module}.{name}" if module and module != "builtins" else name


def elementwise(*fns, replace: bool = False):
    """Declare partial derivatives of elementwise functions (both modes)."""
    def declare(partials):
        for fn in fns:
            RULES.update(fn, partials=partials, replace=replace)
        return partials
    return declare


def vjp(*fns, replace: bool = False, user: bool = False):
    """Declare a reverse rule `(g, ans, *args, **kwargs) -> cotangent(s)`."""
    def declare(rule):
        for fn in fns:
            RULES.update(fn, vjp=rule, replace=replace, **({"user": True} if user else {}))
        return rule
    return declare


def jvp(*fns, replace: bool = False, user: bool = False):
    """Declare a forward rule `(g, ans, *args, **kwargs) -> term(s)`."""
    def declare(rule):
        for fn in fns:
            RULES.update(fn, jvp=rule, replace=replace, **({"user": True} if user else {}))
        return rule
    return declare


def batched(*fns, replace: bool = False):
    """Declare the vector-mode form of a `linear` or `jvp` rule:
    `(g, ans, *args, **kwargs) -> term(s)` as for `jvp`, where `g` carries a
    leading direction axis and each term has shape `(n,) + np.shape(ans)`."""
    def declare(rule):
        for fn in fns:
            RULES.update(fn, batched=rule, replace=replace)
        return rule
    return declare


def linear(*fns, args: tuple = (0,)) -> None:
    """The tangent of `fn(x, ...)` is `fn(x_dot, ...)`; with `args`, of
    `fn(x, i, g)` linear in x and g together (args=(0, 2)) `fn(x_dot, i, g_dot)`."""
    for fn in fns:
        RULES.update(fn, linear=True if args == (0,) else tuple(args))


def linear_args(rule: Rule) -> tuple:
    """The positions a `linear` rule's function is linear in (none if not linear)."""
    if not rule.linear:
        return ()
    return (0,) if rule.linear is True else rule.linear


def nondiff(*fns) -> None:
    """No derivative flows through these functions (shapes, indices, tests)."""
    for fn in fns:
        RULES.update(fn, nondiff=True)


def shape_rule(*fns):
    """Declare how the result's shape follows from the arguments' (rules/dims.py)."""
    def declare(rule):
        for fn in fns:
            RULES.update(fn, shape=rule)
        return rule
    return declare


# kinds of outputs for `returns` (see analysis/kinds.py)
ONE_ARRAY, ANY = ARRAY, UNKNOWN
LIST_OF_ARRAYS = ("list", ARRAY)
TWO_ARRAYS = ("tuple", (ARRAY, ARRAY))
THREE_ARRAYS = ("tuple", (ARRAY, ARRAY, ARRAY))


def sequence_operand(*fns) -> None:
    """The first operand of these functions is a list or tuple of arrays
    (`np.concatenate([a, b])`): its tangent is the list of their tangents,
    and its cotangent the list of their cotangents."""
    for fn in fns:
        RULES.update(fn, sequence=True)


def returns(kind, *fns) -> None:
    """These functions return a tuple or a list, not one array. `kind` is a
    container kind, or a function called with the call's arguments (the
    constants among them; anything else is `ANY`) that returns one."""
    for fn in fns:
        RULES.update(fn, outputs=kind)


def output_kind(rule: Rule, args: list, kwargs: dict):
    """The kind of what `rule.fn` returns, for arguments whose constant
    values are given (others are ANY); None for one array."""
    kind = rule.outputs
    if not callable(kind):
        return kind
    try:
        return kind(*args, **kwargs)
    except TypeError:
        return ANY


def register_adjoint(fn, *, replace: bool = False):
    """Register a custom reverse-mode rule for `fn`.

    The rule is called as `rule(g, ans, *args, **kwargs)` and returns one
    cotangent per positional argument (None where there is no derivative).

    Raises:
        ValueError: `fn` already has a reverse rule and `replace` is False.
    """
    return vjp(fn, replace=replace, user=True)


def register_tangent(fn, *, replace: bool = False):
    """Register a custom forward-mode rule for `fn`.

    The rule is called as `rule(g, ans, *args, **kwargs)` and returns one
    term per positional argument, where `g` is that argument's tangent; the
    output tangent is the sum of the terms for the active arguments.
    """
    return jvp(fn, replace=replace, user=True)


def available(module, *names) -> tuple:
    """The functions of `module` among `names` that this NumPy has (some are
    new in NumPy 2), for declarators: `linear(*available(np, "astype"))`."""
    return tuple(getattr(module, n) for n in names if hasattr(module, n))


def lookup(fn) -> Rule | None:
    return RULES.get(fn)


def operand_params(rule: Rule, template=None) -> list:
    """The parameters of a rule's function that stand for its operands.

    vjp/jvp rules take the cotangent/tangent and the output first, whatever
    they are named; partials may name a parameter `ans` for the output."""
    template = template or rule.partials or rule.vjp or rule.jvp
    params = list(inspect.signature(template).parameters.values())
    if template is rule.partials:
        return [p for p in params if p.name != "ans"]
    return params[2:]


def seed_params(template) -> tuple[str, str]:
    """Names a vjp/jvp rule gives its (cotangent or tangent, output) slots."""
    names = list(inspect.signature(template).parameters)
    if len(names) < 2:
        raise TypeError(f"rule {template.__name__} must take (g, ans, *args)")
    return names[0], names[1]


from . import (operators, ufuncs, mathfuncs, reductions, linalg, pybuiltins,  # noqa: E402,F401
               shapes, products, npl, polynomials, methods, runtime_rules, derivative_helpers, dims)
