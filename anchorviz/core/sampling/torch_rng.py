"""PyTorch's CPU random stream (``torch.manual_seed`` + ``torch.randperm``), rebuilt in NumPy.

The samplers of torchvision, detectron2 and mmdetection pick their minibatch with ``torch.randperm``
on the default CPU generator. To show *the same* anchors the library would pick, anchorviz replays
that stream without torch:

* ``torch.manual_seed(seed)`` seeds a standard 32-bit Mersenne Twister (MT19937) with
  ``init_genrand(seed mod 2**32)``::

      state[0] = seed
      state[j] = (1812433253 * (state[j-1] ^ (state[j-1] >> 30)) + j) mod 2**32,  j = 1..623

  Every ``generator->random()`` call returns the next tempered 32-bit output.
* ``torch.randperm(n)`` for ``n < 2**32 / 20`` is a forward Fisher-Yates shuffle of ``arange(n)``::

      for i in range(n - 1):
          z = random() % (n - i)
          swap(r[i], r[i + z])

  so it always consumes exactly ``n - 1`` draws (none when ``n <= 1``).

The twist is vectorised over the 624-word state (see ``_twist_blocks``): a million draws take
30-60 ms on a slow CI core.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["TorchCPUGenerator"]

_N = 624  # state size in 32-bit words
_M = 397  # middle word offset
_MATRIX_A = np.uint32(0x9908B0DF)
_UPPER = np.uint32(0x80000000)
_LOWER = np.uint32(0x7FFFFFFF)

# torch.manual_seed accepts exactly this range (negative seeds wrap around as uint64).
_SEED_MIN = -0x8000_0000_0000_0000
_SEED_MAX = 0xFFFF_FFFF_FFFF_FFFF
# torch.randperm uses the shuffle above only for n < this (uint32 max / 20); larger n take another path.
_RANDPERM_SMALL_N = (2**32 - 1) // 20


def _init_genrand(seed32: int) -> np.ndarray:
    """Knuth's MT19937 initialisation. Returns the (624,) uint32 state."""
    state = np.empty(_N, dtype=np.uint32)
    s = seed32
    state[0] = s
    for j in range(1, _N):
        s = (1812433253 * (s ^ (s >> 30)) + j) & 0xFFFFFFFF
        state[j] = s
    return state


def _twist_blocks(state: np.ndarray, n_blocks: int) -> np.ndarray:
    """Run ``n_blocks`` full twists from the (624,) uint32 ``state``.

    Returns:
        ndarray[n_blocks, 624], uint32: the untempered state after each twist (row -1 is the new state).

    Sequentially, word i of a twist becomes ``x[i + 397] ^ mix(x[i], x[i + 1])`` where indices past 623
    wrap to words already updated in this twist. Written as a recurrence on the new words,
    ``new[i] = new[i - 227] ^ P[i]`` for i >= 227 and ``new[i] = old[i + 397] ^ P[i]`` below, with
    ``P[i] = mix(old[i], old[i + 1])`` known up front for i < 623. So each twist is: P for 623 words at
    once, then two shifted XORs of 227-word rows (a cumulative XOR down a padded 3 x 227 layout).
    Word 623 pairs with the *new* word 0 and is done on its own.
    """
    k = _N - _M  # 227, the lag of the recurrence
    buf = np.empty((n_blocks + 1, 3 * k), dtype=np.uint32)  # 681 = 624 words + padding
    buf[0, :_N] = state
    one = np.uint32(1)
    for b in range(1, n_blocks + 1):
        old = buf[b - 1]
        new = buf[b]
        low = old[1:_N] & _LOWER  # low 31 bits of x[i + 1]
        y = old[: _N - 1] & _UPPER  # top bit of x[i]
        y |= low
        y >>= one
        low &= one  # y & 1 == x[i + 1] & 1
        low *= _MATRIX_A
        y ^= low  # P[i] = (y >> 1) ^ (MATRIX_A if y odd)
        y[:k] ^= old[_M:_N]
        new[: _N - 1] = y
        new[k : 2 * k] ^= new[:k]
        new[2 * k : 3 * k] ^= new[k : 2 * k]  # words 623.. are padding, fixed below
        y_last = (int(old[_N - 1]) & 0x80000000) | (int(new[0]) & 0x7FFFFFFF)
        new[_N - 1] = int(new[_M - 1]) ^ (y_last >> 1) ^ (int(_MATRIX_A) if y_last & 1 else 0)
    return buf[1:, :_N]


def _temper(words: np.ndarray) -> np.ndarray:
    """MT19937 output tempering of uint32 words (vectorised, returns a new array)."""
    y = words ^ (words >> np.uint32(11))
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


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
        self._state = _init_genrand(seed & 0xFFFFFFFF)
        self._block = np.empty(0, dtype=np.uint32)  # tempered outputs of the current state
        self._pos = 0  # next unread position in _block

    def random_raw(self, n: int) -> np.ndarray:
        """The next ``n`` outputs of ``generator->random()``.

        Args:
            n: how many 32-bit draws to take (>= 0).

        Returns:
            ndarray[n], uint32: the draws in order. The generator advances by ``n``.
        """
        n = _check_count(n, "n")
        out = np.empty(n, dtype=np.uint32)
        take = min(n, self._block.size - self._pos)
        out[:take] = self._block[self._pos : self._pos + take]
        self._pos += take
        filled = take
        if filled < n:
            n_blocks = -(-(n - filled) // _N)
            raw = _twist_blocks(self._state, n_blocks)
            self._state = raw[-1].copy()
            tempered = _temper(raw).reshape(-1)
            rest = n - filled
            out[filled:] = tempered[:rest]
            self._block = tempered[-_N:]
            self._pos = _N - (tempered.size - rest)
        return out

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
