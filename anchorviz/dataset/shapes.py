"""The distinct anchor shapes of a setup, and each box's best shape-only match among them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.cells import cell_anchors, feature_size
from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.pairwise import shape_iou

__all__ = ["AnchorShapes", "anchor_shapes", "best_shape_match"]


_SHAPE_CHUNK_ELEMENTS = 8_000_000  # rows x anchor shapes per chunk (bounded memory for 10M boxes)
# best_shape_match's own chunks: smaller, so its (n, K) temporaries stay in the CPU cache and are reused instead of
# being mapped fresh from the OS for every chunk (3x faster on 100k boxes); every row's result is the same
_BEST_CHUNK_ELEMENTS = 1 << 16


@dataclass(frozen=True, kw_only=True, eq=False)
class AnchorShapes:
    """The distinct anchor shapes of a setup (one row per cell anchor of each level).

    Attributes:
        wh: float64 (K, 2) width and height in network-input pixels, exactly as the library generates them
            (torchvision's rounding, mmdet v1's +1 corners, d2l's image-relative sizes).
        level: int64 (K,) level index of each shape.
        level_names: the levels' names ("P3", ...).
    """

    wh: np.ndarray
    level: np.ndarray
    level_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.wh.shape[0])


def anchor_shapes(cfg: AnchorConfig, input_hw: tuple[int, int] | None = None) -> AnchorShapes:
    """Every level's cell-anchor shapes.

    Args:
        cfg: the setup.
        input_hw: the network input (height, width); needed only by d2l, whose sizes are fractions of the
            image and whose widths depend on the feature map.

    Raises:
        AnchorVizInputError: a d2l setup without ``input_hw``.
    """
    conv = cfg.conv
    if conv.normalised and input_hw is None:
        raise AnchorVizInputError(f"{conv.title} anchor sizes are fractions of the image: expected input_hw")
    whs, levels = [], []
    for i, lv in enumerate(cfg.levels):
        feat = lv.feature_hw or (feature_size(input_hw, lv.stride_wh) if input_hw is not None else None)
        cells = cell_anchors(cfg, i, feat)
        wh = cells[:, 2:] - cells[:, :2]
        if conv.normalised:
            wh = wh * np.array([input_hw[1], input_hw[0]], np.float64)
        whs.append(wh)
        levels.append(np.full(len(wh), i, np.int64))
    names = tuple(lv.name or f"L{i}" for i, lv in enumerate(cfg.levels))
    return AnchorShapes(wh=np.concatenate(whs), level=np.concatenate(levels), level_names=names)


def best_shape_match(wh, shapes_wh) -> tuple[np.ndarray, np.ndarray]:
    """Best shape-only IoU of each box with any anchor shape, and which shape, in bounded memory.

    Args:
        wh (ndarray[N, 2]): box widths and heights.
        shapes_wh (ndarray[K, 2]): anchor widths and heights.

    Returns:
        (best IoU float64 (N,), index of the best shape int64 (N,); the first shape on ties). The values are
        exactly ``anchorviz.core.iou.pairwise.shape_iou(wh, shapes_wh).max(axis=1)``.
    """
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    s = np.asarray(shapes_wh, np.float64).reshape(-1, 2)
    n, k = len(w), len(s)
    best = np.zeros(n)
    arg = np.zeros(n, np.int64)
    if k == 0 or n == 0:
        return best, arg
    step = max(1, _BEST_CHUNK_ELEMENTS // k)
    for a in range(0, n, step):
        iou = shape_iou(w[a:a + step], s)  # [n_chunk, K]
        arg[a:a + step] = iou.argmax(axis=1)
        best[a:a + step] = iou[np.arange(len(iou)), arg[a:a + step]]
    return best, arg
