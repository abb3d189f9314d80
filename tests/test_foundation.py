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
