"""The raw input tables: one Parquet file per entity, the contract between a city's data and us.

The demo generator writes exactly these tables and the build reads exactly these tables, so a real
city's export only has to match this file (documented column by column in docs/data-model.md).
Enumerated values are stable English keys; their Chinese labels are in docs/data-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# Each DuckDB type of the schema as polars holds it: the demo writes, an import parses and the
# templates write with these.
POLARS_TYPES: dict[str, pl.DataType] = {
    "VARCHAR": pl.String(),
    "INTEGER": pl.Int32(),
    "DOUBLE": pl.Float64(),
    "BOOLEAN": pl.Boolean(),
    "DATE": pl.Date(),
    "TIMESTAMP": pl.Datetime("us"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type name
    doc: str
    nullable: bool = False
    nonneg: bool = False  # counts and amounts that can never be negative
    pattern: str | None = None  # regular expression the text must match in full
    values: tuple[str, ...] = ()  # allowed keys of an enumeration
    references: str | None = None  # "table.column" this column points to
    future_ok: bool = False  # a date that may lie after the as-of date (a deadline)
    history_years: int = 10  # how far before the as-of date a date may lie
    bounds: tuple[float, float] | None = None  # the range a number must lie in (coordinates)
    scan_pii: bool = True  # text searched for ID-card and mobile numbers (not geometry)

    @property
    def free_text(self) -> bool:
        """Text that may say anything (a name, a note), so it is searched for personal numbers;
        codes and enumerations are checked by their pattern or values instead."""
        return self.type == "VARCHAR" and self.scan_pii and not (self.pattern or self.values)


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (a, b): a ≤ b wherever both are present — dates in order, parts within their whole.
    ordered: tuple[tuple[str, str], ...] = field(default=())
    # (column, what is wrong, SQL condition true for a bad row): rules no flag above expresses.
    rules: tuple[tuple[str, str, str], ...] = field(default=())
    core: bool = False  # a city without rows here has nothing to show: the build refuses it

    @property
    def file(self) -> str:
        return f"{self.name}.parquet"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        """The table's columns, in order, with their polars types."""
        return {c.name: POLARS_TYPES[c.type] for c in self.columns}


DISTRICT_CODE = r"4101\d\d"
STREET_CODE = r"4101\d{5}"
COMMUNITY_CODE = r"4101\d{8}"
GRID_CODE = r"4101\d{12}"

GRID_TYPES = ("community", "micro", "rural", "dedicated")
HAZARD_CATEGORIES = (
    "fire",
    "ebike",
    "wiring",
    "gas",
    "flood",
    "geological",
    "building",
    "chemical",
    "traffic",
    "forest_fire",
)
SEVERITIES = ("general", "major")
SUPERVISION_LEVELS = ("county", "city", "province")
HAZARD_SOURCES = ("grid_patrol", "special_check", "resident_report", "department_referral")
RESOURCE_ITEMS = (
    "pump",
    "sandbag",
    "generator",
    "life_jacket",
    "extinguisher",
    "first_aid_kit",
    "tent",
    "loudspeaker",
)
TEAM_TYPES = ("full_time_group", "squad", "volunteer", "professional")
DRILL_KINDS = ("drill", "training")
DRILL_TOPICS = ("flood", "fire", "gas", "earthquake", "first_aid", "evacuation")
ORG_TYPES = ("volunteer", "charity", "rescue", "property_service")
VULNERABLE_TYPES = ("elderly_alone", "disabled", "seriously_ill", "left_behind_child", "pregnant")
SHELTER_CLASSES = ("I", "II", "III")
DEPARTMENTS = (
    "emergency",
    "fire_rescue",
    "water",
    "gas",
    "power",
    "housing",
    "urban_mgmt",
    "police",
)


def _code(name: str, pattern: str, doc: str, ref: str | None = None) -> Column:
    return Column(name, "VARCHAR", doc, pattern=pattern, references=ref)


