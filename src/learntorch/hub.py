"""torch.hub: pretrained weights by URL and models from ``hubconf.py`` repositories (note 004).

- :func:`load_state_dict_from_url` downloads a checkpoint once into
  ``<hub_dir>/checkpoints`` (``hub_dir`` = ``$TORCH_HOME/hub``, default
  ``~/.cache/torch/hub``), optionally checks the sha256 prefix in its file name
  (``resnet18-f37072fd.pth``), and loads it with :func:`learntorch.load`, which reads
  PyTorch's formats (so files from ``torch.save`` load without torch installed).
- :func:`list`, :func:`help`, :func:`load` read a repository's ``hubconf.py``:
  ``source="local"`` takes a folder; ``source="github"`` downloads
  ``owner/name[:ref]`` as a zip. ``"pytorch/vision"`` is answered offline by
  :mod:`learntorch.vision`'s own hubconf, so note 004's
  ``hub.load("pytorch/vision", "resnet50", weights=...)`` works without network for
  the model itself (the weights still need a download).

Downloads (one shared function, :func:`learntorch._download.fetch`) show a progress bar,
go to ``<file>.part`` (resumed if an earlier run was interrupted) and are renamed only
when complete and verified; a server that does not answer within ``DOWNLOAD_TIMEOUT``
seconds gives a ``RuntimeError`` naming the URL, where to put the file and its checksum.

>>> import learntorch as torch, os, tempfile, pathlib
>>> d = tempfile.mkdtemp()
>>> torch.save({"w": torch.ones(2)}, os.path.join(d, "tiny.pth"))
>>> url = pathlib.Path(d, "tiny.pth").as_uri()
>>> torch.hub.load_state_dict_from_url(url, model_dir=os.path.join(d, "cache"), progress=False)
Downloading: "file:///.../tiny.pth" to /.../cache/tiny.pth
{'w': tensor([1., 1.])}
"""

from __future__ import annotations

import builtins
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import types
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from typing import Any

from . import _download, serialization

__all__ = [
    "get_dir", "set_dir", "list", "help", "load", "download_url_to_file", "load_state_dict_from_url",
    "DOWNLOAD_TIMEOUT",
]  # fmt: skip

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
DOWNLOAD_TIMEOUT = _download.DOWNLOAD_TIMEOUT  # seconds without an answer before a download gives up
_hub_dir: str | None = None


def _get_torch_home() -> str:
    cache = os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR)
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(cache, "torch")))


def get_dir() -> str:
    """The hub folder: set by :func:`set_dir`, else ``$TORCH_HOME/hub`` (``$XDG_CACHE_HOME/torch/hub``)."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Use ``d`` as the hub folder from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


# --------------------------------------------------------------------------- downloads


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download ``url`` to ``dst`` atomically (with a progress bar, resuming a ``.part`` left by an
    interrupted run); if ``hash_prefix`` is given, the file's sha256 must start with it."""
    _download.fetch(url, dst, sha256_prefix=hash_prefix, progress=progress, timeout=DOWNLOAD_TIMEOUT)


def load_state_dict_from_url(
    url: str,
    model_dir: str | None = None,
    map_location: Any = None,
    progress: bool = True,
    check_hash: bool = False,
    file_name: str | None = None,
    weights_only: bool = False,
) -> dict[str, Any]:
    """Download the checkpoint at ``url`` once (into ``model_dir``) and load it.

    ``check_hash=True`` requires the file name to look like ``name-<sha256 prefix>.ext``
    and verifies the download against that prefix. A zip holding a single non-PyTorch
    file is unpacked first, as torch does.
    """
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')  # stdout, as torch
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    return _load_checkpoint(cached_file, map_location, weights_only)


def _load_checkpoint(path: str, map_location: Any, weights_only: bool) -> Any:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if len(names) == 1 and not names[0].endswith("/") and "/" not in names[0]:
                # a zip wrapping one checkpoint (torch's legacy hub format): unpack it first
                extracted = os.path.join(os.path.dirname(path), names[0])
                if not os.path.exists(extracted):
                    zf.extract(names[0], os.path.dirname(path))
                return _load_checkpoint(extracted, map_location, weights_only)
    return serialization.load(path, map_location=map_location, weights_only=weights_only)


def load_torch_file(path: str | os.PathLike, map_location: Any = None) -> Any:
    """Load a checkpoint written by PyTorch's ``torch.save`` (now the same as ``learntorch.load``)."""
    return serialization.load(path, map_location=map_location)


# --------------------------------------------------------------------------- hubconf repositories

_BUILTIN_REPOS = {"pytorch/vision": "learntorch.vision.hubconf"}


