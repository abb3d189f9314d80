"""The ``.data/serialization_id`` record of a zip checkpoint, computed as PyTorch computes it.

``torch.save`` of the same object twice writes the same bytes: the id is not random but
40 digits made from the records themselves,

- 20 digits: the record *names*, each hashed with libstdc++'s ``std::hash<std::string>``
  (MurmurHash64A-like ``_Hash_bytes``, seed ``0xc70f6907``) and folded with
  ``c10::hash_combine`` in the order a ``std::unordered_set`` happens to iterate them;
- 20 digits: the records' CRC-32s, folded with ``c10::hash_combine`` in the order written.

Reproducing the set's iteration order (libstdc++'s bucket counts and linked-list
inserts) is what makes learntorch's files byte-identical to torch's, so a file's sha256
(the ``-<hash>`` in hub file names) does not change from one save to the next.

>>> serialization_id(["data.pkl", "version"], [1, 2])[:20] == serialization_id(["data.pkl", "version"], [3, 4])[:20]
True
>>> len(serialization_id(["data.pkl"], [0]))
40
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

__all__ = ["serialization_id"]

_M = (1 << 64) - 1
_MUL = ((0xC6A4A793 << 32) + 0x5BD1E995) & _M
_SEED = 0xC70F6907
# libstdc++'s _Prime_rehash_policy: bucket counts for small tables, then its prime list
_FAST_BUCKETS = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)
_PRIMES = (
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109, 113,
    127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467,
    503, 541, 577, 619, 661, 709, 761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029,
    2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123,
    8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411,
    30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779, 85229, 92203,
    99733, 107897, 116731, 126271, 136607, 147793, 159871, 172933, 187091, 202409, 218971, 236897, 256279,
    277261, 299951, 324503, 351061, 379787, 410857, 444487, 480881, 520241, 562841, 608903, 658753, 712697,
    771049, 834181, 902483, 976369,
)  # fmt: skip
_BEFORE_BEGIN = ""  # the list head; never a record name


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _hash_bytes(data: bytes) -> int:
    """libstdc++'s 64-bit ``std::_Hash_bytes(data, len, 0xc70f6907)``."""
    h = (_SEED ^ (len(data) * _MUL)) & _M
    aligned = len(data) & ~7
    for i in range(0, aligned, 8):
        word = (_shift_mix((int.from_bytes(data[i : i + 8], "little") * _MUL) & _M) * _MUL) & _M
        h = ((h ^ word) * _MUL) & _M
    if len(data) & 7:
        h = ((h ^ int.from_bytes(data[aligned:], "little")) * _MUL) & _M
    return _shift_mix((_shift_mix(h) * _MUL) & _M)


def _hash_combine(seed: int, value: int) -> int:
    """``c10::hash_combine`` on 64-bit ``size_t``."""
    return (seed ^ ((value + 0x9E3779B9 + (seed << 6) + (seed >> 2)) & _M)) & _M


def _next_bucket_count(n: int) -> int:
    if n < len(_FAST_BUCKETS):
        return _FAST_BUCKETS[n]
    i = bisect.bisect_left(_PRIMES, n, lo=6)
    return _PRIMES[i] if i < len(_PRIMES) else n | 1  # past ~1M records torch's id is not reproduced


def _set_iteration_order(names: Sequence[str], hashes: dict[str, int]) -> list[str]:
    """The order a libstdc++ ``std::unordered_set<std::string>`` iterates ``names`` inserted in this order."""
    nxt: dict[str, str | None] = {_BEFORE_BEGIN: None}
    buckets: dict[int, str] = {}  # bucket -> the node before the bucket's first node
    n_buckets, next_resize = 1, 0
    for count, name in enumerate(names):
        if count + 1 > next_resize:
            wanted = max(count + 1, 0 if next_resize else 11)
            if wanted >= n_buckets:
                n_buckets = _next_bucket_count(max(wanted + 1, 2 * n_buckets))
                next_resize = n_buckets
                buckets = _rehash(nxt, hashes, n_buckets)
            else:
                next_resize = n_buckets
        b = hashes[name] % n_buckets
        before = buckets.get(b)
        if before is not None:
            nxt[name], nxt[before] = nxt[before], name
        else:
            first = nxt[_BEFORE_BEGIN]
            nxt[name], nxt[_BEFORE_BEGIN] = first, name
            if first is not None:
                buckets[hashes[first] % n_buckets] = name
            buckets[b] = _BEFORE_BEGIN
    order, node = [], nxt[_BEFORE_BEGIN]
    while node is not None:
        order.append(node)
        node = nxt[node]
    return order


def _rehash(nxt: dict[str, str | None], hashes: dict[str, int], n_buckets: int) -> dict[int, str]:
    node, nxt[_BEFORE_BEGIN] = nxt[_BEFORE_BEGIN], None
    buckets: dict[int, str] = {}
    begin_bucket = 0
    while node is not None:
        following = nxt[node]
        b = hashes[node] % n_buckets
        if b not in buckets:
            nxt[node], nxt[_BEFORE_BEGIN] = nxt[_BEFORE_BEGIN], node
            buckets[b] = _BEFORE_BEGIN
            if nxt[node] is not None:
                buckets[begin_bucket] = node
            begin_bucket = b
        else:
            before = buckets[b]
            nxt[node], nxt[before] = nxt[before], node
        node = following
    return buckets


def serialization_id(names: Sequence[str], crcs: Sequence[int]) -> str:
    """The 40-digit id of records ``names`` (without the archive folder) with CRC-32s ``crcs``, in write order."""
    hashes = {name: _hash_bytes(name.encode()) for name in names}
    names_hash = 0
    for name in _set_iteration_order(names, hashes):
        names_hash = _hash_combine(names_hash, hashes[name])
    crc_hash = 0
    for crc in crcs:
        crc_hash = _hash_combine(crc_hash, crc)
    return f"{names_hash:020d}{crc_hash:020d}"
