"""The briefing's figures in the narrative's terms, taken from the same page queries (views) as
the charts on the briefing page, so every number in a sentence is one a chart shows."""

from __future__ import annotations

import polars as pl

from safetynet.briefing.narrative import Alert, Child, Week, worst_alert

BRIEFED_LEVELS = ("red", "orange")  # the briefing lists orange and red signals only
WORST_SHOWN = 5


def weeks_of(trend: pl.DataFrame) -> list[Week]:
    """Weekly figures of the place, oldest first (views.trend rows)."""
    fields = Week.__dataclass_fields__
    return [Week(**{k: row[k] for k in fields}) for row in trend.iter_rows(named=True)]


def worst(ranking: pl.DataFrame) -> pl.DataFrame:
    """The places of the week that need attention most: most overdue, then most major open."""
    return ranking.sort(["overdue", "major_open"], descending=True).head(WORST_SHOWN)


def children_of(ranking: pl.DataFrame, names: str) -> list[Child]:
    """Every unit (or street) of the week: the narrative names the one with most of a figure."""
    return [
        Child(row[names], row["overdue"], row["major_open"])
        for row in ranking.iter_rows(named=True)
    ]


def briefed(signals: pl.DataFrame) -> pl.DataFrame:
    """The current signals at orange and red, the most severe first (views.signals order)."""
    return signals.filter(pl.col("level_name").is_in(BRIEFED_LEVELS))


def alerts_of(signals: pl.DataFrame, lang: str, units: dict[str, str]) -> list[Alert]:
    """The orange and red signals; units: each unit's name in the language, by code."""
    suffix = "zh" if lang == "zh" else "en"
    return [
        Alert(
            row["level_name"],
            row[f"level_{suffix}"],
            place_path(row, lang, units),
            row[f"rule_{suffix}"],
            row["weeks_running"],
        )
        for row in briefed(signals).iter_rows(named=True)
    ]


def place_path(row: dict, lang: str, units: dict[str, str]) -> str:
    """Where a signal is: unit, street and community, as an official names them (streets and
    communities have Chinese names only)."""
    unit = units.get(row["district_code"], row["district_name"])
    local = [p for p in (row["street_name"], row["place_name"]) if p and p != row["district_name"]]
    return ("" if lang == "zh" else ", ").join(dict.fromkeys([unit, *local]))


def listed(signals: pl.DataFrame, alerts: list[Alert]) -> pl.DataFrame:
    """The orange and red signals in the order the page lists them: the one the sentences name
    first (it may be new this week and so not the longest running), then the rest."""
    rows = briefed(signals)
    if not alerts:
        return rows
    named = alerts.index(worst_alert(alerts))
    order = [named, *(i for i in range(rows.height) if i != named)]
    return rows[order]
