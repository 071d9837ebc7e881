"""Early warning: each rule fires on a constructed case and stays quiet on its mirror.

Most cases run the engine on a tiny hand-made warehouse: the dims and marts with their real
schemas (copied from the small build) holding a handful of rows, so every figure is set exactly
and the mirror sits just inside the threshold. One end-to-end case builds the small demo city
with hazards and supply stock changed in the raw files; the served small warehouse is checked
against figures computed from the raw Parquet files with polars. Expected values are worked out
here, never read back from the engine.
"""

from __future__ import annotations

import copy
import json
import math
import shutil
import statistics
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from safetynet.analytics import alerts
from safetynet.analytics.metrics import RISK_CLASSES
from safetynet.build import build
from safetynet.demo.generate import DEFAULT_AS_OF
from safetynet.warehouse import runner, store

ROOT = Path(__file__).resolve().parents[1]
LAST = date(2026, 11, 23)  # the latest full week of the demo (as-of Sunday 2026-11-29)
WEEKS = [LAST - timedelta(weeks=i) for i in range(38, -1, -1)]  # 2026-03-02 … 2026-11-23
JULY = date(2026, 7, 20)  # a flood-season week

# Thresholds for the constructed cases, written out here so the tests do not follow the shipped
# alerts.toml when someone tunes it.
CONFIG: dict[str, Any] = {
    "history": {"weeks": 52},
    "rules": {
        "rectification_rate": {
            "places": ["district", "street"],
            "min_found": 30,
            "from_iso_week": 9,
            "levels": {"red": 0.80, "orange": 0.85, "yellow": 0.90, "blue": 0.95},
        },
        "overdue_major": {
            "places": ["community"],
            "levels": {"red": 90, "orange": 30, "yellow": 1},
            "supervision": {"province": "red", "city": "orange"},
        },
        "new_hazards_surge": {
            "places": ["district", "street"],
            "trailing_weeks": 8,
            "min_new": 10,
            "min_sd": 1.0,
            "levels": {"orange": 5.0, "yellow": 4.0, "blue": 3.0},
        },
        "overdue_rising": {
            "places": ["district", "street"],
            "min_overdue": 5,
            "levels": {"orange": 6, "yellow": 4, "blue": 3},
        },
        "flood_supplies": {
            "places": ["community"],
            "months": [6, 7, 8, 9],
            "items": ["pump", "sandbag"],
            "levels": {"red": 0.25, "orange": 0.50, "yellow": 0.80},
        },
        "vulnerable_without_helper": {
            "places": ["community"],
            "min_without": 20,
            "levels": {"red": 0.70, "orange": 0.60, "yellow": 0.50},
            "count_levels": {"red": 500, "orange": 300},
        },
    },
}


def config(**changes: dict[str, Any]) -> alerts.Config:
    """CONFIG with some rules' keys replaced: config(overdue_major={"places": ["street"]})."""
    data = copy.deepcopy(CONFIG)
    for rule, keys in changes.items():
        data["rules"][rule].update(keys)
    return alerts.parse_config(data)


# --- the tiny warehouse ----------------------------------------------------------------------

TABLES = (
    "dim_week", "dim_district", "dim_street", "dim_community", "mart_street_week",
    "mart_hazard", "mart_community", "stg_resource_norms", "stg_resource_stocks",
)  # fmt: skip
D1, D2 = "410105", "410102"
S1, S2, S3 = "410105001", "410105002", "410102001"
C1, C2, C3 = "410105001001", "410105001002", "410105002001"  # C1, C2 flood-prone; C3 not
POPULATION = 5_000  # of each community: norms of 5 pumps and 1,000 sandbags


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    con.register("_rows", pl.DataFrame(rows))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


