"""Errors raised for problems in the user's code or arguments.

Every error that reaches a user is a `TangentishError`. When it concerns a
place in the user's source it carries an `Origin` and renders the file, the
line, the offending source line with a caret under the construct, and a hint
saying what to write instead.
"""
from __future__ import annotations

import linecache
import os
import sys
from dataclasses import dataclass

__all__ = [
    "Origin", "TangentishError", "UnsupportedSyntaxError", "NoRuleError",
    "SourceUnavailableError", "ArgumentError", "NonScalarOutputError",
    "FunctionRaisedError", "DerivativeRaisedError", "also_raised_as",
]


@dataclass(frozen=True)
class Origin:
    """A place in the user's source: absolute 1-based line, 0-based columns."""

    file: str
    line: int
    col: int = 0
    end_col: int | None = None
    text: str = ""

    def excerpt(self) -> str:
        if not self.text:
            return ""
        stripped = self.text.rstrip("\n")
        indent = len(stripped) - len(stripped.lstrip())
        shown = stripped.strip()
        start = max(self.col - indent, 0)
        code = shown.split("  #")[0].rstrip()
        end = self.end_col - indent if self.end_col else len(code)
        width = max(min(end, len(shown)) - start, 1)
        return f"    {shown}\n    {' ' * start}{'^' * width}"


def line_origin(file: str, line: int) -> Origin:
    """An Origin covering a whole source line (caret under all of it)."""
    text = linecache.getline(file, line)
    indent = len(text) - len(text.lstrip())
    return Origin(file, line, indent, len(text.rstrip("\n")) or None, text)


def caller_origin() -> Origin | None:
    """Where user code called into tangentish: the first frame outside it."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None:
        file = frame.f_code.co_filename
        if not os.path.abspath(file).startswith(package + os.sep) and not file.startswith("<tangentish"):
            return line_origin(file, frame.f_lineno)
        frame = frame.f_back
    return None


class TangentishError(Exception):
    """Base class of every error about the user's code or arguments."""

    def __init__(self, message: str, origin: Origin | None = None,
                 construct: str | None = None, hint: str | None = None):
        self.message = message
        self.origin = origin
        self.construct = construct
        self.hint = hint
        super().__init__(self._render())

    def __str__(self) -> str:
        # not KeyError's quoted repr when mixed with it (see `also_raised_as`)
        return self.args[0] if self.args else self.message

    def _render(self) -> str:
        head = self.message
        if self.construct:
            head = f"{head}: `{self.construct}`"
        lines = []
        if self.origin is not None:
            lines.append(f"{self.origin.file}:{self.origin.line}: {head}")
            excerpt = self.origin.excerpt()
            if excerpt:
                lines.append(excerpt)
        else:
            lines.append(head)
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class UnsupportedSyntaxError(TangentishError):
    """A Python construct that tangentish cannot differentiate (yet)."""


class NoRuleError(TangentishError):
    """A call with active arguments to a function that has no derivative rule."""


class SourceUnavailableError(TangentishError):
    """The function's source cannot be read (REPL, exec, builtins)."""


class ArgumentError(TangentishError):
    """Bad arguments to a tangentish transformation or a derivative call."""


class NonScalarOutputError(ArgumentError):
    """`grad` was asked for the gradient of a non-scalar output."""


class FunctionRaisedError(TangentishError):
    """The function being differentiated raised on these arguments by itself.

    Raised as a subclass of the original exception's type too (see
    `also_raised_as`), so `except ZeroDivisionError:` around a derivative
    call catches what it would catch around the function."""


class DerivativeRaisedError(TangentishError):
    """The derivative code raised where the function itself did not: a point
    where Python's float arithmetic refuses the derivative (`0.0 ** -0.5`),
    or a bug in tangentish. Also of the original exception's type."""


_MIXED: dict = {}


def also_raised_as(cls: type, exc_type: type) -> type:
    """`cls` mixed with `exc_type`, for errors standing in for `exc_type`.

    Falls back to `cls` alone for exception types that cannot be mixed in
    (their constructor wants other arguments, or their layout conflicts)."""
    key = (cls, exc_type)
    if key not in _MIXED:
        try:
            mixed = type(cls.__name__, (cls, exc_type), {"__module__": cls.__module__})
            mixed("probe")
        except TypeError:
            mixed = cls
        _MIXED[key] = mixed
    return _MIXED[key]
