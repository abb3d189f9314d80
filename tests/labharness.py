"""A notebook as a student sees it: real JupyterLab, driven in headless Chromium.

Not a test file: browser tests import it (and ``tests/conftest.py`` builds its
session fixtures from it). Three pieces:

``LabServer``  a ``jupyter lab`` on 127.0.0.1 (free port, random token) whose config,
               data, runtime, IPython and settings folders are temporary, so nothing
               of the user's setup leaks in and nothing is left behind. Its kernel
               ``python3`` runs the python of the test run (``sys.executable``) with the
               repository's ``src`` first on ``PYTHONPATH``. News, update checks and
               autosave are off; cells are not windowed (every cell is painted).
``Lab``        one headless Chromium page on that server (playwright, Debian's
               ``/usr/bin/chromium``). ``lab.open("01_tensors.ipynb")`` opens a notebook
               copied into the server's folder and returns a ``Notebook``.
``Notebook``   ``run_all()``, ``report()`` (what is on screen), ``interact()`` (move every
               control), ``screenshot()``, ``close()``.

>>> with LabServer() as server, Lab(server) as lab:          # doctest: +SKIP
...     nb = lab.open(server.add("notebooks/01_tensors.ipynb"))
...     shipped = nb.report()                # as shipped: untrusted, nothing run yet
...     nb.run_all()
...     after = nb.report()
...     assert not shipped.problems() and not after.problems()

An untrusted notebook (every notebook is, in a fresh data folder) shows PNG/JPEG
but not SVG, and strips ``<svg>`` out of HTML: ``report().missing_pictures`` lists the
stored picture outputs that did not become a picture on screen.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PICTURE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def missing_requirements() -> str | None:
    """Why browser tests cannot run here (None when they can)."""
    import importlib.util  # noqa: PLC0415

    if not Path(CHROMIUM).exists():
        return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    for mod in ("playwright", "jupyterlab", "ipykernel"):
        if importlib.util.find_spec(mod) is None:
            return f"needs {mod} (pip install -e '.[test,lab]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1) + "\n")


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (read from /proc; empty where there is no /proc)."""
    parent_of: dict[int, int] = {}
    for d in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                parent_of[int(d)] = int(stat[stat.rindex(")") + 2 :].split()[1])
            except (OSError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        out += kids
        todo += kids
    return out


class LabServer:
    """A throw-away ``jupyter lab`` serving a temporary folder (``self.root``).

    ``python`` runs both the server and the kernel; ``kernel_env`` is added to the
    kernel's environment (``PYTHONPATH`` defaults to the repository's ``src``).
    """

    def __init__(
        self,
        python: str = sys.executable,
        kernel_env: dict[str, str] | None = None,
        log: str | Path | None = None,
    ) -> None:
        self.python = python
        self.kernel_env = {"PYTHONPATH": str(REPO / "src"), **(kernel_env or {})}
        self.tmp = Path(tempfile.mkdtemp(prefix="labharness-"))
        self.root = self.tmp / "work"
        self.log_path = Path(log) if log else self.tmp / "server.log"
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._kernels: set[int] = set()

    # -- set-up
    def _prepare(self) -> dict[str, str]:
        dirs = {k: self.tmp / k for k in ("config", "data", "runtime", "ipython", "settings", "workspaces")}
        for d in [*dirs.values(), self.root]:
            d.mkdir(parents=True, exist_ok=True)
        # The kernel: named python3 (what the chapters ask for); JUPYTER_PREFER_ENV_PATH=0 below makes
        # this spec win over the one a virtual environment ships in its own share/jupyter/kernels.
        _write_json(
            dirs["data"] / "kernels" / "python3" / "kernel.json",
            {
                "argv": [self.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "env": self.kernel_env,
            },
        )
        s = dirs["settings"] / "@jupyterlab"
        _write_json(
            s / "apputils-extension" / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        _write_json(
            s / "notebook-extension" / "tracker.jupyterlab-settings",
            {"windowingMode": "none", "scrollPastEnd": False},
        )
        _write_json(s / "docmanager-extension" / "plugin.jupyterlab-settings", {"autosave": False})
        env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "JUPYTER_TOKEN", "BROWSER")}
        env.pop("MPLBACKEND", None)  # a student's kernel draws inline, not with the test run's Agg
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            IPYTHONDIR=str(dirs["ipython"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            JUPYTER_PREFER_ENV_PATH="0",
            PYTHONUNBUFFERED="1",
        )
        self._dirs = dirs
        return env

    def start(self, timeout: float = 90) -> LabServer:
        env = self._prepare()
        cmd = [
            self.python,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_root=True",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run commands
            "--LabApp.news_url=",
            f"--LabApp.user_settings_dir={self._dirs['settings']}",
            f"--LabApp.workspaces_dir={self._dirs['workspaces']}",
            "--LabApp.extension_manager=readonly",
            "--KernelSpecManager.ensure_native_kernel=False",
        ]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited (rc={self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("status")
                break
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"jupyter lab did not answer in {timeout}s:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.25)
        spec = self.api("kernelspecs")["kernelspecs"]["python3"]["spec"]
        if spec["argv"][0] != self.python:
            self.stop()
            raise RuntimeError(f"the server's python3 kernel is {spec['argv'][0]}, not {self.python}")
        return self

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(
            f"{self.base}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def add(self, notebook: str | Path, name: str | None = None) -> str:
        """Copy a notebook (byte for byte) into the served folder; return its path there."""
        src = Path(notebook)
        if not src.is_absolute():
            src = REPO / src
        name = name or src.name
        shutil.copyfile(src, self.root / name)
        return name

    def url(self, path: str = "") -> str:
        return f"{self.base}/lab{('/tree/' + path) if path else ''}?reset&token={self.token}"

    # -- tear-down
    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._kernels.update(_children(self.proc.pid))
            try:
                self.api("shutdown", method="POST")
                self.proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        for pid in self._kernels:  # kernels that outlived their server (only ours: seen as its children)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()
        self.proc = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# The page side: window.__lh, installed once per page. Cells and outputs are read from
# JupyterLab's models (what is stored) and from the DOM (what is on screen).
JS = r"""
() => {
  const app = window.jupyterapp;
  const WIDGET = 'application/vnd.jupyter.widget-view+json';
  const STDERR = 'application/vnd.jupyter.stderr';
  const PICS = ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'];
  const lh = window.__lh = {runs: {}};
  const text = (t) => (Array.isArray(t) ? t.join('') : (t || '')).replace(/\u001b\[[0-9;]*m/g, '');
  lh.panel = (path) => {
    for (const w of app.shell.widgets('main'))
      if (w && w.context && w.context.path === path && w.content && w.sessionContext) return w;
    return null;
  };
  lh.hash = (s) => { let h = 5381; for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0;
                     return (h >>> 0).toString(16) + ':' + s.length; };
  lh.isWidgetView = (e) => {
    const t = (e.textContent || '').trim();
    if (e.children.length === 0 && /^(Loading widget|Error displaying widget)/.test(t)) return true;
    return Array.from(e.children).some(c => c.classList.contains('jupyter-widgets'));
  };
  // a picture on screen: a decoded <img>, an <svg> bigger than an icon, or a <canvas>
  lh.pictures = (node) => {
    let n = 0;
    node.querySelectorAll('img').forEach(e => { if (e.complete && e.naturalWidth > 0) n++; });
    node.querySelectorAll('svg').forEach(e => {
      if (e.parentElement && e.parentElement.closest('svg')) return;
      const r = e.getBoundingClientRect(); if (r.width > 24 && r.height > 24) n++; });
    node.querySelectorAll('canvas').forEach(e => { if (e.width > 0 && e.height > 0) n++; });
    return n;
  };
  lh.codeCells = (path) => {
    const p = lh.panel(path); if (!p) return [];
    return p.content.widgets.map((cell, index) => ({cell, index})).filter(c => c.cell.model.type === 'code');
  };
  lh.state = (path) => {
    const p = lh.panel(path);
    if (!p) return {panel: false};
    const k = p.sessionContext.session && p.sessionContext.session.kernel;
    let running = 0, loading = 0, all = '';
    for (const {cell} of lh.codeCells(path)) {
      const pr = cell.node.querySelector('.jp-InputArea-prompt');
      if (pr && pr.textContent.includes('*')) running++;
      const oa = cell.node.querySelector('.jp-Cell-outputArea');
      if (oa) {
        all += lh.hash(oa.innerHTML) + '|';
        loading += Array.from(oa.querySelectorAll('.jp-OutputArea-output'))
          .filter(e => lh.isWidgetView(e) && (e.textContent || '').trim().startsWith('Loading widget')).length;
      }
    }
    return {panel: true, kernel: k ? k.status : 'none', running, loading, hash: lh.hash(all),
            run: lh.runs[path] || null,
            dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.slice(0, 300))};
  };
  lh.runAll = (path) => {
    const p = lh.panel(path);
    app.shell.activateById(p.id);
    const run = lh.runs[path] = {done: false, error: null};
    app.commands.execute('notebook:run-all-cells').then(
      () => { run.done = true; }, (e) => { run.done = true; run.error = String(e); });
  };
  lh.collect = (path) => lh.codeCells(path).map(({cell, index}) => {
    const outs = cell.model.outputs.toJSON();
    const oa = cell.node.querySelector('.jp-Cell-outputArea');
    const kids = oa ? Array.from(oa.children).filter(e => e.classList.contains('jp-OutputArea-child')) : [];
    const outputs = outs.map((o, i) => {
      const data = o.data || {};
      const html = text(data['text/html']);
      const kid = kids[i];
      const shown = kid ? kid.querySelector('.jp-OutputArea-output') : null;
      const res = {type: o.output_type, mimes: Object.keys(data),
                   picture: PICS.some(m => m in data) || /<(svg|img)[\s>]/i.test(html),
                   widget: WIDGET in data, on_screen: !!shown,
                   pictures_shown: shown ? lh.pictures(shown) : 0,
                   shown_mime: shown ? shown.getAttribute('data-mime-type') : null,
                   text: shown ? shown.innerText.slice(0, 300) : ''};
      if (o.output_type === 'error') res.error = {ename: o.ename, evalue: text(o.evalue).slice(0, 500),
                                                   traceback: text((o.traceback || []).slice(-3).join('\n')).slice(-1500)};
      if (o.output_type === 'stream' && o.name === 'stderr') res.stderr = text(o.text).slice(0, 800);
      if (res.widget && shown) {
        const views = [shown].concat(Array.from(shown.querySelectorAll('.jp-OutputArea-output'))).filter(lh.isWidgetView);
        const t = (shown.textContent || '').trim();
        res.widget_state = shown.querySelector('.jupyter-widgets-error-widget') || /Error displaying widget|model not found/.test(t)
          ? 'broken' : t.startsWith('Loading widget') ? 'loading' : views.length ? 'rendered' : 'text';
      }
      return res;
    });
    const inWidgets = oa ? Array.from(oa.querySelectorAll('.widget-output .jp-OutputArea-output[data-mime-type="' + STDERR + '"]')) : [];
    return {index, source: cell.model.sharedModel.getSource().split('\n')[0].slice(0, 100),
            execution_count: cell.model.executionCount === undefined ? null : cell.model.executionCount,
            outputs, widget_output_stderr: inWidgets.map(e => e.innerText.slice(0, 800)),
            red_boxes: oa ? oa.querySelectorAll('.jp-OutputArea-output[data-mime-type="' + STDERR + '"]').length : 0};
  });
  // per code cell: a hash of its outputs with the controls' own DOM left out
  lh.outputHashes = (path) => lh.codeCells(path).map(({cell}) => {
    const oa = cell.node.querySelector('.jp-Cell-outputArea'); if (!oa) return '';
    const c = oa.cloneNode(true);
    c.querySelectorAll('.widget-slider, .widget-dropdown, .widget-checkbox, .widget-toggle-button, .widget-button, .widget-readout')
      .forEach(e => e.remove());
    return lh.hash(c.innerHTML);
  });
  lh.tagControls = (path) => {
    const found = [];
    for (const {cell, index} of lh.codeCells(path)) {
      const oa = cell.node.querySelector('.jp-Cell-outputArea'); if (!oa) continue;
      const add = (el, kind) => {
        const id = 'lh' + found.length; el.setAttribute('data-lh-id', id);
        const lab = el.querySelector('.widget-label');
        const h = el.querySelector('.noUi-handle');
        found.push({id, kind, cell: index, label: lab ? lab.innerText.trim() : (el.innerText || '').trim().slice(0, 60),
                    vertical: el.classList.contains('widget-vslider'),
                    at_max: h ? h.getAttribute('aria-valuenow') === h.getAttribute('aria-valuemax') : false,
                    disabled: el.disabled === true || !!el.querySelector('[disabled]') || (h && h.getAttribute('aria-disabled') === 'true')});
      };
      oa.querySelectorAll('.widget-slider').forEach(e => add(e, 'slider'));
      oa.querySelectorAll('.widget-dropdown').forEach(e => add(e, 'dropdown'));
      oa.querySelectorAll('.widget-checkbox').forEach(e => add(e, 'checkbox'));
      oa.querySelectorAll('button.widget-button, button.widget-toggle-button').forEach(e => add(e, 'button'));
    }
    return found;
  };
  lh.value = (id) => {
    const el = document.querySelector('[data-lh-id="' + id + '"]'); if (!el) return null;
    const ro = el.querySelector('.widget-readout'); if (ro) return ro.innerText.trim();
    const h = el.querySelector('.noUi-handle'); if (h) return h.getAttribute('aria-valuenow');
    const s = el.querySelector('select'); if (s) return s.value;
    const cb = el.querySelector('input[type=checkbox]'); if (cb) return String(cb.checked);
    return el.classList.contains('mod-active') ? 'active' : 'clicked';
  };
  lh.scroller = (path) => { const p = lh.panel(path);
    return p.content.node.querySelector('.jp-WindowedPanel-outer') || p.content.node; };
  lh.tagCells = (path) => { for (const {cell, index} of lh.codeCells(path)) cell.node.setAttribute('data-lh-cell', String(index)); };
  lh.close = async (path) => {
    const p = lh.panel(path); if (!p) return;
    p.context.model.dirty = false;               // never ask to save: the harness does not write
    try { await p.sessionContext.shutdown(); } catch (e) {}
    p.dispose();
  };
  return true;
}
"""


@dataclass
class Report:
    """What a notebook shows on screen (``cells`` holds the details per code cell)."""

    path: str
    cells: list[dict[str, Any]]
    console_errors: list[str] = field(default_factory=list)
    run_end: str = "not run"

    def _outs(self) -> list[tuple[int, int, dict[str, Any]]]:
        return [(c["index"], i, o) for c in self.cells for i, o in enumerate(c["outputs"])]

    @property
    def n_code(self) -> int:
        return len(self.cells)

    @property
    def n_executed(self) -> int:
        return sum(c["execution_count"] is not None for c in self.cells)

    @property
    def errors(self) -> list[str]:
        """Error outputs (``cell N: Ename: message``), plus tracebacks inside widget Output areas."""
        found = [
            f"cell {c}: {o['error']['ename']}: {o['error']['evalue']}"
            for c, _, o in self._outs()
            if "error" in o
        ]
        found += [
            f"cell {c['index']} (widget output): {t[-300:]}"
            for c in self.cells
            for t in c["widget_output_stderr"]
            if "Traceback" in t or "Error" in t
        ]
        return found

    @property
    def stderr(self) -> list[str]:
        return [f"cell {c}: {o['stderr'][:300]}" for c, _, o in self._outs() if "stderr" in o]

    @property
    def pictures_in_model(self) -> int:
        return sum(o["picture"] for _, _, o in self._outs())

    @property
    def pictures_rendered(self) -> int:
        return sum(o["picture"] and o["pictures_shown"] > 0 for _, _, o in self._outs())

    @property
    def missing_pictures(self) -> list[str]:
        """Stored picture outputs that are not a picture on screen (e.g. SVG text in an untrusted notebook)."""
        return [
            f"cell {c} output {i} ({', '.join(o['mimes'])}) shows {o['shown_mime']}: {o['text'][:80]!r}"
            for c, i, o in self._outs()
            if o["picture"] and not o["pictures_shown"]
        ]

    @property
    def widgets(self) -> dict[str, int]:
        states = [o.get("widget_state", "missing") for _, _, o in self._outs() if o["widget"]]
        return {
            "in_model": len(states),
            **{s: states.count(s) for s in ("rendered", "broken", "loading", "text")},
        }

    def problems(self, widgets_must_render: bool = False) -> list[str]:
        """Everything a student would see as wrong; empty when the notebook looks right."""
        out = [f"error: {e}" for e in self.errors]
        out += [f"missing picture: {m}" for m in self.missing_pictures]
        w = self.widgets
        if w["broken"] or w["loading"]:
            out.append(f"widgets broken {w['broken']}, still loading {w['loading']}")
        if widgets_must_render and w["text"]:
            out.append(f"{w['text']} widget outputs shown as text")
        if self.run_end == "timeout":
            out.append("run all did not finish in time")
        if self.run_end == "kernel-dead":
            out.append("the kernel died")
        return out

    def summary(self) -> str:
        w = self.widgets
        return (
            f"{self.path}: cells {self.n_executed}/{self.n_code} run, {len(self.errors)} errors, "
            f"{len(self.stderr)} stderr, pictures {self.pictures_rendered}/{self.pictures_in_model} shown, "
            f"widgets {w['rendered']}/{w['in_model']} rendered ({w['text']} as text, {w['broken']} broken), "
            f"{len(self.console_errors)} console errors [{self.run_end}]"
        )


class Lab:
    """A headless Chromium page showing JupyterLab from ``server``; opens notebooks one at a time."""

    def __init__(self, server: LabServer, width: int = 1400, height: int = 900) -> None:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional dependency

        self.server, self.width, self.height = server, width, height
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        self.page = self.browser.new_page(viewport={"width": width, "height": height})
        self.page.set_default_timeout(60_000)
        self.console: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console.append(m.text[:400]))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {str(e)[:400]}"))
        self.page.on("dialog", lambda d: d.accept())
        self.page.goto(server.url(), wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell")
        self.page.evaluate("() => window.jupyterapp.restored")
        self.page.evaluate(JS)
        self.page.evaluate(
            "() => { const s = window.jupyterapp.shell; s.collapseLeft(); s.collapseRight(); }"
        )

    def open(self, path: str, settle_timeout: float = 120) -> Notebook:
        """Open ``path`` (relative to the server's folder) and wait until its kernel is idle and it is drawn."""
        start = len(self.console)
        # (the command's result, the panel, is not sent back: it cannot be serialised)
        self.page.evaluate(
            "(p) => window.jupyterapp.commands.execute('docmanager:open', {path: p}).then(() => true)", path
        )
        self.page.wait_for_function("(p) => window.__lh.panel(p) !== null", arg=path)
        nb = Notebook(self, path, start)
        nb.wait(settle_timeout, need_run=False)
        return nb

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Notebook:
    """One open notebook in a ``Lab`` page."""

    def __init__(self, lab: Lab, path: str, console_start: int) -> None:
        self.lab, self.page, self.path = lab, lab.page, path
        self._console_start = console_start
        self.run_end = "not run"

    def _state(self) -> dict[str, Any]:
        st = self.page.evaluate("(p) => window.__lh.state(p)", self.path)
        if st.get("dialogs"):  # e.g. a kernel restart question: accept it, never hang on it
            btn = self.page.locator(".jp-Dialog .jp-mod-accept").first
            btn.click() if btn.count() else self.page.keyboard.press("Escape")
        return st

    def wait(
        self, timeout: float, need_run: bool = True, settle: float = 1.0, loading_grace: float = 20
    ) -> str:
        """Wait until the run (if any) is done, the kernel idle and the outputs unchanged for ``settle`` s."""
        deadline = time.time() + timeout
        last, since, loading_since = None, time.time(), None
        while time.time() < deadline:
            st = self._state()
            if st.get("kernel") == "dead":
                return "kernel-dead"
            busy = (
                (need_run and not (st.get("run") or {}).get("done"))
                or st.get("kernel") != "idle"
                or st.get("running", 0) > 0
            )
            if not busy and st.get("loading"):  # "Loading widget..." forever must not hold us to the timeout
                loading_since = loading_since or time.time()
                busy = time.time() - loading_since < loading_grace
            if busy or st.get("hash") != last:
                last, since = st.get("hash"), time.time()
            elif time.time() - since >= settle:
                return "settled"
            time.sleep(0.2)
        return "timeout"

    def run_all(self, timeout: float = 300) -> float:
        """Run > Run All Cells; wait for the end. Returns the seconds it took."""
        t0 = time.time()
        self.page.evaluate("(p) => window.__lh.runAll(p)", self.path)
        self.run_end = self.wait(timeout)
        return time.time() - t0

    def report(self) -> Report:
        cells = self.page.evaluate("(p) => window.__lh.collect(p)", self.path)
        return Report(self.path, cells, self.lab.console[self._console_start :], self.run_end)

    def interact(self, slider_steps: int = 3, timeout_each: float = 30) -> list[dict[str, Any]]:
        """Move every slider, change every dropdown, tick every checkbox, click every button.

        Returns one entry per control: ``kind``, ``cell``, ``label``, ``before``/``after`` (its value),
        ``changed_cells`` (code cells whose outputs changed, the control itself left out) and
        ``new_errors`` (errors on screen that were not there before).
        """
        results = []
        for c in self.page.evaluate("(p) => window.__lh.tagControls(p)", self.path):
            entry = dict(c)
            if c["disabled"]:
                results.append({**entry, "skipped": "disabled"})
                continue
            hashes = self.page.evaluate("(p) => window.__lh.outputHashes(p)", self.path)
            n_err = len(self.report().errors)
            value = self.page.evaluate("(id) => window.__lh.value(id)", c["id"])
            sel = f'[data-lh-id="{c["id"]}"]'
            if c["kind"] == "slider":
                handle = self.page.locator(f"{sel} .noUi-handle").first
                key = (
                    ("ArrowDown" if c["vertical"] else "ArrowLeft")
                    if c["at_max"]
                    else ("ArrowUp" if c["vertical"] else "ArrowRight")
                )
                handle.focus()
                for _ in range(slider_steps):
                    handle.press(key)
                    self.page.wait_for_timeout(100)
                entry["action"] = f"{key} x{slider_steps}"
            elif c["kind"] == "dropdown":
                select = self.page.locator(f"{sel} select").first
                n = select.locator("option").count()
                i = (select.evaluate("e => e.selectedIndex") + 1) % max(n, 1)
                select.select_option(index=i)
                entry["action"] = f"option {i}"
            elif c["kind"] == "checkbox":
                self.page.locator(f"{sel} input[type=checkbox]").first.click()
                entry["action"] = "click"
            else:
                self.page.locator(sel).first.click()
                entry["action"] = "click"
            self.page.wait_for_timeout(300)
            entry["wait"] = self.wait(timeout_each, need_run=False)
            after = self.page.evaluate("(p) => window.__lh.outputHashes(p)", self.path)
            cells = [cell["index"] for cell in self.report().cells]
            entry.update(
                before=value,
                after=self.page.evaluate("(id) => window.__lh.value(id)", c["id"]),
                changed_cells=[cells[i] for i, (a, b) in enumerate(zip(hashes, after)) if a != b],
                new_errors=len(self.report().errors) - n_err,
            )
            results.append(entry)
        return results

    def screenshot(self, path: str | Path) -> Path:
        """The whole notebook in one PNG (the viewport is stretched to its height, at most 16000 px)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = self.page.evaluate(
            "(p) => { const s = window.__lh.scroller(p); return s.scrollHeight - s.clientHeight; }", self.path
        )
        height = min(16000, self.lab.height + max(0, extra) + 10)
        self.page.set_viewport_size({"width": self.lab.width, "height": height})
        self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": self.lab.width, "height": self.lab.height})
        return path

    def cell_screenshot(self, index: int, path: str | Path) -> Path:
        """The output area of the cell at ``index`` (its position among all cells)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("(p) => window.__lh.tagCells(p)", self.path)
        area = self.page.locator(f'[data-lh-cell="{index}"] .jp-Cell-outputArea').first
        area.scroll_into_view_if_needed()
        area.screenshot(path=str(path))
        return path

    def close(self) -> None:
        """Shut its kernel down and close it, discarding changes (nothing is saved)."""
        self.page.evaluate("(p) => window.__lh.close(p)", self.path)


def check_notebook(
    lab: Lab, notebook: str | Path, shots: str | Path | None = None, run: bool = True, timeout: float = 300
) -> tuple[Report, Report | None]:
    """Open a copy of ``notebook`` as shipped, report; then (``run``) Run All and report again.

    With ``shots`` (a folder), saves ``shipped.png`` and ``run.png`` there.
    """
    nb = lab.open(lab.server.add(notebook))
    try:
        shipped = nb.report()
        if shots:
            nb.screenshot(Path(shots) / "shipped.png")
        after = None
        if run:
            nb.run_all(timeout)
            after = nb.report()
            if shots:
                nb.screenshot(Path(shots) / "run.png")
        return shipped, after
    finally:
        nb.close()


if __name__ == "__main__":  # python tests/labharness.py NB.ipynb [OUTDIR]: a quick look
    target = sys.argv[1]
    outdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="labshots-"))
    with LabServer() as srv, Lab(srv) as browser:
        t = time.time()
        before, after_run = check_notebook(browser, Path(target).resolve(), outdir)
        print("as shipped:", before.summary(), *before.problems(), sep="\n  ")
        if after_run:
            print("after run all:", after_run.summary(), *after_run.problems(), sep="\n  ")
        print(f"screenshots in {outdir} [{time.time() - t:.0f}s]")