@pytest.fixture
def tiny(data_root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Two districts, three streets, three communities, 39 weeks; every figure quiet."""
    version = store.current(data_root / "warehouse")
    assert version is not None
    con = duckdb.connect()
    con.execute(f"ATTACH '{version.path}' AS src (READ_ONLY)")
    for table in TABLES:  # the real schemas, no rows
        con.execute(f"CREATE TABLE {table} AS FROM src.{table} LIMIT 0")
    con.execute("DETACH src")
    insert(con, "dim_week", [
        {"week_start": w, "week_end": w + timedelta(days=6),
         "iso_year": w.isocalendar().year, "iso_week": w.isocalendar().week}
        for w in WEEKS
    ])  # fmt: skip
    insert(con, "dim_district", [
        {"district_code": D1, "name_zh": "金水区", "name_en": "Jinshui"},
        {"district_code": D2, "name_zh": "中原区", "name_en": "Zhongyuan"},
    ])  # fmt: skip
    insert(con, "dim_street", [
        {"street_code": S1, "district_code": D1, "name_zh": "甲街道"},
        {"street_code": S2, "district_code": D1, "name_zh": "乙街道"},
        {"street_code": S3, "district_code": D2, "name_zh": "丙街道"},
    ])  # fmt: skip
    insert(con, "dim_community", [
        {"community_code": code, "street_code": street, "district_code": D1, "name_zh": name,
         "population": POPULATION, "flood_prone": flood}
        for code, street, name, flood in [
            (C1, S1, "一社区", True), (C2, S1, "二社区", True), (C3, S2, "三社区", False)
        ]
    ])  # fmt: skip
    insert(con, "mart_community", [
        {"community_code": c, "vulnerable": 100, "vulnerable_with_helper": 100}
        for c in (C1, C2, C3)
    ])  # fmt: skip
    insert(con, "mart_street_week", [
        {"street_code": s, "district_code": d, "week_start": w, "week_end": w + timedelta(days=6),
         "iso_year": w.isocalendar().year, "iso_week": w.isocalendar().week,
         "new_hazards": 0, "overdue_end": 0, "ytd_found": 1000, "ytd_rectified": 1000}
        for s, d in ((S1, D1), (S2, D1), (S3, D2)) for w in WEEKS
    ])  # fmt: skip
    insert(con, "stg_resource_norms", [
        {"item": "pump", "name_zh": "抽水泵", "unit_zh": "台", "norm_per_1000": 1.0,
         "flood_item": True, "_row": 1},
        {"item": "sandbag", "name_zh": "防汛沙袋", "unit_zh": "条", "norm_per_1000": 200.0,
         "flood_item": True, "_row": 2},
    ])  # fmt: skip
    insert(con, "stg_resource_stocks", [
        {"holder_code": c, "holder_kind": "community", "item": item, "quantity": quantity,
         "_row": i}
        for i, (c, item, quantity) in enumerate(
            (c, item, q) for c in (C1, C2, C3) for item, q in (("pump", 5), ("sandbag", 1000))
        )
    ])  # fmt: skip
    yield con
    con.close()


def set_week(con: duckdb.DuckDBPyConnection, street: str, week: date, **figures: int) -> None:
    columns = ", ".join(f"{name} = ${name}" for name in figures)
    con.execute(
        f"UPDATE mart_street_week SET {columns} WHERE street_code = $street AND week_start = $week",
        {**figures, "street": street, "week": week},
    )


def set_series(con: duckdb.DuckDBPyConnection, street: str, column: str, values: list[int]) -> None:
    """The last len(values) weeks of one street's column, oldest first."""
    for week, value in zip(WEEKS[-len(values) :], values, strict=True):
        set_week(con, street, week, **{column: value})


def add_hazard(
    con: duckdb.DuckDBPyConnection,
    community: str,
    deadline: date,
    severity: str = "major",
    supervision: str | None = "county",
    rectified: date | None = None,
) -> None:
    """A hazard as mart_hazard holds it: overdue from the week whose Sunday is past the deadline."""

    def monday(d: date) -> date:
        return d - timedelta(days=d.weekday())

    street = community[:9]
    insert(con, "mart_hazard", [{
        "hazard_id": f"H{con.sql('SELECT count(*) FROM mart_hazard').fetchall()[0][0]}",
        "community_code": community, "street_code": street, "district_code": street[:6],
        "severity": severity, "supervision_level": supervision,
        "found_date": deadline - timedelta(days=60), "deadline": deadline,
        "rectified_date": rectified, "rectified_week": monday(rectified) if rectified else None,
        "overdue_week": monday(deadline + timedelta(days=1)),
    }])  # fmt: skip


def set_stock(con: duckdb.DuckDBPyConnection, community: str, item: str, quantity: int) -> None:
    con.execute(
        "UPDATE stg_resource_stocks SET quantity = $q WHERE holder_code = $c AND item = $item",
        {"q": quantity, "c": community, "item": item},
    )


def run(
    con: duckdb.DuckDBPyConnection, cfg: alerts.Config | None = None, week: date | None = LAST
) -> pl.DataFrame:
    """Sum the districts from the streets with the real build step, run the engine, read mart_signal."""
    con.execute("DROP TABLE IF EXISTS mart_district_week")
    con.execute((ROOT / "queries" / "build" / "31_mart_district_week.sql").read_text("utf-8"))
    alerts.build_signals(con, cfg or config(), week)
    return con.sql("FROM mart_signal").pl()


def fired(signals: pl.DataFrame, rule: str, place: str) -> dict[str, Any] | None:
    rows = signals.filter((pl.col("rule") == rule) & (pl.col("place_code") == place))
    assert rows.height <= 1
    return rows.row(0, named=True) if rows.height else None


def level(signals: pl.DataFrame, rule: str, place: str) -> str | None:
    row = fired(signals, rule, place)
    return row["level_name"] if row else None


# --- the warning scale -----------------------------------------------------------------------


def test_levels_follow_the_warning_scale() -> None:
    assert [(lv.rank, lv.key, lv.zh) for lv in alerts.LEVELS] == [
        (1, "red", "红色"), (2, "orange", "橙色"), (3, "yellow", "黄色"), (4, "blue", "蓝色"),
    ]  # fmt: skip
    risk = {c.key: c.colour for c in RISK_CLASSES}
    assert [lv.colour for lv in alerts.LEVELS] == [
        risk["very_high"], risk["high"], risk["medium"], risk["low"],
    ]  # fmt: skip


# --- 1. rectification rate -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rectified", "expected"),
    [(799, "red"), (800, "orange"), (849, "orange"), (850, "yellow"), (899, "yellow"),
     (900, "blue"), (949, "blue"), (950, None)],
)  # fmt: skip
def test_rectification_rate_levels(
    tiny: duckdb.DuckDBPyConnection, rectified: int, expected: str | None
) -> None:
    """Of 1,000 found: below 95 % fires blue … below 80 % red; exactly 95 % stays quiet."""
    set_week(tiny, S1, LAST, ytd_found=1000, ytd_rectified=rectified)
    signals = run(tiny)
    assert level(signals, "rectification_rate", S1) == expected
    assert fired(signals, "rectification_rate", S2) is None


