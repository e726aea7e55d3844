"""Streamlit glue shared by the pages: state and URL, sidebar and uploads, caching, i18n, the chart component and
page boot. The figures themselves are built by anchorviz.viz.

Streamlit's page discovery ignores sub-folders of ``pages/``, and the app uses ``st.navigation`` anyway.
"""
