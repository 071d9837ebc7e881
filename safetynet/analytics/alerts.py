"""Early warning (预警): named rules over the marts, with thresholds from safetynet/analytics/alerts.toml.

`build_signals(con)` runs once at the end of a build. It reads and checks the configuration,
evaluates every enabled rule with one set-based query (all weeks at once, never a loop over weeks),
and writes two tables into the warehouse being built:

- `mart_signal_history`: one row per rule × place × week in which the rule fired, over the last
  `history.weeks` full weeks;
- `mart_signal`: the rows of the evaluated week (the latest full week unless told otherwise), with
  `since_week` and `weeks_running`, the current unbroken run of weeks in which the rule fired.

Thresholds, dates and lists are bound $parameters; the SQL text holds only names. Rules on data
that exists only as a snapshot (supply stock, helpers of vulnerable people) are evaluated for the
evaluated week only: their history has no earlier weeks and their run is not known.
docs/early-warning.md explains every rule.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from safetynet.analytics.metrics import RISK_CLASSES
from safetynet.warehouse.schema import RESOURCE_ITEMS, SUPERVISION_LEVELS

CONFIG_PATH = Path(__file__).with_name("alerts.toml")


# ---------------------------------------------------------------------------------------------
# The warning scale
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    rank: int  # 1 = red, the most severe; a smaller rank is always the worse level
    key: str
    zh: str
    en: str
    colour: str


# The same colours as the risk classes (safetynet.metrics), so a red signal and a "very high"
# risk look alike on every page.
_COLOUR = {c.key: c.colour for c in RISK_CLASSES}
LEVELS: tuple[Level, ...] = (
    Level(1, "red", "红色", "Red", _COLOUR["very_high"]),
    Level(2, "orange", "橙色", "Orange", _COLOUR["high"]),
    Level(3, "yellow", "黄色", "Yellow", _COLOUR["medium"]),
    Level(4, "blue", "蓝色", "Blue", _COLOUR["low"]),
)
LEVEL_BY_KEY = {level.key: level for level in LEVELS}


def _level_case(expr: str, direction: str, prefix: str = "") -> str:
    """SQL for the most severe level whose threshold `expr` crosses (NULL when none).

    The thresholds are the parameters $<prefix>red … $<prefix>blue; a level the configuration
    leaves out is bound as NULL, and a comparison with NULL never holds.
    """
    op = ">=" if direction == "above" else "<"
    whens = " ".join(f"WHEN {expr} {op} ${prefix}{lv.key}::DOUBLE THEN {lv.rank}" for lv in LEVELS)
    return f"CASE {whens} END"


def _thresholds(prefix: str = "") -> str:
    """SQL list of the thresholds in level order: list[rank] is the threshold of that level."""
    return "[" + ", ".join(f"${prefix}{lv.key}::DOUBLE" for lv in LEVELS) + "]"


# ---------------------------------------------------------------------------------------------
# Checking the configuration
# ---------------------------------------------------------------------------------------------


class ConfigError(ValueError):
    """alerts.toml lacks a key or holds a wrong value; the message names the key."""


Check = Callable[[str, Any], Any]  # (key, value) → the value to use, or raise ConfigError


def _integer(low: int, high: int | None = None) -> Check:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        if value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ConfigError(f"{key}: must be {span}, got {value}")
        return value

    return check


def _number(low: float, high: float | None = None, low_open: bool = False) -> Check:
    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        too_low = value <= low if low_open else value < low
        if too_low or (high is not None and value > high):
            bound = f"above {low}" if low_open else f"at least {low}"
            span = f"{bound} and at most {high}" if high is not None else bound
            raise ConfigError(f"{key}: must be {span}, got {value}")
        return float(value)

    return check


SHARE = _number(0.0, 1.0, low_open=True)  # a fraction: 0.95 = 95 %


def _choices(allowed: tuple[str, ...] | tuple[int, ...], what: str) -> Check:
    """A non-empty list of distinct values taken from `allowed`."""

    def check(key: str, value: Any) -> list:
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{key}: expected a non-empty list of {what}, got {value!r}")
        wrong = [v for v in value if isinstance(v, bool) or v not in allowed]
        if wrong:
            shown = ", ".join(repr(a) for a in allowed)
            raise ConfigError(f"{key}: {wrong[0]!r} is not one of {shown}")
        if len(set(value)) != len(value):
            raise ConfigError(f"{key}: lists a value twice: {value!r}")
        return list(value)

    return check


def _table(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table ([{key}]), got {value!r}")
    return value


def _levels(threshold: Check, direction: str) -> Check:
    """A table of thresholds by level name; at least one level, ordered as the direction says."""

    def check(key: str, value: Any) -> dict[str, float | None]:
        table = _table(key, value)
        unknown = [k for k in table if k not in LEVEL_BY_KEY]
        if unknown:
            raise ConfigError(
                f"{key}.{unknown[0]}: not a level; levels are red, orange, yellow, blue"
            )
        if not table:
            raise ConfigError(
                f"{key}: give a threshold for at least one of red, orange, yellow, blue"
            )
        given = [
            (lv.key, threshold(f"{key}.{lv.key}", table[lv.key]))
            for lv in LEVELS
            if lv.key in table
        ]
        for (worse, a), (milder, b) in itertools.pairwise(given):
            if direction == "above" and not a > b:
                raise ConfigError(
                    f"{key}: {worse} ({a:g}) must be above {milder} ({b:g}): the rule fires at or "
                    f"above its thresholds, so a more severe level needs a higher one"
                )
            if direction == "below" and not a < b:
                raise ConfigError(
                    f"{key}: {worse} ({a:g}) must be below {milder} ({b:g}): the rule fires below "
                    f"its thresholds, so a more severe level needs a lower one"
                )
        return {lv.key: dict(given).get(lv.key) for lv in LEVELS}

    return check


def _supervision(key: str, value: Any) -> dict[str, int | None]:
    """Supervision level (挂牌督办) → the least severe level a hazard under it raises its place to."""
    table = _table(key, value)
    for name, level in table.items():
        if name not in SUPERVISION_LEVELS:
            raise ConfigError(
                f"{key}.{name}: not a supervision level; use {', '.join(SUPERVISION_LEVELS)}"
            )
        if level not in LEVEL_BY_KEY:
            raise ConfigError(
                f"{key}.{name}: {level!r} is not a level; use red, orange, yellow, blue"
            )
    return {
        name: LEVEL_BY_KEY[table[name]].rank if name in table else None
        for name in SUPERVISION_LEVELS
    }


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule: what it measures (`sql`), how it is levelled, and how its reason reads.

    `sql` returns one row per place and week measured, with place_level, place_code, week_start,
    value (the figure the [levels] thresholds apply to), extra_level (a level reached by another
    figure, or NULL) and whatever the figures and reasons need. `figures`, `reason_zh` and
    `reason_en` are SQL expressions over those columns plus `threshold` (of the level reached by
    `value`) and the place's labels `p.label_zh` / `p.label_en`.
    """

    key: str
    zh: str
    en: str
    basis: str  # "weekly": every week; "snapshot": the evaluated week only
    unit: str  # of value: "share", "days", "z", "weeks"
    direction: str  # "above": fires when value ≥ threshold; "below": when value < threshold
    places: tuple[str, ...]  # place levels the rule can be evaluated for
    threshold: Check  # the check of one threshold value
    settings: Mapping[str, Check]  # the rule's own keys besides enabled, places and levels
    sql: str
    figures: str
    reason_zh: str
    reason_en: str