def test_rectification_rate_reason_and_district(tiny: duckdb.DuckDBPyConnection) -> None:
    # District 410105 = S1 + S2 (1000 of 1000) = 2840 of 3000 (94.67 %): fires.
    set_week(tiny, S1, LAST, ytd_found=2000, ytd_rectified=1840)
    signals = run(tiny)
    row = fired(signals, "rectification_rate", D1)
    assert row is not None and row["level_name"] == "blue" and row["place_level"] == "district"
    assert row["value"] == pytest.approx(2840 / 3000) and row["threshold"] == 0.95
    assert (
        row["reason_zh"] == "金水区隐患整改率（年内累计）94.7%，低于95%阈值（已整改2840/发现3000）"
    )
    assert "94.7%" in row["reason_en"] and "2840" in row["reason_en"] and "3000" in row["reason_en"]
    assert json.loads(row["figures"]) == {
        "rate": pytest.approx(2840 / 3000),
        "rectified": 2840,
        "found": 3000,
    }
    street = fired(signals, "rectification_rate", S1)
    assert street is not None and street["reason_zh"].startswith(
        "金水区甲街道隐患整改率（年内累计）92.0%"
    )
    assert (street["district_code"], street["street_code"], street["street_name"]) == (
        D1,
        S1,
        "甲街道",
    )

    # Mirror: 2850 of 3000 is exactly 95 %, not below.
    set_week(tiny, S1, LAST, ytd_found=2000, ytd_rectified=1850)
    assert fired(run(tiny), "rectification_rate", D1) is None


@pytest.mark.parametrize(("found", "fires"), [(30, True), (29, False)])
def test_rectification_rate_needs_a_minimum_denominator(
    tiny: duckdb.DuckDBPyConnection, found: int, fires: bool
) -> None:
    set_week(tiny, S1, LAST, ytd_found=found, ytd_rectified=0)
    assert (fired(run(tiny), "rectification_rate", S1) is not None) is fires


def test_rectification_rate_waits_for_the_cohort(tiny: duckdb.DuckDBPyConnection) -> None:
    """ISO weeks before from_iso_week are not evaluated: with 49, the last week (ISO 48) is not."""
    set_week(tiny, S1, LAST, ytd_found=1000, ytd_rectified=500)
    assert level(run(tiny), "rectification_rate", S1) == "red"
    quiet = config(rectification_rate={"from_iso_week": LAST.isocalendar().week + 1})
    assert fired(run(tiny, quiet), "rectification_rate", S1) is None


# --- 2. overdue major hazards ----------------------------------------------------------------

SUNDAY = LAST + timedelta(days=6)  # the end of the evaluated week: days overdue count to it


def test_overdue_major_fires_from_the_first_day_past_the_deadline(
    tiny: duckdb.DuckDBPyConnection,
) -> None:
    add_hazard(tiny, C1, SUNDAY - timedelta(days=1))  # 1 day overdue on Sunday
    add_hazard(tiny, C2, SUNDAY)  # mirror: due on Sunday itself, not yet overdue
    add_hazard(tiny, C3, SUNDAY - timedelta(days=40), severity="general", supervision=None)
    signals = run(tiny)
    row = fired(signals, "overdue_major", C1)
    assert row is not None and row["level_name"] == "yellow" and row["value"] == 1
    assert (
        row["reason_zh"]
        == "金水区甲街道一社区有1处重大隐患逾期未整改，最长逾期1天（其中县级挂牌督办1处）"
    )
    assert fired(signals, "overdue_major", C2) is None
    assert fired(signals, "overdue_major", C3) is None  # general hazards are not this rule's


@pytest.mark.parametrize(
    ("days", "supervision", "expected"),
    [(29, "county", "yellow"), (30, "county", "orange"), (89, None, "orange"), (90, None, "red"),
     (1, "city", "orange"), (1, "province", "red"), (40, "city", "orange")],
)  # fmt: skip
def test_overdue_major_levels(
    tiny: duckdb.DuckDBPyConnection, days: int, supervision: str | None, expected: str
) -> None:
    add_hazard(tiny, C1, SUNDAY - timedelta(days=days), supervision=supervision)
    row = fired(run(tiny), "overdue_major", C1)
    assert row is not None and row["level_name"] == expected
    assert f"最长逾期{days}天" in row["reason_zh"] and f"{days} days" in row["reason_en"]


