"""The Loss page's parts: cached computation, the controls, the hover texts, the breakdown and per-GT tables, and
the formulas with the numbers. A sub-folder of pages/: Streamlit lists only the files directly in pages/ as pages,
and the app uses st.navigation anyway (pages/common/boot.py)."""
