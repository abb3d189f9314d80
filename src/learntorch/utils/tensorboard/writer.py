"""``SummaryWriter``: log scalars, images, histograms, text and the model graph for TensorBoard.

The files are real TensorBoard event files (``tensorboard --logdir=runs`` reads them): a
sequence of TFRecords (see ``_record.py``), each holding one ``Event`` protobuf (see
``_proto.py``). The first event of every file names the format version, ``brain.Event:2``.

>>> import tempfile, os
>>> import learntorch as torch
>>> from learntorch.utils.tensorboard import SummaryWriter
>>> logdir = tempfile.mkdtemp()
>>> with SummaryWriter(logdir) as writer:
...     for i in range(3):
...         writer.add_scalar("y=2x", 2 * i, i)
>>> [f.split(".")[:3] for f in os.listdir(logdir)]
[['events', 'out', 'tfevents']]
"""

from __future__ import annotations

import atexit
import os
import socket
import threading
import time
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from . import _image, _proto
from ._graph import trace_graph
from ._record import frame
from ._writer_more import MoreSummaries

__all__ = ["FileWriter", "SummaryWriter"]

_file_counter = iter(range(1 << 62))  # the last part of each file name: unique within the process
_counter_lock = threading.Lock()
_live_writers: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for w in list(_live_writers):
        w.close()


def _to_numpy(x: Any) -> np.ndarray:
    """A tensor (learntorch, or anything with ``detach``/``cpu``/``numpy``), array or number as numpy."""
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        x = x.detach()
        if hasattr(x, "cpu"):
            x = x.cpu()
        return np.asarray(x.numpy())
    if hasattr(x, "get") and type(x).__module__.startswith("cupy"):
        return x.get()
    return np.asarray(x)


def _scalar(value: Any) -> float:
    """One number out of a number, 0-d or 1-element tensor/array; torch's error for anything else."""
    array = _to_numpy(value).squeeze()
    if array.ndim != 0:
        raise AssertionError(
            "Tensor should contain one element (0 dimensions).             "
            f"Was given size: {array.size} and {array.ndim} dimensions.\n"
            "hint: a curve takes one number per step: log loss.item(), or a mean, not a whole tensor."
        )
    return float(array)


