-- One grid's people and teams, and its patrols in the 8 weeks up to the chosen week, one row per
-- week, weeks without a patrol included (docs/drill-down.md).
--   $grid  a grid's code
--   $week  Monday of the last week shown
-- example: {"grid": "4101050010020001", "week": "2026-11-23"}
WITH weeks AS (
    SELECT week_start, iso_year, iso_week FROM dim_week
    WHERE week_start BETWEEN $week::DATE - INTERVAL 7 WEEK AND $week
)
SELECT g.grid_code, g.grid_type, g.households, g.workers, g.has_group, g.has_squad,
       w.week_start, w.iso_year, w.iso_week,
       coalesce(i.patrols, 0)::INTEGER AS patrols,
       coalesce(i.items_checked, 0)::INTEGER AS items_checked,
       coalesce(i.items_compliant, 0)::INTEGER AS items_compliant,
       i.items_compliant / nullif(i.items_checked, 0) AS compliance_rate
FROM dim_grid g
CROSS JOIN weeks w
LEFT JOIN stg_inspections i ON i.grid_code = g.grid_code AND i.week_start = w.week_start
WHERE g.grid_code = $grid
ORDER BY w.week_start;
