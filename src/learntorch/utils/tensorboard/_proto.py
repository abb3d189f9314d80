"""The few protobuf messages TensorBoard reads, encoded by hand.

Protocol buffers put each field on the wire as a *key* (``field_number << 3 | wire_type``, a
varint) followed by the value: a varint (wire type 0: ints, bools, enums), 8 little-endian bytes
(type 1: double), a length-prefixed byte string (type 2: strings, bytes, nested messages,
packed repeated numbers) or 4 bytes (type 5: float). A message is its fields concatenated, so
every builder below returns ``bytes`` and nests by concatenation. The field numbers come from
TensorFlow/TensorBoard's ``event.proto``, ``summary.proto``, ``tensor.proto``, ``graph.proto``.

>>> varint(300).hex()  # 300 = 0b10_0101100: low 7 bits first, high bit set on all but the last byte
'ac02'
>>> field_varint(2, 3).hex()  # Event.step = 3
'1003'
>>> field_str(1, "a").hex()  # Summary.Value.tag = "a"
'0a0161'
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

# ---------------------------------------------------------------- wire format


def varint(n: int) -> bytes:
    """Base-128 varint; negative int64 values are written as their 64-bit two's complement."""
    n = int(n)
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def field_varint(field: int, value: int) -> bytes:
    return _key(field, 0) + varint(value)


def field_double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value))


def field_float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", float(value))


def field_bytes(field: int, value: bytes) -> bytes:
    """A length-delimited field: bytes, a string's UTF-8, or an already encoded sub-message."""
    return _key(field, 2) + varint(len(value)) + bytes(value)


def field_str(field: int, value: str) -> bytes:
    return field_bytes(field, value.encode("utf-8"))


def packed_doubles(field: int, values: Iterable[float]) -> bytes:
    return field_bytes(field, b"".join(struct.pack("<d", float(v)) for v in values))


def packed_varints(field: int, values: Iterable[int]) -> bytes:
    return field_bytes(field, b"".join(varint(v) for v in values))


# ---------------------------------------------------------------- event.proto

SESSION_START = 1  # SessionLog.SessionStatus.START
DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7  # tensorflow DataType enum values


def event(wall_time: float, step: int = 0, **what: bytes | str) -> bytes:
    """``Event``: wall_time=1, step=2, then one of file_version=3 (str), graph_def=4 (bytes),
    summary=5, session_log=7 (messages); source_metadata=10."""
    fields = {"file_version": 3, "graph_def": 4, "summary": 5, "session_log": 7, "source_metadata": 10}
    out = field_double(1, wall_time) + (field_varint(2, step) if step else b"")  # proto3 omits zeros
    for name, value in what.items():
        out += field_str(fields[name], value) if isinstance(value, str) else field_bytes(fields[name], value)
    return out


def source_metadata(writer: str) -> bytes:
    """``SourceMetadata``: writer=1 (which library wrote the file)."""
    return field_str(1, writer)


def session_log(status: int) -> bytes:
    """``SessionLog``: status=1."""
    return field_varint(1, status)


# ---------------------------------------------------------------- summary.proto


def summary(*values: bytes) -> bytes:
    """``Summary``: repeated Value value=1."""
    return b"".join(field_bytes(1, v) for v in values)


def summary_value(tag: str, metadata: bytes | None = None, **value: bytes | float) -> bytes:
    """``Summary.Value``: tag=1, metadata=9, and one of simple_value=2 (float), image=4,
    histo=5, tensor=8 (messages)."""
    ((kind, v),) = value.items()
    if kind == "simple_value":
        out = field_str(1, tag) + field_float(2, v)  # written even when 0.0: it is a oneof member
    else:
        out = field_str(1, tag) + field_bytes({"image": 4, "histo": 5, "tensor": 8}[kind], v)
    return out + (field_bytes(9, metadata) if metadata is not None else b"")  # fields in number order


def summary_metadata(plugin_name: str, content: bytes = b"") -> bytes:
    """``SummaryMetadata``: plugin_data=1 (``PluginData``: plugin_name=1, content=2)."""
    plugin = field_str(1, plugin_name) + (field_bytes(2, content) if content else b"")
    return field_bytes(1, plugin)


def image(height: int, width: int, colorspace: int, png: bytes) -> bytes:
    """``Summary.Image``: height=1, width=2, colorspace=3 (channels), encoded_image_string=4."""
    return (
        field_varint(1, height) + field_varint(2, width) + field_varint(3, colorspace) + field_bytes(4, png)
    )


def histogram(
    min: float,
    max: float,
    num: float,
    sum: float,
    sum_squares: float,
    bucket_limit: Sequence[float],
    bucket: Sequence[float],
) -> bytes:
    """``HistogramProto``: min=1 max=2 num=3 sum=4 sum_squares=5 (doubles),
    bucket_limit=6 and bucket=7 (packed doubles; bucket i counts values <= bucket_limit[i])."""
    stats = enumerate((min, max, num, sum, sum_squares), start=1)
    out = b"".join(field_double(f, v) for f, v in stats if v != 0)  # proto3 leaves out zeros
    return out + packed_doubles(6, bucket_limit) + packed_doubles(7, bucket)


# ---------------------------------------------------------------- tensor.proto / tensor_shape.proto


def tensor_shape(dims: Sequence[int]) -> bytes:
    """``TensorShapeProto``: repeated Dim dim=2 (``Dim``: size=1)."""
    return b"".join(field_bytes(2, field_varint(1, d)) for d in dims)


def tensor_strings(strings: Sequence[bytes]) -> bytes:
    """A 1-D ``TensorProto`` of strings: dtype=1, tensor_shape=2, string_val=8."""
    out = field_varint(1, DT_STRING) + field_bytes(2, tensor_shape([len(strings)]))
    return out + b"".join(field_bytes(8, s) for s in strings)


def tensor_scalar(value: float, double: bool = False) -> bytes:
    """A one-number float ``TensorProto``: dtype=1, float_val=5 or double_val=6 (packed)."""
    if double:
        return field_varint(1, DT_DOUBLE) + packed_doubles(6, [value])
    return field_varint(1, DT_FLOAT) + field_bytes(5, struct.pack("<f", value))


# ---------------------------------------------------------------- graph.proto / node_def.proto


def attr_string(s: str) -> bytes:
    """``AttrValue`` holding s=2 (bytes)."""
    return field_str(2, s)


def attr_shapes(shapes: Sequence[Sequence[int]]) -> bytes:
    """``AttrValue`` holding list=1 (``ListValue``: repeated TensorShapeProto shape=7)."""
    return field_bytes(1, b"".join(field_bytes(7, tensor_shape(s)) for s in shapes))


def node_def(
    name: str, op: str, inputs: Sequence[str] = (), device: str = "", attrs: dict | None = None
) -> bytes:
    """``NodeDef``: name=1, op=2, repeated input=3, device=4, map<string, AttrValue> attr=5
    (a map is a repeated entry message with key=1, value=2)."""
    out = field_str(1, name) + field_str(2, op) + b"".join(field_str(3, i) for i in inputs)
    if device:
        out += field_str(4, device)
    for key, value in sorted((attrs or {}).items()):
        out += field_bytes(5, field_str(1, key) + field_bytes(2, value))
    return out


def graph_def(nodes: Sequence[bytes], producer: int = 22) -> bytes:
    """``GraphDef``: repeated NodeDef node=1, versions=4 (``VersionDef``: producer=1)."""
    return b"".join(field_bytes(1, n) for n in nodes) + field_bytes(4, field_varint(1, producer))
