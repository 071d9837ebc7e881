"""Every choice a page offers lives in the URL, so a view is a link that can be shared.

A choice is a widget whose session-state key is also a query parameter. Its value comes from the
URL when the session starts, or when the URL changed since this session last wrote it (a link
inside the app, `st.page_link(..., query_params=...)`, opened another view); otherwise the
widget keeps what the visitor chose. After each run the URL is rewritten with the shared choices
(language, week, district) and the current page's own, and nothing else.

Values from the URL are never shown as they are: a value that is not one of the options falls
back to the default, and the warning quotes it escaped and cut short (see `quote`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

SHARED = ("lang", "week", "district")
_WRITTEN = "_link_written"  # what this session last wrote to the URL, per key
_PAGE_KEYS = "_link_page_keys"  # the current run's page choices
QUOTE_LIMIT = 40


def quote(value: str, limit: int = QUOTE_LIMIT) -> str:
    """A value from a URL made safe to show: cut to `limit` characters, inside a code span so
    Streamlit's Markdown renders no link, image or formatting from it."""
    cut = value[:limit] + ("…" if len(value) > limit else "")
    return "`" + cut.replace("`", "'") + "`"


def choose(
    key: str, options: Sequence[str], default: str, state: Callable[[str], object] = str
) -> str | None:
    """Seed the state of the widget `key` from the URL when it should follow the URL.

    state: the widget's value for an option, when it is not the option's text (a toggle's
    True for "True"; write() puts str(value) in the URL).
    Returns the rejected URL value when there was one that is not an option (the caller says so),
    else None.
    """
    url = st.query_params.get(key)
    if not _follows_url(key, url):
        # a value another page left under the same key (the drill-down's place is a grid's
        # code, say) that is none of this page's options gives way to the default
        if st.session_state[key] not in {state(option) for option in options}:
            st.session_state[key] = state(default)
        return None
    if url is not None and url not in options:
        st.session_state[key] = state(default)
        return url
    st.session_state[key] = state(url if url is not None else default)
    return None


def _follows_url(key: str, url: str | None) -> bool:
    """Whether a choice takes the URL's value: on the session's first run, or when the URL says
    something else than this session last wrote (a link opened another view)."""
    written = st.session_state.setdefault(_WRITTEN, {})
    return key not in st.session_state or (url is not None and url != written.get(key))


def follow(key: str, default: str) -> str:
    """A page's value that is no widget's (the drill-down's place): from the URL when it should
    follow it, else as this session holds it; it joins the URL for this run. The caller checks
    it (any text may come from a link)."""
    _register(key)
    url = st.query_params.get(key)
    if _follows_url(key, url):
        st.session_state[key] = url if url is not None else default
    return st.session_state[key]


def _register(key: str) -> None:
    keys = st.session_state.setdefault(_PAGE_KEYS, [])
    if key not in keys:
        keys.append(key)


def page_choice(
    key: str, options: Sequence[str], default: str, state: Callable[[str], object] = str
) -> str | None:
    """choose() for a widget of the page: the key joins the URL for this run."""
    _register(key)
    return choose(key, options, default, state)


def start_run() -> None:
    """Forget the page choices of the last run (app.py calls this before the page runs)."""
    st.session_state[_PAGE_KEYS] = []


def write(keep_page: bool = False) -> None:
    """Rewrite the URL with the shared choices and the page's own, as they stand now.

    keep_page: the sidebar writes before the page has run, when the URL's other parameters are
    the page's choices still to be read: they stay, and so does what this session last wrote of
    them (a choice made since must not be taken back from the URL).
    """
    keys = [*SHARED, *st.session_state.get(_PAGE_KEYS, [])]
    wanted = {
        key: str(st.session_state[key])
        for key in keys
        if key in st.session_state and st.session_state[key] not in ("", None)
    }
    if keep_page:
        written = st.session_state.get(_WRITTEN, {})
        st.session_state[_WRITTEN] = {k: v for k, v in written.items() if k not in SHARED} | wanted
        wanted |= {k: v for k, v in st.query_params.items() if k not in SHARED}
    else:
        st.session_state[_WRITTEN] = wanted
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
