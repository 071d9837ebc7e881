"""Benchmark `safetynet import`: one file of many hazard rows, as CSV and as .xlsx.

1. Generates the small demo city, exports it through the templates and imports it into a data
   folder: the stored data the measured imports add to (3,541 grids, 17,221 hazards).
2. Makes N new hazards on those grids (default 1,000,000) and writes them in template form
   (Chinese headers and labels) with safetynet.ingest.templates.export, once as .xlsx and once
   as CSV (UTF-8 with BOM).
3. For each file, copies the data folder and runs `python -m safetynet import FILE --as-of …`
   as a child process under GNU time: its wall time (interpreter start included) and its peak
   resident memory. The import reads, parses and checks every row,
   merges it with the stored data, builds the warehouse and switches to it.

    python scripts/bench_import.py                       # 1,000,000 rows, csv and xlsx
    python scripts/bench_import.py --rows 100000 --formats csv

A benchmark, not a test: it prints figures and asserts nothing about them (exit 1 only when an
import fails).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from safetynet.demo.generate import DEFAULT_AS_OF, DEFAULT_SEED, generate
from safetynet.ingest import templates
from safetynet.ingest.run import run
from safetynet.warehouse.schema import HAZARD_CATEGORIES, HAZARD_SOURCES, TABLES

GNU_TIME = Path("/usr/bin/time")  # Debian's `time` package: peak memory of one process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", nargs="+", choices=("csv", "xlsx"), default=["csv", "xlsx"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        root = Path(work)
        base = stored_city(root)
        hazards = new_hazards(root / "base" / "raw", args.rows)
        print(f"{args.rows:,} new hazard rows on the small demo city", flush=True)
        failed = False
        for kind in args.formats:
            path = write(hazards, root / kind, kind)
            size = path.stat().st_size / 2**20
            seconds, peak, code = timed_import(base, root / f"data-{kind}", path)
            failed |= code != 0
            verdict = "landed" if code == 0 else f"FAILED (exit {code})"
            print(f"{kind:>4}: {size:6.0f} MiB  {seconds:6.1f} s  peak {peak:6.0f} MiB  {verdict}")
    return 1 if failed else 0


def stored_city(root: Path) -> Path:
    """A data folder holding the small demo city, imported from its own templates."""
    raw, exported, data = root / "base" / "raw", root / "base" / "exported", root / "base" / "data"
    generate(raw, "small", DEFAULT_SEED, DEFAULT_AS_OF, progress=False)
    templates.export({t.name: pl.read_parquet(raw / t.file) for t in TABLES}, exported)
    os.environ["SAFETYNET_DATA"] = str(data)
    outcome = run([exported], as_of=DEFAULT_AS_OF)
    if not outcome.ok:
        raise SystemExit("the demo city did not import; run the tests")
    return data


def new_hazards(raw: Path, rows: int) -> pl.DataFrame:
    """`rows` general hazards found in the year up to the as-of date, half of them rectified."""
    rng = np.random.default_rng(DEFAULT_SEED)
    grids = pl.read_parquet(raw / "grids.parquet")["grid_code"].to_numpy()
    found = [DEFAULT_AS_OF - timedelta(days=int(d)) for d in rng.integers(30, 365, rows)]
    fixed = rng.random(rows) < 0.5
    return pl.DataFrame(
        {
            "hazard_id": [f"BENCH-{i:07d}" for i in range(rows)],
            "grid_code": rng.choice(grids, rows),
            "category": rng.choice(HAZARD_CATEGORIES, rows),
            "severity": ["general"] * rows,
            "source": rng.choice(HAZARD_SOURCES, rows),
            "found_date": found,
            "deadline": [d + timedelta(days=30) for d in found],
            "rectified_date": [
                d + timedelta(days=10) if f else None for d, f in zip(found, fixed, strict=True)
            ],
            "supervision_level": pl.Series([None] * rows, dtype=pl.Utf8),
        },
        schema_overrides={"rectified_date": pl.Date},
    )


def write(hazards: pl.DataFrame, out: Path, kind: str) -> Path:
    """The rows in template form; CSV by lowering the templates' Excel row limit below them."""
    limit = templates.EXCEL_ROWS
    templates.EXCEL_ROWS = limit if kind == "xlsx" else 0
    try:
        [path] = templates.export({"hazards": hazards}, out)
    finally:
        templates.EXCEL_ROWS = limit
    return path


def timed_import(base: Path, data: Path, path: Path) -> tuple[float, float, int]:
    """Wall seconds, peak resident MiB and exit code of one import in a fresh process. The peak
    is read by GNU time: this parent holds the rows, and a child's rusage may count them."""
    shutil.copytree(base, data)
    env = os.environ | {"SAFETYNET_DATA": str(data)}
    memory = data / "peak.txt"
    command = [str(GNU_TIME), "-f", "%M", "-o", str(memory), sys.executable, "-m", "safetynet"]
    command += ["import", str(path), "--as-of", DEFAULT_AS_OF.isoformat()]
    start = time.perf_counter()
    code = subprocess.call(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return seconds, int(memory.read_text().split()[-1]) / 1024, code


if __name__ == "__main__":
    raise SystemExit(main())
