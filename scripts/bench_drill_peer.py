"""The drill-down's questions answered by DuckDB (the page queries) and by PostgreSQL straight from
the raw rows with indexes, timed side by side.

The issue's yardstick: each drill-down level must be at least as fast as PostgreSQL answering the
same question from the raw hazard, grid and inspection rows. This script loads a built demo
city's raw tables into a PostgreSQL database, asks both the same questions for the newest week,
checks that both give the same figures, and prints the median and p95 milliseconds of each.

The questions (DuckDB: the page query the drill-down runs; PostgreSQL: one SQL statement on the
raw rows):

- (a) a street's communities with the core figures of the week (new, new major, open, major
  open, overdue, year-to-date found and rectified, rectified in the year and on time, items
  checked and compliant): drill_local.sql at level community;
- (b) a community's grids with the same figures: drill_local.sql at level grid;
- (c) a street's open-hazard list at the week's Sunday, most overdue first: drill_hazards.sql;
- (d) a unit's streets with the same figures: figures.sql by street for the week (from the
  week mart, where PostgreSQL counts the unit's hazards and patrols) and risk_places.sql for
  the streets' risk class, both timed, as the page asks both;
- (e) a unit's communities with hazards overdue at the week's end, with their overdue, open and
  supervised open counts, the most overdue first: overdue_communities.sql (the unit's "overdue
  communities" list).

Questions (a) to (c) are asked for the page query's own example and for the largest place of
its kind (the street with the most hazards open at the week's end, its community with the most
hazards); (d) for 金水区 (410105); (e) for 410105 and for 新密市 (410183, the most communities
and villages). The risk class is left out of PostgreSQL's answers: it is a monthly index
computed at build time, not a count of raw rows.

DuckDB runs each query as the app does (safetynet.warehouse.runner.run: one read-only connection,
a cursor per query, bound and planned every time, the result fetched to polars). PostgreSQL runs
through psycopg twice: as psycopg does by default (a statement run five times is prepared on the
server, so later runs skip planning) and unprepared (planned every time, like DuckDB). Each case
runs once on each to warm up, then --repeat rounds of one run on each in turn, so that a change
in the machine's load touches the three alike; PostgreSQL fetches every row. The line above the
table gives the load average: on a busy machine, read the medians, not the p95s.

PostgreSQL's tables (schema drill_peer, replaced by --load) are the raw tables' columns the
questions need, loaded in grid-code order (as the warehouse stores its hazards), with primary
keys, an index from each place to its parent (streets by unit, communities by street, grids by
community), hazards(grid_code, found_date) and inspections(grid_code, week_start); then VACUUM
ANALYZE.

How to run (needs a running PostgreSQL the DSN can create a schema in, and psycopg, which is
not a dependency of the project: pip install "psycopg[binary]"):

    SAFETYNET_DATA=DIR python -m safetynet build --demo --scale city
    python scripts/bench_drill_peer.py --dsn "host=127.0.0.1 dbname=postgres user=postgres" \\
        --data DIR --load                  # loads DIR's raw tables, then times
    python scripts/bench_drill_peer.py --dsn "..." --data DIR --repeat 50   # times again

Use one database per scale (dbname in the DSN): --load replaces the schema drill_peer. At
province scale the load takes a few minutes (60 million inspection rows go through COPY).

--data is the data folder of a demo build (SAFETYNET_DATA): its served warehouse and its one raw
folder (raw/<name>/*.parquet); --warehouse and --raw name them separately.

This is a benchmark, not a test: it asserts nothing about the timings and is not run by the
tests. It exits 1 when the two engines' answers differ.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from safetynet.warehouse import runner

SCHEMA = "drill_peer"

# ---------------------------------------------------------------- loading the raw rows

# Each raw table: the columns the questions use, its primary key, the order the rows are loaded in.
TABLES = {
    "districts": ("district_code text, name_zh text, population integer", "district_code", ""),
    "streets": ("street_code text, district_code text, name_zh text", "street_code", ""),
    "communities": (
        "community_code text, street_code text, name_zh text, population integer",
        "community_code",
        "",
    ),
    "grids": (
        "grid_code text, community_code text, grid_type text, households integer, "
        "workers integer, has_group boolean, has_squad boolean",
        "grid_code",
        "grid_code",
    ),
    "hazards": (
        "hazard_id text, grid_code text, category text, severity text, source text, "
        "found_date date, deadline date, rectified_date date, supervision_level text",
        "hazard_id",
        "grid_code, found_date",
    ),
    "inspections": (
        "grid_code text, week_start date, patrols integer, items_checked integer, "
        "items_compliant integer",
        "grid_code, week_start",
        "grid_code, week_start",
    ),
}
INDEXES = [
    "CREATE INDEX ON streets (district_code)",
    "CREATE INDEX ON communities (street_code)",
    "CREATE INDEX ON grids (community_code)",
    "CREATE INDEX ON hazards (grid_code, found_date)",
]


def load(pg: Any, raw: Path) -> None:
    """Replace schema drill_peer with the raw tables' rows (via CSV and COPY), then index them."""
    with pg.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        cur.execute(f"SET search_path = {SCHEMA}")
        with tempfile.TemporaryDirectory() as scratch, duckdb.connect() as duck:
            for table, (columns, key, order) in TABLES.items():
                start = time.perf_counter()
                names = [c.split()[0] for c in columns.split(", ")]
                csv = Path(scratch) / f"{table}.csv"
                source = (raw / f"{table}.parquet").as_posix().replace("'", "''")
                duck.execute(
                    f"COPY (SELECT {', '.join(names)} FROM read_parquet('{source}')"
                    f"{' ORDER BY ' + order if order else ''}) TO '{csv.as_posix()}' "
                    "(FORMAT csv, HEADER)"
                )
                cur.execute(f"CREATE TABLE {table} ({columns}, PRIMARY KEY ({key}))")
                with (
                    csv.open("rb") as f,
                    cur.copy(
                        f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT csv, HEADER)"
                    ) as copy,
                ):
                    while block := f.read(1 << 20):
                        copy.write(block)
                csv.unlink()
                say(f"loaded {table} in {time.perf_counter() - start:.1f} s")
        for index in INDEXES:
            cur.execute(index)
    pg.commit()
    pg.autocommit = True
    with pg.cursor() as cur:
        start = time.perf_counter()
        cur.execute(f"SET search_path = {SCHEMA}")
        cur.execute("VACUUM ANALYZE")
        say(f"indexed, vacuumed and analysed in {time.perf_counter() - start:.1f} s")
    pg.autocommit = False