def test_overdue_major_counts_by_place_and_ends_when_rectified(
    tiny: duckdb.DuckDBPyConnection,
) -> None:
    add_hazard(tiny, C1, SUNDAY - timedelta(days=10), supervision="province")
    add_hazard(tiny, C2, SUNDAY - timedelta(days=45), supervision="city")
    add_hazard(tiny, C2, SUNDAY - timedelta(days=20))  # rectified in the evaluated week:
    add_hazard(tiny, C2, SUNDAY - timedelta(days=20), rectified=LAST + timedelta(days=2))
    street = run(tiny, config(overdue_major={"places": ["street", "community"]}))
    row = fired(street, "overdue_major", S1)
    assert row is not None and row["level_name"] == "red"  # province supervision
    assert json.loads(row["figures"]) == {
        "hazards": 3, "max_days_overdue": 45, "province": 1, "city": 1, "county": 1,
    }  # fmt: skip
    assert row["reason_zh"] == (
        "金水区甲街道有3处重大隐患逾期未整改，最长逾期45天（其中省级挂牌督办1处、市级挂牌督办1处、县级挂牌督办1处）"
    )
    assert level(street, "overdue_major", C2) == "orange"


# --- 3. new hazards far above the trailing weeks ---------------------------------------------


def _z(history: list[int], new: int, min_sd: float = 1.0) -> float:
    mean = statistics.mean(history)
    return (new - mean) / max(statistics.stdev(history), math.sqrt(mean), min_sd)


@pytest.mark.parametrize(
    ("history", "new", "fires"),
    [
        ([8, 12] * 4, 20, True),  # mean 10, spread √10: z = 3.16
        ([8, 12] * 4, 19, False),  # z = 2.85
        ([5] * 8, 12, True),  # sd = 0: spread √5, z = 3.13
        ([5] * 8, 11, False),  # z = 2.68
        ([0] * 8, 9, False),  # z = 9 on a spread of 1, but fewer than min_new (10) new hazards
        ([0] * 8, 10, True),
    ],
)
def test_new_hazards_surge(
    tiny: duckdb.DuckDBPyConnection, history: list[int], new: int, fires: bool
) -> None:
    assert (_z(history, new) >= 3.0 and new >= 10) is fires  # the case is what it says
    set_series(tiny, S1, "new_hazards", [*history, new])
    row = fired(run(tiny), "new_hazards_surge", S1)
    assert (row is not None) is fires
    if row:
        assert row["value"] == pytest.approx(_z(history, new))
        assert f"本周新发现隐患{new}处" in row["reason_zh"]
        assert f"z={_z(history, new):.1f}" in row["reason_zh"]


def test_new_hazards_surge_levels_and_district(tiny: duckdb.DuckDBPyConnection) -> None:
    set_series(tiny, S1, "new_hazards", [*[20] * 8, 45])  # spread √20 = 4.47: z = 5.59
    set_series(tiny, S3, "new_hazards", [*[20] * 8, 38])  # z = 4.02
    signals = run(tiny)
    assert level(signals, "new_hazards_surge", S1) == "orange"
    assert level(signals, "new_hazards_surge", S3) == "yellow"
    assert level(signals, "new_hazards_surge", D2) == "yellow"  # 410102 is S3 alone
    assert level(signals, "new_hazards_surge", D1) == "orange"  # S1 + S2 (0): same counts


def test_new_hazards_surge_needs_full_trailing_weeks(tiny: duckdb.DuckDBPyConnection) -> None:
    """The first weeks of dim_week have fewer than 8 weeks behind them: not evaluated."""
    set_week(tiny, S1, WEEKS[7], new_hazards=50)  # 7 weeks before it
    set_week(tiny, S2, WEEKS[8], new_hazards=50)  # 8 weeks before it
    run(tiny)
    history = tiny.sql(
        "SELECT place_code, week_start FROM mart_signal_history WHERE rule = 'new_hazards_surge' "
        "AND place_level = 'street'"
    ).fetchall()
    assert history == [(S2, WEEKS[8])]


# --- 4. overdue count rising -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([5, 5, 6, 7, 8], "blue"),  # rose 3 weeks in a row
        ([5, 6, 6, 7, 8], None),  # mirror: 2 weeks
        ([9, 6, 7, 8, 9, 10], "yellow"),  # 4 weeks
        ([0, 5, 6, 7, 8, 9, 10], "orange"),  # 6 weeks
        ([0, 1, 2, 3, 4], None),  # 4 weeks, but 4 overdue is below min_overdue (5)
    ],
)
def test_overdue_rising(
    tiny: duckdb.DuckDBPyConnection, series: list[int], expected: str | None
) -> None:
    set_series(tiny, S3, "overdue_end", series)
    signals = run(tiny)
    assert level(signals, "overdue_rising", S3) == expected
    row = fired(signals, "overdue_rising", S3)
    if row:
        weeks = row["value"]
        start = series[-1 - int(weeks)]
        assert (
            row["reason_zh"]
            == f"中原区丙街道逾期未整改隐患连续{weeks:g}周上升，由{start}处增至{series[-1]}处（≥{row['threshold']:g}周）"
        )


# --- 5. flood supplies in flood season -------------------------------------------------------


