"""The stored raw data: every import's result as a numbered, complete raw folder, never edited.

`raw-store/v0007/` holds one Parquet file per schema table (the schema's columns plus `_source`
and `_line`, the file and row each record came from), `version.json` (what went into it, who ran
it, when) and, when the import gave one, `manifest.json` with the as-of date. An import writes
the next version in a hidden folder and moves it into place only once its warehouse is built, just
before the switch; the warehouse records the version's name as its source. So the raw data in use
is always the version the served warehouse names, and a version no warehouse names (an import
killed between the two renames) is cleaned away by the next import, under the build lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from safetynet.warehouse import runner, store
from safetynet.warehouse.schema import Table

RECORD = "version.json"
NAME = re.compile(r"v\d{4,}")
INCOMING = ".incoming-"
PROVENANCE = ("_source", "_line")  # where each stored record came from


def store_dir() -> Path:
    return store.data_dir() / "raw-store"


@dataclass(frozen=True)
class RawVersion:
    path: Path
    record: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    def read(self, table: Table) -> pl.DataFrame:
        """The stored rows of one table, provenance columns included."""
        return pl.read_parquet(self.path / table.file)


def versions(root: Path | None = None) -> list[RawVersion]:
    """The complete raw versions, newest first."""
    root = root or store_dir()
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if NAME.fullmatch(p.name) and (p / RECORD).is_file()]
    return [_load(p) for p in sorted(found, key=lambda p: int(p.name[1:]), reverse=True)]


def get(name: str, root: Path | None = None) -> RawVersion | None:
    path = (root or store_dir()) / name
    return _load(path) if NAME.fullmatch(name) and (path / RECORD).is_file() else None


def _load(path: Path) -> RawVersion:
    return RawVersion(path, json.loads((path / RECORD).read_text(encoding="utf-8")))


def next_name(root: Path | None = None) -> str:
    """The name the next version takes: one more than any version, kept or pruned."""
    numbers = [int(v.name[1:]) for v in versions(root)]
    return f"v{max(numbers, default=0) + 1:04d}"


def served(warehouse: store.Version | None) -> RawVersion | None:
    """The raw version the served warehouse was built from; None for the demo city or a
    warehouse built from a folder outside the store."""
    if warehouse is None:
        return None
    with runner.open_readonly(warehouse.path) as con:
        source = con.sql("SELECT source FROM meta_build").fetchall()[0][0]
    return get(source)


def incoming(root: Path | None = None) -> Path:
    """A fresh hidden folder for an import's candidate version."""
    root = root or store_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / f"{INCOMING}{os.getpid()}-{stamp}"
    folder.mkdir(parents=True)
    return folder


def write(folder: Path, record: dict[str, Any], as_of: str | None) -> None:
    """The version's own files: its record and, when given, the as-of date for the build."""
    (folder / RECORD).write_text(
        json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    if as_of:
        (folder / "manifest.json").write_text(json.dumps({"as_of": as_of}) + "\n")


def commit(candidate: Path, root: Path | None = None) -> Path:
    """Move a built candidate version into the store (one rename)."""
    target = (root or store_dir()) / candidate.name
    os.replace(candidate, target)
    return target


def clean(root: Path | None = None) -> None:
    """Remove what killed imports left. Call with the build lock held."""
    root = root or store_dir()
    if root.is_dir():
        for left in root.glob(f"{INCOMING}*"):
            shutil.rmtree(left, ignore_errors=True)


def prune(names_in_use: set[str], root: Path | None = None) -> list[str]:
    """Delete raw versions no kept warehouse was built from. Call with the build lock held;
    returns the names deleted."""
    gone = [v.name for v in versions(root) if v.name not in names_in_use]
    for name in gone:
        shutil.rmtree((root or store_dir()) / name, ignore_errors=True)
    return gone