# ---------------------------------------------------------------- the questions in PostgreSQL

# The core figures of the places of one level inside a parent, counted from the raw hazards of the
# parent's grids as mart_street_week counts them (docs/drill-down.md): with W the week's Monday,
# S its Sunday and Y the Monday of week 1 of W's ISO year, a hazard found by S is open at S when
# not rectified by S, overdue when also past its deadline at S, in the year's cohort until the
# first week of the ISO year after its found date's calendar year, rectified in the year when
# rectified from Y to S.
FIGURES = """
WITH week AS (
    SELECT %(week)s::date AS w, %(week)s::date + 6 AS s,
           date_trunc('week', make_date(extract(isoyear FROM %(week)s::date)::int, 1, 4))::date
               AS y
),
places AS ({places}),
place_grids AS ({place_grids}),
hazard_rows AS (
    SELECT g.place_code, h.severity, h.found_date, h.deadline, h.rectified_date,
           h.rectified_date IS NULL OR h.rectified_date > week.s AS open_at_s,
           h.rectified_date <= week.s AS rectified_by_s,
           date_trunc('week', make_date(extract(year FROM h.found_date)::int + 1, 1, 4))::date
               > week.w AS in_cohort,
           week.w, week.s, week.y
    FROM place_grids g JOIN hazards h ON h.grid_code = g.grid_code CROSS JOIN week
    WHERE h.found_date <= week.s
),
hazard_figures AS (
    SELECT place_code,
           count(*) FILTER (WHERE found_date >= w) AS new_hazards,
           count(*) FILTER (WHERE found_date >= w AND severity = 'major') AS new_major,
           count(*) FILTER (WHERE open_at_s) AS open_hazards,
           count(*) FILTER (WHERE open_at_s AND severity = 'major') AS major_open,
           count(*) FILTER (WHERE open_at_s AND deadline < s) AS overdue,
           count(*) FILTER (WHERE in_cohort) AS ytd_found,
           count(*) FILTER (WHERE in_cohort AND rectified_by_s) AS ytd_rectified,
           count(*) FILTER (WHERE rectified_date BETWEEN y AND s) AS year_rectified,
           count(*) FILTER (WHERE rectified_date BETWEEN y AND s AND rectified_date <= deadline)
               AS year_rectified_on_time
    FROM hazard_rows
    GROUP BY place_code
),
patrols AS (
    SELECT g.place_code, sum(i.items_checked) AS items_checked,
           sum(i.items_compliant) AS items_compliant
    FROM place_grids g
    JOIN inspections i ON i.grid_code = g.grid_code AND i.week_start = %(week)s::date
    GROUP BY g.place_code
)
SELECT p.place_code, p.name_zh,
       coalesce(h.new_hazards, 0) AS new_hazards, coalesce(h.new_major, 0) AS new_major,
       coalesce(h.open_hazards, 0) AS open_hazards, coalesce(h.major_open, 0) AS major_open,
       coalesce(h.overdue, 0) AS overdue,
       coalesce(h.ytd_found, 0) AS ytd_found, coalesce(h.ytd_rectified, 0) AS ytd_rectified,
       h.ytd_rectified::float8 / nullif(h.ytd_found, 0) AS rectification_rate,
       coalesce(h.year_rectified, 0) AS year_rectified,
       coalesce(h.year_rectified_on_time, 0) AS year_rectified_on_time,
       h.year_rectified_on_time::float8 / nullif(h.year_rectified, 0) AS on_time_rate,
       coalesce(x.items_checked, 0) AS items_checked,
       coalesce(x.items_compliant, 0) AS items_compliant,
       x.items_compliant::float8 / nullif(x.items_checked, 0) AS compliance_rate
FROM places p
LEFT JOIN hazard_figures h USING (place_code)
LEFT JOIN patrols x USING (place_code)
ORDER BY p.place_code
"""

