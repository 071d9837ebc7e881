"""Hexagon cells (H3) of the community points, so the risk map can show the density of open
hazards as hexagons aggregated in the warehouse: the browser gets a few hundred cells with
counts, never the points themselves.

Coordinates are GCJ-02, as everywhere in the warehouse; H3 takes them as plain degrees, which
shifts cells by a few hundred metres against WGS-84 maps and changes nothing here (no base map).
"""

from __future__ import annotations

import duckdb
import h3
import polars as pl

# Resolution per map scale: 6 (about 36 km² a cell) for the whole city, 7 (about 5 km²) for one
# unit. Both are kept, so a page picks one by a bound parameter.
RESOLUTIONS = (6, 7)


def build_hexes(con: duckdb.DuckDBPyConnection) -> None:
    """dim_community_hex: one row per community and resolution, with the cell it lies in."""
    points = con.sql("SELECT community_code, lon, lat FROM dim_community").pl()
    rows = pl.DataFrame(
        {
            "community_code": [c for _ in RESOLUTIONS for c in points["community_code"]],
            "resolution": [r for r in RESOLUTIONS for _ in range(points.height)],
            "hex": [
                h3.latlng_to_cell(lat, lon, r)
                for r in RESOLUTIONS
                for lon, lat in zip(points["lon"], points["lat"], strict=True)
            ],
        },
        schema={"community_code": pl.String, "resolution": pl.Int8, "hex": pl.String},
    )
    con.register("_community_hex", rows)
    try:
        con.execute(
            "CREATE TABLE dim_community_hex AS "
            "SELECT * FROM _community_hex ORDER BY resolution, community_code"
        )
    finally:
        con.unregister("_community_hex")