def _week_rows(columns: str) -> str:
    """Both place levels of the week marts: place_level, place_code, week_start, iso_week, …"""
    return f"""
    SELECT 'district' AS place_level, district_code AS place_code, week_start, iso_week, {columns}
    FROM mart_district_week
    WHERE list_contains($places, 'district') AND week_start <= $week
    UNION ALL
    SELECT 'street', street_code, week_start, iso_week, {columns}
    FROM mart_street_week
    WHERE list_contains($places, 'street') AND week_start <= $week
    """


RECTIFICATION_RATE = Rule(
    key="rectification_rate",
    zh="隐患整改率偏低",
    en="Low rectification rate",
    basis="weekly",
    unit="share",
    direction="below",
    places=("district", "street"),
    threshold=SHARE,
    settings={"min_found": _integer(1), "from_iso_week": _integer(1, 53)},
    sql=f"""
    WITH rows AS ({_week_rows("ytd_found, ytd_rectified")})
    SELECT place_level, place_code, week_start,
           ytd_rectified / ytd_found AS value, NULL::INTEGER AS extra_level,
           ytd_found AS found, ytd_rectified AS rectified
    FROM rows
    WHERE ytd_found >= $min_found AND iso_week >= $from_iso_week
    """,
    figures="json_object('rate', value, 'rectified', rectified, 'found', found)",
    reason_zh="format('{}隐患整改率（年内累计）{:.1f}%，低于{:g}%阈值（已整改{}/发现{}）', "
    "p.label_zh, value * 100, threshold * 100, rectified, found)",
    reason_en="format('{}: hazard rectification rate (year to date) {:.1f}%, below the {:g}% "
    "threshold ({} rectified of {} found)', p.label_en, value * 100, threshold * 100, rectified, found)",
)

