"""Personal numbers in text: resident ID-card numbers and mobile numbers.

The warehouse keeps counts, never people, so the build refuses any text that carries one of these.
Exports write numbers in many ways (full-width digits, groups split by spaces, dashes or dots), so
text is read as a person would read it before it is judged. A number that is found is only ever
shown masked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# Characters that may stand between the digits of one number: spaces of every width (and the
# invisible ones), dashes and minus signs of every kind, full stops and middle dots. A regular
# expression class that Python and DuckDB (RE2) read alike, so the build's SQL prefilter drops
# exactly these.
SEPARATOR = (
    "["
    "\t\n\v\f\r \u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"  # spaces
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030"
    "\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"  # dashes (Unicode Pd)
    "\u2212\u207b\u208b"  # minus signs
    ".\u00b7\u0387\u2022\u2024\u2027\u2219\u22c5\u2e31\u3002\u30fb\ufe52\uff0e\uff61\uff65"  # dots
    "]"
)

_RUN = re.compile(r"\d+")  # any script's digits; NFKC turns the full-width ones into ASCII
# Runs of digits joined by separators: the groups one number may be written in.
_CHAIN = re.compile(rf"\d+(?:{SEPARATOR}+\d+)*")
_X_AFTER = re.compile(rf"{SEPARATOR}*[XxＸｘ]")  # an ID's check digit may be X
_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9]){SEPARATOR}+(?=[0-9Xx])")

_MOBILE = re.compile(r"(?:0086|86)?1[3-9][0-9]{9}")  # with or without the country code
_ID = re.compile(r"[0-9]{17}[0-9Xx]")
_OLDEST_BIRTH = date(1880, 1, 1)  # no older holder of an ID card was ever alive
# How many leading digits a mask keeps: an ID's province and city, a mobile's network.
_MASK_HEAD = {"id": 4, "mobile": 3}


def normalise(text: str) -> str:
    """The text as its numbers read: NFKC (full-width digits and X to ASCII), and the separators
    between digits dropped. "１３８－1234 5678" → "13812345678"."""
    return _BETWEEN_DIGITS.sub("", unicodedata.normalize("NFKC", text))


def find(text: str) -> list[str]:
    """The personal numbers in the text, normalised, in order. A number read inside another (the
    mobile after a country code) is part of it; numbers that overlap come as one."""
    return [normalise(text[start:end]) for start, end, _ in _spans(text)]


def mask(text: str) -> str:
    """The text with every personal number starred out but for its head and its last 4 digits:
    4101**********1234, 138****5678."""
    out, done = [], 0
    for start, end, head in _spans(text):
        number = normalise(text[start:end])
        out += [text[done:start], number[:head], "*" * (len(number) - head - 4), number[-4:]]
        done = end
    return "".join(out) + text[done:]


def _spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, digits a mask keeps) of each stretch of the text that holds personal numbers,
    the longest first where several start together. A number inside another is part of it;
    overlapping ones share a stretch and the shorter head, so no mask shows a middle digit."""
    spans: list[tuple[int, int, int]] = []
    for start, end, head in sorted(_numbers(text), key=lambda n: (n[0], -n[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, head))
        elif end > spans[-1][1]:
            first, _, kept = spans[-1]
            spans[-1] = (first, end, min(kept, head))
    return spans


def _numbers(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, mask head) of every personal number in the text.

    A number starts and ends where a run of digits does: the digits inside a longer run (a
    20-digit code) are no number of their own. Separated groups are tried in every sequence, so
    "138 1234 5678" is found and so are both of "13812345678 13912345678".
    """
    for chain in _CHAIN.finditer(text):
        groups = [
            (m.start(), m.end(), normalise(m.group()))
            for m in _RUN.finditer(text, chain.start(), chain.end())
        ]
        x = _X_AFTER.match(text, chain.end())
        for i, (start, _, _) in enumerate(groups):
            number = ""
            for _, end, digits in groups[i:]:
                number += digits
                if len(number) > 18:
                    break
                yield from _judged(start, end, number)
            else:  # the last group reached: the number may end in the X after it
                if x:
                    yield from _judged(start, x.end(), number + "X")


def _judged(start: int, end: int, number: str) -> Iterator[tuple[int, int, int]]:
    """The span with its mask head if the digits read there are a mobile or an ID number."""
    if _MOBILE.fullmatch(number):
        yield start, end, _MASK_HEAD["mobile"]
    elif _is_id(number):
        yield start, end, _MASK_HEAD["id"]


def _is_id(number: str) -> bool:
    """A resident ID-card number: 17 digits and a MOD 11-2 check character, a real birth date in
    digits 7-14. The place code is not looked up: a code stdnum does not know is still an ID."""
    if not _ID.fullmatch(number):
        return False
    number = number.upper()
    if ric.calc_check_digit(number) != number[-1]:
        return False
    try:
        born = ric.get_birth_date(number)
    except ValidationError:  # no such day
        return False
    return _OLDEST_BIRTH <= born <= date.today()