def _count(name: str, doc: str) -> Column:
    return Column(name, "INTEGER", doc, nonneg=True)


def _enum(name: str, values: tuple[str, ...], doc: str, nullable: bool = False) -> Column:
    return Column(name, "VARCHAR", doc, nullable=nullable, values=values)


# Zhengzhou's box with a margin (the city spans 112.7–114.2 °E, 34.3–34.9 °N): a point outside
# it is a typo or a swapped pair, not a place the dashboard can show.
CITY_LON = (112.5, 114.5)
CITY_LAT = (34.0, 35.2)


def _lonlat() -> tuple[Column, Column]:
    return (
        Column("lon", "DOUBLE", "longitude, degrees, GCJ-02", bounds=CITY_LON),
        Column("lat", "DOUBLE", "latitude, degrees, GCJ-02", bounds=CITY_LAT),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "districts",
        "one row per county-level unit (区/县/市)",
        ("district_code",),
        (
            _code("district_code", DISTRICT_CODE, "national division code (adcode), 6 digits"),
            Column("name_zh", "VARCHAR", "official name"),
            Column("name_en", "VARCHAR", "English name"),
            _enum("kind", ("district", "county", "city"), "区 / 县 / 县级市"),
            _enum("terrain", ("urban_core", "suburban", "plain", "hilly"), "dominant terrain"),
            _count("population", "resident population, persons"),
            Column("area_km2", "DOUBLE", "land area, km²", nonneg=True),
            Column(
                "boundary_geojson",
                "VARCHAR",
                "boundary as a GeoJSON geometry, GCJ-02",
                scan_pii=False,
            ),
        ),
        core=True,
    ),
    Table(
        "streets",
        "one row per street (街道), town (镇) or township (乡)",
        ("street_code",),
        (
            _code("street_code", STREET_CODE, "9-digit code: district code + 3 digits"),
            _code("district_code", DISTRICT_CODE, "unit it belongs to", "districts.district_code"),
            Column("name_zh", "VARCHAR", "name"),
            _enum("kind", ("street", "town", "township"), "街道 / 镇 / 乡"),
        ),
        core=True,
    ),
    Table(
        "communities",
        "one row per urban community (社区) or village (村)",
        ("community_code",),
        (
            _code("community_code", COMMUNITY_CODE, "12-digit code: street code + 3 digits"),
            _code("street_code", STREET_CODE, "street it belongs to", "streets.street_code"),
            Column("name_zh", "VARCHAR", "name"),
            _enum("kind", ("community", "village"), "社区 / 村"),
            _count("population", "resident population, persons"),
            _count("households", "households"),
            _count("people_65plus", "residents aged 65 or over, persons"),
            *_lonlat(),
            Column("flood_prone", "BOOLEAN", "in a mapped waterlogging or flash-flood area"),
            Column("hilly", "BOOLEAN", "in hilly terrain (landslide, mountain-torrent exposure)"),
        ),
        ordered=(("people_65plus", "population"),),
        core=True,
    ),
    Table(
        "grids",
        "one row per grid (网格)",
        ("grid_code",),
        (
            _code("grid_code", GRID_CODE, "16-digit code: community code + 4 digits"),
            _code(
                "community_code",
                COMMUNITY_CODE,
                "community it lies in",
                "communities.community_code",
            ),
            _enum("grid_type", GRID_TYPES, "社区网格 / 微网格 / 农村网格 / 专属网格"),
            _count("households", "households covered"),
            _count("workers", "grid workers (网格员), persons"),
            Column(
                "has_group", "BOOLEAN", "a full-time emergency group (专职应急小组) is assigned"
            ),
            Column("has_squad", "BOOLEAN", "an emergency squad (应急小队) is assigned"),
        ),
        core=True,
    ),
    Table(
        "hazards",
        "one row per hazard (隐患) found",
        ("hazard_id",),
        (
            Column("hazard_id", "VARCHAR", "identifier"),
            _code("grid_code", GRID_CODE, "grid where it was found", "grids.grid_code"),
            _enum("category", HAZARD_CATEGORIES, "hazard category"),
            _enum("severity", SEVERITIES, "一般隐患 / 重大隐患"),
            _enum("source", HAZARD_SOURCES, "how it was found"),
            Column("found_date", "DATE", "date found"),
            Column("deadline", "DATE", "date by which it must be rectified", future_ok=True),
            Column("rectified_date", "DATE", "date rectified; empty while open", nullable=True),
            _enum(
                "supervision_level",
                SUPERVISION_LEVELS,
                "挂牌督办 level of a major hazard; empty for general ones",
                nullable=True,
            ),
        ),
        ordered=(("found_date", "deadline"), ("found_date", "rectified_date")),
        rules=(
            (
                "supervision_level",
                "a supervision level on a general hazard, or none on a major one",
                "(severity = 'major') <> (supervision_level IS NOT NULL)",
            ),
        ),
        core=True,
    ),
    Table(
        "inspections",
        "one row per grid and ISO week in which the grid was patrolled",
        ("grid_code", "week_start"),
        (
            _code("grid_code", GRID_CODE, "grid patrolled", "grids.grid_code"),
            Column("week_start", "DATE", "Monday of the ISO week"),
            _count("patrols", "patrols (巡查) made in the week"),
            _count("items_checked", "check items inspected"),
            _count("items_compliant", "check items found compliant (符合)"),
        ),
        ordered=(("items_compliant", "items_checked"),),
        rules=(
            ("week_start", "dates that are not a Monday", "isodow(week_start) <> 1"),
            (
                "patrols",
                "rows without a patrol (a row means the grid was patrolled)",
                "patrols < 1",
            ),
        ),
        core=True,
    ),
    Table(
        "resource_norms",
        "one row per kind of emergency supply",
        ("item",),
        (
            _enum("item", RESOURCE_ITEMS, "supply kind"),
            Column("name_zh", "VARCHAR", "name"),
            Column("unit_zh", "VARCHAR", "counting unit"),
            Column("norm_per_1000", "DOUBLE", "stock expected per 1,000 residents", nonneg=True),
            Column("flood_item", "BOOLEAN", "needed for flood response (pumps, sandbags, …)"),
        ),
    ),
    Table(
        "depots",
        "one row per district-level supply depot (物资储备库)",
        ("depot_code",),
        (
            Column("depot_code", "VARCHAR", "identifier"),
            _code("district_code", DISTRICT_CODE, "owning unit", "districts.district_code"),
            Column("name_zh", "VARCHAR", "name"),
            *_lonlat(),
        ),
    ),
    Table(
        "resource_stocks",
        "one row per holder (community or depot) and supply kind, as of the as-of date",
        ("holder_code", "item"),
        (
            Column("holder_code", "VARCHAR", "community_code or depot_code"),
            _enum("holder_kind", ("community", "depot"), "what holder_code names"),
            _enum("item", RESOURCE_ITEMS, "supply kind", nullable=False),
            _count("quantity", "units in stock"),
        ),
    ),
    Table(
        "teams",
        "one row per emergency team",
        ("team_id",),
        (
            Column("team_id", "VARCHAR", "identifier"),
            _code("community_code", COMMUNITY_CODE, "home community", "communities.community_code"),
            _enum("team_type", TEAM_TYPES, "专职应急小组 / 应急小队 / 志愿者队 / 专业救援队"),
            _count("members", "members, persons"),
            Column("founded_date", "DATE", "date founded", history_years=50),
        ),
    ),
    Table(
        "drills",
        "one row per drill (演练) or training (培训) held",
        ("drill_id",),
        (
            Column("drill_id", "VARCHAR", "identifier"),
            _code("community_code", COMMUNITY_CODE, "community", "communities.community_code"),
            Column("held_date", "DATE", "date held"),
            _enum("kind", DRILL_KINDS, "演练 / 培训"),
            _enum("topic", DRILL_TOPICS, "subject"),
            _count("participants", "residents taking part, persons"),
            _count("participants_65plus", "of which aged 65 or over, persons"),
            _count("social_orgs", "social organisations taking part"),
        ),
        ordered=(("participants_65plus", "participants"),),
    ),
    Table(
        "social_orgs",
        "one row per community social organisation (社区社会组织)",
        ("org_id",),
        (
            Column("org_id", "VARCHAR", "identifier"),
            _code("community_code", COMMUNITY_CODE, "community", "communities.community_code"),
            _enum("org_type", ORG_TYPES, "志愿服务 / 公益慈善 / 救援 / 物业服务"),
            _count("members", "members, persons"),
        ),
    ),
    Table(
        "vulnerable_groups",
        "one row per community and group type (counts only: no personal data)",
        ("community_code", "group_type"),
        (
            _code("community_code", COMMUNITY_CODE, "community", "communities.community_code"),
            _enum(
                "group_type", VULNERABLE_TYPES, "独居老人 / 残疾人 / 重病患者 / 留守儿童 / 孕产妇"
            ),
            _count("people", "persons in the group"),
            _count("with_helper", "of which with an assigned helper (结对帮扶), persons"),
        ),
        ordered=(("with_helper", "people"),),
    ),
    Table(
        "shelters",
        "one row per emergency shelter (应急避难场所)",
        ("shelter_code",),
        (
            Column("shelter_code", "VARCHAR", "identifier"),
            _code("community_code", COMMUNITY_CODE, "host community", "communities.community_code"),
            Column("name_zh", "VARCHAR", "name"),
            _enum("shelter_class", SHELTER_CLASSES, "class I (> 30 days) / II / III (< 10 days)"),
            Column("area_m2", "DOUBLE", "usable area, m²", nonneg=True),
            _count("capacity", "places, persons"),
            *_lonlat(),
        ),
    ),
    Table(
        "readiness",
        "one row per community: the preparedness checklist",
        ("community_code",),
        (
            _code("community_code", COMMUNITY_CODE, "community", "communities.community_code"),
            Column("has_plan", "BOOLEAN", "an emergency plan (应急预案)"),
            Column("has_risk_map", "BOOLEAN", "a disaster-risk map (灾害风险地图)"),
            Column("has_evacuation_routes", "BOOLEAN", "evacuation routes marked (疏散路线)"),
            Column("has_vulnerable_list", "BOOLEAN", "a vulnerable-group list (弱势群体名单)"),
            Column("last_assessed", "DATE", "date of the last risk assessment", nullable=True),
        ),
    ),
    Table(
        "whistle_calls",
        "one row per community whistle (吹哨) to a department",
        ("call_id",),
        (
            Column("call_id", "VARCHAR", "identifier"),
            _code(
                "community_code", COMMUNITY_CODE, "calling community", "communities.community_code"
            ),
            _enum("department", DEPARTMENTS, "department called"),
            Column("called_at", "TIMESTAMP", "time of the call, local time"),
            Column("arrived_at", "TIMESTAMP", "time the department arrived", nullable=True),
            Column("resolved_at", "TIMESTAMP", "time the matter was resolved", nullable=True),
            Column("promised_hours", "DOUBLE", "promised arrival time, hours", nonneg=True),
        ),
        ordered=(("called_at", "arrived_at"), ("arrived_at", "resolved_at")),
    ),
    Table(
        "funding",
        "one row per unit and year",
        ("district_code", "year"),
        (
            _code("district_code", DISTRICT_CODE, "unit", "districts.district_code"),
            Column("year", "INTEGER", "calendar year"),
            Column(
                "prevention_wan", "DOUBLE", "prevention and preparation spending, 万元", nonneg=True
            ),
            Column("response_wan", "DOUBLE", "rescue and recovery spending, 万元", nonneg=True),
        ),
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}
