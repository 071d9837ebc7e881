"""Building a warehouse: raw files → staging → checks → marts, into a new file, then the switch.

The SQL files under queries/build/ run in the order of their names (docs/data-model.md lists
them). One build at a time holds the warehouse folder's lock. Anything that fails deletes the new
file and leaves the served warehouse as it was; every failure, an OS error included, is a
BuildError whose message names what went wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from safetynet.analytics import alerts, hexes
from safetynet.warehouse import manifest, staging, store
from safetynet.warehouse.checks import (
    SAMPLE_ROWS,
    BuildError,
    Problem,
    empty_tables,
    failure,
    find_problems,
    mart_checks,
    one_line,
    raise_if,
    row_checks,
)
from safetynet.warehouse.schema import TABLES
from safetynet.weeks import TIME_ZONE

BUILD_SQL = Path(__file__).resolve().parents[1] / "queries" / "build"
BULK_SHARE = 0.1  # a week with fewer records than this share of the median week is an outlier
ACTIVITY = (("hazards", "found_date"), ("inspections", "week_start"))  # the city's weekly pulse


def build_steps() -> list[Path]:
    return sorted(BUILD_SQL.glob("*.sql"))


def build(
    raw_dir: Path,
    root: Path | None = None,
    as_of: date | None = None,
    progress: bool = True,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> store.Version:
    """Build a warehouse from raw_dir and make it the one served; returns the new version.
    With wait=False a build finding another one running fails at once instead of waiting."""
    root = root or store.warehouse_dir()
    with locked(root, wait, on_wait) as folder:
        return build_in(folder, raw_dir, as_of, progress)


@contextmanager
def locked(
    root: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the warehouse folder's lock, with what killed builds left cleaned away; a busy or
    unwritable folder is a BuildError."""
    try:
        with store.lock(root, wait, on_wait or _say) as folder:
            store.clean(folder)
            yield folder
    except store.Busy as busy:
        raise failure(f"{root.name}/", str(busy)) from None
    except OSError as error:  # the folder itself: cannot be made, locked, cleaned or switched
        raise failure(f"{root.name}/", f"cannot be written ({one_line(error)})") from None


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def validate(raw_dir: Path, as_of: date | None, samples: int = SAMPLE_ROWS) -> list[Problem]:
    """Every problem the build would find in raw_dir's tables, without building: staged in
    memory and checked. An import runs this when its own reading already failed, so that one
    report still lists everything."""
    with duckdb.connect() as con:
        con.execute(f"SET TimeZone = '{TIME_ZONE}'")
        try:
            _check(con, raw_dir, as_of, samples)
        except BuildError as error:
            return error.problems
    return []


def build_in(
    folder: Path,
    raw_dir: Path,
    as_of: date | None,
    progress: bool,
    samples: int = SAMPLE_ROWS,
    before_switch: Callable[[], None] | None = None,
) -> store.Version:
    """The build, with the folder's lock held: `samples` offending rows quoted per problem, and
    `before_switch` run once the new warehouse is complete, just before readers are pointed at
    it (an import moves its raw data into the store there)."""
    target = store.new_path(folder)
    try:
        with duckdb.connect(str(target)) as con:
            _fill(con, raw_dir, as_of, progress, samples)
        done = store.complete(target)
        target = done  # from here a failure discards the complete file
        if before_switch:
            before_switch()
    except (OSError, duckdb.IOException, duckdb.OutOfMemoryException) as error:
        store.discard(target)  # a full disk, a lost folder: the machine, not the data
        raise failure(target.name, f"could not be written ({one_line(error)})") from None
    except duckdb.Error as error:
        store.discard(target)
        raise failure(target.name, f"failed ({one_line(error)})") from None
    except BaseException:
        store.discard(target)
        raise
    return store.publish(done)


def _fill(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    as_of: date | None,
    progress: bool,
    samples: int,
) -> None:
    steps = build_steps()
    con.execute(f"SET TimeZone = '{TIME_ZONE}'")
    with tqdm(total=len(steps) + 2, desc="build", unit=" steps", disable=not progress) as bar:
        _check(con, raw_dir, as_of, samples)
        bar.update(2)
        for step in steps:
            bar.set_postfix_str(step.stem)
            _run(con, step)
            bar.update()
        hexes.build_hexes(con)
        alerts.build_signals(con)
        raise_if(find_problems(con, mart_checks(con)))


def _check(con: duckdb.DuckDBPyConnection, raw_dir: Path, as_of: date | None, samples: int) -> None:
    """Stage raw_dir, settle the as-of date, record it, and run every row check."""
    about = manifest.read(raw_dir)
    staging.stage(con, raw_dir)
    raise_if(empty_tables(con))
    as_of = as_of or about.as_of or bulk_as_of(con)
    _record(con, raw_dir, as_of, about)
    raise_if(find_problems(con, row_checks(as_of), samples))


def _run(con: duckdb.DuckDBPyConnection, step: Path) -> None:
    """One build SQL file. The checks should have refused whatever makes a step fail, so a
    failure here names the step for whoever maintains it."""
    try:
        con.execute(step.read_text(encoding="utf-8"))
    except (duckdb.IOException, duckdb.OutOfMemoryException):
        raise  # the disk or the memory, not the data: reported as such by the caller
    except duckdb.Error as error:
        raise failure(f"build step {step.name}", f"failed ({one_line(error)})") from None


def bulk_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The last day recorded up to the end of the last week of normal activity (hazards found
    and patrols made in at least a tenth of the median week's number), so a lone typo such as
    2099-06-01 cannot move the city's date; the date checks then name that typo's row."""
    days = " UNION ALL ".join(
        f"SELECT CAST({c.name} AS DATE) AS day FROM stg_{t.name}"
        for t in TABLES
        for c in t.columns
        if c.type in ("DATE", "TIMESTAMP") and not c.future_ok
    )
    activity = " UNION ALL ".join(f"SELECT {c} AS day FROM stg_{t}" for t, c in ACTIVITY)
    latest = con.sql(
        f"""
        WITH weeks AS (
            SELECT date_trunc('week', day) AS week, count(*) AS records
            FROM ({activity}) GROUP BY week
        ),
        normal AS (
            SELECT max(week) + INTERVAL 6 DAY AS last_day FROM weeks
            WHERE records >= $share * (SELECT median(records) FROM weeks)
        )
        SELECT max(day) FROM ({days}) WHERE day <= (SELECT last_day FROM normal)
        """,
        params={"share": BULK_SHARE},
    ).fetchall()[0][0]
    if latest is None:
        raise failure("raw tables", "hold no dates, and no as-of date was given")
    return latest


def _record(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, as_of: date, about: manifest.Manifest
) -> None:
    """The one-row table that says what this warehouse was built from; build SQL reads as_of."""
    con.execute(
        "CREATE TABLE meta_build AS SELECT $as_of::DATE AS as_of, $built_at::TIMESTAMP AS built_at, "
        "$source AS source, $scale AS scale, $seed::BIGINT AS seed",
        {
            "as_of": as_of,
            "built_at": datetime.now(UTC).replace(tzinfo=None),  # UTC, as in CURRENT.json
            "source": manifest.DEMO_SOURCE if about.demo else raw_dir.name,
            "scale": about.scale,
            "seed": about.seed,
        },
    )
