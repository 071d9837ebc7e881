"""The captured briefing as documents: one PDF whose pages are the captures themselves, and one
PowerPoint deck whose titles and sentences stay editable text, so that an official can adjust a
word before the meeting.

Both are written beside their target and renamed over it only once complete, so a failed run
never leaves half a document where last week's was.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from PIL import Image
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.xmlchemy import OxmlElement
from pptx.shapes.autoshape import Shape
from pptx.util import Emu, Inches, Length, Pt

# --- the PDF ----------------------------------------------------------------------------------

CSS_DPI = 96  # a capture pixel is a CSS pixel (1/96 inch): pages print at the size they were drawn
MAX_PAGE_INCHES = 200  # the page size PDF readers keep to (Acrobat's 14,400 points)
JPEG = {"quality": 95, "subsampling": 0}  # Pillow stores RGB pages as JPEG: keep small text sharp

# --- the deck ---------------------------------------------------------------------------------

CJK_FONT = "Noto Sans CJK SC"  # PowerPoint substitutes a Chinese font where it is not installed
SLIDE_W, SLIDE_H = Emu(12_192_000), Emu(6_858_000)  # 13.33 × 7.5 inches, PowerPoint's 16:9
MARGIN = Inches(0.4)
GAP = Inches(0.2)
LINE = 1.2  # PowerPoint's single line spacing, in font sizes
SPACE_AFTER = Pt(6)  # between sentences
INSETS_X, INSETS_Y = Inches(0.2), Inches(0.1)  # a text box's default insets, both sides
TITLE_PT, SENTENCE_BESIDE_PT, SENTENCE_BELOW_PT = Pt(24), Pt(20), Pt(16)
COVER_TITLE_PT, COVER_SUBTITLE_PT = Pt(40), Pt(20)
TITLE_ONLY, TITLE_SLIDE = 5, 0  # layouts of python-pptx's default template


class Box(NamedTuple):
    left: int
    top: int
    width: int
    height: int


TITLE = Box(MARGIN, Inches(0.2), SLIDE_W - 2 * MARGIN, Inches(0.95))  # two lines at TITLE_PT
BODY = Box(MARGIN, Inches(1.25), SLIDE_W - 2 * MARGIN, SLIDE_H - Inches(1.25) - Inches(0.3))
COVER_TITLE = Box(MARGIN, Inches(2.2), SLIDE_W - 2 * MARGIN, Inches(1.5))
COVER_SUBTITLE = Box(MARGIN, Inches(3.9), SLIDE_W - 2 * MARGIN, Inches(1))


@dataclass(frozen=True)
class Captured:
    title: str  # e.g. "郑州市 2026年第48周（11月23日—11月29日）安全网周报"
    image: Path  # the PNG of that place's briefing page
    sentences: list[str]  # the 3–5 sentences the page shows, in the page's language


def write_pdf(places: list[Captured], out: Path, title: str | None = None) -> Path:
    """One page per place, each the size of its capture. The document is titled `title`, or the
    first place's (the city's) title when None."""
    _require(places)
    pages = [_opaque(place.image) for place in places]
    dpi = max(CSS_DPI, max(page.height for page in pages) / MAX_PAGE_INCHES)
    with _replacing(out) as f:
        # Pillow would otherwise name the document after the temporary file.
        pages[0].save(
            f,
            "PDF",
            save_all=True,
            append_images=pages[1:],
            resolution=dpi,
            title=title or places[0].title,
            **JPEG,
        )
    return out


def write_pptx(places: list[Captured], out: Path, title: str, subtitle: str) -> Path:
    """A 16:9 deck: a title slide, then a slide per place with its title, its capture and its
    sentences (one paragraph each) beside a tall phone capture or below a wide desktop one."""
    _require(places)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = title
    # The default template's placeholders are laid out for 4:3, so each one is placed here.
    cover = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    _text(cover.shapes.title, COVER_TITLE, [title], COVER_TITLE_PT)
    _text(cover.placeholders[1], COVER_SUBTITLE, [subtitle], COVER_SUBTITLE_PT)
    for place in places:
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        _text(slide.shapes.title, TITLE, [place.title], TITLE_PT)
        with Image.open(place.image) as image:
            size = image.size
        picture_area, text_area, font = _areas(size, place.sentences)
        slide.shapes.add_picture(str(place.image), *_fit(size, picture_area))
        box = slide.shapes.add_textbox(*text_area)
        _text(box, text_area, place.sentences, font)
        # Text longer than estimated shrinks rather than running off the slide.
        box.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for paragraph in box.text_frame.paragraphs:
            paragraph.space_after = SPACE_AFTER
    with _replacing(out) as f:
        deck.save(f)
    return out


def _require(places: list[Captured]) -> None:
    if not places:
        raise ValueError("no captured places: a briefing document needs at least one")


@contextmanager
def _replacing(out: Path) -> Iterator[IO[bytes]]:
    """A new file beside `out` (same file system, so the rename is atomic) that takes its place
    only once fully written; removed if writing fails."""
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with part.open("xb") as f:  # x: never another run's file
            yield f
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a crash cannot leave it empty
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


def _opaque(path: Path) -> Image.Image:
    """The capture in RGB on white: a PDF page has no background for transparency to show."""
    with Image.open(path) as image:
        if not image.has_transparency_data:
            return image.convert("RGB")
        rgba = image.convert("RGBA")
    page = Image.new("RGB", rgba.size, "white")
    page.paste(rgba, mask=rgba)
    return page


def _areas(size: tuple[int, int], sentences: list[str]) -> tuple[Box, Box, Length]:
    """Where the picture and the sentences go, and the sentences' font size. A tall (phone)
    capture as high as the body (at most half its width), the sentences beside it; a wide
    (desktop) one above the sentences, which take the height they need (at most half the
    body's)."""
    left, top, width, height = BODY
    if size[1] > size[0]:
        column = min(round(height * size[0] / size[1]), width // 2)
        text = Box(left + column + GAP, top, width - column - GAP, height)
        return Box(left, top, column, height), text, SENTENCE_BESIDE_PT
    text_height = min(_height(sentences, width, SENTENCE_BELOW_PT), height // 2)
    picture = Box(left, top, width, height - text_height - GAP)
    text = Box(left, top + height - text_height, width, text_height)
    return picture, text, SENTENCE_BELOW_PT


def _height(sentences: list[str], width: int, size: Length) -> int:
    """An estimate of the height the sentences take in a box this wide: a Chinese character is
    about 1 em wide, other characters about half of one."""
    usable = width - INSETS_X
    lines = sum(
        max(1, math.ceil(sum(1 if ord(c) >= 0x2E80 else 0.55 for c in s) * size / usable))
        for s in sentences
    )
    return round(lines * size * LINE + len(sentences) * SPACE_AFTER + INSETS_Y)


def _fit(size: tuple[int, int], area: Box) -> Box:
    """The largest box of the image's aspect ratio inside the area, centred in it."""
    scale = min(area.width / size[0], area.height / size[1])
    width, height = round(size[0] * scale), round(size[1] * scale)
    return Box(
        area.left + (area.width - width) // 2, area.top + (area.height - height) // 2, width, height
    )


def _text(shape: Shape, box: Box, lines: list[str], size: Length) -> None:
    """Place a shape and give it one paragraph per line, at this size, in runs that name the
    Chinese font (for Chinese the default theme names only SimSun, which few machines but
    Windows have)."""
    shape.left, shape.top, shape.width, shape.height = box
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = size
        # python-pptx sets only the Latin font; the East Asian one is an <a:ea> in the run's rPr.
        ea = OxmlElement("a:ea")
        ea.set("typeface", CJK_FONT)
        run._r.get_or_add_rPr().insert_element_before(
            ea, "a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"
        )