@pytest.mark.parametrize(
    ("pumps", "week", "expected"),
    [(1, JULY, "red"), (1, LAST, None), (2, JULY, "orange"), (3, JULY, "yellow"),
     (4, JULY, None), (0, date(2026, 6, 1), "red"), (0, date(2026, 5, 25), None),
     (0, date(2026, 9, 28), "red"), (0, date(2026, 10, 5), None)],
)  # fmt: skip
def test_flood_supplies(
    tiny: duckdb.DuckDBPyConnection, pumps: int, week: date, expected: str | None
) -> None:
    """Norm 5 pumps: 1 (20 %) red, 2 (40 %) orange, 3 (60 %) yellow, 4 (80 %) quiet; only in a
    week with a day in June–September (2026-09-28 … 10-04 has; 2026-05-25 … 05-31 has not)."""
    set_stock(tiny, C1, "pump", pumps)
    set_stock(tiny, C3, "pump", 0)  # not flood-prone: never fires
    signals = run(tiny, week=week)
    assert level(signals, "flood_supplies", C1) == expected
    assert fired(signals, "flood_supplies", C2) is None
    assert fired(signals, "flood_supplies", C3) is None


def test_flood_supplies_reason(tiny: duckdb.DuckDBPyConnection) -> None:
    set_stock(tiny, C1, "pump", 0)
    set_stock(tiny, C1, "sandbag", 700)  # 70 %: short, listed
    set_stock(tiny, C2, "sandbag", 800)  # 80 %: mirror, not short
    signals = run(tiny, week=JULY)
    row = fired(signals, "flood_supplies", C1)
    assert row is not None and row["basis"] == "snapshot"
    assert row["since_week"] is None and row["weeks_running"] is None
    assert row["reason_zh"] == (
        "金水区甲街道一社区为易涝社区，汛期防汛物资低于定额：抽水泵0/5台（0%）、防汛沙袋700/1000条（70%），"
        "最低为定额的0%，低于25%"
    )
    assert "pump 0/5 (0%)" in row["reason_en"] and "sandbag 700/1000 (70%)" in row["reason_en"]
    assert fired(signals, "flood_supplies", C2) is None
    history = tiny.sql("SELECT week_start FROM mart_signal_history WHERE rule = 'flood_supplies'")
    assert history.fetchall() == [(JULY,)]  # a snapshot: the evaluated week only


# --- 6. vulnerable people without a helper ---------------------------------------------------


@pytest.mark.parametrize(
    ("people", "with_helper", "expected"),
    [(100, 50, "yellow"), (100, 51, None), (100, 40, "orange"), (100, 30, "red"),
     (1000, 700, "orange"), (1000, 701, None), (2000, 1500, "red"), (20, 1, None), (21, 1, "red")],
)  # fmt: skip
def test_vulnerable_without_helper(
    tiny: duckdb.DuckDBPyConnection, people: int, with_helper: int, expected: str | None
) -> None:
    """Share without ≥ 50 % yellow … ≥ 70 % red; or ≥ 300 people orange, ≥ 500 red; at least 20."""
    tiny.execute(
        "UPDATE mart_community SET vulnerable = $p, vulnerable_with_helper = $h "
        "WHERE community_code = $c",
        {"p": people, "h": with_helper, "c": C3},
    )
    row = fired(run(tiny), "vulnerable_without_helper", C3)
    assert (row["level_name"] if row else None) == expected
    if row:
        without = people - with_helper
        assert row["reason_zh"] == (
            f"金水区乙街道三社区弱势群体{people}人中{without}人未落实结对帮扶（占{100 * without / people:.1f}%）"
        )
        assert json.loads(row["figures"])["without_helper"] == without


# --- history and runs ------------------------------------------------------------------------


def test_since_week_and_weeks_running(tiny: duckdb.DuckDBPyConnection) -> None:
    """Below threshold 7 weeks ago, then not, then the last 4 weeks: the run is those 4 weeks."""
    for back in (6, 3, 2, 1, 0):
        set_week(tiny, S1, LAST - timedelta(weeks=back), ytd_found=100, ytd_rectified=90)
    run(tiny)
    row = tiny.sql(
        "SELECT since_week, weeks_running FROM mart_signal "
        "WHERE rule = 'rectification_rate' AND place_code = $s",
        params={"s": S1},
    ).fetchall()
    assert row == [(LAST - timedelta(weeks=3), 4)]
    weeks = tiny.sql(
        "SELECT week_start FROM mart_signal_history WHERE rule = 'rectification_rate' "
        "AND place_code = $s ORDER BY week_start",
        params={"s": S1},
    ).fetchall()
    assert [w for (w,) in weeks] == [LAST - timedelta(weeks=b) for b in (6, 3, 2, 1, 0)]

    # A run longer than the history kept is still counted whole.
    short = copy.deepcopy(CONFIG)
    short["history"]["weeks"] = 2
    run(tiny, alerts.parse_config(short))
    assert tiny.sql(
        "SELECT min(week_start), max(week_start) FROM mart_signal_history"
    ).fetchall() == [(LAST - timedelta(weeks=1), LAST)]
    assert tiny.sql(
        "SELECT since_week, weeks_running FROM mart_signal WHERE place_code = $s", params={"s": S1}
    ).fetchall() == [(LAST - timedelta(weeks=3), 4)]


