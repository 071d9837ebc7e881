"""Write the demo city's raw tables: same seed, scale and as-of date give the same bytes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
from tqdm import tqdm

from safetynet.demo import capacity, events
from safetynet.demo.facts import SCALES
from safetynet.demo.places import make_places
from safetynet.warehouse.schema import TABLES, Table
from safetynet.weeks import history_start

DEFAULT_SEED = 20210720  # the day of the "7·20" rainstorm
DEFAULT_AS_OF = date(2026, 11, 29)  # a Sunday: 2026年第48周 is the latest full week
MANIFEST = "_demo.json"

POLARS_TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "INTEGER": pl.Int32(),
    "DOUBLE": pl.Float64(),
    "BOOLEAN": pl.Boolean(),
    "DATE": pl.Date(),
    "TIMESTAMP": pl.Datetime("us"),
}


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The frame with exactly the table's columns, in order, in the schema's types."""
    return frame.select(pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in table.columns)


class _TableWriter:
    """Appends frames to one Parquet file, so the province scale never holds a whole table."""

    def __init__(self, out_dir: Path, table: Table) -> None:
        self.table = table
        self.path = out_dir / table.file
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, frame: pl.DataFrame) -> None:
        arrow = conform(frame, self.table).to_arrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, arrow.schema, compression="zstd")
        self.writer.write_table(arrow)
        self.rows += frame.height

    def close(self) -> None:
        if self.writer is None:  # an empty table still gets its file and schema
            conform(pl.DataFrame(), self.table).write_parquet(self.path)
        else:
            self.writer.close()


def generate(
    out_dir: Path,
    scale: str = "city",
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
    progress: bool = True,
) -> dict[str, int]:
    """Generate every raw table into out_dir; returns the row count of each."""
    spec = SCALES[scale]
    out_dir.mkdir(parents=True, exist_ok=True)
    start = history_start(as_of, spec.years)
    places = make_places(spec, seed)
    tables: Iterator[tuple[str, pl.DataFrame]] = itertools.chain(
        [
            ("districts", places.districts),
            ("streets", places.streets),
            ("communities", places.communities),
            ("grids", places.grids),
        ],
        events.make_events(places, spec, seed, start, as_of),
        capacity.make_capacity(places, spec, seed, start, as_of),
    )
    writers = {t.name: _TableWriter(out_dir, t) for t in TABLES}
    for name, frame in tqdm(tables, desc=f"demo {scale}", unit=" parts", disable=not progress):
        writers[name].write(frame)
    for writer in writers.values():
        writer.close()
    counts = {name: w.rows for name, w in writers.items()}
    manifest = {
        "scale": scale,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "start": start.isoformat(),
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def demo_manifest(raw_dir: Path) -> dict | None:
    """What the generator recorded about a raw directory, or None for real data."""
    path = raw_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
