"""torch.hub: pretrained weights by URL and models from ``hubconf.py`` repositories (note 004).

- :func:`load_state_dict_from_url` downloads a checkpoint once into
  ``<hub_dir>/checkpoints`` (``hub_dir`` = ``$TORCH_HOME/hub``, default
  ``~/.cache/torch/hub``), optionally checks the sha256 prefix in its file name
  (``resnet18-f37072fd.pth``), and loads it. Files written by ``learntorch.save`` and
  by PyTorch's ``torch.save`` (the zip format) both load, the latter without torch.
- :func:`list`, :func:`help`, :func:`load` read a repository's ``hubconf.py``:
  ``source="local"`` takes a folder; ``source="github"`` downloads
  ``owner/name[:ref]`` as a zip. ``"pytorch/vision"`` is answered offline by
  :mod:`learntorch.vision`'s own hubconf, so note 004's
  ``hub.load("pytorch/vision", "resnet50", weights=...)`` works without network for
  the model itself (the weights still need a download).

Downloads go to a temporary file next to the destination and are renamed only when
complete and verified; a server that does not answer within ``DOWNLOAD_TIMEOUT``
seconds gives a ``RuntimeError`` with a hint instead of a hang.

>>> import learntorch as torch, os, tempfile, pathlib
>>> d = tempfile.mkdtemp()
>>> torch.save({"w": torch.ones(2)}, os.path.join(d, "tiny.pth"))
>>> url = pathlib.Path(d, "tiny.pth").as_uri()
>>> torch.hub.load_state_dict_from_url(url, model_dir=os.path.join(d, "cache"), progress=False)
{'w': tensor([1., 1.])}
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import io
import os
import pickle
import re
import shutil
import sys
import tempfile
import types
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "get_dir", "set_dir", "list", "help", "load", "download_url_to_file", "load_state_dict_from_url",
    "DOWNLOAD_TIMEOUT",
]  # fmt: skip

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
DOWNLOAD_TIMEOUT = 15.0  # seconds without an answer before a download gives up
_READ_DATA_CHUNK = 128 * 1024
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


def _no_network(url: str, err: BaseException) -> RuntimeError:
    return RuntimeError(
        f"Could not download {url}: {err}\n"
        "hint: this machine may have no internet access. Download the file elsewhere and put it in "
        f"{os.path.join(get_dir(), 'checkpoints')} under the same file name (or pass model_dir=), "
        "or load a local file with torch.load."
    )


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download ``url`` to ``dst`` atomically; if ``hash_prefix`` is given, the sha256 must start with it."""
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(dst) + ".", suffix=".partial", dir=folder)
    sha256 = hashlib.sha256()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "learntorch.hub"})
        try:
            response = urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT)
        except (urllib.error.URLError, OSError, TimeoutError) as err:
            raise _no_network(url, err) from err
        with response, os.fdopen(fd, "wb") as f:
            total = response.headers.get("Content-Length")
            bar = None
            if progress and total:
                from tqdm.auto import tqdm  # noqa: PLC0415

                bar = tqdm(total=int(total), unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr)
            try:
                for chunk in iter(lambda: response.read(_READ_DATA_CHUNK), b""):
                    f.write(chunk)
                    sha256.update(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            except (OSError, TimeoutError) as err:
                raise _no_network(url, err) from err
            finally:
                if bar is not None:
                    bar.close()
        if hash_prefix is not None:
            digest = sha256.hexdigest()
            if digest[: len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        os.replace(tmp, dst)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


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
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    return _load_checkpoint(cached_file, map_location, weights_only)


def _load_checkpoint(path: str, map_location: Any, weights_only: bool) -> Any:
    from . import serialization  # noqa: PLC0415

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if any(n.endswith("data.pkl") for n in names):
                return load_torch_file(path, map_location)
            if len(names) == 1 and not names[0].endswith("/"):  # legacy: a zip wrapping one checkpoint
                extracted = os.path.join(os.path.dirname(path), names[0])
                if not os.path.exists(extracted):
                    zf.extract(names[0], os.path.dirname(path))
                return _load_checkpoint(extracted, map_location, weights_only)
    return serialization.load(path, map_location=map_location, weights_only=weights_only)


# --------------------------------------------------------------------------- PyTorch's zip checkpoints

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16, "LongStorage": np.int64,
    "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}  # fmt: skip


class _StorageType:
    def __init__(self, name: str) -> None:
        if name not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError(
                f"learntorch cannot read torch.{name} tensors\nhint: convert the checkpoint to float32 with torch."
            )
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


def _rebuild_tensor_v2(storage: np.ndarray, offset: int, size: tuple, stride: tuple, requires_grad: bool = False,
                       backward_hooks: Any = None, metadata: Any = None) -> Any:  # fmt: skip
    from .tensor import Tensor  # noqa: PLC0415

    item = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=tuple(size), strides=tuple(s * item for s in stride)
    )
    t = Tensor._make(np.array(view, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data: Any, requires_grad: bool, backward_hooks: Any, *args: Any) -> Any:
    from .nn.parameter import Parameter  # noqa: PLC0415

    return Parameter(data, requires_grad)


class _TorchUnpickler(pickle.Unpickler):
    """Reads ``data.pkl`` of a PyTorch zip checkpoint, mapping torch's tensor rebuilders to NumPy."""

    _ALLOWED = {
        ("collections", "OrderedDict"): OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("builtins", "set"): set,
        ("builtins", "tuple"): tuple,
    }

    def __init__(self, stream: Any, zf: zipfile.ZipFile, prefix: str) -> None:
        super().__init__(stream)
        self._zf, self._prefix, self._storages = zf, prefix, {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if module == "torch" and name == "Size":
            return tuple
        raise pickle.UnpicklingError(
            f"Unsupported global {module}.{name} in a PyTorch checkpoint\n"
            "hint: learntorch reads state_dicts (dicts of tensors); save model.state_dict(), not the model."
        )

    def persistent_load(self, pid: Any) -> np.ndarray:
        kind, storage_type, key, _location, numel = pid
        if kind != "storage":
            raise pickle.UnpicklingError(f"Unknown persistent id {kind!r}")
        if key not in self._storages:
            raw = self._zf.read(f"{self._prefix}data/{key}")
            self._storages[key] = np.frombuffer(raw, dtype=storage_type.dtype.newbyteorder("<"))[:numel]
        return self._storages[key]


def load_torch_file(path: str | os.PathLike, map_location: Any = None) -> Any:
    """Load a checkpoint written by PyTorch's ``torch.save`` (zip format) into learntorch tensors."""
    with zipfile.ZipFile(path) as zf:
        pkl = next(n for n in zf.namelist() if n.endswith("data.pkl"))
        prefix = pkl[: -len("data.pkl")]
        obj = _TorchUnpickler(io.BytesIO(zf.read(pkl)), zf, prefix).load()
    if map_location is not None:
        from .serialization import _map  # noqa: PLC0415

        obj = _map(obj, map_location)
    return obj


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
                sys.stderr.write(f'Downloading: "{url}" to {cached_zip}\n')
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
