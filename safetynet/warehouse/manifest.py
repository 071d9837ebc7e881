"""What a raw folder says about itself: the demo generator's `_demo.json`, or an export's
`manifest.json` written by the data owner. Either may give the as-of date; both are optional,
and a file that is there but malformed stops the build with a message naming it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from safetynet.warehouse.checks import failure, quoted

DEMO = "_demo.json"
DEMO_SOURCE = "demo"  # meta_build.source of a warehouse built from the demo city
EXPORT = "manifest.json"
MAX_BYTES = 64 * 1024  # a manifest is a few lines; anything bigger is not one


@dataclass(frozen=True)
class Manifest:
    as_of: date | None = None
    demo: bool = False
    scale: str | None = None
    seed: int | None = None


def read(raw_dir: Path) -> Manifest:
    """The folder's manifest (an empty one when it has none)."""
    found = [raw_dir / name for name in (DEMO, EXPORT) if (raw_dir / name).exists()]
    if len(found) > 1:
        raise failure(raw_dir.name + "/", f"holds both {DEMO} and {EXPORT}; keep one")
    if not found:
        return Manifest()
    path = found[0]
    record = _load(path)
    demo = path.name == DEMO
    return Manifest(
        as_of=_field(path, record, "as_of", _iso_date, required=demo),
        demo=demo,
        scale=_field(path, record, "scale", _text, required=demo),
        seed=_field(path, record, "seed", _whole, required=demo),
    )


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise failure(path.name, "is not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise failure(path.name, f"is larger than {MAX_BYTES // 1024} KB; not a manifest")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise failure(path.name, f"is not valid JSON ({error})") from None
    if not isinstance(record, dict):
        raise failure(path.name, "must hold one JSON object")
    return record


def _field(path: Path, record: dict[str, Any], key: str, parse, required: bool) -> Any:
    if key not in record:
        if required:
            raise failure(path.name, f'has no "{key}"')
        return None
    value = record[key]
    parsed = parse(value)
    if parsed is None:
        raise failure(path.name, f'"{key}" is {quoted(value)}, not {parse.__doc__}')
    return parsed


def _iso_date(value: Any) -> date | None:
    """a date written YYYY-MM-DD"""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    """text"""
    return value if isinstance(value, str) else None


def _whole(value: Any) -> int | None:
    """a whole number"""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
