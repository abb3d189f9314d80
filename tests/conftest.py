"""Shared fixtures: the torch oracle, seeding, and skips for what this machine lacks."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import learntorch


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    has_gpu = learntorch.cuda.is_available()
    has_chromium = shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None
    for item in items:
        if "gpu" in item.keywords and not has_gpu:
            item.add_marker(pytest.mark.skip(reason="needs CuPy and an NVIDIA GPU; none on this machine"))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason="needs Debian's chromium (/usr/bin/chromium)"))


@pytest.fixture
def torch():
    """The real PyTorch, the oracle. Installed by the test extra (torch==2.13.0)."""
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
    yield
