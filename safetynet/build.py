"""Building a warehouse: raw files → staging → checks → marts, into a new file, then the switch.

The SQL files under queries/build/ run in the order of their names (docs/data-model.md lists
them). Anything that fails deletes the new file and leaves the served warehouse as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from safetynet.analytics import alerts, hexes
from safetynet.demo.generate import demo_manifest
from safetynet.warehouse import staging, store
from safetynet.warehouse.checks import find_problems, mart_checks, raise_if, row_checks
from safetynet.warehouse.schema import TABLES

BUILD_SQL = Path(__file__).resolve().parents[1] / "queries" / "build"


def build_steps() -> list[Path]:
    return sorted(BUILD_SQL.glob("*.sql"))


def build(
    raw_dir: Path, root: Path | None = None, as_of: date | None = None, progress: bool = True
) -> store.Version:
    """Build a warehouse from raw_dir and make it the one served; returns the new version."""
    target = store.new_path(root)
    try:
        with duckdb.connect(str(target)) as con:
            _fill(con, raw_dir, as_of, progress)
    except BaseException:
        store.discard(target)
        raise
    return store.publish(target)


def _fill(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, as_of: date | None, progress: bool
) -> None:
    steps = build_steps()
    with tqdm(total=len(steps) + 2, desc="build", unit=" steps", disable=not progress) as bar:
        staging.stage(con, raw_dir)
        manifest = demo_manifest(raw_dir) or {}
        as_of = as_of or _as_of(con, manifest)
        _record(con, raw_dir, as_of, manifest)
        raise_if(find_problems(con, row_checks(as_of)))
        bar.update(2)
        for step in steps:
            bar.set_postfix_str(step.stem)
            con.execute(step.read_text(encoding="utf-8"))
            bar.update()
        hexes.build_hexes(con)
        alerts.build_signals(con)
        raise_if(find_problems(con, mart_checks(con)))


def _as_of(con: duckdb.DuckDBPyConnection, manifest: dict) -> date:
    """The demo's own as-of date, or for real data the last day anything was recorded."""
    if "as_of" in manifest:
        return date.fromisoformat(manifest["as_of"])
    recorded = [
        f"SELECT max(CAST({c.name} AS DATE)) AS day FROM stg_{t.name}"
        for t in TABLES
        for c in t.columns
        if c.type in ("DATE", "TIMESTAMP") and not c.future_ok
    ]
    latest = con.sql(f"SELECT max(day) FROM ({' UNION ALL '.join(recorded)})").fetchall()[0][0]
    if latest is None:
        raise ValueError("no as-of date: the raw tables hold no dates and none was given")
    return latest


def _record(con: duckdb.DuckDBPyConnection, raw_dir: Path, as_of: date, manifest: dict) -> None:
    """The one-row table that says what this warehouse was built from; build SQL reads as_of."""
    con.execute(
        "CREATE TABLE meta_build AS SELECT $as_of::DATE AS as_of, $built_at::TIMESTAMP AS built_at, "
        "$source AS source, $scale AS scale, $seed::BIGINT AS seed",
        {
            "as_of": as_of,
            "built_at": datetime.now(UTC).replace(tzinfo=None),  # UTC, as in CURRENT.json
            "source": "demo" if manifest else raw_dir.name,
            "scale": manifest.get("scale"),
            "seed": manifest.get("seed"),
        },
    )
