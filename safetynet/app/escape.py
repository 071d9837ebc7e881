"""Text from a link or a data file, made safe for where the page shows it.

Names of places come from the city's own files, and values from a link from anyone: neither may
become a link, an image (a request to another host, from a dashboard meant to be offline), a
coloured "system notice" or a script. Streamlit renders Markdown in titles, labels, captions and
alerts; plotly and deck.gl tooltips render a little HTML. Each sink gets its own escape.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation mark may be backslash-escaped in CommonMark; escaping them all also
# stops Streamlit's own directives (:red[…], :material/icon:) and emoji shortcodes.
_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown also turns bare addresses into links (http://…, www.…, a@b.c):
# a zero-width space after their first mark breaks that and shows nothing.
_AUTOLINK = re.compile(r"(\\:|www|\\@)", re.I)
ZERO_WIDTH = "\u200b"


def markdown(text: str) -> str:
    """text shown as itself where Streamlit renders Markdown (st.title, labels, st.info …)."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _AUTOLINK.sub(rf"\1{ZERO_WIDTH}", escaped)


def markup(text: str) -> str:
    """text shown as itself in plotly's titles and labels and in deck.gl's HTML tooltips."""
    return html.escape(text, quote=False)  # text, never an attribute: quotes may stay