def _parse_repo_info(github: str) -> tuple[str, str, str | None]:
    if ":" in github:
        repo_info, ref = github.split(":", 1)
    else:
        repo_info, ref = github, None
    if "/" not in repo_info:
        raise ValueError(
            f'Invalid input: repo_or_dir should be of the form "owner/name[:ref]", got {github!r}'
        )
    owner, name = repo_info.split("/", 1)
    return owner, name, ref


def _import_hubconf(folder: str) -> types.ModuleType:
    path = os.path.join(folder, "hubconf.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{path} does not exist\nhint: a hub repository has a hubconf.py at its root."
        )
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.path.remove(folder)
    missing = [pkg for pkg in getattr(module, "dependencies", []) if importlib.util.find_spec(pkg) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    return module


def _get_github_repo(github: str, force_reload: bool, verbose: bool) -> str:
    owner, name, ref = _parse_repo_info(github)
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    refs = [ref] if ref else ["main", "master"]
    for r in refs:
        folder = os.path.join(hub_dir, "_".join([owner, name, r.replace("/", "_")]))
        if os.path.isdir(folder) and not force_reload:
            if verbose:
                sys.stderr.write(f"Using cache found in {folder}\n")
            return folder
    last: BaseException | None = None
    for r in refs:
        folder = os.path.join(hub_dir, "_".join([owner, name, r.replace("/", "_")]))
        cached_zip = folder + ".zip"
        url = f"https://github.com/{owner}/{name}/zipball/{r}"
        try:
            if verbose:
                sys.stdout.write(f'Downloading: "{url}" to {cached_zip}\n')
            download_url_to_file(url, cached_zip, progress=False)
        except RuntimeError as err:
            last = err
            continue
        with zipfile.ZipFile(cached_zip) as zf:
            top = zf.namelist()[0].split("/")[0]
            extract_to = tempfile.mkdtemp(dir=hub_dir)
            zf.extractall(extract_to)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(os.path.join(extract_to, top), folder)
        shutil.rmtree(extract_to, ignore_errors=True)
        os.remove(cached_zip)
        return folder
    raise RuntimeError(str(last).splitlines()[0] + "\nhint: no network? Clone the repository elsewhere, copy it "
                       "here and call hub.load(path, model, source='local').")  # fmt: skip


def _load_hub_module(repo_or_dir: str, source: str, force_reload: bool, verbose: bool) -> types.ModuleType:
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return _import_hubconf(os.path.expanduser(repo_or_dir))
    owner, name, _ = _parse_repo_info(repo_or_dir)
    builtin = _BUILTIN_REPOS.get(f"{owner}/{name}")
    if builtin is not None:
        return importlib.import_module(builtin)
    return _import_hubconf(_get_github_repo(repo_or_dir, force_reload, verbose))


def _entrypoints(module: types.ModuleType) -> builtins.list[str]:
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def _entry(module: types.ModuleType, model: str) -> Callable:
    fn = getattr(module, model, None)
    if fn is None or not callable(fn) or model.startswith("_"):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def list(  # noqa: A001 - torch.hub.list
    github: str, force_reload: bool = False, skip_validation: bool = False, trust_repo: Any = None,
    verbose: bool = True,
) -> builtins.list[str]:  # fmt: skip
    """Names of the entrypoints (callables) in the repository's ``hubconf.py``.

    ``github`` is ``"owner/name[:ref]"``; learntorch also accepts a local folder here.

    >>> import learntorch as torch
    >>> "resnet18" in torch.hub.list("pytorch/vision")
    True
    """
    source = "local" if os.path.isdir(os.path.expanduser(github)) else "github"
    return _entrypoints(_load_hub_module(github, source, force_reload, verbose))


def help(  # noqa: A001 - torch.hub.help
    github: str, model: str, force_reload: bool = False, skip_validation: bool = False, trust_repo: Any = None
) -> str | None:
    """The docstring of entrypoint ``model``."""
    source = "local" if os.path.isdir(os.path.expanduser(github)) else "github"
    return _entry(_load_hub_module(github, source, force_reload, True), model).__doc__


def load(
    repo_or_dir: str,
    model: str,
    *args: Any,
    source: str = "github",
    trust_repo: Any = None,
    force_reload: bool = False,
    verbose: bool = True,
    skip_validation: bool = False,
    **kwargs: Any,
) -> Any:
    """Call entrypoint ``model`` of ``repo_or_dir``'s ``hubconf.py`` with ``*args, **kwargs``.

    >>> import learntorch as torch
    >>> torch.hub.load("pytorch/vision", "get_weight", weights="ResNet50_Weights.IMAGENET1K_V2")
    ResNet50_Weights.IMAGENET1K_V2
    """
    module = _load_hub_module(repo_or_dir, source, force_reload, verbose)
    return _entry(module, model)(*args, **kwargs)
