"""Every explorer app in widgets/ as a student meets it: real JupyterLab (and one app in Voilà), real Chromium.

For each ``widgets/*.ipynb``: open it in JupyterLab, run all cells, then move every control
(sliders by the keyboard, dropdowns and list boxes to another option, checkboxes and buttons
clicked; text boxes and play buttons are left alone) and check that the explorer's output
changes, that no error box appears (neither a red stderr output nor an explorer's error
line), and that the browser console logs no error. JupyterLab is driven by the shared
harness (tests/labharness.py: the ``lab`` fixture), plus list boxes, which it does not move.
One app is then served by Voilà and driven the same way, in the harness's browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
APPS = sorted((ROOT / "widgets").glob("*.ipynb"))
VENV_BIN = Path(sys.executable).parent

# the picture and messages of every explorer output, as one string (the controls themselves excluded)
OUTPUT_STATE = """
() => [...document.querySelectorAll('.jp-OutputArea-output img, .widget-image, .widget-html-content')]
    .map(e => e.getAttribute('src') || e.innerHTML).join('|')
"""
ERROR_BOXES = """
() => document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-error,'
    + ' .widget-html-content div[style*="b00020"], .jupyter-widgets-error-widget').length
"""
TAG_SELECTS = """
() => [...document.querySelectorAll('.jp-OutputArea-output .widget-select')]
    .filter(e => !e.querySelector('[disabled]')).map((e, i) => { e.setAttribute('data-bt-select', String(i)); return i; })
"""
# an offline machine cannot fetch what Voila's page asks of a CDN; that is not the app's error
OFFLINE = "net::ERR_NAME_NOT_RESOLVED"
TAG_CONTROLS = """
() => {
  const found = [];
  const kinds = [['.widget-slider', 'slider'], ['.widget-dropdown', 'dropdown'], ['.widget-select', 'select'],
                 ['.widget-checkbox', 'checkbox'], ['button.jupyter-button', 'button']];
  for (const [sel, kind] of kinds) {
    document.querySelectorAll(sel).forEach(el => {
      if (el.closest('.widget-play')) return;                      // play/stop/repeat: left alone
      const input = el.querySelector('input, select') || el;
      if (input.disabled || el.querySelector('[disabled]') || el.offsetParent === null) return;
      el.setAttribute('data-bt', String(found.length));
      found.push(kind);
    });
  }
  return found;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise TimeoutError(url)


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp / name.lower())
    return env


def _wait_change(page, before: str, timeout: float = 15.0) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        page.wait_for_timeout(250)
        if page.evaluate(OUTPUT_STATE) != before:
            page.wait_for_timeout(300)  # let a redraw that is still arriving land
            return True
    return False


def _drive(page) -> dict[str, list[bool]]:
    """Act on every control once; for each kind, whether the output changed after each action."""
    kinds = page.evaluate(TAG_CONTROLS)
    assert kinds, "no controls found"
    responded: dict[str, list[bool]] = {}
    for i, kind in enumerate(kinds):
        el = page.locator(f'[data-bt="{i}"]')
        if (
            not el.is_visible()
            or el.locator("[disabled]").count()
            or el.get_attribute("disabled") is not None
        ):
            continue
        before = page.evaluate(OUTPUT_STATE)
        if kind == "slider":
            handle = el.locator(".noUi-handle").first
            handle.focus()
            for key in ("ArrowLeft", "ArrowRight"):
                for _ in range(3):
                    handle.press(key)
                    page.wait_for_timeout(100)
                if _wait_change(page, before, 6.0):
                    break
            changed = page.evaluate(OUTPUT_STATE) != before
        else:
            if kind in ("dropdown", "select"):
                sel = el.locator("select").first
                n = sel.locator("option").count()
                sel.select_option(index=(sel.evaluate("e => e.selectedIndex") + 1) % n)
            elif kind == "checkbox":
                el.locator("input").first.click()
            else:
                el.click()
            changed = _wait_change(page, before)
        responded.setdefault(kind, []).append(changed)
    return responded


def _check(state: dict, console: list[str], responded: dict[str, list[bool]], name: str) -> None:
    assert state["errors"] == 0, f"{name}: an error box is shown"
    errors = [m for m in console if OFFLINE not in m]
    assert errors == [], f"{name}: browser console errors {errors}"
    for kind in ("slider", "dropdown", "select", "checkbox"):
        flags = responded.get(kind, [])
        # a slider may legitimately change nothing only when it already sits where the state is
        assert all(flags), f"{name}: {kind}s that did not change the output: {flags}"
    if "button" in responded:
        assert any(responded["button"]), f"{name}: no button changed the output"


@pytest.mark.parametrize("app", APPS, ids=[a.stem for a in APPS])
def test_app_in_jupyterlab(lab, lab_server, app, tmp_path):
    nb = lab.open(lab_server.add(str(app.relative_to(ROOT))))
    try:
        nb.run_all()
        after = nb.report()
        assert after.problems(widgets_must_render=True) == [], after.summary()
        moved = [m for m in nb.interact() if "skipped" not in m]
        assert moved, f"{app.name}: no control found to move"
        responded: dict[str, list[bool]] = {}
        for m in moved:
            assert m["new_errors"] == 0, f"{app.name}: {m['label']} made an error: {nb.report().errors}"
            if "play" not in m["label"].lower():
                responded.setdefault(m["kind"], []).append(bool(m["changed_cells"]))
        for i, _ in enumerate(lab.page.evaluate(TAG_SELECTS)):  # list boxes (a module tree)
            before = lab.page.evaluate(OUTPUT_STATE)
            box = lab.page.locator(f'[data-bt-select="{i}"] select').first
            box.select_option(
                index=(box.evaluate("e => e.selectedIndex") + 1) % box.locator("option").count()
            )
            responded.setdefault("select", []).append(_wait_change(lab.page, before))
        nb.screenshot(tmp_path / f"{app.stem}.png")
        state = {"errors": lab.page.evaluate(ERROR_BOXES)}
        _check(state, nb.report().console_errors, responded, app.name)
        assert any(any(flags) for flags in responded.values()), f"{app.name}: nothing responded"

    finally:
        nb.close()


def test_one_app_in_voila(lab, tmp_path):
    app = ROOT / "widgets" / "attention.ipynb"
    port = _free_port()
    cmd = [str(VENV_BIN / "voila"), str(app), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=log, stderr=log, cwd=ROOT / "widgets")
    try:
        _wait_http(f"http://127.0.0.1:{port}/", timeout=90)
        page = lab.browser.new_page(viewport={"width": 1400, "height": 1000})
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console.append(str(e)))
        page.goto(f"http://127.0.0.1:{port}/", timeout=120000)
        page.wait_for_selector(".widget-image", timeout=120000)
        page.wait_for_timeout(1000)
        responded = _drive(page)
        page.screenshot(path=str(tmp_path / "voila.png"), full_page=True)
        _check({"errors": page.evaluate(ERROR_BOXES)}, console, responded, "voila " + app.name)
        assert sum(map(len, responded.values())) >= 6
    finally:
        proc.terminate()
        proc.wait(timeout=30)
