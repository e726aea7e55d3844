"""Anchor optimisers: YOLO pixel anchors, and scales x ratios for size-based generators.

Every optimiser is seeded (``numpy.random.default_rng(seed)``: same seed and data, same result), reports
progress through ``on_progress(fraction, message)`` and polls ``should_stop()`` so the app can show a progress
bar and cancel; a cancelled run returns the best setup found so far with ``cancelled=True``.

YOLO-style pixel anchors (``convention="yolov5"``, ``yolo``):

* ``yolov5_kmean_anchors``: YOLOv5 autoanchor's ``kmean_anchors`` as the baseline, step by step: keep boxes
  with w or h >= 2 px; whiten by the per-column std; scipy-style k-means (30 restarts, ``anchorviz.dataset.kmeans``);
  un-whiten; sort by area; ``gen`` generations of mutation (probability 0.9, sigma 0.1, factors clipped to
  [0.3, 3.0], anchors clipped at >= 2 px), a candidate kept only when the fitness strictly improves; sorted by
  area. Bit-exact reproduction of yolov5's global NumPy / ``random`` streams and SciPy's k-means is not the
  goal (the golden ``kmean_anchors`` parity cases are skipped for that reason): the procedure is the same,
  the random numbers are not.
* ``kmeans_evolve_anchors``: the fast path. The same filtered boxes are binned on a fine log grid (1 % steps in
  w and h, coarsened until at most 30k shapes remain) into weighted representative shapes, clustered with
  1 - IoU k-means (k-means++), then the same evolution runs on the weighted shapes, followed by a
  deterministic coordinate polish and a short BPR stage (BPR raised while fitness stays within 1e-4 of its
  best). Only the evaluation is approximate (binning moves a shape by about a bin); final metrics are always
  measured on all boxes.

Size x scale x ratio generators (torchvision, mmdet, mmdet_v1, detectron2, keras_retinanet), ``generator``:
the scales and the ratios (h/w) are shared across levels and searched in log space (the scales as their
smallest value and the gaps between neighbours, so one move shifts them all); sizes stay tied to the strides
as the library ties them:

* torchvision: sizes_l = ``int(base_l * scale)`` (truncated like ``int(x * 2 ** (i / 3))``), base_l = the
  template level's first size;
* detectron2: sizes_l = ``base_l * scale`` (floats, like ``x * 2 ** (k / 3)``);
* mmdet / mmdet_v1: ``scales`` with the base size = the stride (or the template's base_size);
* keras-retinanet: ``scales`` times the template's per-level ``base_size`` (sizes 32..512).

The objective, chosen by the user: ``mean_iou`` (mean best shape IoU), ``bpr`` (share of GTs whose best shape
IoU >= ``iou_thr``, ties broken by mean IoU), or ``positives`` (share of GTs with >= 1 positive anchor under
the real assigner on the grid; expensive, so it runs on a seeded subsample of ``max_images`` images and a
smaller evaluation budget, and says so in ``notes``). The search: a scan of the overall size (shared scales on
a stride-2 ladder make the objective roughly periodic in it, with local optima an octave apart), a seeded
coordinate search with shrinking steps, then seeded random mutations for the remaining budget.

Modules: ``results`` (AnchorSearch, TuneResult), ``objectives``, ``evolve``, ``yolo``, ``generator``, ``run``
(``tune``, one entry point for any setup).
"""
