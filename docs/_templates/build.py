"""Fill docs templates with real outputs.

Template syntax (only inside ```text blocks, on a line of its own):
  {{out}}  -> stdout of the most recent ```python block (blocks of one file
              run in order in one namespace, cwd = repo root, like the test)
  {{sh}}   -> output of the most recent ```bash block, run in the repo root
Usage: python build.py [name ...]
"""
import contextlib
import io
import linecache
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

SRC = Path(__file__).parent
REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def build(name: str) -> None:
    text = (SRC / f"{name}.md").read_text()
    ns: dict = {}
    last_out = ""
    last_sh = ""
    out_parts = []
    pos = 0
    os.chdir(REPO)
    for m in FENCE.finditer(text):
        out_parts.append(text[pos:m.start()])
        lang, body = m.group(1), m.group(2)
        if lang == "python":
            buf = io.StringIO()
            try:
                # like tests/test_readme.py: padded to the Markdown line numbers,
                # registered with linecache under the document's path
                first = text[:m.start()].count("\n") + 2
                padded = "\n" * (first - 1) + body
                filename = f"{DOCS / name}.md:python-block-at-line-{first}"
                linecache.cache[filename] = (len(padded), None, padded.splitlines(True), filename)
                with contextlib.redirect_stdout(buf):
                    exec(compile(padded, filename, "exec"), ns)
            except Exception:
                print(buf.getvalue())
                traceback.print_exc()
                raise SystemExit(f"{name}: python block failed:\n{body}")
            last_out = buf.getvalue()
        elif lang == "bash" and "{{sh}}" in text[m.end():m.end() + 200]:
            r = subprocess.run(["bash", "-c", body], cwd=REPO, capture_output=True, text=True)
            last_sh = r.stdout + r.stderr
        if lang == "text":
            body = body.replace("{{out}}\n", last_out.rstrip() + "\n")
            body = body.replace("{{sh}}\n", last_sh.rstrip() + "\n")
            if "{{" in body:
                raise SystemExit(f"{name}: unfilled placeholder")
        out_parts.append(f"```{lang}\n{body}```\n")
        pos = m.end()
    out_parts.append(text[pos:])
    DOCS.mkdir(exist_ok=True)
    (DOCS / f"{name}.md").write_text("".join(out_parts))
    print(f"wrote docs/{name}.md")


if __name__ == "__main__":
    names = sys.argv[1:] or [p.stem for p in SRC.glob("*.md")]
    for n in names:
        build(n)
