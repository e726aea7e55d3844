"""The Loss view's layers: one dot per location carrying its counted anchors' share of the term, the ignored and
not-sampled flags, the hovered locations; checked against a plain loop over the anchors."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.loss_layers import location_anchors, locations, loss_layers
from anchorviz.core.presets import preset_config

ASET = generate_anchors(preset_config("RetinaNet", "torchvision"), (256, 320))


def _arrays(seed: int):
    rng = np.random.default_rng(seed)
    n = len(ASET)
    role = rng.choice([1, 0, 0, 0, -1, -2], n).astype(np.int8)
    loss = rng.exponential(0.1, n).astype(np.float32)
    counted = role >= 0
    loss[~counted] = 0
    return role, loss, counted


def test_locations_cover_every_anchor_once():
    L = locations(ASET)
    assert len(L.of_anchor) == len(ASET)
    assert L.count.sum() == len(ASET) and np.all(L.count == 9)
    for loc in (0, 7, len(L.first) - 1):
        idx = location_anchors(ASET, loc)
        assert np.all(L.of_anchor[idx] == loc)
        np.testing.assert_allclose(ASET.centres()[idx], np.repeat(L.xy[loc][None], len(idx), 0))
    assert locations(ASET) is L  # built once per AnchorSet


@pytest.mark.parametrize("seed", [0, 1])
def test_layers_match_a_loop_over_the_anchors(seed):
    role, loss, counted = _arrays(seed)
    scale = 0.5 / 37.0
    term = float(loss[counted].astype(np.float64).sum() * scale)
    lay = loss_layers(ASET, role, loss, counted, scale=scale, term_value=term, top_k=50)
    L = locations(ASET)
    share = np.zeros(len(L.first))
    ign = np.zeros(len(L.first), bool)
    ns = np.zeros(len(L.first), bool)
    for i in range(len(ASET)):
        loc = L.of_anchor[i]
        if counted[i]:
            share[loc] += float(loss[i]) * scale / term
        ign[loc] |= role[i] == -1
        ns[loc] |= role[i] == -2
    np.testing.assert_allclose(lay.loc_share, share, rtol=1e-9, atol=1e-15)
    assert lay.loc_share.sum() == pytest.approx(1.0, rel=1e-9)  # the shares add up to the term
    np.testing.assert_array_equal(lay.loc_ignored, ign)
    np.testing.assert_array_equal(lay.loc_not_sampled, ns)
    assert len(lay.top_loc) == 50 and np.all(np.diff(lay.loc_share[lay.top_loc]) <= 0)
    assert lay.loc_share[lay.top_loc[-1]] >= np.sort(share)[-50]
    np.testing.assert_array_equal(lay.pos_idx, np.flatnonzero(role == 1))
    assert lay.counts == {"counted": int(counted.sum()), "ignored": int((role == -1).sum()),
                          "not_sampled": int((role == -2).sum()), "positive": int((role == 1).sum())}


def test_uncounted_anchors_carry_nothing_and_a_zero_term_gives_zero_shares():
    role, loss, counted = _arrays(2)
    loss_ign = loss.copy()
    loss_ign[role == -1] = 5.0  # a loss on an anchor that does not count never shows
    a = loss_layers(ASET, role, loss, counted, scale=1.0, term_value=float(loss.sum()))
    b = loss_layers(ASET, role, loss_ign, counted, scale=1.0, term_value=float(loss.sum()))
    np.testing.assert_array_equal(a.loc_share, b.loc_share)
    z = loss_layers(ASET, role, loss, counted, scale=1.0, term_value=0.0)
    assert not z.loc_share.any() and len(z.top_loc) == 0


def test_bad_inputs():
    role, loss, counted = _arrays(0)
    with pytest.raises(AnchorVizInputError, match="expected .* values each"):
        loss_layers(ASET, role[:-1], loss, counted, scale=1.0, term_value=1.0)
    with pytest.raises(AnchorVizInputError, match="top_k: expected an integer >= 0"):
        loss_layers(ASET, role, loss, counted, scale=1.0, term_value=1.0, top_k=-1)
