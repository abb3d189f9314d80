"""A real photograph that installs with a package, for feature-map demos.

Matplotlib ships Grace Hopper's portrait as sample data; it is read once, turned grey
and shrunk with learntorch's own adaptive average pooling. Without it (a trimmed
matplotlib), scikit-learn's 8x8 digits (upscaled) stand in.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["sample_image"]


@functools.lru_cache(maxsize=4)
def _load(size: int) -> tuple[np.ndarray, str]:
    from .. import tensor  # noqa: PLC0415
    from ..nn import functional as F  # noqa: PLC0415

    try:
        import matplotlib.cbook as cbook  # noqa: PLC0415
        import matplotlib.image as mpimg  # noqa: PLC0415

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            rgb = mpimg.imread(f, format="jpg").astype(np.float32) / 255.0
        grey, name = rgb[..., :3].mean(axis=2), "Grace Hopper (matplotlib sample data)"
    except (OSError, ValueError, ImportError):
        from sklearn.datasets import load_digits  # noqa: PLC0415

        grey, name = load_digits().images[0].astype(np.float32) / 16.0, "a digit (scikit-learn)"
    small = F.adaptive_avg_pool2d(tensor(grey[None, None].copy()), size)
    return small.numpy()[0, 0], name


def sample_image(size: int = 48) -> tuple[np.ndarray, str]:
    """A grey ``size`` x ``size`` photo in [0, 1] and where it comes from.

    >>> img, name = sample_image(32)
    >>> img.shape, bool(0 <= img.min() <= img.max() <= 1), name.split(" (")[0]
    ((32, 32), True, 'Grace Hopper')
    """
    img, name = _load(size)
    return img.copy(), name
