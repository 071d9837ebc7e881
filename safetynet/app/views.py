"""The named page queries as typed functions: what a page may ask of the warehouse."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from safetynet.app import db
from safetynet.app.labels import FIGURES

CITY = ""  # the district filter's value for the whole city
PER = 100_000  # counts compared between places are per 100,000 residents


def weeks() -> pl.DataFrame:
    return db.query("weeks")


def districts() -> pl.DataFrame:
    return db.query("districts")


def build_info() -> dict:
    return db.query("build_info").to_dicts()[0]


def figures(by: str, district: str, first: date, last: date) -> pl.DataFrame:
    """Hazard and patrol figures per place ('city', 'district' or 'street') and week."""
    return db.query("figures", by=by, district=district, **{"from": first, "to": last})


def headline(district: str, week: date) -> pl.DataFrame:
    """The chosen week and the week before, for the city or one unit (newest first)."""
    rows = figures("district" if district else "city", district, week - timedelta(weeks=1), week)
    return rows.sort("week_start", descending=True)


def ranking(district: str, week: date) -> pl.DataFrame:
    """One row per unit, or per street of the chosen unit, for the week, with counts per 100,000."""
    rows = figures("street" if district else "district", district, week, week)
    return rows.with_columns(
        (pl.col(f.key) * PER / pl.col("population")).alias(f"{f.key}_per_100k")
        for f in FIGURES
        if not f.rate
    )


def trend(district: str, week: date, weeks_back: int = 26) -> pl.DataFrame:
    first = week - timedelta(weeks=weeks_back - 1)
    return figures("district" if district else "city", district, first, week)
