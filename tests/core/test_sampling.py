"""Tests for anchorviz.core.sampling: torch's CPU random stream (torch_rng) and the samplers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.sampling.samplers import (SampleResult, detectron2_subsample_labels, mmdet_random_sample,
                                              sample_minibatch, torchvision_sample)

REFERENCE = Path(__file__).parents[1] / "data" / "reference"


def golden_cases(library: str, function: str) -> list:
    """Every case of ``library``.json whose ``function`` field is ``function``, as pytest params."""
    cases = json.loads((REFERENCE / f"{library}.json").read_text())["cases"]
    return [pytest.param(c, id=f"{library}[{i}]") for i, c in enumerate(cases) if c["function"] == function]


TV_SAMPLER = golden_cases("torchvision", "BalancedPositiveNegativeSampler.__call__")
D2_SAMPLER = golden_cases("detectron2", "sampling.subsample_labels")
MM_SAMPLER = golden_cases("mmdet", "RandomSampler.sample")


# --- the random stream ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "first_draws"),
    [
        (5489, [3499211612, 581869302, 3890346734]),  # the reference MT19937 output for its default seed
        (0, [2357136044, 2546248239, 3071714933]),  # torch.manual_seed(0); the first three random() calls
        (2**32, [2357136044, 2546248239, 3071714933]),  # only the low 32 bits of the seed reach the twister
    ],
)
def test_random_raw_known_values(seed, first_draws):
    assert TorchCPUGenerator(seed).random_raw(3).tolist() == first_draws


def _mt19937(seed: int, n: int) -> list[int]:
    """The reference MT19937 (Matsumoto & Nishimura's mt19937ar.c: init_genrand + genrand_int32), which torch's
    CPU generator runs; a plain loop, independent of NumPy and of anchorviz."""
    mt = [seed & 0xFFFFFFFF] + [0] * 623
    for i in range(1, 624):
        mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & 0xFFFFFFFF
    out, idx = [], 624
    for _ in range(n):
        if idx == 624:  # the twist
            for k in range(624):
                y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7FFFFFFF)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            idx = 0
        y = mt[idx]
        idx += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        out.append(y ^ (y >> 18))
    return out


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 + 5, -1, 2**40 + 3])
def test_random_raw_is_the_reference_mt19937_stream(seed):
    # torch.manual_seed(seed) = init_genrand(seed mod 2**32); 5,000 draws cross eight twists of the state
    got = TorchCPUGenerator(seed).random_raw(5000)
    assert got.dtype == np.uint32
    assert got.tolist() == _mt19937(seed, 5000)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 1500), min_size=1, max_size=6))
def test_random_raw_chunks_concatenate_to_one_stream(seed, chunks):
    gen = TorchCPUGenerator(seed)
    pieces = np.concatenate([gen.random_raw(k) for k in chunks])
    np.testing.assert_array_equal(pieces, TorchCPUGenerator(seed).random_raw(sum(chunks)))


def test_random_raw_million_draws_match_the_stream_in_pieces():
    # Speed is not asserted here; this checks that draws taken in odd-sized pieces continue one stream.
    draws = TorchCPUGenerator(0).random_raw(1_000_000)
    gen = TorchCPUGenerator(0)
    tail = np.concatenate([gen.random_raw(624 * 3 + 1) for _ in range(534)])[:1_000_000]
    np.testing.assert_array_equal(draws, tail)


@pytest.mark.parametrize(
    ("seed", "n", "k", "expected"),
    [
        (0, 5, None, [4, 0, 1, 3, 2]),  # torch.manual_seed(0); torch.randperm(5)
        (0, 5, 2, [4, 0]),  # the first k entries only
        (0, 5, 9, [4, 0, 1, 3, 2]),  # k > n behaves like slicing
        (0, 1, None, [0]),  # one element: no draw
        (0, 0, None, []),  # empty permutation
    ],
)
def test_randperm_table(seed, n, k, expected):
    out = TorchCPUGenerator(seed).randperm(n, k)
    assert out.dtype == np.int64
    assert out.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.integers(0, 300))
def test_randperm_is_a_permutation_and_always_consumes_n_minus_1_draws(seed, n, k):
    gen = TorchCPUGenerator(seed)
    full = TorchCPUGenerator(seed).randperm(n)
    assert sorted(full.tolist()) == list(range(n))
    head = gen.randperm(n, k)
    np.testing.assert_array_equal(head, full[:k])
    # the next draw is draw number max(n - 1, 0) of a fresh stream, whatever k was
    after = gen.random_raw(1)[0]
    assert after == TorchCPUGenerator(seed).random_raw(max(n - 1, 0) + 1)[-1]


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (1.5, "seed: expected an integer"),
        ("0", "seed: expected an integer"),
        (True, "seed: expected an integer"),
        (2**64, "seed: expected an integer in"),
        (-(2**63) - 1, "seed: expected an integer in"),
    ],
)
def test_generator_rejects_bad_seed(seed, message):
    with pytest.raises(AnchorVizInputError, match=message):
        TorchCPUGenerator(seed)


@pytest.mark.parametrize(
    ("n", "k", "message"),
    [
        (-1, None, "n: expected a non-negative integer, got -1"),
        (3.0, None, "n: expected a non-negative integer"),
        (5, -2, "k: expected a non-negative integer, got -2"),
        ((2**32 - 1) // 20, None, "n: torch.randperm is only reproduced for n < 214748364, got 214748364"),
    ],
)
def test_randperm_rejects_bad_sizes(n, k, message):
    with pytest.raises(AnchorVizInputError, match=message):
        TorchCPUGenerator(0).randperm(n, k)


# --- golden cases ---------------------------------------------------------------------------------


def test_golden_sampler_cases_exist():
    assert len(TV_SAMPLER) >= 3 and len(D2_SAMPLER) >= 3 and len(MM_SAMPLER) >= 5


@pytest.mark.parametrize("case", TV_SAMPLER)
def test_torchvision_sampler_matches_golden(case):
    params, outputs = case["params"], case["outputs"]
    pos_mask, neg_mask = torchvision_sample(
        case["inputs"]["labels"],
        batch_size_per_image=params["batch_size_per_image"],
        positive_fraction=params["positive_fraction"],
        generator=TorchCPUGenerator(params["torch_seed"]),
    )
    assert pos_mask.astype(int).tolist() == outputs["pos_mask"]
    assert neg_mask.astype(int).tolist() == outputs["neg_mask"]
    assert (int(pos_mask.sum()), int(neg_mask.sum())) == (outputs["num_pos"], outputs["num_neg"])


@pytest.mark.parametrize("case", D2_SAMPLER)
def test_detectron2_subsample_labels_matches_golden(case):
    params, outputs = case["params"], case["outputs"]
    pos_idx, neg_idx = detectron2_subsample_labels(
        case["inputs"]["labels"],
        num_samples=params["num_samples"],
        positive_fraction=params["positive_fraction"],
        bg_label=params["bg_label"],
        generator=TorchCPUGenerator(params["torch_seed"]),
    )
    assert pos_idx.tolist() == outputs["pos_idx"]  # permutation order, not sorted
    assert neg_idx.tolist() == outputs["neg_idx"]
    assert (pos_idx.size, neg_idx.size) == (outputs["num_pos"], outputs["num_neg"])


@pytest.mark.parametrize("case", MM_SAMPLER)
def test_mmdet_random_sampler_matches_golden(case):
    params, outputs = case["params"], case["outputs"]
    gt_inds = case["inputs"]["gt_inds"]
    pos_inds, neg_inds = mmdet_random_sample(
        gt_inds,
        num=params["num"],
        pos_fraction=params["pos_fraction"],
        neg_pos_ub=params["neg_pos_ub"],
        add_gt_as_proposals=params["add_gt_as_proposals"],
        # the golden passes no GT boxes; the assigner output refers to GTs 1..max(gt_inds)
        num_gts=max(gt_inds),
        generator=TorchCPUGenerator(params["torch_seed"]),
    )
    assert pos_inds.tolist() == outputs["pos_inds"]
    assert neg_inds.tolist() == outputs["neg_inds"]
    assert (pos_inds.size, neg_inds.size) == (outputs["num_pos"], outputs["num_neg"])


# --- counting rules, hand-checked -----------------------------------------------------------------

# 3 positives (0, 1, 2), 10 negatives (3..12), 2 ignored (13, 14)
LABELS_3P_10N = [1, 1, 1] + [0] * 10 + [-1, -1]


@pytest.mark.parametrize(
    ("rule", "batch", "fraction", "neg_pos_ub", "num_pos", "num_neg"),
    [
        ("torchvision", 8, 0.5, -1, 3, 5),  # int(8*.5)=4 wanted, only 3 exist; 8-3=5 negatives
        ("torchvision", 4, 0.25, -1, 1, 3),  # int(4*.25)=1 positive, 3 negatives
        ("torchvision", 32, 0.5, -1, 3, 10),  # everything there is: 3 + 10, below the batch of 32
        ("torchvision", 8, 0.0, -1, 0, 8),  # no positives wanted
        ("torchvision", 8, 1.0, -1, 3, 5),  # all positives wanted, the rest filled with negatives
        ("torchvision", 5, 0.3, -1, 1, 4),  # int(1.5) = 1 (truncation, not rounding)
        ("detectron2", 8, 0.5, -1, 3, 5),  # same counting rule as torchvision
        ("mmdet", 8, 0.5, -1, 3, 5),  # same rule without a cap
        ("mmdet", 8, 0.5, 1, 3, 3),  # neg_pos_ub=1: at most int(1*3)=3 negatives
        ("mmdet", 8, 0.5, 0.5, 3, 1),  # int(0.5*3)=1 negative
        ("mmdet", 8, 0.0, 2, 0, 2),  # no positive sampled: cap uses max(1, 0) -> int(2*1)=2
    ],
)
def test_sample_minibatch_counts(rule, batch, fraction, neg_pos_ub, num_pos, num_neg):
    result = sample_minibatch(
        LABELS_3P_10N, batch_size=batch, positive_fraction=fraction, rule=rule, seed=7, neg_pos_ub=neg_pos_ub
    )
    assert (result.num_pos, result.num_neg) == (num_pos, num_neg)
    assert set(result.pos_idx.tolist()) <= {0, 1, 2}
    assert set(result.neg_idx.tolist()) <= set(range(3, 13))


def test_torchvision_rule_always_draws_both_permutations():
    labels = [1] * 4 + [0] * 6  # 4 positives and 6 negatives, all taken with batch 64
    gen = TorchCPUGenerator(3)
    pos_mask, neg_mask = torchvision_sample(labels, batch_size_per_image=64, positive_fraction=0.5, generator=gen)
    assert pos_mask.sum() == 4 and neg_mask.sum() == 6
    # randperm(4) and randperm(6) consumed 3 + 5 draws even though everything was taken
    assert gen.random_raw(1)[0] == TorchCPUGenerator(3).random_raw(9)[-1]


def test_mmdet_rule_draws_only_when_there_are_too_many_candidates():
    gt_inds = [1, 2, 0, 0, 0]  # 2 positives, 3 negatives, all fit in num=16
    gen = TorchCPUGenerator(3)
    pos, neg = mmdet_random_sample(gt_inds, num=16, pos_fraction=0.5, generator=gen)
    assert pos.tolist() == [0, 1] and neg.tolist() == [2, 3, 4]
    assert gen.random_raw(1)[0] == TorchCPUGenerator(3).random_raw(1)[0]  # untouched


def test_mmdet_zero_negative_cap_still_draws():
    # neg_pos_ub=0 caps negatives at 0 but 3 candidates > 0, so mmdet calls randperm(3)[:0] (2 draws)
    gen = TorchCPUGenerator(5)
    pos, neg = mmdet_random_sample([1, 0, 0, 0], num=4, pos_fraction=0.5, neg_pos_ub=0, generator=gen)
    assert pos.tolist() == [0] and neg.tolist() == []
    assert gen.random_raw(1)[0] == TorchCPUGenerator(5).random_raw(3)[-1]


def test_mmdet_add_gt_as_proposals_prepends_gts():
    # 2 GTs prepended: gt_inds becomes [1, 2, 0, 0, 1]; priors shift by 2
    pos, neg = mmdet_random_sample(
        [0, 0, 1], num=16, pos_fraction=0.5, add_gt_as_proposals=True, num_gts=2, generator=TorchCPUGenerator(0)
    )
    assert pos.tolist() == [0, 1, 4]
    assert neg.tolist() == [2, 3]


def test_detectron2_any_label_other_than_ignore_and_background_is_positive():
    # bg_label=3 (RoI heads with 3 classes): labels 0..2 are foreground, 3 background, -1 ignored
    pos, neg = detectron2_subsample_labels(
        [0, 1, 2, 3, -1, 3], num_samples=16, positive_fraction=0.5, bg_label=3, generator=TorchCPUGenerator(0)
    )
    assert sorted(pos.tolist()) == [0, 1, 2]
    assert sorted(neg.tolist()) == [3, 5]


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    labels=st.lists(st.sampled_from([-1, 0, 1]), max_size=200),
    batch=st.integers(1, 300),
    fraction=st.floats(0.0, 1.0),
    rule=st.sampled_from(["torchvision", "detectron2", "mmdet"]),
    seed=st.integers(0, 2**32 - 1),
    neg_pos_ub=st.sampled_from([-1, 0, 0.5, 1, 3]),
)
def test_sampling_counts_obey_the_rules(labels, batch, fraction, rule, seed, neg_pos_ub):
    lab = np.array(labels, dtype=np.int64)
    result = sample_minibatch(
        lab, batch_size=batch, positive_fraction=fraction, rule=rule, seed=seed, neg_pos_ub=neg_pos_ub
    )
    n_pos, n_neg = int((lab == 1).sum()), int((lab == 0).sum())
    expected_pos = min(n_pos, int(batch * fraction))
    expected_neg = min(n_neg, batch - expected_pos)
    if rule == "mmdet" and neg_pos_ub >= 0:
        expected_neg = min(expected_neg, int(neg_pos_ub * max(1, expected_pos)))
    assert (result.num_pos, result.num_neg) == (expected_pos, expected_neg)
    assert result.num_pos + result.num_neg <= batch
    assert np.all(lab[result.pos_idx] == 1) and np.all(lab[result.neg_idx] == 0)
    assert len(set(result.pos_idx.tolist())) == result.num_pos
    assert len(set(result.neg_idx.tolist())) == result.num_neg
    if rule != "detectron2":  # masks (torchvision) and unique() (mmdet) give sorted indices
        assert np.all(np.diff(result.pos_idx) > 0) and np.all(np.diff(result.neg_idx) > 0)
    assert result.pos_idx.dtype == np.int64 and result.neg_idx.dtype == np.int64


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([-1, 0, 1]), max_size=60), st.integers(0, 1000))
def test_same_seed_same_sample(labels, seed):
    a = sample_minibatch(labels, batch_size=16, positive_fraction=0.25, rule="detectron2", seed=seed)
    b = sample_minibatch(labels, batch_size=16, positive_fraction=0.25, rule="detectron2", seed=seed)
    np.testing.assert_array_equal(a.pos_idx, b.pos_idx)
    np.testing.assert_array_equal(a.neg_idx, b.neg_idx)


# --- edges, immutability, errors ------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["torchvision", "detectron2", "mmdet"])
def test_empty_labels_give_empty_result(rule):
    result = sample_minibatch([], batch_size=8, positive_fraction=0.5, rule=rule)
    assert result.pos_idx.shape == (0,) and result.neg_idx.shape == (0,)
    assert result.pos_idx.dtype == np.int64


def test_low_level_functions_on_empty_input():
    pos_mask, neg_mask = torchvision_sample(
        np.zeros(0, dtype=np.int64), batch_size_per_image=4, positive_fraction=0.5, generator=TorchCPUGenerator(0)
    )
    assert pos_mask.shape == (0,) and pos_mask.dtype == bool and neg_mask.shape == (0,)
    pos, neg = detectron2_subsample_labels(
        [], num_samples=4, positive_fraction=0.5, bg_label=0, generator=TorchCPUGenerator(0)
    )
    assert pos.shape == neg.shape == (0,)
    pos, neg = mmdet_random_sample([], num=4, pos_fraction=0.5, generator=TorchCPUGenerator(0))
    assert pos.shape == neg.shape == (0,)


def test_inputs_are_not_mutated():
    labels = np.array([1, 0, 0, -1, 1, 0, 0, 0], dtype=np.int64)
    before = labels.copy()
    for rule in ("torchvision", "detectron2", "mmdet"):
        sample_minibatch(labels, batch_size=4, positive_fraction=0.5, rule=rule, seed=1)
    mmdet_random_sample(
        labels, num=4, pos_fraction=0.5, add_gt_as_proposals=True, num_gts=1, generator=TorchCPUGenerator(0)
    )
    np.testing.assert_array_equal(labels, before)


def test_sample_result_is_frozen_and_read_only():
    result = SampleResult(pos_idx=[3, 1], neg_idx=[2])
    assert result.pos_idx.dtype == np.int64
    with pytest.raises(ValueError):
        result.pos_idx[0] = 9
    with pytest.raises(AttributeError):
        result.pos_idx = np.array([0])  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(labels=[1, 2, 0]), r"labels: expected 1 \(positive\), 0 \(negative\) or -1 \(ignored\).*got 2"),
        (dict(labels=[[1, 0]]), r"labels: expected a 1-D array of integers, got shape \(1, 2\)"),
        (dict(labels=[1.0, 0.5]), "labels: expected integers, got 0.5"),
        (dict(labels=["a"]), "labels: expected integers, got dtype"),
        (dict(batch_size=0), "batch_size: expected an integer >= 1, got 0"),
        (dict(batch_size=2.5), "batch_size: expected an integer, got 2.5"),
        (dict(positive_fraction=1.5), r"positive_fraction: expected a fraction in \[0, 1\], got 1.5"),
        (dict(positive_fraction=float("nan")), "positive_fraction: expected a finite number"),
        (dict(rule="yolov5"), "rule: expected one of torchvision, detectron2, mmdet, got 'yolov5'"),
        (dict(seed=-(2**70)), "seed: expected an integer in"),
    ],
)
def test_sample_minibatch_rejects_bad_input(kwargs, message):
    args = dict(labels=[1, 0, -1], batch_size=4, positive_fraction=0.5, rule="torchvision")
    args.update(kwargs)
    labels = args.pop("labels")
    with pytest.raises(AnchorVizInputError, match=message):
        sample_minibatch(labels, **args)


def test_mmdet_rejects_too_few_gts_for_add_gt_as_proposals():
    with pytest.raises(AnchorVizInputError, match="num_gts: gt_inds refers to GT 3.*got 1"):
        mmdet_random_sample(
            [0, 3, 1], num=8, pos_fraction=0.5, add_gt_as_proposals=True, num_gts=1, generator=TorchCPUGenerator(0)
        )
