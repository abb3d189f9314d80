"""``learntorch.utils.tensorboard``: write TensorBoard event files, no TensorFlow needed.

``from learntorch.utils.tensorboard import SummaryWriter`` works as in torch; see ``writer.py``.
The pieces are small enough to read: ``_record.py`` (TFRecord framing, CRC32C),
``_proto.py`` (protobuf by hand), ``_image.py`` (PNG), ``_graph.py`` (``add_graph``).
"""

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
