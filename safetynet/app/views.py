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


# --- drill-down ----------------------------------------------------------------------------------

# Each level of the drill-down and the level of its children (a grid has none: its hazards).
CHILD_LEVEL = {"city": "district", "district": "street", "street": "community", "community": "grid"}
SEARCH_ROWS = 20


@dataclass(frozen=True)
class Step:
    """One place on the way down from the city: its level, code and names."""

    level: str  # city, district, street, community, grid
    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Place:
    """A place of any level and the way down to it, the city first and the place itself last."""

    steps: tuple[Step, ...]

    @property
    def level(self) -> str:
        return self.steps[-1].level

    @property
    def code(self) -> str:
        return self.steps[-1].code

    def code_of(self, level: str) -> str:
        """The code of the place at `level` on the way down ('' when the place is above it)."""
        return next((s.code for s in self.steps if s.level == level), "")

    @property
    def district(self) -> str:
        return self.code_of("district")

    @property
    def street(self) -> str:
        return self.code_of("street")

    @property
    def community(self) -> str:
        return self.code_of("community")

    @property
    def parent(self) -> Step | None:
        return self.steps[-2] if len(self.steps) > 1 else None


CITY_STEP = Step("city", CITY_CODE, "郑州市", "Zhengzhou")


def place(code: str) -> Place | None:
    """The place with this code and the names on the way down to it; None when there is none."""
    rows = db.query("place", code=code)
    if rows.is_empty():
        return None
    row = rows.row(0, named=True)
    steps = [CITY_STEP]
    if row["district_code"]:
        steps.append(Step("district", row["district_code"], row["district_zh"], row["district_en"]))
    if row["street_code"]:
        steps.append(Step("street", row["street_code"], row["street_zh"], row["street_zh"]))
    if row["community_code"]:
        name = row["community_zh"]
        steps.append(Step("community", row["community_code"], name, name))
    if row["level"] == "grid":
        steps.append(Step("grid", row["place_code"], row["grid_zh"], row["grid_en"]))
    return Place(tuple(steps))


# What the month's risk index adds to a row of figures.sql above a street.
RISK_COLUMNS = ("place_code", "risk", "risk_class", "risk_class_zh", "risk_class_en", "risk_colour")


def drill_rows(level: str, parent: str, week: date) -> pl.DataFrame:
    """The drill-down's core figures for the week, one row per place of `level` inside `parent`:
    above a street, the overview's figures with the month's risk index; below, the street's or
    community's own hazards and patrols (drill_local)."""
    if level in ("community", "grid"):
        return db.query("drill_local", level=level, parent=parent, week=week)
    month = (week + timedelta(days=6)).replace(day=1)  # the month the week ends in
    risk = risk_places(level, parent, month).select(RISK_COLUMNS)
    return figures(level, parent, week, week).join(risk, on="place_code", how="left")


def siblings(place: Place, week: date) -> pl.DataFrame:
    """drill_rows of the place and the others of its level inside the same parent."""
    parent = place.parent.code if place.parent and place.parent.level != "city" else ""
    return drill_rows(place.level, parent, week)


def parent_row(place: Place, week: date) -> dict | None:
    """The drill_rows figures of the place one level up; None for the city."""
    if place.parent is None:
        return None
    above = Place(place.steps[:-1])
    return siblings(above, week).filter(pl.col("place_code") == above.code).row(0, named=True)


def children(place: Place, week: date) -> pl.DataFrame:
    """drill_rows of the places one level below (none below a grid)."""
    level = CHILD_LEVEL[place.level]
    return drill_rows(level, "" if place.level == "city" else place.code, week)


def search(text: str) -> pl.DataFrame:
    """Streets, communities and grids by name or code, with their unit and street."""
    return db.query("place_search", text=text, limit=SEARCH_ROWS)


def overdue_communities(district: str, week: date) -> pl.DataFrame:
    """Every community of a unit with hazards overdue at the end of the week, the most first."""
    return db.query("overdue_communities", district=district, week=week)


def open_hazards(
    place: Place, week: date, category: str = "", severity: str = "", overdue: bool = False
) -> pl.DataFrame:
    """The hazards open at the end of the week in a street, community or grid, most overdue
    first."""
    return db.query(
        "drill_hazards",
        street=place.street,
        community=place.community,
        grid=place.code_of("grid"),
        week=week,
        category=category,
        severity=severity,
        overdue=overdue,
    )


def grid_patrols(grid: str, week: date) -> pl.DataFrame:
    """A grid's people and teams, and its patrols week by week over the 8 weeks up to `week`."""
    return db.query("grid_patrols", grid=grid, week=week)


# --- the data itself -------------------------------------------------------------------------------


def data_freshness() -> pl.DataFrame:
    """Every raw table in the served warehouse, in the schema's order: its rows and the first and
    last day of its main date (empty for a table without one)."""
    return db.query("data_freshness")
