"""anchorviz: see and tune the anchor boxes of an object detector, as its library computes them.

Run: ``streamlit run app.py``. The sidebar (image, boxes, train-time resize, anchor setup) is shared by every
page and lives in the URL, so a copied link reopens the same view.
"""

import streamlit as st

st.set_page_config(page_title="anchorviz", page_icon="⚓", layout="wide")

from pages.common import boot, inputs, sidebar, state  # noqa: E402  (after set_page_config)

# Add new pages here (IoU heatmap, encode/decode, predictions, dataset ...).
PAGES = [
    st.Page("pages/anchors.py", title="Anchors", icon="🔲", default=True),
    st.Page("pages/labels.py", title="Labels", icon="🏷️"),
    st.Page("pages/iou_heatmap.py", title="IoU heatmap", icon="🌡️"),
    st.Page("pages/coding.py", title="Encode / decode", icon="🧮"),
    st.Page("pages/predictions.py", title="Predictions", icon="🎯"),
]

if boot.leave_legacy_mode():  # first run on a fresh server: see pages/common/boot.py
    st.rerun()
state.init()
inputs.apply_chart_events()
sidebar.render()
page = st.navigation(PAGES)
try:
    boot.run_page(page)
finally:
    state.write_url()