# A major hazard is overdue at the end of week W when W is at or after its overdue_week (the first
# week ending past its deadline) and before its rectified_week: the same rule as overdue_end in
# mart_street_week. Days overdue are counted to the week's Sunday.
OVERDUE_MAJOR = Rule(
    key="overdue_major",
    zh="重大隐患逾期未整改",
    en="Major hazards overdue",
    basis="weekly",
    unit="days",
    direction="above",
    places=("street", "community"),
    threshold=_integer(1),
    settings={"supervision": _supervision},
    sql="""
    WITH weeks AS (SELECT week_start, week_end FROM dim_week WHERE week_start <= $week),
    overdue AS (
        SELECT h.street_code, h.community_code, h.supervision_level, w.week_start,
               datediff('day', h.deadline, w.week_end) AS days_overdue
        FROM mart_hazard h
        JOIN weeks w ON w.week_start >= h.overdue_week
                    AND (h.rectified_week IS NULL OR w.week_start < h.rectified_week)
        WHERE h.severity = 'major'
    ),
    at_place AS (
        SELECT 'street' AS place_level, street_code AS place_code, week_start, supervision_level,
               days_overdue
        FROM overdue WHERE list_contains($places, 'street')
        UNION ALL
        SELECT 'community', community_code, week_start, supervision_level, days_overdue
        FROM overdue WHERE list_contains($places, 'community')
    ),
    counted AS (
        SELECT place_level, place_code, week_start,
               count(*) AS hazards,
               max(days_overdue) AS days,
               count(*) FILTER (WHERE supervision_level = 'province') AS province,
               count(*) FILTER (WHERE supervision_level = 'city') AS city,
               count(*) FILTER (WHERE supervision_level = 'county') AS county,
               min(CASE supervision_level WHEN 'province' THEN $supervision_province::INTEGER
                                          WHEN 'city' THEN $supervision_city::INTEGER
                                          WHEN 'county' THEN $supervision_county::INTEGER END)
                   AS extra_level
        FROM at_place
        GROUP BY place_level, place_code, week_start
    )
    SELECT *, days AS value,
           concat_ws('、',
               CASE WHEN province > 0 THEN format('省级挂牌督办{}处', province) END,
               CASE WHEN city > 0 THEN format('市级挂牌督办{}处', city) END,
               CASE WHEN county > 0 THEN format('县级挂牌督办{}处', county) END) AS supervised_zh,
           concat_ws(', ',
               CASE WHEN province > 0 THEN format('{} under provincial supervision', province) END,
               CASE WHEN city > 0 THEN format('{} under city supervision', city) END,
               CASE WHEN county > 0 THEN format('{} under county supervision', county) END)
               AS supervised_en
    FROM counted
    """,
    figures="json_object('hazards', hazards, 'max_days_overdue', days, "
    "'province', province, 'city', city, 'county', county)",
    reason_zh="format('{}有{}处重大隐患逾期未整改，最长逾期{}天', p.label_zh, hazards, days) "
    "|| CASE WHEN supervised_zh <> '' THEN '（其中' || supervised_zh || '）' ELSE '' END",
    reason_en="format('{}: {} overdue major hazard(s), the longest {} days past its deadline', "
    "p.label_en, hazards, days) "
    "|| CASE WHEN supervised_en <> '' THEN ' (' || supervised_en || ')' ELSE '' END",
)