def test_evaluating_an_earlier_week(tiny: duckdb.DuckDBPyConnection) -> None:
    set_week(tiny, S1, JULY, ytd_found=100, ytd_rectified=90)
    set_week(tiny, S1, JULY - timedelta(weeks=1), ytd_found=100, ytd_rectified=90)
    set_week(tiny, S1, JULY + timedelta(weeks=1), ytd_found=100, ytd_rectified=90)
    signals = run(tiny, week=JULY)
    row = fired(signals, "rectification_rate", S1)
    assert row is not None and row["week_start"] == JULY and row["weeks_running"] == 2
    assert tiny.sql("SELECT max(week_start) FROM mart_signal_history").fetchall() == [(JULY,)]
    with pytest.raises(ValueError, match="2026-07-21 is not the Monday"):
        alerts.build_signals(tiny, config(), date(2026, 7, 21))


def test_disabled_rule_and_nothing_firing(tiny: duckdb.DuckDBPyConnection) -> None:
    set_week(tiny, S1, LAST, ytd_found=100, ytd_rectified=10)
    assert run(tiny, config(rectification_rate={"enabled": False})).height == 0
    columns = tiny.sql("DESCRIBE mart_signal").pl()["column_name"].to_list()
    assert columns[-2:] == ["since_week", "weeks_running"]  # the table exists, empty


def test_no_full_week_yet(tiny: duckdb.DuckDBPyConnection) -> None:
    tiny.execute("DELETE FROM dim_week")
    assert run(tiny, week=None).height == 0
    assert tiny.sql("SELECT count(*) FROM mart_signal_history").fetchall() == [(0,)]


# --- the configuration -----------------------------------------------------------------------


def test_shipped_configuration_loads() -> None:
    shipped = alerts.load_config()
    assert [rc.rule.key for rc in shipped.rules] == [r.key for r in alerts.RULES]
    assert shipped.history_weeks == 52
    flood = shipped.rule("flood_supplies").settings
    assert flood["months"] == [6, 7, 8, 9] and set(flood["items"]) == {"pump", "sandbag"}


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(CONFIG)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"].pop("overdue_major"), r"rules\.overdue_major: missing"),
        (lambda d: d["rules"]["rectification_rate"].pop("levels"),
         r"rules\.rectification_rate\.levels: missing"),
        (lambda d: d["rules"]["rectification_rate"].pop("min_found"),
         r"rules\.rectification_rate\.min_found: missing"),
        (lambda d: d["rules"]["rectification_rate"]["levels"].update(red="0.8"),
         r"rules\.rectification_rate\.levels\.red: expected a number, got '0\.8'"),
        (lambda d: d["rules"]["rectification_rate"]["levels"].update(red=0.92),
         r"rules\.rectification_rate\.levels: red \(0\.92\) must be below orange \(0\.85\)"),
        (lambda d: d["rules"]["overdue_rising"]["levels"].update(blue=7),
         r"rules\.overdue_rising\.levels: yellow \(4\) must be above blue \(7\)"),
        (lambda d: d["rules"]["rectification_rate"]["levels"].update(red=80),
         r"rules\.rectification_rate\.levels\.red: must be above 0\.0 and at most 1\.0"),
        (lambda d: d["rules"]["overdue_rising"]["levels"].update(crimson=9),
         r"rules\.overdue_rising\.levels\.crimson: not a level"),
        (lambda d: d["rules"]["overdue_rising"].update(levels={}),
         r"rules\.overdue_rising\.levels: give a threshold"),
        (lambda d: d["rules"]["overdue_rising"].update(min_overdeu=5),
         r"rules\.overdue_rising\.min_overdeu: unknown key"),
        (lambda d: d["rules"]["flood_supplies"].update(places=["street"]),
         r"rules\.flood_supplies\.places: 'street' is not one of 'community'"),
        (lambda d: d["rules"]["flood_supplies"].update(months=[6, 13]),
         r"rules\.flood_supplies\.months: 13 is not one of"),
        (lambda d: d["rules"]["flood_supplies"].update(items=["pumps"]),
         r"rules\.flood_supplies\.items: 'pumps' is not one of"),
        (lambda d: d["rules"]["overdue_major"]["supervision"].update(city="amber"),
         r"rules\.overdue_major\.supervision\.city: 'amber' is not a level"),
        (lambda d: d["rules"]["new_hazards_surge"].update(trailing_weeks=8.0),
         r"rules\.new_hazards_surge\.trailing_weeks: expected a whole number"),
        (lambda d: d["rules"]["new_hazards_surge"].update(min_sd=0),
         r"rules\.new_hazards_surge\.min_sd: must be above 0"),
        (lambda d: d["rules"]["new_hazards_surge"].update(enabled="yes"),
         r"rules\.new_hazards_surge\.enabled: expected true or false"),
        (lambda d: d["rules"].update(heat_wave={}), r"rules\.heat_wave: no such rule"),
        (lambda d: d.pop("history"), r"history: missing"),
    ],
)  # fmt: skip
def test_configuration_errors_name_the_key(change: Any, message: str) -> None:
    with pytest.raises(alerts.ConfigError, match=r"^alerts\.toml: " + message):
        alerts.parse_config(_broken(change))


