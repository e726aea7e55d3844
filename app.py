"""anchorviz: see and tune the anchor boxes of an object detector, as its library computes them.

Run: ``streamlit run app.py``. The sidebar (image, boxes, train-time resize, anchor setup) is shared by every
page and lives in the URL, so a copied link reopens the same view.

This file is both the app's script and its server. ``streamlit run app.py`` finds the ``st.App`` below in this
file's source, imports the file (no script run: no Streamlit session) and serves that app, which runs this same
file as the script of every session (the ``else`` branch). The server only adds a hint to the HTML page, so that
opening a page by its link makes no failed request (pages/common/serve.py).
"""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

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

if get_script_run_ctx(suppress_warning=True) is None:  # imported to be served, not run as a session's script
    from starlette.middleware import Middleware

    from pages.common.serve import BaseUrlHint

    app = st.App(Path(__file__).resolve(),
                 middleware=[Middleware(BaseUrlHint, page_paths=[Path(p).stem for p, _, _ in PAGES])])
else:
    st.set_page_config(page_title="anchorviz", page_icon="⚓", layout="wide")

    from pages.common import boot, chart_events, heap, sidebar, state  # noqa: E402  (after set_page_config)
    from pages.common.i18n import t  # noqa: E402

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
        heap.after_run()  # the garbage collector (once a second, over a frozen heap): pages/common/heap.py