STREET_COMMUNITIES = FIGURES.format(
    places="SELECT community_code AS place_code, name_zh FROM communities "
    "WHERE street_code = %(parent)s",
    place_grids="SELECT g.grid_code, g.community_code AS place_code "
    "FROM communities c JOIN grids g ON g.community_code = c.community_code "
    "WHERE c.street_code = %(parent)s",
)
COMMUNITY_GRIDS = FIGURES.format(
    places="SELECT grid_code AS place_code, '网格' || right(grid_code, 4) AS name_zh FROM grids "
    "WHERE community_code = %(parent)s",
    place_grids="SELECT grid_code, grid_code AS place_code FROM grids "
    "WHERE community_code = %(parent)s",
)
UNIT_STREETS = FIGURES.format(
    places="SELECT street_code AS place_code, name_zh FROM streets "
    "WHERE district_code = %(parent)s",
    place_grids="SELECT g.grid_code, s.street_code AS place_code "
    "FROM streets s JOIN communities c ON c.street_code = s.street_code "
    "JOIN grids g ON g.community_code = c.community_code WHERE s.district_code = %(parent)s",
)

STREET_HAZARDS = """
SELECT h.hazard_id, h.grid_code, g.community_code, c.name_zh AS community_zh,
       h.category, h.severity, h.source, h.supervision_level, h.found_date, h.deadline,
       %(week)s::date + 6 AS as_of_date,
       %(week)s::date + 6 - h.found_date AS days_open,
       greatest(%(week)s::date + 6 - h.deadline, 0) AS days_overdue
FROM communities c
JOIN grids g ON g.community_code = c.community_code
JOIN hazards h ON h.grid_code = g.grid_code
WHERE c.street_code = %(street)s
  AND h.found_date <= %(week)s::date + 6
  AND (h.rectified_date IS NULL OR h.rectified_date > %(week)s::date + 6)
ORDER BY days_overdue DESC, days_open DESC, h.hazard_id
"""

UNIT_OVERDUE_COMMUNITIES = """
SELECT c.community_code AS place_code, c.name_zh, s.street_code, s.name_zh AS street_name,
       count(*) FILTER (WHERE h.deadline < %(week)s::date + 6) AS overdue,
       count(*) AS open_hazards,
       count(*) FILTER (WHERE h.supervision_level IS NOT NULL) AS supervised_open
FROM streets s
JOIN communities c ON c.street_code = s.street_code
JOIN grids g ON g.community_code = c.community_code
JOIN hazards h ON h.grid_code = g.grid_code
WHERE s.district_code = %(district)s
  AND h.found_date <= %(week)s::date + 6
  AND (h.rectified_date IS NULL OR h.rectified_date > %(week)s::date + 6)
GROUP BY c.community_code, s.street_code
HAVING count(*) FILTER (WHERE h.deadline < %(week)s::date + 6) > 0
ORDER BY overdue DESC, open_hazards DESC, place_code
"""

