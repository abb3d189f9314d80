"""The browser harness sees what a student sees: it catches stripped pictures, errors and dead controls."""

from __future__ import annotations

import base64
import io
import json

import pytest

pytestmark = pytest.mark.browser


def _png() -> str:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, ax = plt.subplots(figsize=(1, 1), dpi=60)
    ax.plot([0, 1], [1, 0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><text x="5" y="20">label</text></svg>'


def _code(source: str, outputs: list | None = None, n: int | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": n,
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def _display(data: dict) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": {}}


@pytest.fixture(scope="module")
def made_notebook(tmp_path_factory):
    png = _png()
    cells = [
        _code("print('hello')", [{"output_type": "stream", "name": "stdout", "text": "hello\n"}], 1),
        _code(
            f"from IPython.display import SVG, HTML, Image, display\ndisplay(SVG({SVG!r}))",
            [_display({"image/svg+xml": SVG, "text/plain": "<Picture>"})],
            2,
        ),
        _code(
            f"display(HTML('<div>{SVG}</div>'))",
            [_display({"text/html": f"<div>{SVG}</div>", "text/plain": "<Picture>"})],
            3,
        ),
        _code(
            f"import base64\ndisplay(Image(data=base64.b64decode({png!r})))",
            [_display({"image/png": png, "text/plain": "<Figure>"})],
            4,
        ),
        _code(
            "import ipywidgets as w\n"
            "out = w.Output()\n"
            "s = w.IntSlider(value=1, min=0, max=10, description='n')\n"
            "def show(change=None):\n"
            "    out.clear_output(wait=True)\n"
            "    with out:\n"
            "        print('n squared is', s.value ** 2)\n"
            "s.observe(show, names='value')\n"
            "show()\n"
            "display(s, out)"
        ),
        _code("import sys\nprint('careful', file=sys.stderr)"),
        _code("raise ValueError('boom on purpose')"),
    ]
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path_factory.mktemp("harness") / "made.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_harness_reports_shipped_pictures_run_errors_and_controls(lab, made_notebook, tmp_path):
    nb = lab.open(lab.server.add(made_notebook))
    try:
        shipped = nb.report()
        assert shipped.pictures_in_model == 3
        assert shipped.pictures_rendered == 1, shipped.cells  # only the PNG: untrusted SVG is not drawn
        missing = shipped.missing_pictures
        assert len(missing) == 2 and "cell 1 output 0" in missing[0] and "cell 2 output 0" in missing[1]
        assert shipped.errors == [] and shipped.run_end == "not run"

        nb.run_all(timeout=120)
        after = nb.report()
        assert after.run_end == "settled"
        assert after.errors == ["cell 6: ValueError: boom on purpose"]
        assert after.stderr == ["cell 5: careful\n"]
        assert after.widgets["in_model"] == 2 and after.widgets["rendered"] == 2
        assert after.n_executed == 7 and after.pictures_rendered == 3  # run here: trusted, SVG drawn
        assert any("ValueError" in p for p in after.problems())

        moved = nb.interact()
        assert [(c["kind"], c["label"], c["before"], c["after"]) for c in moved] == [
            ("slider", "n", "1", "4")
        ]
        assert moved[0]["changed_cells"] == [4] and moved[0]["new_errors"] == 0
        assert "n squared is 16" in nb.report().cells[4]["outputs"][1]["text"]

        shot = nb.screenshot(tmp_path / "full.png")
        assert shot.stat().st_size > 10_000
        assert nb.cell_screenshot(3, tmp_path / "png.png").stat().st_size > 500
    finally:
        nb.close()


def test_kernel_runs_this_python_with_the_repos_sources(lab, tmp_path):
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    src = Path(__file__).resolve().parent.parent / "src"
    path = tmp_path / "which.ipynb"
    code = "import sys, learntorch\nprint(sys.executable)\nprint(learntorch.__file__)"
    path.write_text(json.dumps({"cells": [_code(code)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    nb = lab.open(lab.server.add(path))
    try:
        nb.run_all(timeout=60)
        shown = nb.report().cells[0]["outputs"][0]["text"].split("\n")
    finally:
        nb.close()
    assert shown[0] == sys.executable
    assert shown[1].startswith(str(src))