def test_configuration_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "alerts.toml"
    path.write_text("[history\nweeks = 52\n", encoding="utf-8")
    with pytest.raises(alerts.ConfigError, match=r"alerts\.toml: not valid TOML"):
        alerts.load_config(path)
    shipped = tomllib.loads(alerts.CONFIG_PATH.read_text(encoding="utf-8"))
    del shipped["rules"]["vulnerable_without_helper"]["count_levels"]["red"]
    shipped["rules"]["vulnerable_without_helper"]["count_levels"]["orange"] = -1
    with pytest.raises(alerts.ConfigError, match=r"count_levels\.orange: must be at least 1"):
        alerts.parse_config(shipped)


# --- the small demo city, end to end ---------------------------------------------------------


def test_served_warehouse_has_signals_from_the_raw_files(
    served: store.Version, small_raw: Path
) -> None:
    """Rectification-rate signals of the latest week, recomputed from hazards.parquet."""
    cfg = alerts.load_config().rule("rectification_rate")
    sunday = DEFAULT_AS_OF
    year = LAST.isocalendar().year
    place = (
        pl.read_parquet(small_raw / "grids.parquet", columns=["grid_code", "community_code"])
        .join(pl.read_parquet(small_raw / "communities.parquet", columns=["community_code", "street_code"]),
              on="community_code")
        .join(pl.read_parquet(small_raw / "streets.parquet", columns=["street_code", "district_code"]),
              on="street_code")
    )  # fmt: skip
    hazards = pl.read_parquet(small_raw / "hazards.parquet").join(place, on="grid_code")
    cohort = hazards.filter(pl.col("found_date").is_between(date(year, 1, 1), sunday))
    expected = {}
    for level_name, code in (("district", "district_code"), ("street", "street_code")):
        if level_name not in cfg.places:
            continue
        rates = cohort.group_by(code).agg(
            found=pl.len(),
            rectified=(pl.col("rectified_date") <= sunday).sum(),
        )
        for row in rates.iter_rows(named=True):
            rate = row["rectified"] / row["found"]
            reached = [k for k, t in cfg.levels.items() if t is not None and rate < t]
            evaluated = LAST.isocalendar().week >= cfg.settings["from_iso_week"]
            if row["found"] >= cfg.settings["min_found"] and evaluated and reached:
                expected[row[code]] = (reached[0], row["rectified"], row["found"])
    assert expected, "the demo should have some street below the rate thresholds"

    with runner.open_readonly(served.path) as con:
        signals = runner.run(con, "signals", {"district": "", "level": 4, "rule": ""})
        history = con.sql("FROM mart_signal_history").pl()
        latest = con.sql("SELECT max(week_start) FROM dim_week").fetchall()[0][0]
    got = {
        r["place_code"]: (
            r["level_name"],
            *[json.loads(r["figures"])[k] for k in ("rectified", "found")],
        )
        for r in signals.filter(pl.col("rule") == "rectification_rate").iter_rows(named=True)
    }
    assert got == expected
    assert latest == LAST and signals["week_start"].unique().to_list() == [LAST]
    assert history["week_start"].min() >= LAST - timedelta(weeks=51)
    # mart_signal holds exactly the history's rows of the latest week
    keys = ["rule", "place_level", "place_code"]
    assert sorted(signals.select(keys).rows()) == sorted(
        history.filter(pl.col("week_start") == LAST).select(keys).rows()
    )
    assert signals["reason_zh"].null_count() == 0 and signals["reason_en"].null_count() == 0
    assert set(signals["level_colour"]) <= {lv.colour for lv in alerts.LEVELS}


