"""The Dataset page's parts: where the dataset comes from, and its five tabs (statistics, fit, optimise, compare,
export / import). A sub-folder of pages/: Streamlit lists only the files directly in pages/ as pages, and the app
uses st.navigation anyway (pages/common/boot.py)."""
