"""Write the demo city's figures into the docs, or check that the docs quote them as they are.

The docs quote figures of the demo city (`city` scale, default seed and as-of date): row counts,
rates, a worked example. Each is defined once, in FIGURES below: a name, how to compute it from the
demo city, and how to write it. The docs never hold a figure by hand; it sits between markers and
this script writes it:

    inline:  Of the <!-- fig:jinshui_found -->10,248<!-- /fig --> hazards found in the window …
    block:   <!-- figures:raw_row_counts -->
             | raw table | rows at `city` | rows at `small` |     (the whole block is written)
             …
             <!-- /figures -->

Inline markers hold one line of text; words around the figure ("about", "MB") stay outside them.
Block markers each sit on a line of their own. A name may be quoted in several places and docs.

How figures are computed: the way the product defines them. Most come from the page queries the
dashboard runs (`City.query`: queries/<name>.sql through safetynet.warehouse.runner.run), some
from a mart or dim (`City.value`), raw row counts from the raw Parquet files (`City.raw_rows`).
How they are written: `count` (1,234), `rounded(1000)` (110,000), `sig(2)`, `decimal(1)`, `pct(1)`
(97.9% or 97.9 %: a doc's `Style` says whether its percent sign takes a space), and text as the
product writes it (the Chinese sentences and reasons are quoted as the queries return them).

To add a figure: add an entry to FIGURES (reusing a `City` query where one fits), wrap the number
in the doc with `<!-- fig:NAME -->…<!-- /fig -->`, and run the script. tests/test_doc_figures.py
runs `--check` on a freshly built demo city, so a figure that goes stale fails the suite, naming it.

    python scripts/doc_figures.py              # generate and build the demo city afresh, rewrite
    python scripts/doc_figures.py --check      # change nothing; exit 1 listing every stale figure
    python scripts/doc_figures.py --data DIR   # use a data folder laid out as SAFETYNET_DATA

With --data, the demo's raw folders (raw/demo-<scale>-<seed>-<as-of>/, as `safetynet build --demo`
names them) are generated there if missing, and the served warehouse is reused when it was built
from the `city` demo with the default seed and as-of date, else built there. Without it everything
is made in a temporary folder and removed (15 s to a minute on two cores).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import polars as pl
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the figures must come from this tree's code, not an installed copy

from safetynet.app import fmt  # noqa: E402
from safetynet.build import build  # noqa: E402
from safetynet.cli import demo_raw  # noqa: E402
from safetynet.demo.facts import SCALES, UNITS, unit_populations  # noqa: E402
from safetynet.demo.generate import DEFAULT_AS_OF, DEFAULT_SEED  # noqa: E402
from safetynet.warehouse import runner, store  # noqa: E402
from safetynet.warehouse.schema import TABLES  # noqa: E402
from safetynet.weeks import history_start, monday_of  # noqa: E402

AS_OF = DEFAULT_AS_OF
LAST_WEEK = monday_of(AS_OF)
HISTORY_FROM = history_start(AS_OF, SCALES["city"].years)
YEAR_AGO = AS_OF - timedelta(days=364)  # the 12 months (365 days) up to the as-of date
# docs/remediation.md §1 reads one unit and one department over one window.
WINDOW = {"first": date(2026, 6, 1), "last": AS_OF}
JINSHUI = "410105"
# docs/risk-index.md §1 and docs/early-warning.md §2.6 quote one community each, by code: names repeat.
RISK_EXAMPLE = "410102008005"  # 中原区永安街道育才2社区
HELPER_EXAMPLE = "410122101015"  # 中牟县乐业镇梁河村


# ---------------------------------------------------------------- the demo city


class City:
    """The demo city the figures are computed from: its warehouse (read-only) and raw folders."""

    def __init__(self, warehouse: Path, raw: dict[str, Path]) -> None:
        self.warehouse = warehouse
        self.raw = raw
        self.con = runner.open_readonly(warehouse)
        self._results: dict[tuple, pl.DataFrame] = {}

    def close(self) -> None:
        self.con.close()

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """A page query's result, as a page gets it; each call is run once."""
        key = (name, *sorted(params.items()))
        if key not in self._results:
            self._results[key] = runner.run(self.con, name, params)
        return self._results[key]

    def row(self, name: str, where: dict[str, Any], **params: Any) -> dict[str, Any]:
        """The one row of a page query's result whose columns have the values of `where`."""
        rows = self.query(name, **params).filter(**where)
        if rows.height != 1:
            raise LookupError(f"{name}: {rows.height} rows where {where} (expected one)")
        return rows.row(0, named=True)

    def value(self, sql: str) -> Any:
        """The single value of a query on the marts and dims."""
        rows = self.con.sql(sql).fetchall()
        if len(rows) != 1 or len(rows[0]) != 1:
            raise LookupError(f"expected one value from: {sql}")
        return rows[0][0]

    def raw_rows(self, scale: str) -> dict[str, int]:
        """Rows of each raw table at a scale, read from the Parquet files' footers."""
        return {t.name: pq.ParquetFile(self.raw[scale] / t.file).metadata.num_rows for t in TABLES}


