-- Early-warning signals (预警信号) firing in the latest full week, the most severe first.
--   $district  a unit's code to keep only signals of it and of its streets and communities,
--              or '' for the whole city
--   $level     1–4: signals at this level or a more severe one (1 = red only … 4 = all)
--   $rule      a rule key (rectification_rate, overdue_major, new_hazards_surge, overdue_rising,
--              flood_supplies, vulnerable_without_helper), or '' for every rule
-- Reads mart_signal only (one row per rule and place firing, a few thousand at most).
-- week_start / week_end: the week each signal refers to; value (in unit) is the figure the rule's
-- thresholds apply to, threshold the one crossed; figures holds every figure as JSON, reason_zh /
-- reason_en say why in one line. since_week / weeks_running: the current unbroken run of weeks in
-- which the rule fired there; empty for rules evaluated on a snapshot (basis = 'snapshot').
-- Levels and colours: docs/early-warning.md.
-- example: {"district": "", "level": 4, "rule": ""}
SELECT rule, rule_zh, rule_en, basis,
       level, level_name, level_zh, level_en, level_colour,
       place_level, place_code, place_name, district_code, district_name, street_code, street_name,
       week_start, week_end, iso_year, iso_week,
       value, unit, threshold, figures, reason_zh, reason_en,
       since_week, weeks_running
FROM mart_signal
WHERE ($district = '' OR district_code = $district)
  AND level <= $level
  AND ($rule = '' OR rule = $rule)
ORDER BY level, weeks_running DESC NULLS LAST, rule, district_code, place_level, place_code;
