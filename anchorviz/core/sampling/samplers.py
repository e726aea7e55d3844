"""Minibatch sampling of labelled anchors, as torchvision, detectron2 and mmdetection do it.

All three draw with ``torch.randperm`` on the seeded CPU generator; :class:`TorchCPUGenerator`
replays that stream, so for the same seed the same anchors come out as in the library.

The counting rule is shared (``P`` = candidates that are positive, ``N`` = negative)::

    num_pos = min(#P, int(batch_size * positive_fraction))
    num_neg = min(#N, batch_size - num_pos)

and the libraries differ in what they call positive, in which draws they consume and in how they
return the result:

* torchvision ``BalancedPositiveNegativeSampler``: positive = label >= 1, negative = label == 0.
  ``randperm(#P)[:num_pos]`` then ``randperm(#N)[:num_neg]``, *always* both. Returns masks.
* detectron2 ``subsample_labels``: positive = label != -1 and != bg_label, negative = label == bg_label.
  Same draws as torchvision. Returns indices in permutation order.
* mmdetection ``RandomSampler``: ``gt_inds`` with -1 ignore / 0 negative / k >= 1 positive. It only calls
  ``randperm`` when there are *more* candidates than wanted (otherwise takes all, without a draw).
  ``num_neg`` may be capped at ``int(neg_pos_ub * max(1, #sampled_pos))``. Indices come back sorted
  (``unique()``). ``add_gt_as_proposals`` puts the GT boxes in front as positives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.errors import AnchorVizInputError

__all__ = [
    "SampleResult",
    "TorchCPUGenerator",
    "detectron2_subsample_labels",
    "mmdet_random_sample",
    "sample_minibatch",
    "torchvision_sample",
]

SamplingRule = Literal["torchvision", "detectron2", "mmdet"]
_RULES = ("torchvision", "detectron2", "mmdet")


@dataclass(frozen=True, kw_only=True)
class SampleResult:
    """Which anchors a minibatch sampler picked.

    Attributes:
        pos_idx (ndarray[P], int64): indices of the sampled positive anchors (read-only).
        neg_idx (ndarray[Q], int64): indices of the sampled negative anchors (read-only).
        rule: the library rule that produced them.

    The index order is the library's: sorted for torchvision (it returns masks) and mmdet
    (``unique()``), permutation order for detectron2.
    """

    pos_idx: np.ndarray
    neg_idx: np.ndarray
    rule: SamplingRule = field(default="torchvision")

    def __post_init__(self) -> None:
        for name in ("pos_idx", "neg_idx"):
            arr = np.array(getattr(self, name), dtype=np.int64).reshape(-1)
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def num_pos(self) -> int:
        """Number of sampled positives."""
        return int(self.pos_idx.size)

    @property
    def num_neg(self) -> int:
        """Number of sampled negatives."""
        return int(self.neg_idx.size)


def torchvision_sample(
    labels,
    *,
    batch_size_per_image: int,
    positive_fraction: float,
    generator: TorchCPUGenerator,
) -> tuple[np.ndarray, np.ndarray]:
    """torchvision ``BalancedPositiveNegativeSampler`` for one image.

    Args:
        labels (ndarray[N], int): per anchor; >= 1 positive, 0 negative, anything else ignored.
        batch_size_per_image: anchors per image (>= 1); torchvision RPN 256, RoI heads 512.
        positive_fraction: wanted share of positives in [0, 1]; RPN 0.5, RoI heads 0.25.
        generator: the seeded stream (advanced by ``max(#P-1, 0) + max(#N-1, 0)`` draws).

    Returns:
        (pos_mask, neg_mask): two bool ndarray[N].

    Raises:
        AnchorVizInputError: labels not a 1-D integer array, or a bad count/fraction.
    """
    labels = _as_labels(labels, "labels")
    batch_size_per_image = _check_batch(batch_size_per_image, "batch_size_per_image")
    positive_fraction = _check_fraction(positive_fraction, "positive_fraction")
    pos_idx, neg_idx = _balanced_draw(
        np.flatnonzero(labels >= 1), np.flatnonzero(labels == 0), batch_size_per_image, positive_fraction, generator
    )
    pos_mask = np.zeros(labels.size, dtype=bool)
    neg_mask = np.zeros(labels.size, dtype=bool)
    pos_mask[pos_idx] = True
    neg_mask[neg_idx] = True
    return pos_mask, neg_mask


def detectron2_subsample_labels(
    labels,
    *,
    num_samples: int,
    positive_fraction: float,
    bg_label: int,
    generator: TorchCPUGenerator,
) -> tuple[np.ndarray, np.ndarray]:
    """detectron2 ``modeling.sampling.subsample_labels``.

    Args:
        labels (ndarray[N], int): per anchor; -1 ignore, ``bg_label`` negative, anything else positive.
        num_samples: total anchors to keep (>= 1); RPN ``BATCH_SIZE_PER_IMAGE`` 256.
        positive_fraction: wanted share of positives in [0, 1].
        bg_label: the background label (0 for the RPN, ``num_classes`` for RoI heads).
        generator: the seeded stream.

    Returns:
        (pos_idx, neg_idx): int64 ndarrays in the order of the random permutation.

    Raises:
        AnchorVizInputError: labels not a 1-D integer array, or a bad count/fraction/bg_label.
    """
    labels = _as_labels(labels, "labels")
    num_samples = _check_batch(num_samples, "num_samples")
    positive_fraction = _check_fraction(positive_fraction, "positive_fraction")
    bg_label = _check_int(bg_label, "bg_label")
    positive = np.flatnonzero((labels != -1) & (labels != bg_label))
    negative = np.flatnonzero(labels == bg_label)
    return _balanced_draw(positive, negative, num_samples, positive_fraction, generator)


def mmdet_random_sample(
    gt_inds,
    *,
    num: int,
    pos_fraction: float,
    neg_pos_ub: float = -1,
    add_gt_as_proposals: bool = False,
    num_gts: int = 0,
    generator: TorchCPUGenerator,
) -> tuple[np.ndarray, np.ndarray]:
    """mmdetection 3.x ``RandomSampler.sample``.

    Args:
        gt_inds (ndarray[N], int): ``MaxIoUAssigner`` output; -1 ignore, 0 negative, k >= 1 matched to GT k-1.
        num: total samples wanted (>= 1); RPN 256, RCNN 512.
        pos_fraction: wanted share of positives in [0, 1].
        neg_pos_ub: when >= 0, at most ``int(neg_pos_ub * max(1, #sampled_pos))`` negatives; -1 = no cap.
        add_gt_as_proposals: put the ``num_gts`` GT boxes in front of the priors as positives
            (their ``gt_inds`` become 1..num_gts and every prior index shifts by ``num_gts``).
        num_gts: how many GT boxes the image has (only used with ``add_gt_as_proposals``; must be at
            least ``max(gt_inds)``).
        generator: the seeded stream. Draws happen only where a candidate set is larger than wanted.

    Returns:
        (pos_inds, neg_inds): sorted int64 ndarrays. With ``add_gt_as_proposals`` they index the
        concatenation ``[gt boxes; priors]``, so indices < num_gts are GT boxes.

    Raises:
        AnchorVizInputError: gt_inds not a 1-D integer array, or a bad count/fraction/num_gts.
    """
    gt_inds = _as_labels(gt_inds, "gt_inds")
    num = _check_batch(num, "num")
    pos_fraction = _check_fraction(pos_fraction, "pos_fraction")
    neg_pos_ub = _check_real(neg_pos_ub, "neg_pos_ub")
    num_gts = _check_int(num_gts, "num_gts")
    if add_gt_as_proposals:
        referenced = int(gt_inds.max(initial=0))
        if num_gts < referenced:
            raise AnchorVizInputError(
                f"num_gts: gt_inds refers to GT {referenced}, so at least {referenced} GT boxes are needed, "
                f"got {num_gts}"
            )
        if num_gts > 0:
            gt_inds = np.concatenate([np.arange(1, num_gts + 1, dtype=np.int64), gt_inds])

    def draw(candidates: np.ndarray, wanted: int) -> np.ndarray:
        if candidates.size <= wanted:
            return candidates  # mmdet takes them all without touching the generator
        return candidates[generator.randperm(candidates.size, wanted)]

    pos = np.unique(draw(np.flatnonzero(gt_inds > 0), int(num * pos_fraction)))
    num_expected_neg = num - pos.size
    if neg_pos_ub >= 0:
        num_expected_neg = min(num_expected_neg, int(neg_pos_ub * max(1, pos.size)))
    neg = np.unique(draw(np.flatnonzero(gt_inds == 0), num_expected_neg))
    return pos.astype(np.int64), neg.astype(np.int64)


def sample_minibatch(
    labels,
    *,
    batch_size: int,
    positive_fraction: float,
    rule: SamplingRule,
    seed: int = 0,
    neg_pos_ub: float = -1,
) -> SampleResult:
    """Sample a training minibatch of anchors the way one library does, from a fresh seed.

    Equivalent to ``torch.manual_seed(seed)`` followed by a single call of the library's sampler.

    Args:
        labels (ndarray[N], int): per anchor; 1 positive, 0 negative, -1 ignored.
        batch_size: anchors per image (>= 1).
        positive_fraction: wanted share of positives, in [0, 1].
        rule: "torchvision", "detectron2" or "mmdet" (see the module docstring).
        seed: the ``torch.manual_seed`` value.
        neg_pos_ub: mmdet only; cap negatives at ``int(neg_pos_ub * max(1, #pos))`` when >= 0.

    Returns:
        SampleResult with the sampled positive and negative anchor indices.

    Raises:
        AnchorVizInputError: labels outside {-1, 0, 1}, batch_size < 1, fraction outside [0, 1],
            unknown rule, or a bad seed.
    """
    labels = _as_labels(labels, "labels")
    bad = ~np.isin(labels, (-1, 0, 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(
            f"labels: expected 1 (positive), 0 (negative) or -1 (ignored) per anchor, "
            f"got {int(labels[i])} at anchor {i}"
        )
    if rule not in _RULES:
        raise AnchorVizInputError(f"rule: expected one of {', '.join(_RULES)}, got {rule!r}")
    batch_size = _check_batch(batch_size, "batch_size")
    positive_fraction = _check_fraction(positive_fraction, "positive_fraction")
    generator = TorchCPUGenerator(seed)
    if rule == "torchvision":
        pos_mask, neg_mask = torchvision_sample(
            labels, batch_size_per_image=batch_size, positive_fraction=positive_fraction, generator=generator
        )
        pos_idx, neg_idx = np.flatnonzero(pos_mask), np.flatnonzero(neg_mask)
    elif rule == "detectron2":
        pos_idx, neg_idx = detectron2_subsample_labels(
            labels, num_samples=batch_size, positive_fraction=positive_fraction, bg_label=0, generator=generator
        )
    else:
        pos_idx, neg_idx = mmdet_random_sample(
            labels, num=batch_size, pos_fraction=positive_fraction, neg_pos_ub=neg_pos_ub, generator=generator
        )
    return SampleResult(pos_idx=pos_idx, neg_idx=neg_idx, rule=rule)


# --- helpers ---------------------------------------------------------------------------------------


def _balanced_draw(
    positive: np.ndarray, negative: np.ndarray, batch: int, fraction: float, generator: TorchCPUGenerator
) -> tuple[np.ndarray, np.ndarray]:
    """The torchvision/detectron2 rule: both permutations are always drawn, positives first."""
    num_pos = min(positive.size, int(batch * fraction))
    num_neg = min(negative.size, batch - num_pos)
    pos = positive[generator.randperm(positive.size, num_pos)]
    neg = negative[generator.randperm(negative.size, num_neg)]
    return pos.astype(np.int64), neg.astype(np.int64)


def _as_labels(labels, name: str) -> np.ndarray:
    """A new 1-D int64 array from integer-valued input (an empty input gives shape (0,))."""
    try:
        arr = np.array(labels, copy=True)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"{name}: expected a 1-D array of integers, got {type(labels).__name__}") from e
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1:
        raise AnchorVizInputError(f"{name}: expected a 1-D array of integers, got shape {arr.shape}")
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise AnchorVizInputError(f"{name}: expected integers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AnchorVizInputError(f"{name}: expected integers, got {arr[i]} at position {i}")
    return arr.astype(np.int64)


def _check_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise AnchorVizInputError(f"{name}: expected an integer, got {value!r}")
    return int(value)


def _check_batch(value, name: str) -> int:
    value = _check_int(value, name)
    if value < 1:
        raise AnchorVizInputError(f"{name}: expected an integer >= 1, got {value}")
    return value


def _check_real(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise AnchorVizInputError(f"{name}: expected a number, got {value!r}")
    if not np.isfinite(value):
        raise AnchorVizInputError(f"{name}: expected a finite number, got {value}")
    return float(value)


def _check_fraction(value, name: str) -> float:
    value = _check_real(value, name)
    if not 0.0 <= value <= 1.0:
        raise AnchorVizInputError(f"{name}: expected a fraction in [0, 1], got {value}")
    return value
