"""Where warehouses live: versioned files and one pointer that names the one being served.

A build writes a new file and then swaps the pointer with an atomic rename, so a reader sees
either the old warehouse or the new one, never half of one; a failed build never touches the
pointer. DuckDB keeps a file open for as long as a connection holds it, which is why we never
overwrite a file in place.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

POINTER = "CURRENT.json"
KEEP = 3  # warehouses kept on disk: the served one and two to fall back to


def data_dir() -> Path:
    """The project's data folder, or SAFETYNET_DATA when set (tests, deployments)."""
    configured = os.environ.get("SAFETYNET_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "data"


def warehouse_dir() -> Path:
    return data_dir() / "warehouse"


@dataclass(frozen=True)
class Version:
    path: Path
    built_at: str

    @property
    def name(self) -> str:
        return self.path.name


def current(root: Path | None = None) -> Version | None:
    """The warehouse being served, or None before the first successful build."""
    pointer = (root or warehouse_dir()) / POINTER
    try:
        record = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Version(pointer.parent / record["file"], record["built_at"])


def new_path(root: Path | None = None) -> Path:
    """A fresh file name, sortable by build time."""
    root = root or warehouse_dir()
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return root / f"safetynet-{stamp}.duckdb"


def publish(path: Path) -> Version:
    """Point readers at a finished warehouse file: write the pointer aside, then rename it."""
    version = Version(path, datetime.now(UTC).isoformat(timespec="seconds"))
    pointer = path.parent / POINTER
    staged = pointer.with_suffix(".tmp")
    staged.write_text(json.dumps({"file": path.name, "built_at": version.built_at}) + "\n")
    with staged.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(staged, pointer)
    prune(path.parent)
    return version


def prune(root: Path, keep: int = KEEP) -> None:
    """Delete old warehouse files beyond the newest few; the served one is always kept.

    A reader still holding a deleted file keeps reading it (POSIX unlink semantics) until it
    picks up the new pointer.
    """
    served = current(root)
    files = sorted(root.glob("safetynet-*.duckdb"), reverse=True)
    for old in files[keep:]:
        if served is None or old != served.path:
            old.unlink(missing_ok=True)


def discard(path: Path) -> None:
    """Remove a half-built file and its write-ahead log."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
