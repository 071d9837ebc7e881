"""SafetyNet (安全网): the entry point. Sets the page, the shared sidebar, and the pages."""

import streamlit as st

from safetynet import db, ui
from safetynet.labels import t

st.set_page_config(page_title="安全网 SafetyNet", page_icon="🛡️", layout="wide")

try:
    view = ui.sidebar()
except db.NoWarehouse:
    st.error(t("no_warehouse", "en" if st.query_params.get("lang") == "en" else "zh"))
    st.stop()

ui.remember(view)
pages = [
    st.Page(
        "pages/overview.py",
        title=t("overview", view.lang),
        icon="🏙️",
        url_path="overview",
        default=True,
    ),
]
st.navigation(pages).run()
