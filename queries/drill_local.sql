-- The drill-down's core figures for the chosen week at the lower levels: the communities of one
-- street, or the grids of one community (docs/drill-down.md; above them the page reads
-- figures.sql and risk_places.sql).
--   $level   'community' | 'grid'
--   $parent  the street whose communities, or the community whose grids, these are
--   $week    Monday of the chosen ISO week; stocks are read at its Sunday
-- The figures of figures.sql, counted from the parent's hazards (mart_hazard) and patrols
-- (stg_inspections) as mart_street_week counts them: a hazard is open at the end of the weeks
-- from its found week up to its rectified week, overdue from its overdue week, in the year's
-- cohort from its found week up to the first week of the next ISO year of its found date's year,
-- i.e. in week W's cohort when found by W and on or after 1 January of W's ISO year.
-- A grid has no risk index; its name is dim_grid's.
-- example: {"level": "community", "parent": "410105001", "week": "2026-11-23"}
-- example: {"level": "grid", "parent": "410105001002", "week": "2026-11-23"}
-- the next example is the street with the most grids at province scale (8,338 in 212 communities)
-- example: {"level": "community", "parent": "410182001", "week": "2026-11-23"}
WITH hazards AS (
    SELECT CASE $level WHEN 'community' THEN community_code ELSE grid_code END AS place_code,
           severity, found_week, overdue_week, rectified_date, deadline,
           rectified_week IS NULL OR rectified_week > $week AS open_at_end,
           -- a comparison with one date, not a date computed per hazard
           found_date >= make_date(isoyear($week::DATE), 1, 1) AS in_cohort,
           -- rectified from the first ISO week of the week's year up to the week: 按期整改率's base
           rectified_week BETWEEN date_trunc('week', make_date(isoyear($week::DATE), 1, 4))
                              AND $week AS rectified_this_year
    FROM mart_hazard
    WHERE found_week <= $week
      AND (CASE $level WHEN 'community' THEN street_code ELSE community_code END) = $parent
),
hazard_figures AS (
    SELECT place_code,
           count(*) FILTER (WHERE found_week = $week) AS new_hazards,
           count(*) FILTER (WHERE found_week = $week AND severity = 'major') AS new_major,
           count(*) FILTER (WHERE open_at_end) AS open_hazards,
           count(*) FILTER (WHERE open_at_end AND severity = 'major') AS major_open,
           count(*) FILTER (WHERE open_at_end AND overdue_week <= $week) AS overdue,
           count(*) FILTER (WHERE in_cohort) AS ytd_found,
           count(*) FILTER (WHERE in_cohort AND NOT open_at_end) AS ytd_rectified,
           count(*) FILTER (WHERE rectified_this_year) AS year_rectified,
           count(*) FILTER (WHERE rectified_this_year AND rectified_date <= deadline)
               AS year_rectified_on_time
    FROM hazards
    GROUP BY place_code
),
grids AS (
    SELECT grid_code, CASE $level WHEN 'community' THEN community_code ELSE grid_code END
               AS place_code
    FROM dim_grid
    WHERE (CASE $level WHEN 'community' THEN street_code ELSE community_code END) = $parent
),
patrols AS (
    SELECT g.place_code, sum(i.items_checked) AS items_checked,
           sum(i.items_compliant) AS items_compliant
    FROM grids g JOIN stg_inspections i USING (grid_code)
    WHERE i.week_start = $week
      -- stg_inspections is stored by grid: the range of the parent's grid codes lets the scan
      -- skip every other row group (DuckDB does not push a large join's keys down by itself)
      AND i.grid_code BETWEEN (SELECT min(grid_code) FROM grids) AND (SELECT max(grid_code) FROM grids)
    GROUP BY ALL
),
places AS (
    SELECT community_code AS place_code, name_zh, name_zh AS name_en, population::BIGINT AS population
    FROM dim_community WHERE $level = 'community' AND street_code = $parent
    UNION ALL
    SELECT grid_code, name_zh, name_en, NULL
    FROM dim_grid WHERE $level = 'grid' AND community_code = $parent
)
SELECT $level AS level, p.place_code, p.name_zh, p.name_en, p.population,
       coalesce(h.new_hazards, 0)::INTEGER AS new_hazards,
       coalesce(h.new_major, 0)::INTEGER AS new_major,
       coalesce(h.open_hazards, 0)::INTEGER AS open_hazards,
       coalesce(h.major_open, 0)::INTEGER AS major_open,
       coalesce(h.overdue, 0)::INTEGER AS overdue,
       coalesce(h.ytd_found, 0)::INTEGER AS ytd_found,
       coalesce(h.ytd_rectified, 0)::INTEGER AS ytd_rectified,
       h.ytd_rectified / nullif(h.ytd_found, 0) AS rectification_rate,
       coalesce(h.year_rectified, 0)::INTEGER AS year_rectified,
       coalesce(h.year_rectified_on_time, 0)::INTEGER AS year_rectified_on_time,
       h.year_rectified_on_time / nullif(h.year_rectified, 0) AS on_time_rate,
       coalesce(x.items_checked, 0)::BIGINT AS items_checked,
       coalesce(x.items_compliant, 0)::BIGINT AS items_compliant,
       x.items_compliant / nullif(x.items_checked, 0) AS compliance_rate,
       r.risk, r.risk_class, r.risk_class_zh, r.risk_class_en, r.risk_colour
FROM places p
LEFT JOIN hazard_figures h USING (place_code)
LEFT JOIN patrols x USING (place_code)
-- the parent street bounds the scan of the risk mart (else: the month's rows of every community)
LEFT JOIN mart_risk_community_month r
       ON $level = 'community' AND r.community_code = p.place_code
      AND r.month = date_trunc('month', $week::DATE + 6) AND r.street_code = $parent
ORDER BY p.place_code;
