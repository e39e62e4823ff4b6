"""Every script in examples/ runs, passes its own checks, and prints code.

Each example checks its derivatives against finite differences and exits
non-zero on a mismatch, so running it is the test.  New examples are picked
up automatically.  An example that needs more than tangentish does says so
on a line `# requires: scipy` (the `examples` extra) and is skipped where
that package is missing.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_there_are_examples():
    assert EXAMPLES, f"no examples found in {ROOT / 'examples'}"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script):
    for line in re.findall(r"^# requires: (.+)$", script.read_text(), re.M):
        for package in line.replace(",", " ").split():
            if importlib.util.find_spec(package) is None:
                pytest.skip(f"{script.name} needs {package}, which is not installed")
    env = dict(os.environ)
    # Let the examples import the package from this checkout even when it
    # has not been pip-installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (
        f"python {script.relative_to(ROOT)} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    assert result.returncode == 0, report
    assert "def " in result.stdout, "no generated code was printed\n" + report
