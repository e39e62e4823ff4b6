"""The normal form, stated as a checker.

    body  := stmt*                      function body ends with `return atom`
    stmt  := name = op
           | name[index] = atom                 (an array updated in place)
           | name, name, ... = name                (distinct, not the source)
           | if name|not name: body [else: body]   (name not assigned in it)
           | for name in range(atom*): body
           | while name: body
           | if name: break                         (last statement of a loop)
           | op  (an expression statement) | assert | raise | pass
    op    := atom | atom OP atom | UOP atom | atom CMP atom
           | f(atom*, *atom?, k=atom*, **atom?) | atom[index] | atom.attr | (atom*) | [atom*]
    atom  := name | constant | static global reference (np.pi)

`verify` runs after normalization and after each optimization pass; a
failure is a bug in tangentish, never in the user's code.
"""
from __future__ import annotations

from . import nodes as N


class GrammarError(AssertionError):
    pass


def _is_atom(e) -> bool:
    if isinstance(e, (N.Name, N.Constant)):
        return True
    return isinstance(e, N.Attribute) and _is_atom(e.value) and not isinstance(e.value, N.Constant)


def _check_index(s) -> None:
    if isinstance(s, N.Slice):
        for part in (s.lower, s.upper, s.step):
            if part is not None and not _is_atom(part):
                raise GrammarError(f"slice part is not an atom: {N.dump(part)}")
    elif isinstance(s, N.Tuple):
        for x in s.elts:
            _check_index(x)
    elif not _is_atom(s):
        raise GrammarError(f"index is not an atom: {N.dump(s)}")


def check_op(e) -> None:
    if _is_atom(e) or isinstance(e, N.JoinedStr):
        return
    if isinstance(e, N.BinOp):
        children = [e.left, e.right]
    elif isinstance(e, N.UnaryOp):
        children = [e.operand]
    elif isinstance(e, N.Compare):
        children = [e.left] + list(e.comparators)
    elif isinstance(e, N.Call):  # `g(a, *t, k=b, **kw)`: `*`/`**` only for the user's functions
        children = [a.value if isinstance(a, N.Starred) else a for a in e.args]
        children += [k.value for k in e.keywords]
        if isinstance(e.func, N.Attribute):
            children.append(e.func.value)
    elif isinstance(e, N.Subscript):
        _check_index(e.slice)
        children = [e.value]
    elif isinstance(e, N.Attribute):
        children = [e.value]
    elif isinstance(e, (N.Tuple, N.List, N.Set)):
        children = list(e.elts)
    elif isinstance(e, N.Dict):
        children = list(e.keys) + list(e.values)
    else:
        raise GrammarError(f"not an operation: {N.dump(e)}")
    for c in children:
        if not _is_atom(c):
            raise GrammarError(f"operand is not an atom: {N.dump(c)}")


def _check_unpack(s) -> None:
    """`a, b = t`: distinct names from a name that is not among them."""
    if len(s.targets) != 1 or not isinstance(s.targets[0], N.Tuple):
        raise GrammarError("assignment target is not a single name or a tuple of names")
    names = [t.id if isinstance(t, N.Name) else None for t in s.targets[0].elts]
    if None in names or len(set(names)) != len(names):
        raise GrammarError("unpacking targets are not distinct names")
    if not isinstance(s.value, N.Name) or s.value.id in names:
        raise GrammarError("unpacking a value that is not a name, or into itself")


def _check_block(body: list, in_loop: bool) -> None:
    for k, s in enumerate(body):
        if isinstance(s, N.Assign) and N.updated_name(s) is not None:
            _check_index(s.targets[0].slice)
            if not _is_atom(s.value):
                raise GrammarError(f"stored value is not an atom: {N.dump(s.value)}")
        elif isinstance(s, N.Assign):
            target = N.assigned_name(s)
            if target is None:
                _check_unpack(s)
                continue
            check_op(s.value)
            if not isinstance(s.value, N.Name) and target in N.names_loaded(s.value):
                raise GrammarError(f"{target} is assigned from itself")
        elif isinstance(s, N.If):
            test = s.test.operand if isinstance(s.test, N.UnaryOp) else s.test
            if not isinstance(test, N.Name):
                raise GrammarError("if-test is not a name")
            if s.body and isinstance(s.body[0], N.Break):
                if not in_loop or k != len(body) - 1 or len(s.body) != 1:
                    raise GrammarError("break outside a terminal exit check")
                continue
            if test.id in N.names_stored(N.module(s.body + s.orelse)):
                raise GrammarError(f"if-test {test.id} is reassigned inside the if")
            _check_block(s.body, in_loop)
            _check_block(s.orelse, in_loop)
        elif isinstance(s, N.For):
            if not isinstance(s.target, N.Name) or s.orelse:
                raise GrammarError("for loop not in normal form")
            check_op(s.iter)
            _check_block(s.body, True)
        elif isinstance(s, N.While):
            if not isinstance(s.test, N.Name) or s.orelse:
                raise GrammarError("while loop not in normal form")
            _check_block(s.body, True)
        elif isinstance(s, N.Expr):
            check_op(s.value)
        elif isinstance(s, (N.Assert, N.Raise, N.Pass)):
            pass
        elif isinstance(s, N.Return):
            raise GrammarError("return before the end of the function")
        else:
            raise GrammarError(f"statement not in normal form: {type(s).__name__}")


def verify(fn: N.FunctionDef) -> None:
    """Raise GrammarError if `fn` is not in normal form."""
    body = fn.body
    if not body or not isinstance(body[-1], N.Return) or not _is_atom(body[-1].value):
        raise GrammarError("function must end with `return atom`")
    _check_block(body[:-1], in_loop=False)
