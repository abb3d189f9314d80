"""Every chapter, as a student meets it in JupyterLab: pictures drawn on first open, and Run All clean.

One JupyterLab server and one Chromium page serve all chapters (``lab`` fixture). A chapter
is opened exactly as shipped, so it is untrusted: JupyterLab then draws PNG but not SVG, and
strips ``<svg>`` out of HTML. Screenshots go to ``$LEARNTORCH_SHOTS/<chapter>/`` when set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_in_jupyterlab(lab, chapter):
    shots = (
        Path(os.environ["LEARNTORCH_SHOTS"]) / chapter.stem if os.environ.get("LEARNTORCH_SHOTS") else None
    )
    nb = lab.open(lab.server.add(chapter))
    try:
        shipped = nb.report()
        if shots:
            nb.screenshot(shots / "shipped.png")
        assert shipped.n_executed == shipped.n_code, f"{chapter.name} ships with unrun cells"
        assert shipped.problems() == [], f"as shipped: {shipped.summary()}"

        nb.run_all(timeout=240)
        after = nb.report()
        if shots:
            nb.screenshot(shots / "run.png")
        assert after.n_executed == after.n_code, after.summary()
        assert after.problems(widgets_must_render=True) == [], f"after Run All: {after.summary()}"
    finally:
        nb.close()
