#!/usr/bin/env python3
"""Set up and run learntorch on a fresh machine with nothing but Python 3.10+.

    python3 dev.py course   # make .venv, install learntorch + JupyterLab, open notebooks/
    python3 dev.py demo     # make .venv, install learntorch, run the headless demo
    python3 dev.py test     # make .venv, install the test extras, run lint + every test
    python3 dev.py map      # regenerate notebooks/map.json (sections of the notes -> chapter cells)

The virtual environment lives in ./.venv and is reused on later runs; learntorch is
installed once with the extras the commands need, and again only when pyproject.toml
changes or a command needs an extra that is not there yet. Extra arguments go to the
tool: `dev.py course --port 8899`, `dev.py test tests/test_autograd.py -x`. As root,
`dev.py course` passes --allow-root to JupyterLab.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)  # type: ignore[arg-type]


def step(what: str, *cmd: str | Path) -> None:
    """One set-up step as one line; its output is shown only when it fails."""
    print(f"learntorch: {what} ...", end=" ", flush=True)
    t0 = time.time()
    done = subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print("failed", flush=True)
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        sys.exit(f"learntorch: {what} failed (exit {done.returncode}); its output is above")
    print(f"done ({time.time() - t0:.0f} s)", flush=True)


def ensure_env(extras: str) -> None:
    """Create .venv once; install learntorch with the extras any command has needed so far.

    One stamp records what is installed (the extras and a digest of pyproject.toml), so a
    command whose extras are already there starts at once, and a new one installs the union.
    """
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py runs on whatever python3 the machine has
        sys.exit("learntorch needs Python 3.10 or newer")
    if not PY.exists():
        print("learntorch: creating the virtual environment ./.venv (once) ...", end=" ", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        print("done", flush=True)
        step(
            "updating pip in .venv",
            PY,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-U",
            "pip",
        )
    stamp = VENV / ".learntorch-installed.json"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    have: set[str] = set()
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded.get("pyproject") == digest:
            have = set(recorded.get("extras", []))
    want = set(extras.split(","))
    if want <= have and have:
        return
    union = ",".join(sorted(want | have))
    # torch is pinned (==2.13.0) in the test extra; pip never resolves another version
    step(
        f"installing learntorch with [{union}] into .venv (first run: a few minutes)",
        PY,
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        "-e",
        f".[{union}]",
    )
    stamp.write_text(json.dumps({"pyproject": digest, "extras": sorted(want | have)}) + "\n")


def cmd_course(*args: str) -> None:
    """Open the course in JupyterLab; extra arguments go to ``jupyter lab``."""
    ensure_env("lab,data")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    extra = ["--allow-root"] if root and "--allow-root" not in args else []
    run(BIN / "jupyter", "lab", "notebooks/", *extra, *args)


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
    try:
        commands[sys.argv[1]](*sys.argv[2:])
    except subprocess.CalledProcessError as err:
        sys.exit(f"learntorch: `{' '.join(map(str, err.cmd))}` exited with status {err.returncode}")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