# The spread is never taken below √mean (how much a Poisson count varies) nor min_sd, so a flat
# history (sd = 0) or a street with few hazards does not turn a small rise into a signal.
NEW_HAZARDS_SURGE = Rule(
    key="new_hazards_surge",
    zh="新发现隐患异常增多",
    en="Surge in new hazards",
    basis="weekly",
    unit="z",
    direction="above",
    places=("district", "street"),
    threshold=_number(0.0, low_open=True),
    settings={
        "trailing_weeks": _integer(2, 52),
        "min_new": _integer(0),
        "min_sd": _number(0.0, low_open=True),
    },
    sql=f"""
    WITH rows AS ({_week_rows("new_hazards")}),
    stats AS (
        SELECT place_level, place_code, week_start, new_hazards,
               avg(new_hazards) OVER w AS mean,
               coalesce(stddev_samp(new_hazards) OVER w, 0) AS sd,
               count(*) OVER w AS weeks
        FROM rows
        WINDOW w AS (PARTITION BY place_level, place_code ORDER BY week_start
                     ROWS BETWEEN $trailing_weeks PRECEDING AND 1 PRECEDING)
    )
    SELECT place_level, place_code, week_start, new_hazards, mean, sd, weeks,
           greatest(sd, sqrt(mean), $min_sd) AS spread,
           (new_hazards - mean) / greatest(sd, sqrt(mean), $min_sd) AS value,
           NULL::INTEGER AS extra_level
    FROM stats
    WHERE weeks = $trailing_weeks AND new_hazards >= $min_new
    """,
    figures="json_object('z', value, 'new_hazards', new_hazards, 'trailing_weeks', weeks, "
    "'trailing_mean', mean, 'trailing_sd', sd, 'spread_used', spread)",
    reason_zh="format('{}本周新发现隐患{}处，前{}周平均{:.1f}处，z={:.1f}（≥{:g}；离散度按{:.1f}计）', "
    "p.label_zh, new_hazards, weeks, mean, value, threshold, spread)",
    reason_en="format('{}: {} new hazards this week against a mean of {:.1f} over the previous {} "
    "weeks, z = {:.1f} (≥ {:g}; spread taken as {:.1f})', p.label_en, new_hazards, mean, weeks, "
    "value, threshold, spread)",
)

# The run of a week is the number of weeks in a row, up to it, in which overdue_end rose against
# the week before; `before` is overdue_end in the week the run started from.
OVERDUE_RISING = Rule(
    key="overdue_rising",
    zh="逾期隐患持续上升",
    en="Overdue hazards rising",
    basis="weekly",
    unit="weeks",
    direction="above",
    places=("district", "street"),
    threshold=_integer(1),
    settings={"min_overdue": _integer(0)},
    sql=f"""
    WITH rows AS ({_week_rows("overdue_end")}),
    steps AS (
        SELECT *, coalesce(overdue_end > lag(overdue_end) OVER w, false) AS rising
        FROM rows
        WINDOW w AS (PARTITION BY place_level, place_code ORDER BY week_start)
    ),
    runs AS (
        SELECT *, sum((NOT rising)::INTEGER) OVER w AS run
        FROM steps
        WINDOW w AS (PARTITION BY place_level, place_code ORDER BY week_start)
    ),
    counted AS (
        SELECT place_level, place_code, week_start, overdue_end,
               row_number() OVER r - 1 AS value,
               first_value(overdue_end) OVER r AS before
        FROM runs
        WINDOW r AS (PARTITION BY place_level, place_code, run ORDER BY week_start)
    )
    SELECT *, NULL::INTEGER AS extra_level FROM counted WHERE overdue_end >= $min_overdue
    """,
    figures="json_object('weeks_rising', value, 'overdue', overdue_end, 'overdue_before', before)",
    reason_zh="format('{}逾期未整改隐患连续{}周上升，由{}处增至{}处（≥{:g}周）', "
    "p.label_zh, value, before, overdue_end, threshold)",
    reason_en="format('{}: overdue hazards rose {} weeks in a row, from {} to {} (threshold {:g} weeks)', "
    "p.label_en, value, before, overdue_end, threshold)",
)

