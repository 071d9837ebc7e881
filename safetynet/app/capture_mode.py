"""What a page needs to be captured: a marker that says when it has finished drawing, and a
stylesheet that takes Streamlit's chrome away.

DRAWN_JS is one script for two uses: the capture installs it in every page it opens (before any
page script runs, so it sees every WebGL draw), and the briefing page runs it itself, so that the
page, not the capture, says when it is done: it sets `data-drawn="true"` on <body> once the page
has stayed fully drawn for SETTLE_MS, and takes it away while a rerun redraws.
"""

from __future__ import annotations

import streamlit as st

SETTLE_MS = 300  # the page must stay fully drawn this long to count
MARKER = 'body[data-drawn="true"]'

# It counts the WebGL draw calls made on each canvas (canvas.__draws), because a deck.gl canvas
# exists well before its first frame; a canvas made before the script ran counts as drawn once it
# has a size. Every 10 ms it checks whether the page is fully drawn, keeping in
# window.__drawnSince the performance.now() at which that last became true (null while false),
# so the time is taken in the page, not when the driver asks; in window.__ranAt when the script
# run last ended; and the marker on <body>.
DRAWN_JS = """
(() => {
  if (window.__drawnSince !== undefined) return;  // installed once per page
  const before = new Set(document.querySelectorAll('canvas'));
  for (const proto of [window.WebGLRenderingContext, window.WebGL2RenderingContext]
                        .filter(Boolean).map(c => c.prototype)) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced',
                        'drawElementsInstanced', 'drawRangeElements']) {
      const draw = proto[name];
      if (!draw) continue;
      proto[name] = function (...args) {
        if (this.canvas) this.canvas.__draws = (this.canvas.__draws || 0) + 1;
        return draw.apply(this, args);
      };
    }
  }
  const drewFirstFrame = canvas => canvas.__draws
    || (before.has(canvas) && canvas.width > 0 && canvas.height > 0);
  const drawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], '
        + '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (main && main.querySelector('[data-testid="stException"]')) return true;
    if (!main || !main.querySelector('h1')) return false;
    for (const chart of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const plot = chart.querySelector('.js-plotly-plot');
      if (!plot || !plot.querySelector('.main-svg')
          || getComputedStyle(plot).visibility === 'hidden') return false;
    }
    for (const map of main.querySelectorAll('[data-testid="stDeckGlJsonChart"]')) {
      const canvas = map.querySelector('canvas');
      if (!canvas || !drewFirstFrame(canvas)) return false;
    }
    return true;
  };
  window.__drawnSince = null;
  window.__ranAt = null;
  let state = null;
  setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const run = app && app.getAttribute('data-test-script-state');
    if (run !== state && run === 'notRunning') window.__ranAt = performance.now();
    state = run;
    const now = drawn();
    if (now && window.__drawnSince === null) window.__drawnSince = performance.now();
    else if (!now) window.__drawnSince = null;
    const settled = now && performance.now() - window.__drawnSince >= SETTLE_MS;
    if (!document.body) return;
    if (settled) document.body.setAttribute('data-drawn', 'true');
    else document.body.removeAttribute('data-drawn');
  }, 10);
})();
""".replace("SETTLE_MS", str(SETTLE_MS))

# Streamlit's chrome that does not belong in a capture. A stylesheet, not `?embed=true`: embed
# mode keeps the query parameters but (Streamlit 1.67) still draws the sidebar and its header.
HIDE_CHROME = """
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"]
    { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 2rem !important; padding-bottom: 2rem !important; }
*, *::before, *::after { animation: none !important; transition: none !important; }
"""


def mark_when_drawn() -> None:
    """Run DRAWN_JS in this page, so the page itself marks when it has finished drawing."""
    st.html(f"<script>{DRAWN_JS}</script>", unsafe_allow_javascript=True)


def hide_chrome(extra_css: str = "") -> None:
    st.html(f"<style>{HIDE_CHROME}{extra_css}</style>")
