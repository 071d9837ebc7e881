"""SafetyNet (安全网): the entry point. Sets the page, the shared sidebar, and the pages."""

import streamlit as st

from safetynet.app import db, navigation, ui
from safetynet.app.labels import LANGS, t

navigation.set_page()

# Navigation is declared before the sidebar's widgets: declared after them, Streamlit 1.67 gives
# the widgets other ids on the first run of a fresh server, and a visitor's first choice is lost.
lang = st.session_state.get("lang", st.query_params.get("lang", "zh"))
lang = lang if lang in LANGS else "zh"
page = st.navigation(navigation.pages(lang))

try:
    view = ui.sidebar()
except db.NoWarehouse:
    st.error(t("no_warehouse", lang))
    st.stop()

ui.remember(view)
page.run()