def _is_city_demo(con_path: Path) -> bool:
    con = runner.open_readonly(con_path)
    try:
        row = con.sql("SELECT source, scale, seed, as_of FROM meta_build").fetchall()[0]
    finally:
        con.close()
    return row == ("demo", "city", DEFAULT_SEED, AS_OF)


def open_city(data: Path) -> City:
    """The demo city in a data folder: raw folders generated and a warehouse built if missing."""
    with mock.patch.dict(os.environ, {"SAFETYNET_DATA": str(data)}):  # where demo_raw writes
        raw = {scale: demo_raw(scale, DEFAULT_SEED, AS_OF) for scale in ("city", "small")}
    root = data / "warehouse"
    version = store.current(root)
    if version is None or not _is_city_demo(version.path):
        version = build(raw["city"], root=root, progress=False)
    return City(version.path, raw)


def nearest_rank(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank, as the product computes percentiles (quantile_disc)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p * len(ordered)), 1) - 1]


# ---------------------------------------------------------------- how figures are written


@dataclass(frozen=True)
class Style:
    """How a doc writes numbers: its language (counts as safetynet.app.fmt writes them: 1,234 in
    English, 1234 and 1.23万 in Chinese) and its percent sign (97.9% or 97.9 %)."""

    lang: str = "en"
    percent: str = "%"


# Every doc is in English; these two put a space before the percent sign.
STYLES = {
    "docs/demo-city.md": Style(percent=" %"),
    "docs/early-warning.md": Style(percent=" %"),
}

Writer = Callable[[Any, Style], str]


def count(value: Any, style: Style) -> str:
    return fmt.count(int(value), style.lang)


def text(value: Any, style: Style) -> str:
    return str(value)


def rounded(step: int) -> Writer:
    """To the nearest multiple of step: 110,296 → 110,000 with step 1,000."""
    return lambda value, style: count(round(value / step) * step, style)


def sig(digits: int) -> Writer:
    """To so many significant digits: 221,299 → 220,000 with 2."""
    return lambda value, style: count(
        round(value, digits - 1 - math.floor(math.log10(abs(value)))), style
    )


def decimal(places: int) -> Writer:
    return lambda value, style: f"{value:.{places}f}"


def pct(places: int = 0) -> Writer:
    """A share as a percentage: 0.9792 → 97.9% (97.9 % in a doc whose style has the space)."""
    return lambda value, style: fmt.rate(value, places).replace("%", style.percent)


def points(value: float, style: Style) -> str:
    """A share as percentage points: 0.0208 → 2.1."""
    return f"{100 * value:.1f}"


def hours(value: float, style: Style) -> str:
    return f"{value:g}"


def thousands(value: int, style: Style) -> str:
    """340k: to the nearest ten thousand, in thousands."""
    return f"{round(value / 10_000) * 10}k"


def span(write: Writer) -> Writer:
    """A (low, high) pair as 'low–high', a percent sign written once, after high."""

    def written(value: tuple[Any, Any], style: Style) -> str:
        low, high = (write(v, style) for v in value)
        return f"{low.removesuffix(style.percent)}–{high}"

    return written


# ---------------------------------------------------------------- the figures

Compute = Callable[[City], Any]


@dataclass(frozen=True)
class Figure:
    compute: Compute
    write: Writer = count
    # A measurement that varies from build to build (a file's size): the doc's number stands
    # while it is within this share of the measured one.
    tolerance: float = 0.0


# How figures are computed, from the most general to those of one doc.


def sql(query: str) -> Compute:
    """The single value of a query on the marts and dims."""
    return lambda city: city.value(query)