@pytest.fixture(scope="module")
def modified_city(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The small city with overdue major hazards added in one community (and a mirror in
    another), and one flood-prone community without pumps (and a mirror fully stocked)."""
    raw = tmp_path_factory.mktemp("alerts-raw") / "raw"
    shutil.copytree(small_raw, raw)
    communities = pl.read_parquet(raw / "communities.parquet")
    grids = pl.read_parquet(raw / "grids.parquet")
    hazards = pl.read_parquet(raw / "hazards.parquet")
    with_major = hazards.filter(pl.col("severity") == "major").join(grids, on="grid_code")
    quiet = communities.filter(
        ~pl.col("community_code").is_in(with_major["community_code"].implode())
        & ~pl.col("flood_prone")
    )["community_code"].sort()
    fires, mirror = quiet[0], quiet[1]
    grid = {
        c: grids.filter(pl.col("community_code") == c)["grid_code"].min() for c in (fires, mirror)
    }
    added = [
        # (community, deadline, rectified): days overdue on Sunday 2026-11-29 = 40, 10, 1
        (fires, DEFAULT_AS_OF - timedelta(days=40), None),
        (fires, DEFAULT_AS_OF - timedelta(days=10), None),
        (fires, DEFAULT_AS_OF - timedelta(days=1), None),
        (mirror, DEFAULT_AS_OF, None),  # due on the Sunday itself: not overdue yet
        (mirror, DEFAULT_AS_OF - timedelta(days=30), DEFAULT_AS_OF - timedelta(days=2)),
    ]
    new = pl.DataFrame(
        [
            {"hazard_id": f"ALERT-TEST-{i}", "grid_code": grid[c], "category": "fire",
             "severity": "major", "source": "grid_patrol", "found_date": deadline - timedelta(days=60),
             "deadline": deadline, "rectified_date": rectified, "supervision_level": "county"}
            for i, (c, deadline, rectified) in enumerate(added)
        ],
        schema=hazards.schema,
    )  # fmt: skip
    pl.concat([hazards, new]).write_parquet(raw / "hazards.parquet")

    flood = communities.filter(pl.col("flood_prone") & (pl.col("population") > 0)).sort(
        "community_code"
    )
    dry, stocked = flood["community_code"][0], flood["community_code"][1]
    norms = pl.read_parquet(raw / "resource_norms.parquet")
    population = dict(zip(flood["community_code"], flood["population"], strict=True))
    stocks = pl.read_parquet(raw / "resource_stocks.parquet")
    changed = {
        (dry, "pump"): 0,
        (stocked, "pump"): math.ceil(norms.filter(pl.col("item") == "pump")["norm_per_1000"][0] * population[stocked] / 1000),
        (stocked, "sandbag"): math.ceil(norms.filter(pl.col("item") == "sandbag")["norm_per_1000"][0] * population[stocked] / 1000),
    }  # fmt: skip
    key = pl.col("holder_code") + "|" + pl.col("item")
    kept = stocks.filter(~key.is_in([f"{h}|{i}" for h, i in changed]))
    extra = pl.DataFrame(
        [{"holder_code": h, "holder_kind": "community", "item": i, "quantity": q} for (h, i), q in changed.items()],
        schema=stocks.schema,
    )  # fmt: skip
    pl.concat([kept, extra]).write_parquet(raw / "resource_stocks.parquet")

    version = build(raw, root=raw.parent / "warehouse", progress=False)
    return {"path": version.path, "fires": fires, "mirror": mirror, "dry": dry,
            "stocked": stocked, "pump_norm": changed[(stocked, "pump")]}  # fmt: skip


def test_overdue_major_end_to_end(modified_city: dict[str, Any]) -> None:
    with runner.open_readonly(modified_city["path"]) as con:
        signals = con.sql("FROM mart_signal").pl()
    levels = alerts.load_config().rule("overdue_major").levels  # county supervision: days decide
    expected = next(k for k, days in levels.items() if days is not None and days <= 40)
    row = fired(signals, "overdue_major", modified_city["fires"])
    assert row is not None and row["level_name"] == expected
    assert json.loads(row["figures"]) == {
        "hazards": 3, "max_days_overdue": 40, "province": 0, "city": 0, "county": 3,
    }  # fmt: skip
    assert "有3处重大隐患逾期未整改，最长逾期40天（其中县级挂牌督办3处）" in row["reason_zh"]
    assert row["since_week"] == LAST - timedelta(weeks=5)  # overdue since the week of 2026-10-20
    assert row["weeks_running"] == 6
    assert fired(signals, "overdue_major", modified_city["mirror"]) is None
    assert "flood_supplies" not in set(signals["rule"])  # November: not flood season


def test_flood_supplies_end_to_end_in_july(modified_city: dict[str, Any], tmp_path: Path) -> None:
    copy_path = tmp_path / "july.duckdb"
    shutil.copy(modified_city["path"], copy_path)
    with duckdb.connect(str(copy_path)) as con:
        alerts.build_signals(con, week=JULY)
        signals = con.sql("FROM mart_signal").pl()
    row = fired(signals, "flood_supplies", modified_city["dry"])
    assert row is not None and row["level_name"] == "red" and row["value"] == 0
    assert row["week_start"] == JULY
    assert "抽水泵0/" in row["reason_zh"]
    assert fired(signals, "flood_supplies", modified_city["stocked"]) is None


# --- the page queries ------------------------------------------------------------------------


def test_page_queries_filter(served: store.Version) -> None:
    with runner.open_readonly(served.path) as con:
        every = con.sql("FROM mart_signal").pl()
        assert runner.run(con, "signals", runner.example_params("signals")).height == every.height
        district = every["district_code"][0]
        mine = runner.run(con, "signals", {"district": district, "level": 4, "rule": ""})
        assert mine.height == every.filter(pl.col("district_code") == district).height
        assert set(mine["district_code"]) == {district}
        red = runner.run(con, "signals", {"district": "", "level": 2, "rule": ""})
        assert red.height == every.filter(pl.col("level") <= 2).height
        assert red["level"].is_sorted()
        rule = every["rule"][0]
        assert set(
            runner.run(con, "signals", {"district": "", "level": 4, "rule": rule})["rule"]
        ) == {rule}

        history = con.sql("FROM mart_signal_history").pl()
        example = runner.example_params("signal_history")
        got = runner.run(con, "signal_history", example)
        assert got.height > 0
        assert got["week_start"].min() >= example["first"]
        inside = history.filter(
            (pl.col("district_code") == example["place"])
            & pl.col("week_start").is_between(example["first"], example["last"])
        )
        assert got.height == inside.height
        street = history.filter(pl.col("place_level") == "street")["place_code"][0]
        own = runner.run(con, "signal_history", {**example, "place": street, "rule": ""})
        assert set(own["street_code"]) == {street}
