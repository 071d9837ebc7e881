"""The dashboard's pages, in the order of the sidebar: one per question of the brief."""

from __future__ import annotations

import streamlit as st

from safetynet.app.labels import t

# (file, text key of the title, icon, url path); the first is the default page. Material icons
# ship with Streamlit, so they draw offline (emoji need a font the server may not have).
PAGES = (
    ("pages/overview.py", "overview", ":material/dashboard:", "overview"),
    ("pages/risk.py", "risk", ":material/warning:", "risk"),
    ("pages/balance.py", "balance", ":material/balance:", "balance"),
    ("pages/remediation.py", "remediation", ":material/build:", "remediation"),
    ("pages/capability.py", "capability", ":material/groups:", "capability"),
    ("pages/drill.py", "drill", ":material/account_tree:", "drill"),
    ("pages/briefing.py", "briefing", ":material/summarize:", "briefing"),
    ("pages/data.py", "data", ":material/database:", "data"),
)
# Not in the sidebar: the empty page in the same frame, the floor the page-draw benchmark
# (scripts/bench_pages.py) compares every page with.
HIDDEN = (("pages/floor.py", "floor", ":material/check_box_outline_blank:", "floor"),)


def set_page() -> None:
    """The browser tab's title and icon, and the wide layout. Called before st.navigation on every
    run: a page's own (material) icon would otherwise become the tab's icon, which the browser
    fetches from a font server — the dashboard must not ask anything of the internet."""
    st.set_page_config(page_title="安全网 SafetyNet", page_icon="🛡️", layout="wide")


def pages(lang: str) -> list[st.Page]:
    shown = [
        st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=i == 0)
        for i, (path, key, icon, url) in enumerate(PAGES)
    ]
    hidden = [
        st.Page(path, title=t(key, lang), icon=icon, url_path=url, visibility="hidden")
        for path, key, icon, url in HIDDEN
    ]
    return shown + hidden
