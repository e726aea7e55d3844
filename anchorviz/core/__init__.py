"""The image-level core: anchors, IoU, assignment, sampling, box coding, NMS and prediction, NumPy only.

Every library difference is data (``conventions``, ``coding.presets``), read by one generic algorithm per step:

* ``errors`` (the one user-facing exception), ``boxes`` (formats and checks), ``conventions``, ``presets``,
  ``knobs`` (a library's anchor knobs as text), ``resize`` (the train-time resize plan);
* ``anchors`` (config, cell anchors, the grid), ``iou`` (pairwise, and the grid-sparse match quality),
  ``assign`` (max-IoU with every library's rule, YOLOv5, ATSS), ``sampling`` (torch's ``randperm`` stream and
  the three libraries' samplers), ``coding`` (coder specs, presets, encode / decode), ``nms``, ``predict``;
* ``fit`` (YOLOv5 autoanchor's metric), ``explain`` (the coding formulas with numbers), ``diagnose`` (why a GT
  got no positive anchor).

Nothing here imports anything but NumPy and the standard library; the layers above (``io``, ``dataset``,
``parity``, ``cli``) import it, never the other way round.
"""