FIGURE_COLUMNS = [
    "place_code",
    "new_hazards",
    "new_major",
    "open_hazards",
    "major_open",
    "overdue",
    "ytd_found",
    "ytd_rectified",
    "year_rectified",
    "year_rectified_on_time",
    "items_checked",
    "items_compliant",
]
HAZARD_COLUMNS = ["hazard_id", "grid_code", "community_code", "days_open", "days_overdue"]
OVERDUE_COLUMNS = ["place_code", "street_code", "overdue", "open_hazards", "supervised_open"]


# ---------------------------------------------------------------- the cases


def cases(con: duckdb.DuckDBPyConnection, week: date) -> list[dict[str, Any]]:
    """Each question for the page query's example and for the largest place of its kind."""
    sunday = week + timedelta(days=6)
    example = {name: runner.examples(name) for name in ("drill_local", "drill_hazards")}
    street = next(e["parent"] for e in example["drill_local"] if e["level"] == "community")
    community = next(e["parent"] for e in example["drill_local"] if e["level"] == "grid")
    list_street = example["drill_hazards"][0]["street"]
    big_street, big_open = con.execute(
        "SELECT street_code, count(*) FROM mart_hazard WHERE found_date <= ? "
        "AND (rectified_date IS NULL OR rectified_date > ?) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
        [sunday, sunday],
    ).fetchone()
    big_community = con.execute(
        "SELECT community_code FROM mart_hazard WHERE street_code = ? "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [big_street],
    ).fetchone()[0]
    unit = "410105"  # 金水区, the most populous unit (scripts/benchmark.py's DISTRICT)
    other_unit = "410183"  # 新密市, the unit with the most communities and villages

    def local(question: str, level: str, parent: str, sql: str) -> dict[str, Any]:
        params = {"level": level, "parent": parent, "week": week}
        return {
            "question": question,
            "duck": ("drill_local", params),
            "pg": (sql, {"parent": parent, "week": week}),
            "columns": FIGURE_COLUMNS,
        }

    def hazards(question: str, code: str) -> dict[str, Any]:
        params = {"street": code, "community": "", "grid": "", "week": week, "category": ""}
        return {
            "question": question,
            "duck": ("drill_hazards", params | {"severity": "", "overdue": False}),
            "pg": (STREET_HAZARDS, {"street": code, "week": week}),
            "columns": HAZARD_COLUMNS,
        }

    def overdue(question: str, code: str) -> dict[str, Any]:
        return {
            "question": question,
            "duck": ("overdue_communities", {"district": code, "week": week}),
            "pg": (UNIT_OVERDUE_COMMUNITIES, {"district": code, "week": week}),
            "columns": OVERDUE_COLUMNS,
        }

    return [
        local(f"(a) street {street}'s communities", "community", street, STREET_COMMUNITIES),
        local(
            f"(a) street {big_street}'s communities", "community", big_street, STREET_COMMUNITIES
        ),
        local(f"(b) community {community}'s grids", "grid", community, COMMUNITY_GRIDS),
        local(f"(b) community {big_community}'s grids", "grid", big_community, COMMUNITY_GRIDS),
        hazards(f"(c) street {list_street}'s open hazards", list_street),
        hazards(f"(c) street {big_street}'s open hazards ({big_open})", big_street),
        {
            "question": f"(d) unit {unit}'s streets",
            "duck": (
                "figures",
                {"by": "street", "district": unit, "from": week, "to": week},
                (
                    "risk_places",
                    {
                        "level": "street",
                        "district": unit,
                        "month": (week + timedelta(days=6)).replace(day=1),
                        "limit": 1_000_000,
                    },
                ),
            ),
            "pg": (UNIT_STREETS, {"parent": unit, "week": week}),
            "columns": FIGURE_COLUMNS,
        },
        overdue(f"(e) unit {unit}'s overdue communities", unit),
        overdue(f"(e) unit {other_unit}'s overdue communities", other_unit),
    ]


# ---------------------------------------------------------------- timing


def timed(calls: list[Callable[[], Any]], repeat: int) -> list[tuple[Any, dict[str, float]]]:
    """Each call's first (warm-up) result, and the median and p95 ms of `repeat` more calls.

    The calls take turns (one run of each, then the next round), so that a change in the
    machine's load touches all of them alike.
    """
    results = [call() for call in calls]
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        for call, times in zip(calls, samples, strict=True):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
    return [
        (
            result,
            {
                "median": statistics.median(times),
                "p95": statistics.quantiles(times, n=100, method="inclusive")[94],
            },
        )
        for result, times in zip(results, samples, strict=True)
    ]