# The norm is counted in whole units (norm_per_1000 × population ÷ 1000, rounded up), as a
# community would stock it. A week is in flood season when its Monday or Sunday is in `months`.
# An item is listed as short when below the mildest threshold given.
FLOOD_SUPPLIES = Rule(
    key="flood_supplies",
    zh="汛期易涝社区防汛物资不足",
    en="Flood supplies short in flood season",
    basis="snapshot",
    unit="share",
    direction="below",
    places=("community",),
    threshold=SHARE,
    settings={
        "months": _choices(tuple(range(1, 13)), "months 1–12"),
        "items": _choices(RESOURCE_ITEMS, "supply kinds"),
    },
    sql="""
    WITH season AS (
        SELECT week_start FROM dim_week
        WHERE week_start = $week
          AND (list_contains($months, month(week_start)) OR list_contains($months, month(week_end)))
    ),
    mildest AS (
        SELECT greatest($red::DOUBLE, $orange::DOUBLE, $yellow::DOUBLE, $blue::DOUBLE) AS threshold
    ),
    stock AS (
        SELECT c.community_code, n.item, n.name_zh AS item_zh, n.unit_zh,
               coalesce(s.quantity, 0) AS stock,
               ceil(n.norm_per_1000 * c.population / 1000.0)::INTEGER AS norm
        FROM dim_community c
        JOIN stg_resource_norms n ON list_contains($items, n.item)
        LEFT JOIN stg_resource_stocks s
            ON s.holder_kind = 'community' AND s.holder_code = c.community_code AND s.item = n.item
        WHERE c.flood_prone AND c.population > 0 AND n.norm_per_1000 > 0
          AND list_contains($places, 'community')
    ),
    shares AS (SELECT *, stock / norm AS share FROM stock)
    SELECT 'community' AS place_level, community_code AS place_code, season.week_start,
           min(share) AS value, NULL::INTEGER AS extra_level,
           string_agg(format('{}{}/{}{}（{:.0f}%）', item_zh, stock, norm, unit_zh, share * 100),
                      '、' ORDER BY item) FILTER (WHERE share < mildest.threshold) AS short_zh,
           string_agg(format('{} {}/{} ({:.0f}%)', item, stock, norm, share * 100),
                      ', ' ORDER BY item) FILTER (WHERE share < mildest.threshold) AS short_en,
           to_json(list({'item': item, 'stock': stock, 'norm': norm, 'share': share}
                        ORDER BY item)) AS items
    FROM shares, season, mildest
    GROUP BY community_code, season.week_start
    """,
    figures="json_object('lowest_share', value, 'items', items)",
    reason_zh="format('{}为易涝社区，汛期防汛物资低于定额：{}，最低为定额的{:.0f}%，低于{:g}%', "
    "p.label_zh, short_zh, value * 100, threshold * 100)",
    reason_en="format('{} (flood-prone), flood season: flood supplies below the norm: {}; the lowest "
    "at {:.0f}% of the norm, below {:g}%', p.label_en, short_en, value * 100, threshold * 100)",
)

