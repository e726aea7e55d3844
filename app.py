"""anchorviz: see and tune the anchor boxes of an object detector, as its library computes them.

Run: ``streamlit run app.py``. The sidebar (image, boxes, train-time resize, anchor setup) is shared by every
page and lives in the URL, so a copied link reopens the same view.
"""

import streamlit as st

st.set_page_config(page_title="anchorviz", page_icon="⚓", layout="wide")

from pages.common import boot, chart_events, sidebar, state  # noqa: E402  (after set_page_config)
from pages.common.i18n import t  # noqa: E402

# (script, title key, icon); the titles follow the language chosen in the sidebar.
PAGES = [
    ("pages/anchors.py", "nav.anchors", "🔲"),
    ("pages/labels.py", "nav.labels", "🏷️"),
    ("pages/assigners.py", "nav.assigners", "🧭"),
    ("pages/iou_heatmap.py", "nav.iou", "🌡️"),
    ("pages/coding.py", "nav.coding", "🧮"),
    ("pages/predictions.py", "nav.predictions", "🎯"),
    ("pages/loss.py", "nav.loss", "📉"),
    ("pages/dataset.py", "nav.dataset", "📚"),
]

if boot.leave_legacy_mode():  # first run on a fresh server: see pages/common/boot.py
    st.rerun()
state.init()
state.begin_run()
chart_events.apply_chart_events()
sidebar.render()
page = st.navigation([st.Page(path, title=t(key), icon=icon, default=i == 0)
                      for i, (path, key, icon) in enumerate(PAGES)])
try:
    boot.run_page(page)
finally:
    state.write_url()
