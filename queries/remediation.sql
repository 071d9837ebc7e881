-- Hazard remediation over a window of whole ISO weeks, one row per place, category or severity
-- (definitions: docs/remediation.md).
--   $level      'district' | 'street' | 'community' | 'grid' | 'category' | 'severity'
--   $district   a unit's code, or '' for the whole city
--   $street     a street's code, or '' for every street (of $district)
--   $category   a hazard category, or '' for all
--   $severity   'general' | 'major', or '' for both
--   $first, $last  dates: the window runs from the Monday of $first's week to the Sunday of
--               $last's week, kept within dim_week (whole weeks ended by the as-of date);
--               window_first / window_last say which days were counted
-- Community rows need $district or $street, grid rows need $street, so a result stays in the
-- hundreds (a few thousand at province scale); otherwise the query fails saying so.
-- District, street, category and severity rows read mart_remediation_week and mart_rectified;
-- community and grid rows read mart_hazard, filtered to the district or street.
-- example: {"level": "street", "district": "410105", "street": "", "category": "", "severity": "", "first": "2026-06-01", "last": "2026-11-29"}
-- example: {"level": "community", "district": "410183", "street": "", "category": "", "severity": "", "first": "2026-01-01", "last": "2026-11-29"}
-- example: {"level": "grid", "district": "", "street": "410105001", "category": "", "severity": "", "first": "2026-01-01", "last": "2026-11-29"}
WITH win AS (
    SELECT greatest(date_trunc('week', $first::DATE)::DATE, min(week_start)) AS a,
           least(date_trunc('week', $last::DATE)::DATE, max(week_start)) AS b,
           least(date_trunc('week', $last::DATE)::DATE, max(week_start)) + 6 AS l
    FROM dim_week
),
guard AS (
    SELECT CASE
        WHEN $level NOT IN ('district', 'street', 'community', 'grid', 'category', 'severity')
            THEN error('remediation: $level must be '
                       || 'district, street, community, grid, category or severity')
        WHEN $level = 'community' AND $district = '' AND $street = ''
            THEN error('remediation: community rows need $district or $street')
        WHEN $level = 'grid' AND $street = ''
            THEN error('remediation: grid rows need $street')
        WHEN a IS NULL OR a > b
            THEN error('remediation: the window holds no whole week of the data')
        ELSE true
    END AS ok
    FROM win
),
-- The rows of the result, zeros included (the macro is in 70_mart_remediation.sql).
groups AS (
    SELECT * FROM remediation_groups($level, $district, $street, $category, $severity)
),
-- District, street, category, severity: the weeks up to the window's end b, summed first by
-- whether a week lies in the window and whether it is the window's last week.
weekly AS (
    SELECT r.group_code,
           r.week_start >= win.a AS in_window,
           r.week_start = win.b AS at_end,
           sum(r.found) AS found, sum(r.rectified) AS rectified,
           sum(r.open_end) AS open_end, sum(r.overdue_end) AS overdue_end,
           sum(r.open_0_7) AS open_0_7, sum(r.open_8_30) AS open_8_30,
           sum(r.open_31_90) AS open_31_90, sum(r.open_over_90) AS open_over_90,
           sum(r.supervised_county) AS supervised_county, sum(r.supervised_city) AS supervised_city,
           sum(r.supervised_province) AS supervised_province,
           sum(r.supervised_overdue) AS supervised_overdue
    FROM remediation_week_rows($level, $district, $street, $category, $severity) r, win
    WHERE $level IN ('district', 'street', 'category', 'severity')
      AND r.week_start <= win.b
    GROUP BY ALL
),
weekly_figures AS (
    SELECT group_code,
           sum(found) FILTER (WHERE in_window) AS found,
           sum(rectified) FILTER (WHERE in_window) AS rectified,
           sum(found) AS cumulative_found,
           sum(open_end) FILTER (WHERE at_end) AS open_end,
           sum(overdue_end) FILTER (WHERE at_end) AS overdue_end,
           sum(open_0_7) FILTER (WHERE at_end) AS open_0_7,
           sum(open_8_30) FILTER (WHERE at_end) AS open_8_30,
           sum(open_31_90) FILTER (WHERE at_end) AS open_31_90,
           sum(open_over_90) FILTER (WHERE at_end) AS open_over_90,
           sum(supervised_county) FILTER (WHERE at_end) AS supervised_county,
           sum(supervised_city) FILTER (WHERE at_end) AS supervised_city,
           sum(supervised_province) FILTER (WHERE at_end) AS supervised_province,
           sum(supervised_overdue) FILTER (WHERE at_end) AS supervised_overdue
    FROM weekly
    GROUP BY group_code
),
-- ... and the hazards rectified in the window, by week found and days taken.
rectified_weekly AS (
    SELECT CASE $level WHEN 'district' THEN r.district_code WHEN 'street' THEN r.street_code
                       WHEN 'category' THEN r.category ELSE r.severity END AS group_code,
           r.found_week >= win.a AS in_cohort,
           r.days_to_rectify AS days, r.hazards
    FROM mart_rectified r, win
    WHERE $level IN ('district', 'street', 'category', 'severity')
      AND r.rectified_week BETWEEN win.a AND win.b
      AND ($district = '' OR r.district_code = $district)
      AND ($street = '' OR r.street_code = $street)
      AND ($category = '' OR r.category = $category)
      AND ($severity = '' OR r.severity = $severity)
),
-- Community, grid: the hazards found up to the window's end l (a Sunday), from mart_hazard.
hazard_rows AS (
    SELECT CASE $level WHEN 'community' THEN h.community_code ELSE h.grid_code END AS group_code,
           h.found_date, h.deadline, h.rectified_date, h.supervision_level,
           h.days_to_rectify AS days,
           h.rectified_date IS NULL OR h.rectified_date > win.l AS open_at_l,
           win.a, win.l
    FROM mart_hazard h, win
    WHERE $level IN ('community', 'grid')
      AND h.found_date <= win.l
      AND ($district = '' OR h.district_code = $district)
      AND ($street = '' OR h.street_code = $street)
      AND ($category = '' OR h.category = $category)
      AND ($severity = '' OR h.severity = $severity)
),
hazard_figures AS (
    SELECT group_code,
           count(*) FILTER (WHERE found_date >= a) AS found,
           count(*) FILTER (WHERE rectified_date BETWEEN a AND l) AS rectified,
           count(*) AS cumulative_found,
           count(*) FILTER (WHERE open_at_l) AS open_end,
           count(*) FILTER (WHERE open_at_l AND deadline < l) AS overdue_end,
           count(*) FILTER (WHERE open_at_l AND l - found_date <= 7) AS open_0_7,
           count(*) FILTER (WHERE open_at_l AND l - found_date BETWEEN 8 AND 30) AS open_8_30,
           count(*) FILTER (WHERE open_at_l AND l - found_date BETWEEN 31 AND 90) AS open_31_90,
           count(*) FILTER (WHERE open_at_l AND l - found_date > 90) AS open_over_90,
           count(*) FILTER (WHERE open_at_l AND supervision_level = 'county') AS supervised_county,
           count(*) FILTER (WHERE open_at_l AND supervision_level = 'city') AS supervised_city,
           count(*) FILTER (WHERE open_at_l AND supervision_level = 'province')
               AS supervised_province,
           count(*) FILTER (WHERE open_at_l AND supervision_level IS NOT NULL AND deadline < l)
               AS supervised_overdue
    FROM hazard_rows
    GROUP BY group_code
),
rectified_hazards AS (
    SELECT group_code, found_date >= a AS in_cohort, days, 1 AS hazards
    FROM hazard_rows
    WHERE rectified_date BETWEEN a AND l
),
figures AS (
    SELECT * FROM weekly_figures
    UNION ALL BY NAME
    SELECT * FROM hazard_figures
),
-- Days to rectify, as a histogram per group; percentiles by nearest rank: the smallest number
-- of days d such that at least the share q of the hazards took d days or fewer (DuckDB's
-- quantile_disc), exact because days are whole numbers.
days AS (
    SELECT group_code, days, sum(hazards) AS n,
           sum(hazards) FILTER (WHERE in_cohort) AS n_cohort
    FROM (SELECT * FROM rectified_weekly UNION ALL BY NAME SELECT * FROM rectified_hazards)
    GROUP BY group_code, days
),
ranked AS (
    SELECT group_code, days, n_cohort,
           sum(n) OVER (PARTITION BY group_code ORDER BY days) AS up_to,
           sum(n) OVER (PARTITION BY group_code) AS total
    FROM days
),
rectified_stats AS (
    SELECT group_code,
           sum(n_cohort) AS cohort_rectified,
           min(days) FILTER (WHERE 2 * up_to >= total) AS days_median,
           min(days) FILTER (WHERE 10 * up_to >= 9 * total) AS days_p90
    FROM ranked
    GROUP BY group_code
)
SELECT $level AS level, g.group_code, g.group_name, g.district_code, g.street_code,
       win.a AS window_first, win.l AS window_last, ((win.b - win.a) // 7 + 1)::INTEGER AS weeks,
       -- flows in the window
       coalesce(f.found, 0)::INTEGER AS found,
       coalesce(f.rectified, 0)::INTEGER AS rectified,
       -- cohort (队列整改率): of the hazards found in the window, rectified by its end
       coalesce(s.cohort_rectified, 0)::INTEGER AS cohort_rectified,
       coalesce(s.cohort_rectified, 0) / nullif(f.found, 0) AS cohort_rate,
       -- cumulative (累计整改率): of all hazards found up to the window's end, rectified by then
       -- (everything found by then is either rectified or still open)
       coalesce(f.cumulative_found, 0)::INTEGER AS cumulative_found,
       (coalesce(f.cumulative_found, 0) - coalesce(f.open_end, 0))::INTEGER
           AS cumulative_rectified,
       (f.cumulative_found - coalesce(f.open_end, 0)) / nullif(f.cumulative_found, 0)
           AS cumulative_rate,
       -- stocks at the window's end (Sunday window_last)
       coalesce(f.open_end, 0)::INTEGER AS open_end,
       coalesce(f.overdue_end, 0)::INTEGER AS overdue_end,
       coalesce(f.open_0_7, 0)::INTEGER AS open_0_7,
       coalesce(f.open_8_30, 0)::INTEGER AS open_8_30,
       coalesce(f.open_31_90, 0)::INTEGER AS open_31_90,
       coalesce(f.open_over_90, 0)::INTEGER AS open_over_90,
       -- days to rectify of the hazards rectified in the window (found at any time)
       s.days_median::INTEGER AS rectify_days_median,
       s.days_p90::INTEGER AS rectify_days_p90,
       -- major hazards under supervision (挂牌督办) open at the window's end
       (coalesce(f.supervised_county, 0) + coalesce(f.supervised_city, 0)
        + coalesce(f.supervised_province, 0))::INTEGER
           AS supervised_open,
       coalesce(f.supervised_county, 0)::INTEGER AS supervised_county,
       coalesce(f.supervised_city, 0)::INTEGER AS supervised_city,
       coalesce(f.supervised_province, 0)::INTEGER AS supervised_province,
       coalesce(f.supervised_overdue, 0)::INTEGER AS supervised_overdue
FROM groups g
LEFT JOIN figures f USING (group_code)
LEFT JOIN rectified_stats s USING (group_code)
CROSS JOIN win
CROSS JOIN guard
WHERE guard.ok
ORDER BY g.group_code;