VULNERABLE_WITHOUT_HELPER = Rule(
    key="vulnerable_without_helper",
    zh="弱势群体未落实结对帮扶",
    en="Vulnerable people without a helper",
    basis="snapshot",
    unit="share",
    direction="above",
    places=("community",),
    threshold=SHARE,
    settings={"min_without": _integer(0), "count_levels": _levels(_integer(1), "above")},
    sql=f"""
    SELECT 'community' AS place_level, community_code AS place_code, $week::DATE AS week_start,
           vulnerable, vulnerable - vulnerable_with_helper AS without,
           (vulnerable - vulnerable_with_helper) / vulnerable AS value,
           {_level_case("vulnerable - vulnerable_with_helper", "above", "count_levels_")}
               AS extra_level
    FROM mart_community
    WHERE list_contains($places, 'community') AND vulnerable > 0
      AND vulnerable - vulnerable_with_helper >= $min_without
    """,
    figures="json_object('share_without', value, 'without_helper', without, 'vulnerable', vulnerable)",
    reason_zh="format('{}弱势群体{}人中{}人未落实结对帮扶（占{:.1f}%）', "
    "p.label_zh, vulnerable, without, value * 100)",
    reason_en="format('{}: {} of {} vulnerable people have no assigned helper ({:.1f}%)', "
    "p.label_en, without, vulnerable, value * 100)",
)

