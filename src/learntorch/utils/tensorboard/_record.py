"""TFRecord framing: how TensorBoard event files store one serialized ``Event`` after another.

Each record on disk is::

    uint64 length            (little endian)
    uint32 masked_crc32c(length bytes)
    bytes  data[length]
    uint32 masked_crc32c(data)

CRC32C is the Castagnoli CRC (reflected polynomial ``0x82F63B78``), computed with the classic
256-entry table. Long strings (PNG images) are checksummed in numpy: the data is cut into equal
chunks whose CRCs advance side by side, then the chunks are joined with the rule
``crc(A + B) = shift(crc(A), len(B)) ^ crc(B)`` (a CRC register with no init/final xor is linear).

>>> hex(crc32c(b"123456789"))  # the standard check value of CRC-32C
'0xe3069283'
>>> crc32c(bytes(range(256)) * 40) == _crc32c_bytewise(bytes(range(256)) * 40)
True
>>> frame(b"") == b"\\x00" * 8 + masked_crc32c(b"\\x00" * 8).to_bytes(4, "little") + masked_crc32c(b"").to_bytes(4, "little")
True
"""

from __future__ import annotations

import struct
from functools import lru_cache

import numpy as np

_POLY = 0x82F63B78
_MASK_DELTA = 0xA282EAD8
_CHUNK = 512  # bytes per chunk in the numpy path


def _make_table() -> list[int]:
    table = []
    for byte in range(256):
        r = byte
        for _ in range(8):
            r = (r >> 1) ^ _POLY if r & 1 else r >> 1
        table.append(r)
    return table


_TABLE = _make_table()
_TABLE_NP = np.array(_TABLE, dtype=np.uint32)


def _advance(reg: int, data: bytes | memoryview) -> int:
    """Feed ``data`` through the raw CRC register (no initial or final xor)."""
    table = _TABLE
    for b in data:
        reg = table[(reg ^ b) & 0xFF] ^ (reg >> 8)
    return reg


def _crc32c_bytewise(data: bytes) -> int:
    return _advance(0xFFFFFFFF, data) ^ 0xFFFFFFFF


@lru_cache(maxsize=1)
def _shift_tables() -> np.ndarray:
    """``T[p, v]`` = register after feeding ``_CHUNK`` zero bytes to the register ``v << 8p``.

    The zero-byte shift is linear, so shifting any register is the xor of its 4 bytes' entries.
    """
    start = (np.arange(256, dtype=np.uint32)[None, :] << (8 * np.arange(4, dtype=np.uint32)[:, None])).ravel()
    reg = start.copy()
    for _ in range(_CHUNK):
        reg = _TABLE_NP[reg & 0xFF] ^ (reg >> 8)
    return reg.reshape(4, 256)


def crc32c(data: bytes) -> int:
    """The CRC-32C (Castagnoli) checksum of ``data``."""
    data = bytes(data)
    head = len(data) % _CHUNK
    if len(data) - head < 4 * _CHUNK:  # short: the plain table loop is quicker
        return _crc32c_bytewise(data)
    reg = _advance(0xFFFFFFFF, data[:head])
    # the raw CRC (register starting at 0) of every chunk, all chunks advanced together
    chunks = np.frombuffer(data, dtype=np.uint8, offset=head).reshape(-1, _CHUNK).astype(np.uint32)
    regs = np.zeros(len(chunks), dtype=np.uint32)
    for j in range(_CHUNK):
        regs = _TABLE_NP[(regs ^ chunks[:, j]) & 0xFF] ^ (regs >> 8)
    t0, t1, t2, t3 = (row.tolist() for row in _shift_tables())
    for chunk_reg in regs.tolist():  # join: shift what came before past this chunk, add the chunk
        reg = t0[reg & 0xFF] ^ t1[(reg >> 8) & 0xFF] ^ t2[(reg >> 16) & 0xFF] ^ t3[reg >> 24] ^ chunk_reg
    return reg ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits, add a constant (so CRCs of CRCs look random)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    """One TFRecord: length, its masked CRC, the data, the data's masked CRC."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


def read_records(raw: bytes) -> list[bytes]:
    """Split a TFRecord file's bytes into records, checking both CRCs of each.

    >>> read_records(frame(b"abc") + frame(b"de"))
    [b'abc', b'de']
    """
    out, pos = [], 0
    while pos < len(raw):
        header = raw[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (crc_len,) = struct.unpack("<I", raw[pos + 8 : pos + 12])
        if crc_len != masked_crc32c(header):
            raise ValueError(f"record at byte {pos}: the length's CRC does not match")
        data = raw[pos + 12 : pos + 12 + length]
        (crc_data,) = struct.unpack("<I", raw[pos + 12 + length : pos + 16 + length])
        if len(data) != length or crc_data != masked_crc32c(data):
            raise ValueError(f"record at byte {pos}: truncated or corrupt data")
        out.append(data)
        pos += 16 + length
    return out
