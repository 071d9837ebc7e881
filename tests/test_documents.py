"""The captured briefing written as one PDF and one PowerPoint deck: a page per place at the
capture's own size, a slide per place with editable text, and nothing half-written on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt
from pypdf import PdfReader

from safetynet.briefing import documents
from safetynet.briefing.documents import Captured, write_pdf, write_pptx

DECK = ("郑州市社区应急管理周报", "2026年第48周（11月23日—11月29日） · 生成于2026年11月30日")


def _png(path: Path, size: tuple[int, int]) -> Path:
    """A capture-like PNG: a white page with coloured blocks down it."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for i, top in enumerate(range(20, size[1] - 60, 120)):
        draw.rectangle((10, top, size[0] - 10, top + 80), fill=("#c0392b", "#2874a6")[i % 2])
    image.save(path)
    return path


@pytest.fixture
def places(tmp_path: Path) -> list[Captured]:
    desktop = _png(tmp_path / "city.png", (1920, 1080))
    phone = _png(tmp_path / "jinshui.png", (390, 2400))
    return [
        Captured(
            "郑州市 2026年第48周（11月23日—11月29日）安全网周报",
            desktop,
            [
                "本周新增隐患 1,234 处，较上周增加 56 处。",
                "逾期未整改隐患 87 处，其中金水区最多（21处）。",
                "重大隐患未整改 5 处，与上周持平。",
            ],
        ),
        Captured(
            "金水区 2026年第48周（11月23日—11月29日）安全网周报",
            phone,
            [
                "New hazards this week: 123, 4 more than last week.",
                "Overdue hazards: 21, the most in the city.",
                "Major hazards open: 2.",
                "Orange and red signals: 1 red, 3 orange.",
                "Rescue teams ready: 14 of 15.",
            ],
        ),
    ]


def _ratio(width: float, height: float) -> float:
    return width / height


def _image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


# --- the PDF ----------------------------------------------------------------------------------


def test_pdf_has_a_page_per_place_at_the_capture_size(places, tmp_path):
    out = write_pdf(places, tmp_path / "out" / "briefing.pdf")
    assert out == tmp_path / "out" / "briefing.pdf"
    reader = PdfReader(out)
    assert len(reader.pages) == len(places)
    assert reader.metadata.title == places[0].title  # the city's, not the temporary file's
    for page, place in zip(reader.pages, places, strict=True):
        width, height = _image_size(place.image)
        box = page.mediabox
        assert _ratio(float(box.width), float(box.height)) == pytest.approx(_ratio(width, height))
        assert float(box.width) == pytest.approx(width * 72 / documents.CSS_DPI)
        [embedded] = page.images
        assert embedded.image.size == (width, height)  # the capture itself, not resampled


def test_pdf_title_can_be_given(places, tmp_path):
    out = write_pdf(places, tmp_path / "briefing.pdf", title=DECK[0])
    assert PdfReader(out).metadata.title == DECK[0]


def test_pdf_page_longer_than_readers_accept_is_printed_smaller(tmp_path):
    long = _png(tmp_path / "long.png", (100, 30_000))
    out = write_pdf([Captured("长页", long, ["一句。"])], tmp_path / "long.pdf")
    box = PdfReader(out).pages[0].mediabox
    assert float(box.height) <= documents.MAX_PAGE_INCHES * 72 + 1e-6
    assert _ratio(float(box.width), float(box.height)) == pytest.approx(_ratio(100, 30_000))


def test_pdf_flattens_transparency_onto_white(tmp_path):
    clear = tmp_path / "clear.png"
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(clear)
    out = write_pdf([Captured("透明", clear, ["一句。"])], tmp_path / "clear.pdf")
    [embedded] = PdfReader(out).pages[0].images
    assert embedded.image.convert("L").getextrema()[0] > 240  # white, not black


# --- the deck ---------------------------------------------------------------------------------


def _paragraphs(slide) -> list[str]:
    """The paragraphs of the slide's text, outside its title."""
    return [
        p.text
        for shape in slide.shapes
        if shape.has_text_frame and shape != slide.shapes.title
        for p in shape.text_frame.paragraphs
    ]


