"""One download function for hub weights and datasets: progress, resume, checksum, atomic rename.

``fetch(url, dst)`` writes to ``dst + ".part"`` and renames it to ``dst`` only when the
download is complete and its checksum (sha256 prefix or md5) matches, so an interrupted
or damaged download never sits under the real name. A ``.part`` left by an interrupted
run is resumed with an HTTP ``Range`` request when the server allows it. Without a
network the error names the URL, the file path to put a copy at, and its checksum.

>>> import os, tempfile, pathlib
>>> src = pathlib.Path(tempfile.mkdtemp(), "a.txt"); _ = src.write_text("hello")
>>> dst = os.path.join(tempfile.mkdtemp(), "copy.txt")
>>> fetch(src.as_uri(), dst, md5="5d41402abc4b2a76b9719d911017c592", progress=False)
>>> open(dst).read()
'hello'
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request

DOWNLOAD_TIMEOUT = 15.0  # seconds without an answer before a download gives up
_CHUNK = 128 * 1024
_USER_AGENT = "learntorch"


def file_digest(path: str, algorithm: str) -> str:
    """Hex digest of a file, read in chunks (big archives never sit in memory)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _checksum_words(sha256_prefix: str | None, md5: str | None) -> str:
    if sha256_prefix:
        return f" (its sha256 must start with {sha256_prefix})"
    if md5:
        return f" (its md5 must be {md5})"
    return ""


def offline_error(url: str, dst: str, err: BaseException, sha256_prefix: str | None = None,
                  md5: str | None = None) -> RuntimeError:  # fmt: skip
    return RuntimeError(
        f"Could not download {url}: {err}\n"
        "hint: this machine may have no internet access. Download the file elsewhere and save it as "
        f"{dst}{_checksum_words(sha256_prefix, md5)}, then run again."
    )


def _stream(url: str, part: str, progress: bool, timeout: float) -> None:
    """Fetch ``url`` into ``part``, appending when an earlier attempt left bytes there and the server resumes."""
    have = os.path.getsize(part) if os.path.exists(part) else 0
    headers = {"User-Agent": _USER_AGENT}
    if have and not url.startswith("file:"):
        headers["Range"] = f"bytes={have}-"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
        resumed = getattr(response, "status", 200) == 206
        length = response.headers.get("Content-Length")
        done = have if resumed else 0
        total = int(length) + done if length else None
        bar = None
        if progress:
            from tqdm.auto import tqdm  # noqa: PLC0415

            bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                       desc=os.path.basename(part[: -len(".part")]))  # fmt: skip
        try:
            with open(part, "ab" if resumed else "wb") as fh:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    fh.write(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()


def fetch(url: str, dst: str, *, sha256_prefix: str | None = None, md5: str | None = None, progress: bool = True,
          timeout: float | None = None) -> None:  # fmt: skip
    """Download ``url`` to ``dst`` (see the module docstring); ``RuntimeError`` with a hint on failure.

    A wrong sha256 prefix gives PyTorch's ``invalid hash value (expected "...", got "...")``.
    """
    dst = os.path.expanduser(dst)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    part = dst + ".part"
    try:
        _stream(url, part, progress, DOWNLOAD_TIMEOUT if timeout is None else timeout)
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as err:
        raise offline_error(url, dst, err, sha256_prefix, md5) from err
    if sha256_prefix:
        digest = file_digest(part, "sha256")
        if digest[: len(sha256_prefix)] != sha256_prefix:
            os.remove(part)
            raise RuntimeError(f'invalid hash value (expected "{sha256_prefix}", got "{digest}")')
    if md5:
        got = file_digest(part, "md5")
        if got != md5:
            os.remove(part)
            raise RuntimeError(
                f"File not found or corrupted: {url} has md5 {got}, expected {md5}.\n"
                "hint: the download was damaged or the server sent something else; try again."
            )
    os.replace(part, dst)
