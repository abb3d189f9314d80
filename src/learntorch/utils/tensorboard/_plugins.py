"""The protobuf messages of TensorBoard's plugins (hparams, PR curves, custom scalars, mesh, audio).

Same hand encoding as ``_proto.py``; field numbers from TensorBoard's ``plugins/*/plugin_data.proto``,
``api.proto``, ``layout.proto`` and ``summary.proto``. ``google.protobuf.Value`` (the hparams' values)
is number_value=2 (double), string_value=3, bool_value=4; ``ListValue`` is repeated Value values=1.

>>> value_of(0.5).hex()  # number_value = 0.5
'11000000000000e03f'
"""

from __future__ import annotations

import io
import wave
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._proto import field_bytes, field_double, field_float, field_str, field_varint, tensor_shape, varint

DT = {np.dtype(np.float32): 1, np.dtype(np.float64): 2, np.dtype(np.int32): 3, np.dtype(np.uint8): 4}
HPARAM_TYPE = {str: 1, bool: 2, float: 3}  # hparams DataType: STRING, BOOL, FLOAT64
MESH_TYPES = {"VERTEX": 1, "FACE": 2, "COLOR": 3}


def tensor_content(array: np.ndarray) -> bytes:
    """A ``TensorProto`` holding ``array`` as raw little-endian bytes: dtype=1, shape=2, tensor_content=4."""
    a = np.ascontiguousarray(array)
    return (
        field_varint(1, DT[a.dtype])
        + field_bytes(2, tensor_shape(a.shape))
        + field_bytes(4, a.astype(a.dtype.newbyteorder("<")).tobytes())
    )


def value_of(v: Any) -> bytes:
    """``google.protobuf.Value`` of a bool, number or string."""
    if isinstance(v, bool):
        return field_varint(4, int(v))
    if isinstance(v, (int, float, np.integer, np.floating)):
        return field_double(2, float(v))
    return field_str(3, str(v))


def hparams_content(kind: str, message: bytes) -> bytes:
    """``HParamsPluginData``: version=1 (0), then experiment=2 | session_start_info=3 | session_end_info=4."""
    return field_bytes({"experiment": 2, "session_start_info": 3, "session_end_info": 4}[kind], message)


def experiment(hparams: dict[str, Any], metric_tags: Sequence[str]) -> bytes:
    """``Experiment``: hparam_infos=4 (``HParamInfo``: name=1, type=4), metric_infos=5 (``MetricInfo``:
    name=1 = ``MetricName``: tag=2)."""
    out = b""
    for name, v in hparams.items():
        kind = bool if isinstance(v, bool) else float if isinstance(v, (int, float, np.number)) else str
        out += field_bytes(4, field_str(1, name) + field_varint(4, HPARAM_TYPE[kind]))
    for tag in metric_tags:
        out += field_bytes(5, field_bytes(1, field_str(2, tag)))
    return out


def session_start(hparams: dict[str, Any], group_name: str, start_time: float) -> bytes:
    """``SessionStartInfo``: hparams=1 (map<string, Value>), group_name=4, start_time_secs=5."""
    out = b"".join(field_bytes(1, field_str(1, k) + field_bytes(2, value_of(v))) for k, v in hparams.items())
    return out + field_str(4, group_name) + field_double(5, start_time)


def session_end(end_time: float, status: int = 1) -> bytes:
    """``SessionEndInfo``: status=1 (1 = SUCCESS), end_time_secs=2."""
    return field_varint(1, status) + field_double(2, end_time)


def pr_curve_content(num_thresholds: int) -> bytes:
    """``PrCurvePluginData``: version=1 (0), num_thresholds=2."""
    return field_varint(2, num_thresholds)


def pr_curve_data(
    labels: np.ndarray, predictions: np.ndarray, num_thresholds: int, weights: Any = None
) -> np.ndarray:
    """The ``[6, num_thresholds]`` table TensorBoard draws: TP, FP, TN, FN, precision, recall when
    everything with a prediction >= ``i / (num_thresholds - 1)`` is called positive."""
    w = np.ones_like(predictions, dtype=np.float64) if weights is None else np.asarray(weights, np.float64)
    bucket = np.floor(np.asarray(predictions, np.float64) * (num_thresholds - 1)).astype(np.int64)
    pos = np.asarray(labels, np.float64) * w
    tp = np.bincount(bucket.ravel(), pos.ravel(), minlength=num_thresholds)[::-1].cumsum()[::-1]
    fp = np.bincount(bucket.ravel(), (w - pos).ravel(), minlength=num_thresholds)[::-1].cumsum()[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(tp + fp, 1e-7)
    recall = tp / np.maximum(tp + fn, 1e-7)
    return np.stack([tp, fp, tn, fn, precision, recall]).astype(np.float32)


def layout(categories: dict[str, dict[str, Sequence[Any]]]) -> bytes:
    """``Layout`` for custom scalars: category=2 (title=1, chart=2 (title=1, multiline=2 (tag=1...) |
    margin=3 (series=1: value=1, lower=2, upper=3)))."""
    out = b""
    for title, charts in categories.items():
        cat = field_str(1, title)
        for chart_title, (kind, tags) in charts.items():
            if kind == "Multiline":
                body = field_bytes(2, b"".join(field_str(1, t) for t in tags))
            elif kind == "Margin":
                value, lower, upper = tags
                series = field_str(1, value) + field_str(2, lower) + field_str(3, upper)
                body = field_bytes(3, field_bytes(1, series))
            else:
                raise ValueError(f"chart type must be 'Multiline' or 'Margin', not {kind!r}")
            cat += field_bytes(2, field_str(1, chart_title) + body)
        out += field_bytes(2, cat)
    return out


def mesh_content(name: str, kind: str, shape: Sequence[int], components: int, json_config: str) -> bytes:
    """``MeshPluginData``: version=1 (0), name=2, content_type=3, json_config=5, shape=6 (packed), components=7."""
    packed = b"".join(varint(s) for s in shape)
    out = field_str(2, name) + field_varint(3, MESH_TYPES[kind])
    if json_config:
        out += field_str(5, json_config)
    return out + field_bytes(6, packed) + field_varint(7, components)


def audio(samples: np.ndarray, sample_rate: int) -> bytes:
    """``Summary.Audio``: sample_rate=1 (float), num_channels=2, length_frames=3, encoded_audio_string=4,
    content_type=5; the sound as a 16-bit mono WAV file."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return (
        field_float(1, float(sample_rate)) + field_varint(2, 1) + field_varint(3, len(pcm))
        + field_bytes(4, buf.getvalue()) + field_str(5, "audio/wav")
    )  # fmt: skip
