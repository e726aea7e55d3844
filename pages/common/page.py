"""How every page starts, in one place."""

from __future__ import annotations

import streamlit as st

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.errors import AnchorVizInputError
from pages.common import boot, cache, sidebar, teach


def open_page(intro_key: str) -> tuple["sidebar.Setup", AnchorSet]:
    """The legacy-pages guard, the shared setup and its messages, the page's introduction, and the anchors of the
    current setup. A setup that cannot make anchors shows its message and stops the page."""
    boot.page_prelude()
    setup = sidebar.current()
    sidebar.show_messages()
    teach.intro(intro_key)
    try:
        aset = cache.anchors(setup.cfg, setup.input_hw)
    except AnchorVizInputError as e:
        st.error(str(e))
        st.stop()
    return setup, aset
