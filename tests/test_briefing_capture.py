"""The weekly briefing captured in a real headless Chromium, at the small scale: PNGs of the
requested size that are not blank, the page's own drawn marker, a PDF of a page per place, and a
PowerPoint deck of a slide per place with the page's sentences as text. The images are kept
under the test's folder; pytest keeps the last runs' folders to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser
from pptx import Presentation
from pypdf import PdfReader

from safetynet.app.capture_mode import MARKER
from safetynet.briefing.capture import CaptureError, keep_local, page_url
from safetynet.briefing.run import Request, brief

pytestmark = pytest.mark.browser

UNIT = "410185"  # 登封市


def _not_blank(path: Path) -> None:
    """Real content: the grey levels vary (a white or half-drawn page would hardly)."""
    spread = ImageStat.Stat(Image.open(path).convert("L")).stddev[0]
    assert spread > 20, spread


def test_the_page_marks_itself_drawn(app: str, chromium: Browser) -> None:
    """The marker comes from the page (no script installed by the capture), and only once the
    map and charts are there."""
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        keep_local(page, app)
        page.goto(page_url(app, "briefing", capture="1"), wait_until="commit")
        page.wait_for_selector(MARKER, state="attached", timeout=60_000)
        assert page.locator('[data-testid="stImage"] img').count() == 1  # the map
        assert page.locator(".briefing-points li").count() >= 3
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
    finally:
        context.close()


def test_png_of_the_city_on_a_desktop_and_a_unit_on_a_phone(
    app: str, chromium: Browser, served, tmp_path: Path
) -> None:
    (city,) = brief(Request(None, (), False), tmp_path, app, chromium)
    assert city.name == "briefing-2026-W48-city-zh-desktop.png"
    assert Image.open(city).size == (1920, 1080)
    _not_blank(city)

    phone = Request("2026-W47", (UNIT,), False, layout="phone", lang="en")
    (unit,) = brief(phone, tmp_path, app, chromium)
    assert unit.name == f"briefing-2026-W47-{UNIT}-en-phone.png"
    width, height = Image.open(unit).size
    assert width == 390 and height > 1500  # as long as the page needs
    _not_blank(unit)


def test_pdf_and_pptx_hold_a_page_and_a_slide_per_place(
    app: str, chromium: Browser, served, tmp_path: Path
) -> None:
    both = Request(None, ("city", UNIT), False, format="pdf")
    (pdf,) = brief(both, tmp_path, app, chromium)
    assert pdf.name == f"briefing-2026-W48-city-{UNIT}-zh-desktop.pdf"
    assert len(PdfReader(pdf).pages) == 2  # the city, then the unit

    (deck,) = brief(Request(None, (UNIT,), False, format="pptx"), tmp_path, app, chromium)
    slides = list(Presentation(str(deck)).slides)
    assert len(slides) == 2  # the title, then the unit
    texts = [p.text for shape in slides[1].shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs]  # fmt: skip
    assert any(text.startswith("登封市 · 周报") for text in texts)
    sentences = [text for text in texts if text.startswith("登封市本周")]
    assert len(sentences) == 1  # the first of the page's sentences, as editable text
    assert not list(tmp_path.glob("*.png"))  # the images went into the documents only


def test_a_week_without_data_is_refused(app: str, chromium: Browser, served, tmp_path) -> None:
    with pytest.raises(CaptureError, match="no data for week '2099-W01'"):
        brief(Request("2099-W01", (), False), tmp_path, app, chromium)
    with pytest.raises(CaptureError, match="no unit '999999'"):
        brief(Request(None, ("999999",), False), tmp_path, app, chromium)
    assert list(tmp_path.iterdir()) == []
