-- Every community of a unit with hazards overdue at the end of the chosen week, the most overdue
-- first (then the most open): the drill-down's way from a unit to its overdue hazards in one click
-- (docs/drill-down.md).
--   $district  a unit's code
--   $week      Monday of the chosen ISO week; hazards are read at its Sunday
-- Counts as drill_local.sql does: open at the Sunday = found by then and not rectified by then;
-- overdue = open and past the deadline; supervised = open and under supervision (挂牌督办).
-- Reads the unit's rows of mart_hazard only (stored by place).
-- example: {"district": "410105", "week": "2026-11-23"}
WITH open_hazards AS (
    SELECT community_code, street_code, deadline, supervision_level
    FROM mart_hazard
    WHERE district_code = $district
      AND found_date <= $week::DATE + 6
      AND (rectified_date IS NULL OR rectified_date > $week::DATE + 6)
),
counts AS (
    SELECT community_code, street_code,
           count(*) FILTER (WHERE deadline < $week::DATE + 6) AS overdue,
           count(*) AS open_hazards,
           count(*) FILTER (WHERE supervision_level IS NOT NULL) AS supervised_open
    FROM open_hazards
    GROUP BY ALL
)
SELECT k.community_code AS place_code, c.name_zh, k.street_code, s.name_zh AS street_name,
       k.overdue::INTEGER AS overdue, k.open_hazards::INTEGER AS open_hazards,
       k.supervised_open::INTEGER AS supervised_open
FROM counts k
JOIN dim_community c ON c.community_code = k.community_code AND c.district_code = $district
JOIN dim_street s ON s.street_code = k.street_code AND s.district_code = $district
WHERE k.overdue > 0
ORDER BY overdue DESC, open_hazards DESC, place_code;
