"""The package installs, reports itself, and keeps torch out of its runtime."""

from __future__ import annotations

import subprocess
import sys

import learntorch
from learntorch.cli import info, main


def test_info_reports_versions_and_devices():
    text = info()
    import numpy as np

    assert f"learntorch {learntorch.__version__}" in text
    assert f"numpy      {np.__version__}" in text
    assert "devices    cpu" in text


def test_cli_info_prints(capsys):
    assert main(["info"]) == 0
    assert "learntorch" in capsys.readouterr().out


def test_console_script_runs():
    out = subprocess.run(
        [sys.executable, "-m", "learntorch.cli", "info"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("learntorch ")


def test_importing_learntorch_never_imports_torch():
    code = "import sys, learntorch, learntorch.nn; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_torch_is_pinned_and_test_only():
    """What pip sees (the installed metadata): torch only in the test extra, pinned exactly."""
    from importlib.metadata import requires

    reqs = requires("learntorch") or []
    torch_reqs = [r for r in reqs if r.split(";")[0].strip().startswith("torch")]
    assert len(torch_reqs) == 1, torch_reqs
    spec, marker = (part.strip() for part in torch_reqs[0].split(";"))
    assert spec.replace(" ", "") == "torch==2.13.0"
    assert marker.replace(" ", "").replace("'", '"') == 'extra=="test"'


def test_wheel_contains_every_package(tmp_path):
    """`pip install .` must ship every subpackage the course imports (built from a copy of the sources)."""
    import shutil
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    src = tmp_path / "src"
    shutil.copytree(root / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "w"),
            str(tmp_path),
        ],
        check=True,
    )
    (wheel,) = (tmp_path / "w").glob("learntorch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(p.relative_to(root / "src"))
        for p in (root / "src" / "learntorch").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert expected <= names, sorted(expected - names)
    assert "learntorch/py.typed" in names
