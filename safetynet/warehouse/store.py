"""Where warehouses live: versioned files and one pointer that names the one being served.

A build writes `building-<stamp>.duckdb`, renames it to `safetynet-<stamp>.duckdb` once it is
complete and checked, and then swaps the pointer with an atomic rename, so a reader sees either the
old warehouse or the new one, never half of one; a failed build never touches the pointer. DuckDB
keeps a file open for as long as a connection holds it, which is why we never overwrite a file in
place. One build at a time holds the folder's lock: pruning, cleaning up after killed builds and
the switch all happen under it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

POINTER = "CURRENT.json"
LOCK = "build.lock"
KEEP = 3  # complete warehouses kept on disk by default: the served one and two to fall back to
COMPLETE = "safetynet-*.duckdb"  # names only a finished, checked build ever gets
PARTIAL = "building-*.duckdb"  # a build in progress, or one that was killed


def data_dir() -> Path:
    """The project's data folder, or SAFETYNET_DATA when set (tests, deployments)."""
    configured = os.environ.get("SAFETYNET_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "data"


def warehouse_dir() -> Path:
    return data_dir() / "warehouse"


def kept() -> int:
    """How many complete warehouses to keep: SAFETYNET_KEEP when set (at least 1), else KEEP."""
    configured = os.environ.get("SAFETYNET_KEEP", "")
    return max(1, int(configured)) if configured.strip().isdigit() else KEEP


@dataclass(frozen=True)
class Version:
    path: Path
    built_at: str

    @property
    def name(self) -> str:
        return self.path.name


class Busy(Exception):
    """Another build holds the folder's lock (and we were asked not to wait)."""


def current(root: Path | None = None) -> Version | None:
    """The warehouse being served, or None before the first successful build."""
    pointer = (root or warehouse_dir()) / POINTER
    try:
        record = json.loads(pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Version(pointer.parent / record["file"], record["built_at"])


@contextmanager
def lock(
    root: Path | None = None, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the folder's build lock; yields the folder. The lock file records the holder's
    process id, for the message a second build gives. The kernel drops the lock when its
    holder dies, so a killed build never leaves the folder locked."""
    root = root or warehouse_dir()
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            message = f"another build (process {holder}) is writing to {root.name}/"
            if not wait:
                raise Busy(f"{message}; try again when it has finished") from None
            if on_wait:
                on_wait(f"{message}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield root


def clean(root: Path) -> list[Path]:
    """Remove what killed builds left: partial files, write-ahead logs, a staged pointer.
    Call with the lock held (no build is running, so none of these is in use); returns them."""
    left = [*root.glob(PARTIAL), *root.glob("*.duckdb.wal"), root / f"{POINTER}.tmp"]
    removed = [p for p in left if p.exists()]
    for path in removed:
        path.unlink()
    return removed


def new_path(root: Path) -> Path:
    """A fresh partial file name, sortable by build time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return root / f"building-{stamp}.duckdb"


def complete(partial: Path) -> Path:
    """Mark a finished, checked (and closed) build as complete by its name."""
    done = partial.with_name(partial.name.replace("building-", "safetynet-", 1))
    os.replace(partial, done)
    return done


def publish(path: Path) -> Version:
    """Point readers at a complete warehouse file: write the pointer aside, then rename it."""
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse file {path.name} to publish")
    version = Version(path, datetime.now(UTC).isoformat(timespec="seconds"))
    pointer = path.parent / POINTER
    staged = path.parent / f"{POINTER}.tmp"
    staged.write_text(json.dumps({"file": path.name, "built_at": version.built_at}) + "\n")
    with staged.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(staged, pointer)
    prune(path.parent)
    return version


def prune(root: Path, keep: int | None = None) -> None:
    """Delete complete warehouses beyond the newest few; the served one is always kept, and a
    partial file is never counted or touched here.

    A reader still holding a deleted file keeps reading it (POSIX unlink semantics) until it
    picks up the new pointer.
    """
    served = current(root)
    files = sorted(root.glob(COMPLETE), reverse=True)
    for old in files[keep or kept() :]:
        if served is None or old != served.path:
            old.unlink(missing_ok=True)


def discard(path: Path) -> None:
    """Remove a half-built file and its write-ahead log."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
