"""Command line: `python -m tangentish show FILE.py:FUNC [--mode M] [--wrt NAME]`.

`show` prints the generated derivative source of a function in a file;
`rules` prints the rule table, one function per line, with its modes.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from . import api
from .errors import TangentishError
from .rules import RULES


def _load(spec: str):
    if ":" not in spec:
        raise SystemExit(f"error: expected FILE.py:FUNC, got {spec!r}")
    path, func = spec.rsplit(":", 1)
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"error: no such file: {path}")
    sys.path.insert(0, str(file.resolve().parent))
    module_spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[file.stem] = module
    module_spec.loader.exec_module(module)
    target = module
    for part in func.split("."):
        if not hasattr(target, part):
            raise SystemExit(f"error: {path} defines no {func!r}")
        target = getattr(target, part)
    return target


def _wrt(value: str | None):
    if value is None:
        return 0
    parts = [int(p) if p.lstrip("-").isdigit() else p for p in value.split(",")]
    return parts[0] if len(parts) == 1 else tuple(parts)


def _rule_name(fn) -> str:
    module = getattr(fn, "__module__", None) or type(fn).__module__
    name = getattr(fn, "__name__", None) or repr(fn)
    if module in (None, "builtins"):
        return name
    if module.startswith("numpy"):
        module = "numpy.linalg" if module.startswith("numpy.linalg") else "numpy"
    if module == "_operator":
        module = "operator"
    return f"{module}.{name}"


def show_rules() -> None:
    rows = sorted((_rule_name(r.fn), r) for r in RULES)
    both = 0
    for name, rule in rows:
        kind = "nondiff" if rule.nondiff else ("forward+reverse" if rule.has_forward and rule.has_reverse
                                                else "forward" if rule.has_forward else "reverse")
        both += rule.has_forward and rule.has_reverse and not rule.nondiff
        print(f"{name:32s} {kind}")
    nondiff = sum(r.nondiff for r in RULES)
    print(f"{len(rows)} functions: {both} differentiable in both modes, {nondiff} non-differentiable")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tangentish")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the generated derivative code of FILE.py:FUNC")
    show.add_argument("target", metavar="FILE.py:FUNC")
    show.add_argument("--mode", choices=("reverse", "forward", "forward-vector"), default="reverse")
    show.add_argument("--wrt", default=None, help="parameter name(s) or index(es), comma separated")
    sub.add_parser("rules", help="print the derivative rule table")
    args = parser.parse_args(argv)
    if args.command == "rules":
        show_rules()
        return 0
    try:
        print(api.source(_load(args.target), mode=args.mode, wrt=_wrt(args.wrt)), end="")
    except TangentishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `python -m tangentish rules | head`
        sys.stderr.close()
        sys.exit(0)
