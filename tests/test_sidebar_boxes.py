"""The sidebar's box file follows the photo shown (issue #16 point 1): a COCO file listing several photos gives each
newly uploaded photo its own entry, never the boxes of the photo picked before (two coco-tiny photos of the same
640×427 size would otherwise take each other's boxes in silence)."""

from __future__ import annotations

import numpy as np

from tests.test_truthful_app import (LANDSCAPE, MANY_SMALL, anns, coco_file, gt_boxes, needs_coco, photo_name,
                                     run_app, upload_boxes, upload_photo)


@needs_coco
def test_a_new_photo_gets_its_own_entry_of_the_coco_file():
    at = upload_photo(run_app(), MANY_SMALL)
    upload_boxes(at, "two.json", coco_file([MANY_SMALL, LANDSCAPE]))
    assert at.selectbox(key="coco_pick").value == photo_name(MANY_SMALL)
    assert len(gt_boxes(at)) == len(anns(MANY_SMALL))
    upload_photo(at, LANDSCAPE)  # same size (640×427), other objects
    assert at.selectbox(key="coco_pick").value == photo_name(LANDSCAPE)
    boxes = gt_boxes(at)
    want = np.array([[x, y, x + w, y + h] for x, y, w, h in (a["bbox"] for a in anns(LANDSCAPE))])
    assert len(boxes) == len(want) and np.allclose(np.sort(boxes, axis=0), np.sort(want, axis=0))