def pg_caller(pg: Any, sql: str, params: dict[str, Any], prepare: bool) -> Callable[[], Any]:
    def call() -> tuple[list[str], list[tuple]]:
        with pg.cursor() as cur:
            cur.execute(sql, params, prepare=None if prepare else False)
            return [d.name for d in cur.description], cur.fetchall()

    return call


def same(duck_rows: Any, pg_result: tuple[list[str], list[tuple]], columns: list[str]) -> bool:
    names, rows = pg_result
    at = [names.index(c) for c in columns]
    theirs = [tuple(row[i] for i in at) for row in rows]
    ours = [tuple(r) for r in duck_rows.select(columns).iter_rows()]
    return ours == theirs


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True, help="libpq connection string of PostgreSQL")
    parser.add_argument("--data", type=Path, help="a data folder (SAFETYNET_DATA) of a demo build")
    parser.add_argument("--warehouse", type=Path, help="the warehouse file (default: --data's)")
    parser.add_argument("--raw", type=Path, help="the raw Parquet folder (default: --data's)")
    parser.add_argument("--load", action="store_true", help="(re)load the raw rows first")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    import psycopg  # not a dependency of the project: only this script needs it

    warehouse, raw = args.warehouse, args.raw
    if args.data:
        current = json.loads((args.data / "warehouse" / "CURRENT.json").read_text())
        warehouse = warehouse or args.data / "warehouse" / current["file"]
        if raw is None:
            folders = [p for p in (args.data / "raw").iterdir() if p.is_dir()]
            if len(folders) != 1:
                parser.error(f"{args.data / 'raw'} holds {len(folders)} folders: give --raw")
            raw = folders[0]
    if warehouse is None or (args.load and raw is None):
        parser.error("give --data, or --warehouse (and --raw with --load)")

    pg = psycopg.connect(args.dsn)
    if args.load:
        load(pg, raw)
    with pg.cursor() as cur:
        cur.execute(f"SET search_path = {SCHEMA}")
        cur.execute("SELECT count(*) FROM hazards")
        hazard_rows = cur.fetchone()[0]
    pg.commit()
    pg.autocommit = True  # no transaction held open between the timed statements

    con = runner.open_readonly(warehouse)
    week = runner.run(con, "weeks", {})["week_start"][0]  # the newest week, the page's default
    meta = con.execute("SELECT scale, as_of FROM meta_build").fetchone()
    with pg.cursor() as cur:
        cur.execute("SHOW server_version")
        server = cur.fetchone()[0]
    print(
        f"{meta[0]} scale (as of {meta[1]}), week of {week}: {hazard_rows:,} hazards in "
        f"PostgreSQL {server}, DuckDB {duckdb.__version__}; warm-up + {args.repeat} runs each, "
        f"taking turns, milliseconds; load average {os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'question':<48} {'rows':>5}  {'DuckDB':>15}  {'PG prepared':>15}  "
        f"{'PG unprepared':>15}  same"
    )
    print(header)
    print(f"{'':<48} {'':>5}  {'median    p95':>15}  {'median    p95':>15}  {'median    p95':>15}")
    differ = 0
    for case in cases(con, week):
        name, params, *also = case["duck"]  # also: a query the page asks beside it
        sql, pg_params = case["pg"]
        (duck_rows, duck_t), (pg_rows, prepared_t), (_, unprepared_t) = timed(
            [
                lambda name=name, params=params, also=also: [
                    runner.run(con, name, params),
                    *(runner.run(con, n, p) for n, p in also),
                ][0],
                pg_caller(pg, sql, pg_params, prepare=True),
                pg_caller(pg, sql, pg_params, prepare=False),
            ],
            args.repeat,
        )
        ok = same(duck_rows, pg_rows, case["columns"])
        differ += not ok
        cells = "  ".join(
            f"{t['median']:7.1f} {t['p95']:7.1f}" for t in (duck_t, prepared_t, unprepared_t)
        )
        print(f"{case['question']:<48} {len(pg_rows[1]):>5}  {cells}  {'yes' if ok else 'NO'}")
    con.close()
    pg.close()
    if differ:
        print(f"{differ} answers differ between DuckDB and PostgreSQL", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