def test_pptx_has_a_title_slide_then_a_slide_per_place(places, tmp_path):
    out = write_pptx(places, tmp_path / "out" / "briefing.pptx", *DECK)
    deck = Presentation(out)
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
    assert deck.core_properties.title == DECK[0]
    slides = list(deck.slides)
    assert len(slides) == 1 + len(places)
    cover = slides[0]
    assert cover.shapes.title.text == DECK[0]
    assert cover.placeholders[1].text == DECK[1]

    for slide, place in zip(slides[1:], places, strict=True):
        assert slide.shapes.title.text == place.title
        [picture] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert picture.left >= 0 and picture.top >= 0
        assert picture.left + picture.width <= deck.slide_width
        assert picture.top + picture.height <= deck.slide_height
        assert picture.top >= slide.shapes.title.top + slide.shapes.title.height  # under it
        width, height = _image_size(place.image)
        ratio = _ratio(picture.width, picture.height)
        assert ratio == pytest.approx(_ratio(width, height), rel=0.01)
        assert _paragraphs(slide) == place.sentences  # one paragraph per sentence


def test_pptx_puts_sentences_below_a_desktop_capture_and_beside_a_phone_one(places, tmp_path):
    deck = Presentation(write_pptx(places, tmp_path / "briefing.pptx", *DECK))
    for slide in list(deck.slides)[1:]:
        [picture] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        [text] = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
        middle = picture.left + picture.width / 2
        if picture.height > picture.width:  # phone: as tall as the body, the text to its right
            assert picture.height == pytest.approx(documents.BODY.height, abs=10)  # EMU rounding
            assert text.left >= picture.left + picture.width
        else:  # desktop: centred, the text under it and inside the slide
            assert middle == pytest.approx(deck.slide_width / 2, abs=2)
            assert text.top >= picture.top + picture.height
            assert text.top + text.height <= deck.slide_height


def test_pptx_text_is_readable_chinese(places, tmp_path):
    deck = Presentation(write_pptx(places, tmp_path / "briefing.pptx", *DECK))
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size >= Pt(14)
                    ea = run._r.rPr.find(
                        "{http://schemas.openxmlformats.org/drawingml/2006/main}ea"
                    )
                    assert ea.get("typeface") == documents.CJK_FONT


# --- both -------------------------------------------------------------------------------------


WRITERS = {
    "pdf": lambda places, out: write_pdf(places, out),
    "pptx": lambda places, out: write_pptx(places, out, *DECK),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_no_places_is_an_error(kind, tmp_path):
    with pytest.raises(ValueError, match="no captured places"):
        WRITERS[kind]([], tmp_path / f"briefing.{kind}")
    assert list(tmp_path.iterdir()) == []


def _fail_midway(*args, **kwargs):
    """A save that writes some bytes, then fails (a full disk, say)."""
    fp = next(a for a in args if hasattr(a, "write"))
    fp.write(b"%PDF-1.4 half")
    raise OSError("No space left on device")


@pytest.mark.parametrize("kind", WRITERS)
@pytest.mark.parametrize("existing", [None, b"last week"])
def test_a_failed_write_leaves_no_half_document(kind, existing, places, tmp_path, monkeypatch):
    if kind == "pdf":
        monkeypatch.setitem(Image.SAVE_ALL, "PDF", _fail_midway)
    else:
        monkeypatch.setattr("pptx.presentation.Presentation.save", _fail_midway)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"briefing.{kind}"
    if existing:
        out.write_bytes(existing)
    with pytest.raises(OSError, match="No space"):
        WRITERS[kind](places, out)
    if existing:
        assert out.read_bytes() == existing  # last week's document is still whole
    else:
        assert not out.exists()
    assert [p.name for p in folder.iterdir()] == ([out.name] if existing else [])


@pytest.mark.parametrize("kind", WRITERS)
def test_a_new_document_replaces_the_old_one(kind, places, tmp_path):
    out = tmp_path / f"briefing.{kind}"
    out.write_bytes(b"last week")
    assert WRITERS[kind](places, out) == out
    assert out.read_bytes() != b"last week"
    assert [p.name for p in tmp_path.iterdir() if p.suffix not in {".png"}] == [out.name]
