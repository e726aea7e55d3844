"""The dataset side: a whole dataset after the train-time resize and what fits it.

* ``load`` (BoxDataset from files, uploads or arrays), ``synthetic`` (seeded datasets), ``stats`` (binned
  statistics), ``progress`` (progress / cancel callbacks);
* ``shapes``, ``shape_fit`` (shape-only fit, YOLOv5 BPR / fitness), ``grid_fit`` (the real assignment on the
  grid), ``fit_report`` (both in one report, two setups compared);
* ``kmeans``, ``tune`` (anchor optimisers), ``export`` (each library's config text, and back).

Imports the core and ``io``; nothing here draws or imports Streamlit.
"""
