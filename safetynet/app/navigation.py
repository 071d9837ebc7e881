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
)


def pages(lang: str) -> list[st.Page]:
    return [
        st.Page(path, title=t(key, lang), icon=icon, url_path=url, default=i == 0)
        for i, (path, key, icon, url) in enumerate(PAGES)
    ]
