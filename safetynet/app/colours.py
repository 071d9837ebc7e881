"""Colours, so that the same colour means the same thing on every page.

- The warning scale (red / orange / yellow / blue, and grey for "very low") is kept for *levels*:
  risk classes and early-warning signals. Its colours are defined once, with the risk classes.
- Plain magnitudes (hazards per 100,000 residents, a rate) use one sequential purple palette,
  drawn in five classes; darker is always worse (or, where neither direction is bad, more).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from safetynet.analytics.metrics import RISK_CLASSES

RISK_COLOUR = {c.key: c.colour for c in RISK_CLASSES}
NO_DATA = "#D9D9D9"
# ColorBrewer "Purples", 5 classes: light to dark. No warning colour is purple.
SEQUENTIAL = ("#F2F0F7", "#CBC9E2", "#9E9AC8", "#756BB1", "#54278F")
# Series that are not levels nor magnitudes: the main measure, a second one beside it, and context.
ACCENT = "#1F4E8C"
SECOND = "#2A9D8F"
MUTED = "#C9CED8"


def rgb(hex_colour: str, alpha: int | None = None) -> list[int]:
    """'#D7191C' → [215, 25, 28] (with alpha appended when given), as pydeck wants it."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    return channels if alpha is None else [*channels, alpha]


def _round_to(x: float, step: float) -> float:
    """x rounded to the decimal place of step's leading digit, so breaks read as round numbers
    (17, 19, 21 for a step of 2; 0.93, 0.95 for a step of 0.02) and stay in order."""
    return round(x, -math.floor(math.log10(step)))


@dataclass(frozen=True)
class Classes:
    """Five classes between the smallest and largest value: breaks[i] ≤ class i+1 < breaks[i+1].

    `darker_when_lower` flips the palette for figures where a low value is the bad one.
    """

    breaks: tuple[float, ...]  # four inner breaks, ascending
    low: float
    high: float
    darker_when_lower: bool = False
    worse: bool = True  # darker is worse; False where neither direction is bad (darker = more)

    def index(self, value: float) -> int:
        return sum(value >= b for b in self.breaks)

    def colour(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA
        i = self.index(value)
        return SEQUENTIAL[len(SEQUENTIAL) - 1 - i if self.darker_when_lower else i]

    def bounds(self) -> list[tuple[float, float]]:
        """The (from, to) range of each class, lowest first."""
        edges = [self.low, *self.breaks, self.high]
        return list(pairwise(edges))

    def colours(self) -> list[str]:
        """The colour of each class, in the order of bounds()."""
        return [self.colour(lo) for lo, _ in self.bounds()]


def classes(values: list[float | None], worse_when: str = "up") -> Classes:
    """Equal-interval classes over the values present, with breaks rounded to round numbers.

    worse_when: "up" (darker = higher = worse), "down" (darker = lower = worse) or "" (neither
    direction is bad; darker = more)."""
    present = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    step = (high - low) / len(SEQUENTIAL)
    inner = (
        sorted({_round_to(low + step * i, step) for i in range(1, len(SEQUENTIAL))}) if step else []
    )
    return Classes(tuple(inner), low, high, worse_when == "down", worse_when != "")
