"""PyTorch's CPU random stream (``torch.manual_seed`` + ``torch.randperm``), without torch.

The samplers of torchvision, detectron2 and mmdetection pick their minibatch with ``torch.randperm`` on the
default CPU generator. To show *the same* anchors the library would pick, anchorviz replays that stream:

* ``torch.manual_seed(seed)`` seeds a standard 32-bit Mersenne Twister (MT19937) with
  ``init_genrand(seed mod 2**32)``, and every ``generator->random()`` call returns its next tempered 32-bit
  output. NumPy's legacy ``RandomState(seed mod 2**32)`` is that generator with that seeding, and
  ``randint(0, 2**32, dtype=uint32)`` returns its raw outputs (for the full 32-bit range NumPy takes one output
  per draw, untransformed), so both give the same stream, draw for draw.
* ``torch.randperm(n)`` for ``n < 2**32 / 20`` is a forward Fisher-Yates shuffle of ``arange(n)``::

      for i in range(n - 1):
          z = random() % (n - i)
          swap(r[i], r[i + z])

  so it always consumes exactly ``n - 1`` draws (none when ``n <= 1``). Larger ``n`` take another path in torch
  (64-bit draws, an inside-out shuffle), which anchorviz does not reproduce: no image has that many anchors.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["TorchCPUGenerator"]

# torch.manual_seed accepts exactly this range (negative seeds wrap around as uint64).
_SEED_MIN = -0x8000_0000_0000_0000
_SEED_MAX = 0xFFFF_FFFF_FFFF_FFFF
# torch.randperm uses the shuffle above only for n < this (uint32 max / 20); larger n take another path.
_RANDPERM_SMALL_N = (2**32 - 1) // 20


class TorchCPUGenerator:
    """The default CPU generator of PyTorch after ``torch.manual_seed(seed)``.

    Example:
        >>> gen = TorchCPUGenerator(0)
        >>> gen.randperm(5).tolist()  # torch.manual_seed(0); torch.randperm(5)
        [4, 0, 1, 3, 2]

    Args:
        seed: any int torch accepts in ``manual_seed`` (``-2**63 <= seed < 2**64``); only the low
            32 bits reach the Mersenne Twister, as in torch.

    Raises:
        AnchorVizInputError: seed is not an int or is out of torch's range.
    """

    def __init__(self, seed: int) -> None:
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise AnchorVizInputError(f"seed: expected an integer, got {seed!r} ({type(seed).__name__})")
        seed = int(seed)
        if not _SEED_MIN <= seed <= _SEED_MAX:
            raise AnchorVizInputError(f"seed: expected an integer in [-2**63, 2**64), got {seed}")
        self.seed = seed
        self._mt = np.random.RandomState(seed & 0xFFFFFFFF)  # MT19937 with init_genrand, as torch seeds it

    def random_raw(self, n: int) -> np.ndarray:
        """The next ``n`` outputs of ``generator->random()``.

        Args:
            n: how many 32-bit draws to take (>= 0).

        Returns:
            ndarray[n], uint32: the draws in order. The generator advances by ``n``.
        """
        n = _check_count(n, "n")
        return self._mt.randint(0, 2**32, size=n, dtype=np.uint32)

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        """``torch.randperm(n)[:k]`` on this generator.

        Always consumes ``max(n - 1, 0)`` draws, like torch, but only performs the first ``k`` swap
        steps: after step ``i`` the entries ``0..i`` never move again. The swaps run in Python, so a
        full permutation of a million entries takes about a second; a few hundred are instant.

        Args:
            n: permutation size (``0 <= n < (2**32 - 1) // 20``).
            k: how many leading entries to return; ``None`` returns all ``n``. Values above ``n``
                are treated as ``n`` (slicing semantics).

        Returns:
            ndarray[min(k, n)], int64: the leading entries of the permutation.

        Raises:
            AnchorVizInputError: negative ``n`` or ``k``, or ``n`` too large for torch's small-n path.
        """
        n = _check_count(n, "n")
        if n >= _RANDPERM_SMALL_N:
            raise AnchorVizInputError(f"n: torch.randperm is only reproduced for n < {_RANDPERM_SMALL_N}, got {n}")
        k = n if k is None else min(_check_count(k, "k"), n)
        draws = self.random_raw(max(n - 1, 0)).astype(np.int64)
        # z_i = random() % (n - i) for every step, vectorised; only the swaps run in Python.
        offsets = draws % (n - np.arange(draws.size, dtype=np.int64))
        perm = np.arange(n, dtype=np.int64)
        for i in range(min(k, n - 1)):
            j = i + int(offsets[i])
            perm[i], perm[j] = perm[j], perm[i]
        return perm[:k].copy()


def _check_count(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise AnchorVizInputError(f"{name}: expected a non-negative integer, got {value!r}")
    if value < 0:
        raise AnchorVizInputError(f"{name}: expected a non-negative integer, got {value}")
    return int(value)
