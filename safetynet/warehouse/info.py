"""What a warehouse holds: the answer of `safetynet info`."""

from __future__ import annotations

from typing import Any

from safetynet.warehouse import runner, store


def describe(version: store.Version) -> dict[str, Any]:
    with runner.open_readonly(version.path) as con:
        meta = con.sql("SELECT * FROM meta_build").pl().to_dicts()[0]
        names = [
            r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        rows = {n: con.sql(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}
    return {
        "file": version.name,
        "published_at": version.built_at,
        "built_at": meta["built_at"],
        "source": meta["source"],
        "as_of": meta["as_of"],
        "scale": meta["scale"],
        "seed": meta["seed"],
        "size_bytes": version.path.stat().st_size,
        "tables": rows,
    }
