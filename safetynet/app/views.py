"""The named page queries as typed functions: what a page may ask of the warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from safetynet.analytics import metrics
from safetynet.app import db
from safetynet.app.labels import FIGURES

ALL_LEVELS = 4  # signals at every level, red (1) to blue (4)

CITY = ""  # the district filter's value for the whole city
CITY_CODE = "410100"  # the city's own place code, where a query names places
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


def signals(district: str) -> pl.DataFrame:
    """The early-warning signals of the latest full week, the most severe first."""
    return db.query("signals", district=district, level=ALL_LEVELS, rule="")


# --- risk ----------------------------------------------------------------------------------------

ALL_ROWS = 1_000_000  # a $limit that keeps every row
TOP = 20  # the riskiest communities listed


def risk_places(level: str, district: str, month: date, limit: int = ALL_ROWS) -> pl.DataFrame:
    """Risk index of every place at a level ('district', 'street', 'community'), riskiest first."""
    return db.query("risk_places", level=level, district=district, month=month, limit=limit)


def risk_components(place: str, month: date) -> pl.DataFrame:
    """Every indicator of a place's risk index in a month: value, score and points."""
    return db.query("risk_components", place=place, month=month)


def risk_trend(place: str) -> pl.DataFrame:
    """A place's monthly risk index over the last 24 months, oldest first."""
    return db.query("risk_trend", place=place)


def risk_classes(district: str, month: date) -> pl.DataFrame:
    """Communities and residents per risk class, very low first."""
    return db.query("risk_classes", district=district, month=month)


def hazard_hexes(district: str, day: date) -> pl.DataFrame:
    """Open hazards per hexagon on a day: bigger cells for the city, smaller for one unit."""
    return db.query("hazard_hexes", district=district, resolution=7 if district else 6, day=day)


def hazard_heatmap(district: str, week: date) -> pl.DataFrame:
    """Open hazards per category and unit (or street of a unit) at the end of a week."""
    return db.query("hazard_heatmap", district=district, week=week)


# --- balance between places ------------------------------------------------------------------------

SHORTFALL_ROWS = 50  # the 短板 list shows the worst this many


def imbalance_summary(indicator: str = "") -> pl.DataFrame:
    """Gini, Theil (between / within districts) and the sentence of one indicator, or of all;
    value_unit_en beside value_unit_zh, so a page picks the unit by language."""
    rows = db.query("imbalance_summary", indicator=indicator)
    return rows.with_columns(value_unit_en=pl.col("value_unit"))


def imbalance_districts(indicator: str) -> pl.DataFrame:
    """Per-capita value of an indicator in each unit against the city mean, lowest first."""
    return db.query("imbalance_districts", indicator=indicator)


def imbalance_lorenz(indicator: str) -> pl.DataFrame:
    """The Lorenz curve of an indicator over the city's communities (units, for funding)."""
    return db.query("imbalance_lorenz", indicator=indicator)


def imbalance_communities(indicator: str, district: str) -> pl.DataFrame:
    """Per-capita value of an indicator in each community of a unit, lowest first."""
    return db.query("imbalance_communities", indicator=indicator, district=district)


@dataclass(frozen=True)
class Inside:
    """How unequal an indicator is among one unit's communities (the city's marts measure the
    whole city): population-weighted Gini and Theil, split between and within its streets."""

    gini: float
    theil: metrics.Theil
    lorenz: metrics.Lorenz


def inside_unit(rows: pl.DataFrame) -> Inside | None:
    """Inside for imbalance_communities rows of one unit; None without a resource to share."""
    rows = rows.filter(pl.col("population") > 0)
    if rows.is_empty() or not rows["value"].sum():
        return None
    values, weights = rows["value"].to_numpy(), rows["population"].to_numpy()
    return Inside(
        metrics.gini(values, weights),
        metrics.theil(values, weights, rows["street_code"].to_numpy()),
        metrics.lorenz(values, weights),
    )


def shortfall(district: str, item: str) -> pl.DataFrame:
    """The 短板 list: communities short of a supply (or of any), the largest gap first."""
    return db.query(
        "shortfall_list", district=district, item=item, order="share", limit=SHORTFALL_ROWS
    )


def funding(district: str) -> pl.DataFrame:
    """Prevention against response spending per unit and year, with the city's total."""
    return db.query("funding_balance", district=district)


# --- capability ----------------------------------------------------------------------------------


def capability(district: str) -> pl.DataFrame:
    """Grid teams, workers, emergency teams, drills, readiness and helpers per unit (or per
    street of a unit), the whole first (is_total)."""
    return db.query("capability", district=district)


def vulnerable_groups(district: str) -> pl.DataFrame:
    """Vulnerable people by type and how many have an assigned helper, the largest type first."""
    return db.query("vulnerable_groups", district=district)


# --- remediation ---------------------------------------------------------------------------------

WINDOWS = (4, 13, 26, 52)  # the remediation page's windows, in whole weeks ending with the week
MIN_CALLS = 30  # departments or units with fewer whistle calls in a window are not ranked


def window_start(week: date, weeks: int) -> date:
    """Monday of the first week of a window of `weeks` whole weeks ending with `week`."""
    return week - timedelta(weeks=weeks - 1)


def _all_hazards(name: str, **params: object) -> pl.DataFrame:
    """A remediation query over every category and severity (the pages do not filter them)."""
    return db.query(name, category="", severity="", **params)


def remediation(level: str, district: str, street: str, first: date, last: date) -> pl.DataFrame:
    """Remediation figures over a window of weeks, one row for the city or per place."""
    return _all_hazards(
        "remediation", level=level, district=district, street=street, first=first, last=last
    )


def remediation_of(district: str, street: str, first: date, last: date) -> dict:
    """The remediation figures of the whole being looked at: a street, a unit or the city."""
    if street:
        rows = remediation("street", district, street, first, last)
    else:
        rows = remediation("district" if district else "city", district, "", first, last)
    return rows.filter(pl.col("group_code") == (street or district or CITY_CODE)).row(0, named=True)


def burndown(district: str, street: str, first: date, last: date) -> pl.DataFrame:
    """Week by week: found, rectified, and open and overdue at each week's end."""
    return _all_hazards(
        "remediation_burndown",
        level="all",
        district=district,
        street=street,
        first=first,
        last=last,
    )


def ageing(level: str, district: str, street: str, last: date) -> pl.DataFrame:
    """Open hazards by age (0–7, 8–30, 31–90, >90 days) per place at the end of a week."""
    return _all_hazards(
        "remediation_aging", level=level, district=district, street=street, last=last
    )


def supervised(district: str, street: str, last: date) -> pl.DataFrame:
    """Major hazards under supervision still open at the end of a week: the follow-up list."""
    return db.query(
        "remediation_supervision", district=district, street=street, supervision="", last=last
    )


def whistle(by: str, district: str, first: date, last: date) -> pl.DataFrame:
    """Department response to community whistles for the calls made in a window."""
    return db.query(
        "whistle_response", by=by, district=district, department="", first=first, last=last
    )
