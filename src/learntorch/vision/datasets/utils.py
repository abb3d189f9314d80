"""Downloading and unpacking dataset files: checksums, atomic writes, short timeouts.

A file is first written to ``<name>.part`` next to its destination and renamed only
when complete and (if a checksum is given) verified, so an interrupted download never
leaves a half file under the real name. A ``.part`` left by an interrupted run is
resumed with an HTTP ``Range`` request when the server allows it.

>>> import os, tempfile, pathlib
>>> src = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = pathlib.Path(src).write_text("hello")
>>> dst = tempfile.mkdtemp()
>>> download_url(pathlib.Path(src).as_uri(), dst, md5="5d41402abc4b2a76b9719d911017c592")
>>> sorted(os.listdir(dst))
['a.txt']
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from typing import Any

__all__ = [
    "calculate_md5", "check_md5", "check_integrity", "download_url", "extract_archive",
    "download_and_extract_archive", "DOWNLOAD_TIMEOUT",
]  # fmt: skip

DOWNLOAD_TIMEOUT = 15.0  # seconds without data before a download gives up
_USER_AGENT = "learntorch"
_CHUNK = 1024 * 64


def calculate_md5(fpath: str | os.PathLike, chunk_size: int = 1024 * 1024) -> str:
    """Hex md5 of a file (read in chunks, so big archives never sit in memory)."""
    md5 = hashlib.md5(usedforsecurity=False) if sys.version_info >= (3, 9) else hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str | os.PathLike, md5: str) -> bool:
    return md5 == calculate_md5(fpath)


def check_integrity(fpath: str | os.PathLike, md5: str | None = None) -> bool:
    """True when the file exists and, if ``md5`` is given, matches it."""
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def _network_error(url: str, err: BaseException, fpath: str) -> RuntimeError:
    return RuntimeError(
        f"Failed to download {url}: {err}\n"
        f"hint: this machine may have no internet access. Download the file elsewhere and save it as {fpath} "
        "(then run again), or use an offline dataset such as learntorch.vision.datasets.Digits or FakeData."
    )


def _urlretrieve(url: str, part: str, progress: bool, timeout: float) -> None:
    """Fetch ``url`` into ``part``, appending to it when a previous attempt left bytes there."""
    have = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"User-Agent": _USER_AGENT}
    if have and not url.startswith("file:"):
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        resumed = getattr(response, "status", 200) == 206
        total = response.headers.get("Content-Length")
        total = int(total) + (have if resumed else 0) if total else None
        mode = "ab" if resumed else "wb"
        done = have if resumed else 0
        bar = None
        if progress and total:
            try:
                from tqdm.auto import tqdm  # noqa: PLC0415

                bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, file=sys.stderr)
            except ImportError:  # pragma: no cover - tqdm is a dependency
                bar = None
        with open(part, mode) as fh:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                fh.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        if bar is not None:
            bar.close()


def download_url(
    url: str,
    root: str | os.PathLike,
    filename: str | None = None,
    md5: str | None = None,
    max_redirect_hops: int = 3,
    *,
    progress: bool = False,
    timeout: float | None = None,
) -> None:
    """Download ``url`` to ``root/filename`` unless a file with the right md5 is already there.

    Raises ``RuntimeError`` (with a hint) when the server cannot be reached within
    ``timeout`` seconds or the md5 does not match.
    """
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    part = fpath + ".part"
    try:
        _urlretrieve(url, part, progress, DOWNLOAD_TIMEOUT if timeout is None else timeout)
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        raise _network_error(url, err, fpath) from err
    if md5 is not None and not check_md5(part, md5):
        got = calculate_md5(part)
        os.remove(part)
        raise RuntimeError(
            f"File not found or corrupted: {url} has md5 {got}, expected {md5}.\n"
            "hint: the download was damaged or the server sent something else; try again."
        )
    os.replace(part, fpath)


def _decompress(from_path: str, to_path: str, opener: Any) -> None:
    tmp = to_path + ".part"
    with opener(from_path, "rb") as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.replace(tmp, to_path)


_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def extract_archive(from_path: str, to_path: str | None = None, remove_finished: bool = False) -> str:
    """Unpack ``.tar(.gz/.bz2/.xz)``, ``.tgz``, ``.zip``, or decompress a single ``.gz/.bz2/.xz`` file."""
    to_path = to_path or os.path.dirname(from_path)
    name = os.path.basename(from_path)
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz")):
        with tarfile.open(from_path) as tar:
            if sys.version_info >= (3, 12):
                tar.extractall(to_path, filter="data")
            else:  # pragma: no cover - older Pythons lack the filter argument
                tar.extractall(to_path)  # noqa: S202
        out = to_path
    elif name.endswith(".zip"):
        with zipfile.ZipFile(from_path) as zf:
            zf.extractall(to_path)
        out = to_path
    else:
        ext = os.path.splitext(name)[1]
        if ext not in _COMPRESSED:
            raise RuntimeError(f"Archive type of {name} is not supported.")
        out = os.path.join(to_path, name[: -len(ext)])
        _decompress(from_path, out, _COMPRESSED[ext])
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(
    url: str,
    download_root: str | os.PathLike,
    extract_root: str | None = None,
    filename: str | None = None,
    md5: str | None = None,
    remove_finished: bool = False,
) -> None:
    """:func:`download_url` then :func:`extract_archive`."""
    download_root = os.path.expanduser(download_root)
    extract_root = extract_root or os.fspath(download_root)
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root, remove_finished)