class FileWriter:
    """Appends framed ``Event`` records to one new event file in ``log_dir``.

    Records go through a buffered file: they reach the disk on ``flush()``, when ``max_queue``
    records are pending, at the latest ``flush_secs`` after the first unflushed record (a timer
    thread, so a stalled loop still shows up), on ``close()`` and when the interpreter exits.
    """

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: float = 120, filename_suffix: str = ""):
        self._log_dir = str(log_dir)
        os.makedirs(self._log_dir, exist_ok=True)
        with _counter_lock:
            n = next(_file_counter)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{n}"
        self.path = os.path.join(self._log_dir, name + filename_suffix)
        self._file: Any = open(self.path, "wb")  # noqa: SIM115 (closed by close())
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = flush_secs
        self._pending = 0
        self._last_flush = time.time()
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        source = _proto.source_metadata("learntorch.utils.tensorboard")
        self.add_event(_proto.event(time.time(), 0, file_version="brain.Event:2", source_metadata=source))
        self.flush()
        _live_writers.add(self)

    def get_logdir(self) -> str:
        return self._log_dir

    def add_event(self, event: bytes) -> None:
        """Write one encoded ``Event``."""
        with self._lock:
            if self._file is None:
                raise RuntimeError(f"the event file {self.path} is closed")
            self._file.write(frame(event))
            self._pending += 1
            if self._timer is None and self._pending < self._max_queue:
                self._timer = threading.Timer(self._flush_secs, self.flush)
                self._timer.daemon = True  # never keeps the interpreter alive; exit flushes anyway
                self._timer.start()
        if self._pending >= self._max_queue or time.time() - self._last_flush >= self._flush_secs:
            self.flush()

    def add_summary(
        self, summary: bytes, global_step: int | None = None, walltime: float | None = None
    ) -> None:
        """Wrap an encoded ``Summary`` in an ``Event`` (step 0 when ``global_step`` is None)."""
        walltime = time.time() if walltime is None else walltime
        step = 0 if global_step is None else int(global_step)
        self.add_event(_proto.event(walltime, step, summary=summary))

    def flush(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()  # into the OS: safe from a crash of this process
            self._pending = 0
            self._last_flush = time.time()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def close(self) -> None:
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
        _live_writers.discard(self)


class SummaryWriter(MoreSummaries):
    """Writes entries to event files in ``log_dir`` for TensorBoard to show, as
    ``torch.utils.tensorboard.SummaryWriter`` does. Note 2.1.2 teaches it.

    Args:
        log_dir: where the event file goes. Default ``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``.
        comment: suffix of the default ``log_dir`` (ignored when ``log_dir`` is given).
        purge_step: if given, TensorBoard drops the events from an earlier run whose step is
            ``>= purge_step`` (for a resumed run that crashed).
        max_queue: flush after this many pending events.
        flush_secs: flush when this many seconds passed since the last flush.
        filename_suffix: appended to every event file name.

    Example (show it with ``tensorboard --logdir=logs``)::

        writer = SummaryWriter("logs")
        for i in range(100):
            writer.add_scalar("y=2x", 2 * i, i)
        writer.add_image("test", image_array, 1, dataformats="HWC")
        writer.add_graph(model, input)
        writer.close()
    """

    def __init__(
        self,
        log_dir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        if not log_dir:
            now = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", now + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] | None = None
        self._get_file_writer()
        # TensorBoard's histogram buckets: +-1e-12 * 1.1**k up to 1e20, and 0
        v, buckets = 1e-12, []
        while v < 1e20:
            buckets.append(v)
            v *= 1.1
        self.default_bins = [-b for b in reversed(buckets)] + [0] + buckets

    def _get_file_writer(self) -> FileWriter:
        """The writer of the main event file, opened again if the SummaryWriter was closed."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                fw, step = self.file_writer, int(self.purge_step)
                fw.add_event(_proto.event(time.time(), step, file_version="brain.Event:2"))
                fw.add_event(
                    _proto.event(time.time(), step, session_log=_proto.session_log(_proto.SESSION_START))
                )
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str:
        """The directory the event files are written to."""
        return self.log_dir

    # ------------------------------------------------------------------ scalars
    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """One point of the curve ``tag``: y = ``scalar_value`` (a number or 1-element tensor),
        x = ``global_step``. ``new_style`` stores a tensor for the scalars plugin instead of the
        classic ``simple_value`` float (``double_precision`` keeps it float64)."""
        value = _scalar(scalar_value)
        if new_style:
            meta = _proto.summary_metadata("scalars")
            val = _proto.summary_value(tag, meta, tensor=_proto.tensor_scalar(value, double_precision))
        else:
            val = _proto.summary_value(tag, simple_value=value)
        self._get_file_writer().add_summary(_proto.summary(val), global_step, walltime)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Several curves in one chart. Each key gets its own run directory
        ``<log_dir>/<main_tag>_<key>`` (with ``/`` in ``main_tag`` replaced by ``_``)."""
        walltime = time.time() if walltime is None else walltime
        main_dir = self._get_file_writer().get_logdir()
        assert self.all_writers is not None
        for tag, scalar_value in tag_scalar_dict.items():
            fw_tag = main_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            if fw_tag not in self.all_writers:
                self.all_writers[fw_tag] = FileWriter(
                    fw_tag, self.max_queue, self.flush_secs, self.filename_suffix
                )
            value = _proto.summary_value(main_tag, simple_value=_scalar(scalar_value))
            self.all_writers[fw_tag].add_summary(_proto.summary(value), global_step, walltime)

    # ------------------------------------------------------------------ histograms
    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """A histogram of ``values`` (e.g. a layer's weights) at ``global_step``.

        ``bins``: ``'tensorflow'`` (TensorBoard's exponential buckets), a bin count, a numpy
        strategy name (``'auto'``, ``'fd'``, ...) or the bin edges.
        """
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        histo = _histogram(_to_numpy(values).astype(float), bins, max_bins)
        value = _proto.summary_value(tag, histo=histo)
        self._get_file_writer().add_summary(_proto.summary(value), global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min: float,
        max: float,
        num: int,
        sum: float,
        sum_squares: float,
        bucket_limits: Sequence[float],
        bucket_counts: Sequence[float],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """A histogram you computed yourself: ``bucket_counts[i]`` values are <= ``bucket_limits[i]``."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        histo = _proto.histogram(min, max, num, sum, sum_squares, bucket_limits, bucket_counts)
        value = _proto.summary_value(tag, histo=histo)
        self._get_file_writer().add_summary(_proto.summary(value), global_step, walltime)

    # ------------------------------------------------------------------ images
    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """One image. Default layout ``(3, H, W)``; say ``dataformats='HWC'`` for a numpy/PIL
        array, ``'HW'`` for grayscale. Float images are read in [0, 1], uint8 in [0, 255]."""
        hwc = _image.to_uint8(_image.to_hwc(_to_numpy(img_tensor), dataformats))
        h, w, c = hwc.shape
        value = _proto.summary_value(tag, image=_proto.image(h, w, c, _image.encode_png(hwc)))
        self._get_file_writer().add_summary(_proto.summary(value), global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """A batch of images ``(N, 3, H, W)`` (or ``(N, 1, H, W)``), tiled 8 to a row in one picture."""
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    # ------------------------------------------------------------------ text and graph
    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None, walltime: float | None = None
    ):
        """Text (Markdown) shown in TensorBoard's Text tab, under ``<tag>/text_summary``."""
        meta = _proto.summary_metadata("text")
        tensor = _proto.tensor_strings([text_string.encode("utf-8")])
        value = _proto.summary_value(tag + "/text_summary", meta, tensor=tensor)
        self._get_file_writer().add_summary(_proto.summary(value), global_step, walltime)

    def add_graph(
        self, model: Any, input_to_model: Any = None, verbose: bool = False, use_strict_trace: bool = True
    ) -> None:
        """The model's structure for the Graphs tab: runs ``model(input_to_model)`` once and
        records every op, grouped into boxes by module (see ``_graph.py`` for how)."""
        graph, nodes = trace_graph(model, input_to_model)
        if verbose:
            for name, op, inputs in nodes:
                print(f"{name} = {op}({', '.join(inputs)})")
        self._get_file_writer().add_event(_proto.event(time.time(), 0, graph_def=graph))

    # ------------------------------------------------------------------ lifetime
    def flush(self) -> None:
        """Make sure everything written so far is on disk."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        """Flush and close every event file (a later ``add_*`` opens a new file)."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.close()


def _histogram(values: np.ndarray, bins: Any, max_bins: int | None = None) -> bytes:
    """Encode a ``HistogramProto`` of ``values``, keeping only the buckets around the data."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:  # merge runs of `step` neighbouring bins
        step = len(counts) // max_bins
        if len(counts) % step:
            counts = np.pad(counts, (0, step - len(counts) % step))
        counts = counts.reshape(-1, step).sum(axis=-1)
        limits = np.append(limits[:-1:step][: len(counts)], limits[-1])
    nonzero = np.flatnonzero(counts)
    if len(nonzero) == 0:
        raise ValueError(
            "The histogram is empty, please file a bug report.\n"
            "hint: no value fell inside the bins (NaN, inf, or values outside the bin edges you gave)."
        )
    first, last = nonzero[0], nonzero[-1]
    # TensorBoard reads each bucket as ending at its limit, so we keep the right edges
    # limits[first+1 .. last+1] of the occupied bins, led by one empty bucket ending at limits[first]
    kept_counts = np.concatenate([[0], counts[first : last + 1]])
    kept_limits = limits[first : last + 2]
    return _proto.histogram(
        values.min(),
        values.max(),
        len(values),
        values.sum(),
        values.dot(values),
        kept_limits.tolist(),
        kept_counts.tolist(),
    )