def sql_pair(query: str) -> Compute:
    """The two values of a query's single row, e.g. a (low, high) range."""
    return lambda city: tuple(city.con.sql(query).fetchall()[0])


def share(part: Compute, whole: Compute) -> Compute:
    return lambda city: part(city) / whole(city)


def raw_count(table: str) -> Compute:
    """Rows of a raw table at `city` scale."""
    return lambda city: city.raw_rows("city")[table]


def remediation(column: str, level: str, group: str, first: date, last: date) -> Compute:
    """A column of remediation.sql (docs/remediation.md §3) for one group of a level."""
    params = {"level": level, "district": "", "street": "", "category": "", "severity": ""}
    window = {"first": first, "last": last}
    return lambda city: city.row("remediation", {"group_code": group}, **params, **window)[column]


def whistle_response(column: str, department: str, first: date, last: date) -> Compute:
    """A column of whistle_response.sql (docs/remediation.md §4): a department's row, or the whole
    city's when department is ''."""
    by, group = ("department", department) if department else ("city", "410100")
    params = {"by": by, "district": "", "department": department, "first": first, "last": last}

    def compute(city: City) -> Any:
        return city.row("whistle_response", {"group_code": group}, **params)[column]

    return compute


# docs/demo-city.md


def raw_row_counts(city: City) -> str:
    small, full = city.raw_rows("small"), city.raw_rows("city")
    lines = ["| raw table | rows at `city` | rows at `small` |", "|---|---:|---:|"]
    lines += [f"| `{t.name}` | {full[t.name]:,} | {small[t.name]:,} |" for t in TABLES]
    return "\n".join(lines)


def warehouse_mb(city: City) -> float:
    return city.warehouse.stat().st_size / 1e6


def per_grid(grid_type: str) -> Compute:
    return sql(f"SELECT avg(households) FROM dim_grid WHERE grid_type = '{grid_type}'")


def weighted_mean(attribute: str) -> Compute:
    """A constant of facts.UNITS averaged over the units, weighted by their demo populations."""

    def compute(city: City) -> float:
        population = unit_populations()
        weighted = sum(population[u.code] * getattr(u, attribute) for u in UNITS)
        return weighted / sum(population.values())

    return compute


