#!/usr/bin/env python3
"""Set up and run learntorch on a fresh machine with nothing but Python 3.10+.

    python3 dev.py course   # make .venv, install learntorch + JupyterLab, open notebooks/
    python3 dev.py demo     # make .venv, install learntorch, run the headless demo
    python3 dev.py test     # make .venv, install the test extras, run lint + every test
    python3 dev.py map      # regenerate notebooks/map.json (sections of the notes -> chapter cells)

The virtual environment lives in ./.venv and is reused on later runs; an install
step re-runs only when pyproject.toml changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)  # type: ignore[arg-type]


def ensure_env(extras: str) -> None:
    """Create .venv once; (re)install learntorch with ``extras`` when anything changed."""
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py runs on whatever python3 the machine has
        sys.exit("learntorch needs Python 3.10 or newer")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
    # torch is pinned (==2.13.0) in the test extra; pip never resolves another version
    run(PY, "-m", "pip", "install", "-q", "-e", f".[{extras}]")
    stamp.write_text(digest)


def cmd_course() -> None:
    ensure_env("lab,data")
    run(BIN / "jupyter", "lab", "notebooks/")


def cmd_demo(*args: str) -> None:
    ensure_env("data")
    run(BIN / "learntorch", "demo", *args)


def cmd_test(*args: str) -> None:
    ensure_env("test,lab,data")
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    run(PY, "-m", "pytest", "--nbval", "--nbval-sanitize-with", "notebooks/sanitize.cfg", *args, env=env)


def cmd_map() -> None:
    """Regenerate notebooks/map.json: which chapter cell is the home of each section of the notes."""
    import json  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "src"))
    from learntorch.course import build_map  # noqa: PLC0415

    built = build_map(ROOT / "notebooks")
    text = json.dumps(built, ensure_ascii=False, indent=1) + "\n"
    (ROOT / "notebooks" / "map.json").write_text(text, encoding="utf-8")
    print(f"notebooks/map.json: {len(built['sections'])} sections homed, {len(built['missing'])} missing")


def main() -> None:
    commands = {"course": cmd_course, "demo": cmd_demo, "test": cmd_test, "map": cmd_map}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