RULES: tuple[Rule, ...] = (
    RECTIFICATION_RATE,
    OVERDUE_MAJOR,
    NEW_HAZARDS_SURGE,
    OVERDUE_RISING,
    FLOOD_SUPPLIES,
    VULNERABLE_WITHOUT_HELPER,
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


# ---------------------------------------------------------------------------------------------
# The configuration, read and checked
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleConfig:
    rule: Rule
    enabled: bool
    places: tuple[str, ...]
    levels: dict[str, float | None]  # level key → threshold, None where left out
    settings: dict[str, Any]


@dataclass(frozen=True)
class Config:
    history_weeks: int
    rules: tuple[RuleConfig, ...]

    def rule(self, key: str) -> RuleConfig:
        return next(rc for rc in self.rules if rc.rule.key == key)


def load_config(path: Path = CONFIG_PATH) -> Config:
    """Read and check alerts.toml; a ConfigError names the file and the key that is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from error
    return parse_config(data, path.name)


def parse_config(data: Mapping[str, Any], source: str = CONFIG_PATH.name) -> Config:
    """The checked configuration from a TOML document already read into a dict."""
    try:
        return _parse(data)
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None


def _parse(data: Mapping[str, Any]) -> Config:
    _no_unknown_keys("", data, {"history", "rules"})
    history = _table("history", _required("", data, "history"))
    _no_unknown_keys("history", history, {"weeks"})
    weeks = _integer(1, 520)("history.weeks", _required("history", history, "weeks"))
    rules = _table("rules", _required("", data, "rules"))
    unknown = [key for key in rules if key not in RULES_BY_KEY]
    if unknown:
        raise ConfigError(
            f"rules.{unknown[0]}: no such rule; the rules are {', '.join(RULES_BY_KEY)}"
        )
    return Config(weeks, tuple(_parse_rule(rule, rules) for rule in RULES))


def _parse_rule(rule: Rule, rules: Mapping[str, Any]) -> RuleConfig:
    where = f"rules.{rule.key}"
    if rule.key not in rules:
        raise ConfigError(
            f"{where}: missing; every rule needs its section (enabled = false to switch it off)"
        )
    table = _table(where, rules[rule.key])
    _no_unknown_keys(where, table, {"enabled", "places", "levels", *rule.settings})
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled: expected true or false, got {enabled!r}")
    places = _choices(rule.places, "place levels")(
        f"{where}.places", _required(where, table, "places")
    )
    levels = _levels(rule.threshold, rule.direction)(
        f"{where}.levels", _required(where, table, "levels")
    )
    settings = {
        key: check(f"{where}.{key}", _required(where, table, key))
        for key, check in rule.settings.items()
    }
    return RuleConfig(rule, enabled, tuple(places), levels, settings)


def _required(where: str, table: Mapping[str, Any], key: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where + '.' if where else ''}{key}: missing")
    return table[key]


def _no_unknown_keys(where: str, table: Mapping[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(
                f"{where + '.' if where else ''}{key}: unknown key; expected {', '.join(sorted(known))}"
            )


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------

# Each place a rule can fire for, with its labels: "金水区经八路街道" / "经八路街道, Jinshui".
PLACES_SQL = """
CREATE OR REPLACE TEMP TABLE _alert_place AS
SELECT 'district' AS place_level, d.district_code AS place_code, d.name_zh AS place_name,
       d.district_code, d.name_zh AS district_name, NULL::VARCHAR AS street_code,
       NULL::VARCHAR AS street_name, d.name_zh AS label_zh, d.name_en AS label_en
FROM dim_district d
UNION ALL
SELECT 'street', s.street_code, s.name_zh, s.district_code, d.name_zh, s.street_code, s.name_zh,
       d.name_zh || s.name_zh, s.name_zh || ', ' || d.name_en
FROM dim_street s JOIN dim_district d USING (district_code)
UNION ALL
SELECT 'community', c.community_code, c.name_zh, c.district_code, d.name_zh, c.street_code,
       s.name_zh, d.name_zh || s.name_zh || c.name_zh,
       c.name_zh || ', ' || s.name_zh || ', ' || d.name_en
FROM dim_community c
JOIN dim_street s USING (street_code)
JOIN dim_district d ON d.district_code = c.district_code
"""

FIRED_SQL = """
CREATE OR REPLACE TEMP TABLE _alert_fired (
    rule VARCHAR, place_level VARCHAR, place_code VARCHAR, week_start DATE,
    value DOUBLE, threshold DOUBLE, level INTEGER,
    figures VARCHAR, reason_zh VARCHAR, reason_en VARCHAR
)
"""

# The columns of both marts; mart_signal adds since_week and weeks_running.
SIGNAL_COLUMNS = """
    f.rule, r.rule_zh, r.rule_en, r.basis,
    f.level, lv.level_name, lv.level_zh, lv.level_en, lv.level_colour,
    f.place_level, f.place_code, p.place_name, p.district_code, p.district_name,
    p.street_code, p.street_name,
    f.week_start, w.week_end, w.iso_year, w.iso_week,
    f.value, r.unit, f.threshold, f.figures, f.reason_zh, f.reason_en
"""

HISTORY_SQL = f"""
CREATE OR REPLACE TABLE mart_signal_history AS
SELECT {SIGNAL_COLUMNS}
FROM _alert_fired f
JOIN _alert_rule r USING (rule)
JOIN _alert_level lv USING (level)
JOIN _alert_place p USING (place_level, place_code)
JOIN dim_week w USING (week_start)
WHERE f.week_start BETWEEN $first AND $week
ORDER BY f.week_start, f.level, f.rule, f.place_level, f.place_code
"""

# The current run of each signal: consecutive weeks (Mondays 7 days apart) share the same
# week_start − 7 × (row number), so that difference names the run. A run may start before the
# history's first week: it is counted over every week evaluated.
CURRENT_SQL = f"""
CREATE OR REPLACE TABLE mart_signal AS
WITH numbered AS (
    SELECT rule, place_level, place_code, week_start,
           week_start - 7 * (row_number() OVER (
               PARTITION BY rule, place_level, place_code ORDER BY week_start))::INTEGER AS run
    FROM _alert_fired
),
runs AS (
    SELECT rule, place_level, place_code, run,
           min(week_start) AS since_week, count(*)::INTEGER AS weeks_running
    FROM numbered
    GROUP BY ALL
),
current AS (
    SELECT n.rule, n.place_level, n.place_code, r.since_week, r.weeks_running
    FROM numbered n
    JOIN runs r USING (rule, place_level, place_code, run)
    WHERE n.week_start = $week
)
SELECT {SIGNAL_COLUMNS},
       CASE WHEN r.basis = 'weekly' THEN c.since_week END AS since_week,
       CASE WHEN r.basis = 'weekly' THEN c.weeks_running END AS weeks_running
FROM _alert_fired f
JOIN current c USING (rule, place_level, place_code)
JOIN _alert_rule r USING (rule)
JOIN _alert_level lv USING (level)
JOIN _alert_place p USING (place_level, place_code)
JOIN dim_week w USING (week_start)
WHERE f.week_start = $week
ORDER BY f.level, f.rule, p.district_code, f.place_level, f.place_code
"""


def _rule_sql(rule: Rule) -> str:
    """The rule's measurement, levelled, with its figures and reasons: rows for _alert_fired."""
    return f"""
    WITH measured AS ({rule.sql}),
    levelled AS (
        SELECT *, {_level_case("value", rule.direction)} AS value_level FROM measured
    ),
    fired AS (
        SELECT *, least(value_level, extra_level) AS level,
               {_thresholds()}[value_level] AS threshold
        FROM levelled
        WHERE least(value_level, extra_level) IS NOT NULL
    )
    SELECT $rule, place_level, place_code, week_start, value, threshold, level,
           ({rule.figures})::VARCHAR, {rule.reason_zh}, {rule.reason_en}
    FROM fired
    JOIN _alert_place p USING (place_level, place_code)
    """


def _rule_params(rc: RuleConfig, week: date) -> dict[str, Any]:
    """Every value the rule's SQL binds: the week, places, thresholds, the rule's own settings."""
    params: dict[str, Any] = {"rule": rc.rule.key, "week": week, "places": list(rc.places)}
    params |= rc.levels
    for key, value in rc.settings.items():
        if isinstance(value, dict):  # a table of thresholds or levels: one parameter per entry
            params |= {f"{key}_{name}": entry for name, entry in value.items()}
        else:
            params[key] = value
    return params


def _bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters the SQL names (DuckDB refuses any others); a missing one is a bug here."""
    return {name: params[name] for name in set(re.findall(r"\$(\w+)", sql))}


def evaluated_week(con: duckdb.DuckDBPyConnection, week: date | None = None) -> date | None:
    """The Monday of the week to evaluate: `week` if dim_week has it, else the latest full week
    (None when no week has ended yet: the marts are then written empty)."""
    first, last = con.sql("SELECT min(week_start), max(week_start) FROM dim_week").fetchall()[0]
    if week is None:
        return last
    found = con.sql("SELECT count(*) FROM dim_week WHERE week_start = $w", params={"w": week})
    if not found.fetchall()[0][0]:
        raise ValueError(
            f"week {week} is not the Monday of a full week in dim_week ({first} … {last})"
        )
    return week


def build_signals(
    con: duckdb.DuckDBPyConnection, config: Config | None = None, week: date | None = None
) -> None:
    """Evaluate every enabled rule and (re)write mart_signal_history and mart_signal.

    week: the Monday of the week to evaluate, the latest full week of dim_week by default.
    """
    config = config or load_config()
    week = evaluated_week(con, week)
    try:
        con.execute(PLACES_SQL)
        con.execute(FIRED_SQL)
        for rc in config.rules:
            if rc.enabled and week is not None:
                sql = _rule_sql(rc.rule)
                con.execute(f"INSERT INTO _alert_fired {sql}", _bind(sql, _rule_params(rc, week)))
        _write_marts(con, config, week)
    finally:  # the working tables are temporary: none of them stays in the warehouse
        for table in ("_alert_place", "_alert_fired", "_alert_rule", "_alert_level"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _write_marts(con: duckdb.DuckDBPyConnection, config: Config, week: date | None) -> None:
    rules = pl.DataFrame(
        [
            {"rule": r.key, "rule_zh": r.zh, "rule_en": r.en, "basis": r.basis, "unit": r.unit}
            for r in RULES
        ]
    )
    levels = pl.DataFrame(
        [
            {"level": lv.rank, "level_name": lv.key, "level_zh": lv.zh, "level_en": lv.en,
             "level_colour": lv.colour}
            for lv in LEVELS
        ],
        schema_overrides={"level": pl.Int32},
    )  # fmt: skip
    con.register("_alert_rule_frame", rules)
    con.register("_alert_level_frame", levels)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _alert_rule AS FROM _alert_rule_frame")
        con.execute("CREATE OR REPLACE TEMP TABLE _alert_level AS FROM _alert_level_frame")
    finally:
        con.unregister("_alert_rule_frame")
        con.unregister("_alert_level_frame")
    first = None if week is None else week - timedelta(weeks=config.history_weeks - 1)
    con.execute(HISTORY_SQL, {"week": week, "first": first})
    con.execute(CURRENT_SQL, {"week": week})
