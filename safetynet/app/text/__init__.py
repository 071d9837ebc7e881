"""The app's words, Chinese first and English: key → (zh, en), one module per page."""

from __future__ import annotations

from safetynet.app.text import (
    balance,
    briefing,
    capability,
    common,
    data,
    drill,
    overview,
    remediation,
    risk,
)

MODULES = (common, overview, risk, balance, remediation, capability, briefing, drill, data)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module in MODULES:
        twice = merged.keys() & module.TEXT.keys()
        if twice:
            raise ValueError(f"{module.__name__} defines keys defined elsewhere: {sorted(twice)}")
        merged |= module.TEXT
    return merged


TEXT = _merge()
