"""Every explorer app in widgets/ as a student meets it: real JupyterLab (and one app in Voilà), real Chromium.

For each ``widgets/*.ipynb``: open it in JupyterLab, run all cells, then move every control
(sliders by the keyboard, dropdowns and list boxes to another option, checkboxes and buttons
clicked; text boxes and play buttons are left alone) and check that the explorer's output
changes, that no error box appears (neither a red stderr output nor an explorer's error
line), and that the browser console logs no error. One app is then served by Voilà and
driven the same way.

Written on plain playwright (no shared harness existed when this was written).
"""

from __future__ import annotations

import os
import shutil
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
TOKEN = "widgets-browser-test"

# the picture and messages of every explorer output, as one string (the controls themselves excluded)
OUTPUT_STATE = """
() => [...document.querySelectorAll('.jp-OutputArea-output img, .widget-image, .widget-html-content')]
    .map(e => e.getAttribute('src') || e.innerHTML).join('|')
"""
ERROR_BOXES = """
() => document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-error,'
    + ' .widget-html-content div[style*="b00020"], .jupyter-widgets-error-widget').length
"""
KERNEL_IDLE = """
() => { const w = window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return k && k.status === 'idle'; }
"""
# run all cells; waits for the run, but at most 120 s (a hung promise must not hang the test)
RUN_ALL = """
() => Promise.race([window.jupyterapp.commands.execute('notebook:run-all-cells'),
                    new Promise(r => setTimeout(r, 120000))]).then(() => true)
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


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "widgets", tmp / "widgets")
    settings = tmp / "settings"
    (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}'
    )
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    port = _free_port()
    cmd = [str(VENV_BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp}", "--LabApp.expose_app_in_browser=True", "--allow-root",
           f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'ws'}"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=_env(tmp), stdout=subprocess.DEVNULL, stderr=(tmp / "server.log").open("w")
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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


def _accept_dialogs(page) -> None:
    """Accept a dialog JupyterLab may show on opening (a kernel choice, a trust question)."""
    page.wait_for_timeout(1000)
    for _ in range(3):
        button = page.locator(".jp-Dialog .jp-mod-accept")
        if not button.count():
            return
        button.first.click()
        page.wait_for_timeout(500)


def _shutdown_kernels(base: str) -> None:
    """Stop the kernels the test started, so the next app does not share the cores with them."""
    import json  # noqa: PLC0415

    with urllib.request.urlopen(f"{base}/api/sessions?token={TOKEN}", timeout=10) as r:
        sessions = json.load(r)
    for s in sessions:
        req = urllib.request.Request(f"{base}/api/sessions/{s['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(req, timeout=30)


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
def test_app_in_jupyterlab(browser, lab, app, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.goto(f"{lab}/lab/tree/widgets/{app.name}?token={TOKEN}")
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=60000)
    page.wait_for_timeout(2000)
    _accept_dialogs(page)
    page.wait_for_function(KERNEL_IDLE, timeout=120000)
    page.evaluate(RUN_ALL)
    page.wait_for_selector(
        ".jp-OutputArea-output .widget-image, .jp-OutputArea-output .widget-html", timeout=120000
    )
    page.wait_for_timeout(1500)
    responded = _drive(page)
    page.screenshot(path=str(tmp_path / f"{app.stem}.png"), full_page=True)
    page_state = {"errors": page.evaluate(ERROR_BOXES)}
    page.close()
    _shutdown_kernels(lab)
    _check(page_state, console, responded, app.name)


def test_one_app_in_voila(browser, tmp_path):
    app = ROOT / "widgets" / "attention.ipynb"
    port = _free_port()
    cmd = [str(VENV_BIN / "voila"), str(app), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=log, stderr=log, cwd=ROOT / "widgets")
    try:
        _wait_http(f"http://127.0.0.1:{port}/", timeout=90)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
