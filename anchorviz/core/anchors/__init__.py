"""Anchors: ``config`` (LevelSpec, AnchorConfig), ``cells`` (one location's anchors, per library formula),
``grid`` (every anchor of an image, with its level, cell and shape: ``generate_anchors``)."""
