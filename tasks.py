"""Project tasks that need nothing but Python 3.11+.

    python3 tasks.py demo     # install into .venv, diagnose the sample case and write its sensitivity report
    python3 tasks.py test     # install into .venv and run the whole test suite (notebooks included)
    python3 tasks.py bench    # install into .venv and run the benchmarks

The first run creates the virtual environment .venv and installs the project with its development extras.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
SAMPLE = ROOT / "examples" / "myeloma_case.json"


def run(*cmd) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if code:
        sys.exit(code)


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    marker = (ROOT / "pyproject.toml").stat().st_mtime
    if not STAMP.exists() or STAMP.stat().st_mtime < marker:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.touch()


def demo() -> None:
    ensure_env()
    run(BIN / "bayesnet", "diagnose", "--case", SAMPLE)
    run(BIN / "bayesnet", "report", "--case", SAMPLE, "--out", ROOT / "report")
    print(f"\nOpen {ROOT / 'report' / 'report.html'} in a browser.")


def test() -> None:
    ensure_env()
    run(PY, "-m", "pytest", *sys.argv[2:])


def bench() -> None:
    ensure_env()
    run(PY, ROOT / "benchmarks" / "run.py", *sys.argv[2:])


if __name__ == "__main__":
    tasks = {"demo": demo, "test": test, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(__doc__)
    tasks[sys.argv[1]]()
