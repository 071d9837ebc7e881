"""How wide text shows, in a chart, a spreadsheet column or a terminal: a Chinese character takes
the room of two Latin ones."""

from __future__ import annotations


def width(text: str) -> int:
    """Display width in Latin characters: two for every character from the CJK blocks up."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
