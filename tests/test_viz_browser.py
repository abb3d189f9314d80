"""The instruments' pictures as a person sees them: rendered by headless Chromium, checked from the DOM.

For every SVG picture: each text lies inside the picture, inside the smallest box that holds its
anchor point (no text spills out of its box), and no two texts overlap. For the summary table: no
cell's content is wider than the cell. Screenshots are kept in the test's tmp_path.
"""

from __future__ import annotations

import pytest

import learntorch as lt
from learntorch import nn, viz

pytestmark = pytest.mark.browser

CHECK_SVG = """
() => {
  const svg = document.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const rects = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect())
      .filter(r => r.width > 0 && r.height > 0 && r.width < box.width - 1);
  const texts = [...svg.querySelectorAll('text')].map(t => ({s: t.textContent, r: t.getBoundingClientRect()}));
  const problems = [];
  const inside = (a, b, tol) => a.left >= b.left - tol && a.right <= b.right + tol &&
                               a.top >= b.top - tol && a.bottom <= b.bottom + tol;
  for (const t of texts) {
    if (!inside(t.r, box, 0.5)) problems.push('outside the picture: ' + t.s);
    const cx = (t.r.left + t.r.right) / 2, cy = (t.r.top + t.r.bottom) / 2;
    const holders = rects.filter(r => cx > r.left && cx < r.right && cy > r.top && cy < r.bottom);
    if (holders.length) {
      const small = holders.reduce((a, b) => (a.width * a.height <= b.width * b.height ? a : b));
      if (!inside(t.r, small, 1)) problems.push('spills out of its box: ' + t.s);
    }
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i].r, b = texts[j].r;
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 2) problems.push('overlap: ' + texts[i].s + ' / ' + texts[j].s);
  }
  return {problems, n: texts.length, minFont: Math.min(...[...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize)))};
}
"""

CHECK_TABLE = """
() => [...document.querySelectorAll('td, th')]
    .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)
"""


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        yield pg
        browser.close()


def _show(page, html, shot):
    page.set_content(f"<!doctype html><meta charset='utf-8'><body style='margin:8px'>{html}</body>")
    page.screenshot(path=str(shot), full_page=True)


def _svg_ok(page, svg, shot):
    _show(page, svg, shot)
    res = page.evaluate(CHECK_SVG)
    assert res["n"] > 0 and res["problems"] == []
    assert res["minFont"] >= 11  # readable at JupyterLab's default zoom
    return res


def _graph():
    lt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    out = model(lt.randn(5, 3)).pow(2).mean()
    g = viz.graph(out, params=dict(model.named_parameters()))
    out.backward()
    return g


def test_graph_picture_in_chromium(page, tmp_path):
    _svg_ok(page, _graph().svg(), tmp_path / "graph.png")
    # a collapsed (module boxes) graph too
    lt.manual_seed(0)
    net = nn.Sequential(nn.Sequential(nn.Linear(6, 6), nn.ReLU()), nn.Linear(6, 2))
    _svg_ok(page, viz.graph_of(net, lt.ones(3, 6), collapse=True).svg(), tmp_path / "collapsed.png")


def test_memory_picture_in_chromium(page, tmp_path):
    small = lt.arange(6).view(2, 3)
    _svg_ok(page, viz.memory(small=small, transposed=small.t(), reshaped=small.t().reshape(6)).svg(),
            tmp_path / "memory1.png")  # fmt: skip
    x = lt.tensor([[123456.789, -0.000123, 3.0]])
    _svg_ok(
        page,
        viz.memory(x=x, expanded=x.expand(4, 3), repeated=x.repeat(4, 1)).svg(),
        tmp_path / "memory2.png",
    )


def test_summary_table_in_chromium(page, tmp_path):
    lenet = nn.Sequential(nn.Conv2d(1, 6, kernel_size=3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 4 * 4, 10))  # fmt: skip
    s = viz.summary(lenet, input_size=(64, 1, 8, 8), verbose=0, col_names=("kernel_size", "output_size",
                    "num_params", "params_percent", "mult_adds"))  # fmt: skip
    _show(page, s._repr_html_(), tmp_path / "summary.png")
    assert page.evaluate(CHECK_TABLE) == []
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('td')].map(c => parseFloat(getComputedStyle(c).fontSize))"
    )
    assert min(sizes) >= 12


def test_animator_figure_in_chromium(page, tmp_path):
    anim = viz.Animator(legend=["train loss", "test acc"], ncols=2, headless=True, figsize=(7, 2.5))
    for i in range(1, 4):
        anim.add(i, (1 / i, 0.5 + i / 10))
    _show(page, anim.svg(), tmp_path / "animator.png")
    w = page.evaluate("() => document.querySelector('svg').getBoundingClientRect().width")
    assert w == pytest.approx(7 * 96, rel=0.02)  # 7 inches at CSS 96 px per inch, as the PNG twin says
