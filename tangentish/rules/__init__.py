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

Conventions (autograd's): a `vjp` rule returns one cotangent per positional
argument (a bare value for the first one only); a `jvp` rule returns one
term per positional argument, where `g` is that argument's tangent. Partials
may take a parameter named `ans` for the output. Broadcasting is the
engine's job, never the rule author's.

Every registration bumps `RULES.version`, which keys the derivative cache.
"""
from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass, replace as _replace
from typing import Any, Callable

__all__ = ["RULES", "Rule", "elementwise", "vjp", "jvp", "linear", "nondiff",
           "register_adjoint", "register_tangent"]


@dataclass(frozen=True)
class Rule:
    fn: Any
    partials: Callable | None = None  # elementwise: d out / d arg_i, both modes
    vjp: Callable | None = None
    jvp: Callable | None = None
    linear: bool = False              # tangent = fn(tangent, *other args)
    nondiff: bool = False             # output carries no derivative
    user: bool = False                # registered through the public API
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


def linear(*fns) -> None:
    """The tangent of `fn(x, ...)` is `fn(x_dot, ...)`."""
    for fn in fns:
        RULES.update(fn, linear=True)


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
               shapes, products, npl, methods, runtime_rules, dims)
