"""Shrink a failing program: drop unused helpers, and statements and blocks
of `f`, and unwrap blocks, while the verdict stays the same, so that a
regression test reads like the bug."""
import pathlib
import tempfile

from .check import check


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_end(lines: list, i: int) -> int:
    """One past the last line of the statement starting at line i."""
    end = i + 1
    while end < len(lines) and _indent(lines[end]) > _indent(lines[i]):
        end += 1
    return end


def _compiles(lines: list) -> bool:
    try:
        compile("\n".join(lines) + "\n", "<shrink>", "exec")
        return True
    except SyntaxError:
        return False


def _candidates(lines: list, i: int):
    end = _block_end(lines, i)
    yield lines[:i] + lines[end:]                      # drop the statement
    if end > i + 1 and lines[i].rstrip().endswith(":"):  # unwrap the block
        body = [line[4:] for line in lines[i + 1:end]]
        yield lines[:i] + body + lines[end:]


def shrink(source: str, seed: int, verdict: str = "wrong") -> str:
    """The smallest program found whose check at `seed` still gives `verdict`."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="tangentish-shrink-"))
    tries = [0]

    def same(lines: list) -> bool:
        if not _compiles(lines):
            return False
        tries[0] += 1
        path = folder / f"shrink_{seed}_{tries[0]}.py"  # a fresh module each time
        path.write_text("\n".join(lines) + "\n")
        return check(path, seed)[0] == verdict

    lines = source.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("def "))
    changed = True
    while changed:
        changed = False
        i = start
        while i < len(lines) - 1:  # the final return stays
            if lines[i].startswith("def f("):
                i += 1
                continue
            for candidate in _candidates(lines, i):
                if same(candidate):
                    lines, changed = candidate, True
                    break
            else:
                i += 1
    return "\n".join(lines) + "\n"
