"""Shared fixtures: the torch oracle, seeding, and skips for what this machine lacks."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from labharness import Lab, LabServer, missing_requirements

import learntorch


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    has_gpu = learntorch.cuda.is_available()
    no_browser = missing_requirements()
    for item in items:
        if "gpu" in item.keywords and not has_gpu:
            item.add_marker(pytest.mark.skip(reason="needs CuPy and an NVIDIA GPU; none on this machine"))
        if "browser" in item.keywords and no_browser:
            item.add_marker(pytest.mark.skip(reason=no_browser))


@pytest.fixture
def torch():
    """The real PyTorch, the oracle. Installed by the test extra (torch==2.13.0)."""
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
    yield


@pytest.fixture(scope="session")
def lab_server() -> Iterator[LabServer]:
    """One real ``jupyter lab`` for the whole session (kernel: this python, the repo's src first)."""
    with LabServer() as server:
        yield server


@pytest.fixture(scope="module")
def lab(lab_server: LabServer) -> Iterator[Lab]:
    """A headless Chromium page on ``lab_server``: ``lab.open(lab_server.add(path))``.

    Per module, not per session: playwright's sync API allows one instance at a time, and
    other browser tests (tests/test_viz_browser.py) start their own.
    """
    with Lab(lab_server) as browser:
        yield browser
