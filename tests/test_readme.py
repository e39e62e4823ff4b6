"""The ```python blocks of README.md and docs/*.md run as written.

One test per Markdown file.  The blocks of a file are executed in order in
one fresh module namespace, the way a reader would paste them into a script.
Each block is registered with ``linecache`` under its own name, so that
``inspect.getsource`` (which tangentish needs to read a function) works on
functions defined in it, and tracebacks point at the Markdown line.
"""

import linecache
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").rglob("*.md")
                                         if "_templates" not in p.parts)

_OPEN = re.compile(r"^```python\s*$")
_CLOSE = re.compile(r"^```\s*$")


def python_blocks(text):
    """Yield (first_line_number, source) for each ```python block."""
    lines = text.splitlines(keepends=True)
    start, block = None, []
    for number, line in enumerate(lines, 1):
        if start is None:
            if _OPEN.match(line):
                start, block = number + 1, []
        elif _CLOSE.match(line):
            yield start, "".join(block)
            start = None
        else:
            block.append(line)
    if start is not None:
        raise AssertionError(f"unclosed ```python block at line {start - 1}")


def _id(path):
    return str(path.relative_to(ROOT))


@pytest.fixture(autouse=True)
def _rules_restored():
    """Pages register example rules; other tests must not see them."""
    from tangentish.rules import RULES
    saved = RULES.snapshot()
    yield
    RULES.restore(saved)


@pytest.mark.parametrize("document", DOCUMENTS, ids=[_id(p) for p in DOCUMENTS])
def test_python_blocks_run(document):
    if not document.exists():
        pytest.skip(f"{_id(document)} does not exist")
    blocks = list(python_blocks(document.read_text(encoding="utf-8")))
    if not blocks:
        pytest.skip(f"{_id(document)} has no ```python blocks")

    name = "doc_" + re.sub(r"\W", "_", _id(document))
    module = types.ModuleType(name)
    module.__file__ = str(document)
    sys.modules[name] = module
    try:
        for first_line, source in blocks:
            # Pad with blank lines so line numbers match the Markdown file.
            padded = "\n" * (first_line - 1) + source
            filename = f"{document}:python-block-at-line-{first_line}"
            linecache.cache[filename] = (
                len(padded), None, padded.splitlines(keepends=True), filename
            )
            code = compile(padded, filename, "exec")
            exec(code, module.__dict__)
    finally:
        sys.modules.pop(name, None)
