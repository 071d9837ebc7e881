"""The warehouse versions kept on disk, what went into each, and switching back to one.

A warehouse names its raw source in meta_build: a raw-store version (v0007) for an import, the
demo folder for the demo city. Rolling back points readers at an older complete warehouse file,
under the build lock, exactly as a build switches; the next import then starts from the raw
version that warehouse was built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from safetynet import build
from safetynet.ingest import rawstore
from safetynet.warehouse import manifest, runner, store
from safetynet.warehouse.checks import failure


@dataclass(frozen=True)
class Warehouse:
    path: Path
    built_at: datetime
    as_of: date
    source: str  # the raw version (v0007) or folder it was built from
    served: bool
    raw: rawstore.RawVersion | None

    @property
    def name(self) -> str:
        return self.path.name

    def describe(self) -> dict[str, Any]:
        """One line of `safetynet versions`: the file, its data, and who brought the data in."""
        record = self.raw.record if self.raw else {}
        files = ", ".join(
            f"{f['file']}→{f['table']} {f['rows']:,}" for f in record.get("files", [])
        )
        return {
            "served": "*" if self.served else "",
            "warehouse": self.name,
            "built_at": f"{self.built_at:%Y-%m-%d %H:%M} UTC",
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "by": record.get("user", ""),
            "files": files or ("demo city" if self.source == manifest.DEMO_SOURCE else ""),
        }


def warehouses(root: Path | None = None) -> list[Warehouse]:
    """Every complete warehouse file, newest first."""
    root = root or store.warehouse_dir()
    served = store.current(root)
    out = []
    for path in sorted(root.glob(store.COMPLETE), reverse=True):
        with runner.open_readonly(path) as con:
            built_at, as_of, source = con.sql(
                "SELECT built_at, as_of, source FROM meta_build"
            ).fetchall()[0]
        is_served = served is not None and served.path == path
        out.append(Warehouse(path, built_at, as_of, source, is_served, rawstore.get(source)))
    return out


def rollback(name: str | None = None, root: Path | None = None) -> store.Version:
    """Serve the named warehouse (its file name, or the raw version it was built from), or by
    default the one built before the served one."""
    root = root or store.warehouse_dir()
    with build.locked(root) as folder:
        kept = warehouses(folder)
        target = _pick(kept, name)
        return store.publish(target.path)


def _pick(kept: list[Warehouse], name: str | None) -> Warehouse:
    if name is None:
        served = next((i for i, w in enumerate(kept) if w.served), None)
        older = kept[served + 1 :] if served is not None else kept
        if not older:
            raise failure("rollback", "there is no older warehouse to go back to")
        return older[0]
    found = [w for w in kept if name in (w.name, w.path.stem, w.source)]
    if not found:
        names = ", ".join(f"{w.name} ({w.source})" for w in kept)
        raise failure("rollback", f"no kept warehouse is called {name}; kept: {names}")
    return found[0]