def places_per_unit(city: City) -> str:
    frame = city.con.sql(
        """
        WITH streets AS (SELECT district_code, count(*) AS n FROM dim_street GROUP BY ALL),
        communities AS (
            SELECT district_code, count(*) FILTER (kind = 'community') AS communities,
                   count(*) FILTER (kind = 'village') AS villages
            FROM dim_community GROUP BY ALL
        ),
        grids AS (
            PIVOT (SELECT district_code, grid_type FROM dim_grid)
            ON grid_type IN ('community', 'micro', 'rural', 'dedicated') USING count(*)
        )
        SELECT d.name_zh, s.n, c.communities, c.villages,
               g.community, g.micro, g.rural, g.dedicated
        FROM dim_district d
        JOIN streets s USING (district_code)
        JOIN communities c USING (district_code)
        JOIN grids g USING (district_code)
        ORDER BY d.district_code
        """
    ).pl()
    total = frame.select(pl.lit("total").alias("name_zh"), pl.exclude("name_zh").sum())
    lines = [
        "| unit | streets, towns, townships | communities | villages | community grids "
        "| micro-grids | rural grids | dedicated grids |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, *counts in pl.concat([frame, total], how="vertical_relaxed").iter_rows():
        lines.append(f"| {name} | " + " | ".join(f"{n:,}" for n in counts) + " |")
    return "\n".join(lines)


def hazards_found(year: int) -> Compute:
    return sql(f"SELECT count(*) FROM mart_hazard WHERE year(found_date) = {year}")


def history(column: str, severity: str) -> Compute:
    """remediation.sql for one severity over the whole history: every hazard rectified."""
    return remediation(column, "severity", severity, HISTORY_FROM, AS_OF)


def as_of_city(column: str) -> Compute:
    """remediation.sql for the whole city, read at the as-of date."""
    return remediation(column, "city", "410100", AS_OF, AS_OF)


def last_week(column: str) -> Compute:
    """figures.sql (the overview's figures) for the whole city in the as-of week."""
    params = {"by": "city", "district": "", "from": LAST_WEEK, "to": LAST_WEEK}
    return lambda city: city.row("figures", {"place_code": "410100"}, **params)[column]


def whistle_year(column: str) -> Compute:
    """whistle_response.sql for the whole city over the 12 months up to the as-of date."""
    return whistle_response(column, "", YEAR_AGO, AS_OF)


def team_count(team_type: str) -> Compute:
    teams = pl.col("team_type") == team_type
    return lambda city: (
        pl.scan_parquet(city.raw["city"] / "teams.parquet").filter(teams).collect().height
    )


# Calls in a cell: a unit's department in a week (mart_whistle_week), a month, a quarter.
WEEK_CELLS = "SELECT quantile_disc(calls, {p}) FROM mart_whistle_week"


def calls_per_cell(cell: str) -> Compute:
    """Median calls in the cells of mart_whistle_call grouped by `cell`."""
    return sql(
        f"SELECT quantile_disc(n, 0.5) FROM "
        f"(SELECT count(*) AS n FROM mart_whistle_call GROUP BY {cell})"
    )


# docs/remediation.md


def jinshui(column: str) -> Compute:
    """§1: 金水区 over the window."""
    return remediation(column, "district", JINSHUI, WINDOW["first"], WINDOW["last"])


def water(column: str) -> Compute:
    """§1: the water department over the window."""
    return whistle_response(column, "water", WINDOW["first"], WINDOW["last"])


def street_sizes(table: str) -> Compute:
    """§3: the fewest and the most rows of a dim in one street."""
    return sql_pair(
        f"SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM {table} GROUP BY street_code)"
    )


def mart_rows(table: str) -> Compute:
    return sql(f"SELECT count(*) FROM {table}")


# docs/risk-index.md


def risk_example(column: str) -> Compute:
    """§1: a column of the risk page's row (risk_places.sql) of the example, as-of month."""
    params = {"level": "community", "district": RISK_EXAMPLE[:6], "month": AS_OF, "limit": 10_000}
    return lambda city: city.row("risk_places", {"place_code": RISK_EXAMPLE}, **params)[column]


def risk_example_place(city: City) -> str:
    return "".join(risk_example(c)(city) for c in ("district_name", "street_name", "name_zh"))


def risk_example_class(city: City) -> str:
    """The class as the page names it, 高 (high)."""
    return f"{risk_example('risk_class_zh')(city)} ({risk_example('risk_class_en')(city).lower()})"


def risk_example_indicator(indicator: str) -> Compute:
    """§1: an indicator's value for the example (risk_components.sql, as-of month)."""
    where = {"indicator": indicator}
    return lambda city: city.row("risk_components", where, place=RISK_EXAMPLE, month=AS_OF)["value"]


def hazard_group_shares(test: str) -> Compute:
    """§3: over the hazard groups, the lowest and highest share of community-months whose
    weighted open hazards per 1,000 residents pass the test."""
    return sql_pair(
        f"""
        WITH long AS (
            UNPIVOT (SELECT COLUMNS('^hz_.+_value$') FROM mart_risk_community_month)
            ON COLUMNS(*) INTO NAME name VALUE value
        ),
        groups AS (
            SELECT avg(({test})::INTEGER) AS share
            FROM long JOIN dim_risk_indicator i ON i.indicator || '_value' = long.name
            GROUP BY i.indicator
        )
        SELECT min(share), max(share) FROM groups
        """
    )


def density(code: str) -> Compute:
    return sql(f"SELECT population / area_km2 FROM dim_district WHERE district_code = '{code}'")


# docs/imbalance.md


def shelter_sentence(column: str) -> Compute:
    """§1: imbalance_summary.sql's sentence on shelter places."""
    where = {"indicator": "shelter_access"}
    return lambda city: city.row("imbalance_summary", where, indicator="")[column]


# docs/early-warning.md


def street_rate_p10(iso_week: int) -> Compute:
    """§2.1: the 10th percentile of the streets' year-to-date rectification rates (figures.sql)
    in an ISO week of the as-of year."""
    monday = date.fromisocalendar(AS_OF.isocalendar().year, iso_week, 1)

    def compute(city: City) -> float:
        rates = city.query("figures", by="street", district="", **{"from": monday, "to": monday})
        return nearest_rank(rates["rectification_rate"].drop_nulls().to_list(), 0.1)

    return compute


LATEST_SIGNALS = {"district": "", "level": 4, "rule": ""}  # signals.sql: all of the latest week


def helper_example_reason(city: City) -> str:
    where = {"place_code": HELPER_EXAMPLE, "rule": "vulnerable_without_helper"}
    return city.row("signals", where, **LATEST_SIGNALS)["reason_zh"]


FIGURES: dict[str, Figure] = {
    # docs/demo-city.md
    "raw_row_counts": Figure(raw_row_counts, text),
    "warehouse_mb_city": Figure(warehouse_mb, rounded(10), tolerance=0.1),
    "households_per_community_grid": Figure(per_grid("community"), rounded(1)),
    "households_per_micro_grid": Figure(per_grid("micro"), rounded(1)),
    "households_city": Figure(sql("SELECT sum(households) FROM dim_community")),
    "urban_share_weighted_mean": Figure(weighted_mean("urban_share"), pct(1)),
    "capacity_weighted_mean": Figure(weighted_mean("capacity"), decimal(2)),
    "places_per_unit_city": Figure(places_per_unit, text),
    "hazards_found_2024": Figure(hazards_found(2024), rounded(1000)),
    "hazards_found_2025": Figure(hazards_found(2025), rounded(1000)),
    "general_days_median": Figure(history("rectify_days_median", "general")),
    "general_days_p90": Figure(history("rectify_days_p90", "general")),
    "general_same_day": Figure(
        sql(
            "SELECT sum(hazards) FILTER (days_to_rectify = 0) / sum(hazards) "
            "FROM mart_rectified WHERE severity = 'general'"
        ),
        pct(),
    ),
    "general_on_time": Figure(history("on_time_rate", "general"), pct()),
    "major_days_median": Figure(history("rectify_days_median", "major")),
    "major_days_p90": Figure(history("rectify_days_p90", "major")),
    "major_on_time": Figure(history("on_time_rate", "major"), pct()),
    "open_on_as_of": Figure(as_of_city("open_end")),
    "overdue_on_as_of": Figure(as_of_city("overdue_end")),
    "overdue_share_on_as_of": Figure(
        share(as_of_city("overdue_end"), as_of_city("open_end")), pct()
    ),
    "ytd_rectification_rate": Figure(last_week("rectification_rate"), pct(1)),
    "compliance_last_week": Figure(last_week("compliance_rate"), pct(1)),
    "whistle_calls_12m": Figure(whistle_year("calls"), rounded(1000)),
    "whistle_within_promise_12m": Figure(whistle_year("within_promise_share"), pct()),
    "shelters": Figure(raw_count("shelters")),
    "teams_full_time_group": Figure(team_count("full_time_group")),
    "teams_squad": Figure(team_count("squad")),
    "teams_volunteer": Figure(team_count("volunteer")),
    "teams_professional": Figure(team_count("professional")),
    "whistle_cell_week_median": Figure(sql(WEEK_CELLS.format(p=0.5))),
    "whistle_cell_week_p25": Figure(sql(WEEK_CELLS.format(p=0.25))),
    "whistle_cell_week_shangjie": Figure(
        sql_pair(
            "SELECT quantile_disc(calls, 0.25), quantile_disc(calls, 0.75) "
            "FROM mart_whistle_week WHERE district_code = '410106'"
        ),
        span(count),
    ),
    "whistle_cell_month_median": Figure(
        calls_per_cell("district_code, department, date_trunc('month', call_date)")
    ),
    "whistle_cell_quarter_median": Figure(
        calls_per_cell("district_code, department, date_trunc('quarter', call_date)")
    ),
    "whistle_city_department_week_median": Figure(calls_per_cell("department, call_week")),
    # docs/remediation.md §1: 金水区 and the water department over the window
    "jinshui_found": Figure(jinshui("found")),
    "jinshui_cohort_rate": Figure(jinshui("cohort_rate"), pct(1)),
    "jinshui_cohort_young_gap": Figure(jinshui("cohort_young_gap"), points),
    "jinshui_cumulative_found": Figure(jinshui("cumulative_found")),
    "jinshui_cumulative_rate": Figure(jinshui("cumulative_rate"), pct(1)),
    "jinshui_open": Figure(jinshui("open_end")),
    "jinshui_overdue": Figure(jinshui("overdue_end")),
    "jinshui_open_over_90": Figure(jinshui("open_over_90")),
    "jinshui_days_median": Figure(jinshui("rectify_days_median")),
    "jinshui_days_p90": Figure(jinshui("rectify_days_p90")),
    "jinshui_supervised_open": Figure(jinshui("supervised_open")),
    "jinshui_supervised_county": Figure(jinshui("supervised_county")),
    "jinshui_supervised_city": Figure(jinshui("supervised_city")),
    "jinshui_supervised_province": Figure(jinshui("supervised_province")),
    "jinshui_supervised_overdue": Figure(jinshui("supervised_overdue")),
    "water_calls": Figure(water("calls")),
    "water_arrival_minutes_median": Figure(
        lambda city: water("arrival_hours_median")(city) * 60, rounded(1)
    ),
    "water_promised_hours": Figure(water("promised_hours"), hours),
    "water_within_promise": Figure(water("within_promise_share"), pct(1)),
    "water_resolution_rate": Figure(water("resolution_rate"), pct(1)),
    "water_not_arrived": Figure(water("not_arrived")),
    "water_pending": Figure(water("pending")),
    "water_unresolved": Figure(water("unresolved")),
    "water_pending_resolution": Figure(water("pending_resolution")),
    # docs/remediation.md §3 and §5: sizes of places and marts
    "street_communities": Figure(street_sizes("dim_community"), span(count)),
    "street_grids": Figure(street_sizes("dim_grid"), span(rounded(10))),
    "district_communities_max": Figure(
        sql("SELECT max(n) FROM (SELECT count(*) AS n FROM dim_community GROUP BY district_code)"),
        rounded(10),
    ),
    "mart_remediation_week_rows": Figure(mart_rows("mart_remediation_week"), sig(2)),
    "mart_rectified_rows": Figure(mart_rows("mart_rectified"), sig(2)),
    "mart_supervised_hazard_rows": Figure(mart_rows("mart_supervised_hazard"), sig(2)),
    # docs/risk-index.md §1 and §3
    "risk_example_place": Figure(risk_example_place, text),
    "risk_example_score": Figure(risk_example("risk"), decimal(1)),
    "risk_example_class": Figure(risk_example_class, text),
    "risk_example_ha": Figure(risk_example("ha"), decimal(1)),
    "risk_example_vu": Figure(risk_example("vu"), decimal(1)),
    "risk_example_cc": Figure(risk_example("cc"), decimal(1)),
    "risk_example_why_zh": Figure(risk_example("why_zh"), text),
    "risk_example_no_helper": Figure(risk_example_indicator("vu_no_helper"), pct()),
    "hazard_groups_within_bound": Figure(hazard_group_shares("value <= i.upper"), span(pct(1))),
    "hazard_groups_none_open": Figure(hazard_group_shares("value = 0"), span(pct())),
    "density_jinshui": Figure(density("410105"), rounded(100)),
    "density_dengfeng": Figure(density("410185"), rounded(100)),
    # docs/imbalance.md §1
    "imbalance_shelter_sentence_en": Figure(shelter_sentence("sentence_en"), text),
    "imbalance_shelter_sentence_zh": Figure(shelter_sentence("sentence_zh"), text),
    # docs/early-warning.md
    "street_rate_p10_week1": Figure(street_rate_p10(1), pct()),
    "street_rate_p10_week5": Figure(street_rate_p10(5), pct()),
    "communities": Figure(raw_count("communities")),
    "hazards_thousands": Figure(raw_count("hazards"), thousands),
    "signals_latest_week": Figure(
        lambda city: city.query("signals", **LATEST_SIGNALS).height, rounded(50)
    ),
    "helper_example_reason_zh": Figure(helper_example_reason, text),
    # README.md
    "communities_approx": Figure(raw_count("communities"), rounded(100)),
}

# ---------------------------------------------------------------- markers in the docs

# A block's text is every line between its two marker lines (none when it is empty).
INLINE = re.compile(r"<!-- fig:(?P<name>[\w.-]+) -->(?P<text>(?:(?!<!--)[^\n])*?)<!-- /fig -->")
BLOCK = re.compile(
    r"^<!-- figures:(?P<name>[\w.-]+) -->\n(?:(?P<text>.*?)\n)?<!-- /figures -->$",
    re.MULTILINE | re.DOTALL,
)
OPENING = re.compile(r"<!-- (?:fig|figures):")


@dataclass(frozen=True)
class Change:
    name: str
    old: str
    new: str


class MarkerError(ValueError):
    pass


def rewrite(text: str, render: Callable[[str, str], str]) -> tuple[str, list[Change]]:
    """The text with every marked figure replaced by render(name, old text), and what changed.

    Raises MarkerError for a marker that is not closed as it should be, and passes on whatever
    render raises (KeyError for a name it does not know).
    """
    changes: list[Change] = []
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        found += 1
        name, old = match["name"], match["text"] or ""
        new = render(name, old)
        if new != old:
            changes.append(Change(name, old, new))
        if match.re is INLINE:
            return f"<!-- fig:{name} -->{new}<!-- /fig -->"
        body = f"{new}\n" if new else ""
        return f"<!-- figures:{name} -->\n{body}<!-- /figures -->"

    text = BLOCK.sub(replace, text)
    text = INLINE.sub(replace, text)
    opened = len(OPENING.findall(text))
    if opened != found:
        raise MarkerError(f"{opened - found} figure marker(s) not closed as they should be")
    return text, changes


def doc_paths() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass
class Report:
    """What a run found: figures that differ, errors, and how many markers each doc holds."""

    changed: list[str] = field(default_factory=list)  # "doc: name: old → new"
    errors: list[str] = field(default_factory=list)
    markers: dict[str, int] = field(default_factory=dict)


def renderer(values: dict[str, Any], style: Style, quoted: list[str]) -> Callable[[str, str], str]:
    """Writes each figure a doc quotes in its style (noting its name in `quoted`)."""

    def render(name: str, old: str) -> str:
        figure = FIGURES[name]  # KeyError: a marker names no figure
        quoted.append(name)
        if figure.tolerance and _within(old, values[name], figure.tolerance):
            return old
        return figure.write(values[name], style)

    return render


def update(city: City, write: bool) -> Report:
    """Compute every figure and rewrite (or only compare) every doc.

    Errors are markers naming no figure, markers not closed, and figures quoted in no doc.
    """
    values = {name: figure.compute(city) for name, figure in FIGURES.items()}
    report = Report()
    used: set[str] = set()
    for path in doc_paths():
        doc = path.relative_to(ROOT).as_posix()
        quoted: list[str] = []
        old = path.read_text(encoding="utf-8")
        try:
            new, changes = rewrite(old, renderer(values, STYLES.get(doc, Style()), quoted))
        except KeyError as error:
            report.errors.append(f"{doc}: no figure named {error.args[0]!r} in FIGURES")
            continue
        except MarkerError as error:
            report.errors.append(f"{doc}: {error}")
            continue
        used.update(quoted)
        if quoted:
            report.markers[doc] = len(quoted)
        report.changed += [f"{doc}: {c.name}: {_show(c.old)} → {_show(c.new)}" for c in changes]
        if write and new != old:
            path.write_text(new, encoding="utf-8")
    unused = sorted(FIGURES.keys() - used)
    report.errors += [f"{name}: in FIGURES but quoted in no doc" for name in unused]
    return report


def _within(old: str, value: float, tolerance: float) -> bool:
    """Whether the number the doc quotes is within a share `tolerance` of the value."""
    try:
        quoted = float(old.replace(",", ""))
    except ValueError:
        return False
    return abs(quoted - value) <= tolerance * abs(value)


def _show(text: str) -> str:
    """A figure as the report shows it: quoted, or a table by its number of lines."""
    lines = text.count("\n") + 1
    return repr(text) if lines == 1 else f"a table of {lines} lines"


# ---------------------------------------------------------------- command line


@contextmanager
def demo_city(data: Path | None) -> Iterator[City]:
    """The demo city in the data folder given, or in a temporary one removed afterwards."""
    with (
        nullcontext(data) if data else tempfile.TemporaryDirectory(prefix="doc-figures-") as folder
    ):
        city = open_city(Path(folder))
        try:
            yield city
        finally:
            city.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--data", type=Path, help="a data folder to use (default: a fresh one)")
    args = parser.parse_args(argv)
    with demo_city(args.data) as city:
        report = update(city, write=not args.check)
    where = ", ".join(f"{doc} {n}" for doc, n in report.markers.items())
    print(f"{len(FIGURES)} figures; markers: {where}")
    for error in report.errors:
        print(f"error: {error}")
    if args.check:
        if report.changed:
            print(f"{len(report.changed)} figure(s) in the docs differ from the demo city:")
            print("\n".join(f"  {line}" for line in report.changed))
            print("run scripts/doc_figures.py to rewrite them")
        return 1 if report.changed or report.errors else 0
    print("\n".join(f"rewrote {line}" for line in report.changed) or "every figure was current")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
