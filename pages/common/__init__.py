"""UI helpers shared by the pages: state and URL, sidebar, uploads, caching and Plotly figure builders.

Streamlit's page discovery ignores sub-folders of ``pages/``, and the app uses ``st.navigation`` anyway.
"""
