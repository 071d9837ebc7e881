-- When early-warning signals fired (预警历史): one row per rule × place × week in which the rule
-- fired, for a place (and the places inside it) and/or a rule, over a range of weeks.
--   $place        a district (6 digits), street (9) or community (12) code: rows of that place
--                 and of the streets and communities inside it; '' for every place
--   $rule         a rule key, or '' for every rule
--   $first, $last Mondays of the first and last week (inclusive)
-- Reads mart_signal_history, which keeps the last 52 full weeks. Rules evaluated on a snapshot
-- (basis = 'snapshot': flood_supplies, vulnerable_without_helper) have a row for the latest
-- week only. week_start / week_end say the week each row refers to.
-- example: {"place": "410105", "rule": "", "first": "2025-12-01", "last": "2026-11-23"}
SELECT rule, rule_zh, rule_en, basis,
       level, level_name, level_zh, level_en, level_colour,
       place_level, place_code, place_name, district_code, district_name, street_code, street_name,
       week_start, week_end, iso_year, iso_week,
       value, unit, threshold, figures, reason_zh, reason_en
FROM mart_signal_history
WHERE ($place = '' OR place_code = $place OR street_code = $place OR district_code = $place)
  AND ($rule = '' OR rule = $rule)
  AND week_start BETWEEN $first AND $last
ORDER BY week_start, level, rule, place_level, place_code;
