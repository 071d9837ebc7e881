"""The README's pictures of the pages: every page in Chinese on a desktop, the overview, the
briefing, the drill-down and the data page in English and on a phone, from the served warehouse (the demo city, say), taken in headless Chromium the way
the browser tests take theirs (safetynet.briefing.capture.full_page).

    python scripts/screenshots.py                 # into docs/screens/
    python scripts/screenshots.py --out DIR

Build the city first (`safetynet build --demo --scale city`); the app is started on the data
folder (SAFETYNET_DATA or data/) and stopped afterwards.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from safetynet.app.capture_mode import HIDE_CHROME
from safetynet.app.navigation import PAGES
from safetynet.briefing.capture import (
    browser,
    full_page,
    keep_local,
    page_url,
    running_app,
    track_drawing,
    wait_for_page,
)
from safetynet.briefing.formats import PHONE_AGENT

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1600, "height": 1000}
PHONE = {"width": 390, "height": 844}
# The drill-down is pictured where an inspector would be: 金水区's street with the most overdue
# hazards in the demo city (`city` scale), and a community of it with its grids and hazard list.
DRILL_STREET = {"place": "410105024"}
DRILL_COMMUNITY = {"place": "410105024010"}

Shot = tuple[str, str, str, dict[str, int], dict[str, str]]


def shots() -> list[Shot]:
    """(file stem, page path, language, viewport, page parameters) of every picture."""
    pages = [
        ("overview" if i == 0 else url, "" if i == 0 else url) for i, (*_, url) in enumerate(PAGES)
    ]
    drill = {"drill": DRILL_STREET}
    out = [(stem, path, "zh", DESKTOP, drill.get(path, {})) for stem, path in pages]
    more = [
        ("overview-en", "", "en", DESKTOP, {}),
        ("overview-phone", "", "zh", PHONE, {}),
        ("briefing-en", "briefing", "en", DESKTOP, {}),
        ("briefing-phone", "briefing", "zh", PHONE, {}),
        ("drill-en", "drill", "en", DESKTOP, DRILL_STREET),
        ("drill-community", "drill", "zh", DESKTOP, DRILL_COMMUNITY),
        ("drill-phone", "drill", "zh", PHONE, DRILL_COMMUNITY),
        ("data-en", "data", "en", DESKTOP, {}),
        ("data-phone", "data", "zh", PHONE, {}),
    ]
    return [*out, *more]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    args = parser.parse_args()
    with running_app() as base, browser() as chromium:
        for stem, path, lang, viewport, params in shots():
            phone = viewport is PHONE
            context = chromium.new_context(
                viewport=viewport, **({"user_agent": PHONE_AGENT} if phone else {})
            )
            track_drawing(context)
            try:
                page = context.new_page()
                keep_local(page, base)
                page.goto(page_url(base, path, lang=lang, **params), wait_until="commit")
                wait_for_page(page)
                page.add_style_tag(content=HIDE_CHROME)  # the sidebar and Streamlit's toolbar
                print(full_page(page, args.out / f"{stem}.png"))
            finally:
                context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
