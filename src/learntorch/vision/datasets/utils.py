"""Downloading and unpacking dataset files: checksums, atomic writes, short timeouts.

Downloads go through :func:`learntorch._download.fetch`, the one download function hub
and datasets share: a tqdm progress bar, ``<name>.part`` renamed only when complete and
verified, resume of an interrupted ``.part`` with an HTTP ``Range`` request, and an
offline error that names the URL, the path to put a copy at, and its md5.

>>> import os, tempfile, pathlib
>>> src = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = pathlib.Path(src).write_text("hello")
>>> dst = tempfile.mkdtemp()
>>> download_url(pathlib.Path(src).as_uri(), dst, md5="5d41402abc4b2a76b9719d911017c592", progress=False)
>>> sorted(os.listdir(dst))
['a.txt']
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import shutil
import sys
import tarfile
import zipfile
from typing import Any

from ... import _download

DOWNLOAD_TIMEOUT = _download.DOWNLOAD_TIMEOUT  # seconds without data before a download gives up

__all__ = [
    "calculate_md5", "check_md5", "check_integrity", "download_url", "extract_archive",
    "download_and_extract_archive", "DOWNLOAD_TIMEOUT",
]  # fmt: skip


def calculate_md5(fpath: str | os.PathLike, chunk_size: int = 1024 * 1024) -> str:
    """Hex md5 of a file (read in chunks, so big archives never sit in memory)."""
    return _download.file_digest(os.fspath(fpath), "md5")


def check_md5(fpath: str | os.PathLike, md5: str) -> bool:
    return md5 == calculate_md5(fpath)


def check_integrity(fpath: str | os.PathLike, md5: str | None = None) -> bool:
    """True when the file exists and, if ``md5`` is given, matches it."""
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def download_url(
    url: str,
    root: str | os.PathLike,
    filename: str | None = None,
    md5: str | None = None,
    max_redirect_hops: int = 3,
    *,
    progress: bool = True,
    timeout: float | None = None,
) -> None:
    """Download ``url`` to ``root/filename`` unless a file with the right md5 is already there.

    Uses learntorch's one download function (progress bar, resume, md5 check, atomic
    rename). Raises ``RuntimeError`` (naming the URL, the path to put a copy at and the
    md5) when the server cannot be reached within ``timeout`` seconds, or when the md5
    does not match.
    """
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    _download.fetch(
        url, fpath, md5=md5, progress=progress, timeout=DOWNLOAD_TIMEOUT if timeout is None else timeout
    )


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
