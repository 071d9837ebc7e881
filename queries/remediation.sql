-- Hazard remediation over a window of whole ISO weeks, one row for the city or per place,
-- category or severity (definitions: docs/remediation.md).
--   $level      'city' (one row, 410100 郑州市) | 'district' | 'street' | 'community' | 'grid'
--               | 'category' | 'severity'
--   $district   a unit's code, or '' for the whole city
--   $street     a street's code, or '' for every street (of $district)
--   $category   a hazard category, or '' for all
--   $severity   'general' | 'major', or '' for both
--   $first, $last  dates: the window runs from the Monday of $first's week to the Sunday of
--               $last's week, kept within dim_week (whole weeks ended by the as-of date);
--               window_first / window_last say which days were counted
-- Community rows need $district or $street, grid rows need $street, so a result stays in the
-- hundreds (a few thousand at province scale); otherwise the query fails saying so.
-- City, district, street, category and severity rows read mart_remediation_week and
-- mart_rectified; community and grid rows read mart_hazard, filtered to the district or street.
-- example: {"level": "street", "district": "410105", "street": "", "category": "", "severity": "", "first": "2026-06-01", "last": "2026-11-29"}
-- example: {"level": "community", "district": "410183", "street": "", "category": "", "severity": "", "first": "2026-01-01", "last": "2026-11-29"}
-- example: {"level": "grid", "district": "", "street": "410105001", "category": "", "severity": "", "first": "2026-01-01", "last": "2026-11-29"}
-- example: {"level": "city", "district": "", "street": "", "category": "", "severity": "", "first": "2026-11-23", "last": "2026-11-29"}
WITH bounds AS (
    SELECT greatest(date_trunc('week', $first::DATE)::DATE, min(week_start)) AS a,
           least(date_trunc('week', $last::DATE)::DATE, max(week_start)) AS b
    FROM dim_week
),
-- The window: Mondays a (first week) and b (last week), Sunday l (its last day), and 1 January
-- of b's ISO year (hazards open at l and found before it are carried over).
win AS (
    SELECT a, b, b + 6 AS l, make_date(isoyear(b), 1, 1) AS year_start FROM bounds
),
guard AS (
    SELECT CASE
        WHEN $level NOT IN ('city', 'district', 'street', 'community', 'grid', 'category',
                            'severity')
            THEN error('remediation: $level must be '
                       || 'city, district, street, community, grid, category or severity')
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
-- City, district, street, category, severity: flows summed over the weeks up to the window's
-- end, by whether a week lies in the window and whether its hazards are major ... The marts hold
-- only weeks of dim_week, so the dates given bound the scan as they are, and it skips the row
-- groups of later weeks.
weekly_flows AS (
    SELECT r.group_code,
           r.week_start >= date_trunc('week', $first::DATE) AS in_window,
           r.severity = 'major' AS major,
           sum(r.found) AS found, sum(r.rectified) AS rectified,
           sum(r.rectified_on_time) AS rectified_on_time
    FROM remediation_week_rows($level, $district, $street, $category, $severity) r
    WHERE $level IN ('city', 'district', 'street', 'category', 'severity')
      AND r.week_start <= date_trunc('week', $last::DATE)
    GROUP BY ALL
),
-- ... and stocks read in the window's last week alone.
weekly_stocks AS (
    SELECT r.group_code,
           sum(r.open_end) AS open_end,
           sum(r.open_end) FILTER (WHERE r.severity = 'major') AS major_open_end,
           sum(r.carried_open_end) AS carried_open_end,
           sum(r.overdue_end) AS overdue_end,
           sum(r.open_0_7) AS open_0_7, sum(r.open_8_30) AS open_8_30,
           sum(r.open_31_90) AS open_31_90, sum(r.open_over_90) AS open_over_90,
           sum(r.supervised_county) AS supervised_county, sum(r.supervised_city) AS supervised_city,
           sum(r.supervised_province) AS supervised_province,
           sum(r.supervised_overdue) AS supervised_overdue
    FROM remediation_week_rows($level, $district, $street, $category, $severity) r, win
    WHERE $level IN ('city', 'district', 'street', 'category', 'severity')
      AND r.week_start = win.b
    GROUP BY ALL
),
weekly_figures AS (
    SELECT *
    FROM (SELECT group_code,
                 sum(found) FILTER (WHERE in_window) AS found,
                 sum(rectified) FILTER (WHERE in_window) AS rectified,
                 sum(rectified_on_time) FILTER (WHERE in_window) AS rectified_on_time,
                 sum(found) AS cumulative_found,
                 sum(found) FILTER (WHERE in_window AND major) AS major_found,
                 sum(found) FILTER (WHERE major) AS major_cumulative_found
          FROM weekly_flows
          GROUP BY group_code)
    FULL JOIN weekly_stocks USING (group_code)
),
-- ... and the hazards rectified in the window, by week found and days taken.
rectified_weekly AS (
    SELECT CASE $level WHEN 'district' THEN r.district_code WHEN 'street' THEN r.street_code
                       WHEN 'category' THEN r.category WHEN 'severity' THEN r.severity
                       ELSE '410100' END AS group_code,
           r.found_week >= date_trunc('week', $first::DATE) AS in_cohort,
           r.severity = 'major' AS major,
           r.days_to_rectify AS days, r.hazards
    FROM mart_rectified r
    WHERE $level IN ('city', 'district', 'street', 'category', 'severity')
      AND r.rectified_week BETWEEN date_trunc('week', $first::DATE)
                               AND date_trunc('week', $last::DATE)
      AND ($district = '' OR r.district_code = $district)
      AND ($street = '' OR r.street_code = $street)
      AND ($category = '' OR r.category = $category)
      AND ($severity = '' OR r.severity = $severity)
),
-- Community, grid: the hazards found up to the window's end l (a Sunday), from mart_hazard.
hazard_rows AS (
    SELECT CASE $level WHEN 'community' THEN h.community_code ELSE h.grid_code END AS group_code,
           h.found_date, h.deadline, h.rectified_date, h.supervision_level,
           h.severity = 'major' AS major,
           h.days_to_rectify AS days,
           h.rectified_date IS NULL OR h.rectified_date > win.l AS open_at_l,
           h.found_date < win.year_start AS before_year,
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
           count(*) FILTER (WHERE rectified_date BETWEEN a AND l AND rectified_date <= deadline)
               AS rectified_on_time,
           count(*) AS cumulative_found,
           count(*) FILTER (WHERE major AND found_date >= a) AS major_found,
           count(*) FILTER (WHERE major) AS major_cumulative_found,
           count(*) FILTER (WHERE open_at_l) AS open_end,
           count(*) FILTER (WHERE open_at_l AND major) AS major_open_end,
           count(*) FILTER (WHERE open_at_l AND before_year) AS carried_open_end,
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
    SELECT group_code, found_date >= a AS in_cohort, major, days, 1 AS hazards
    FROM hazard_rows
    WHERE rectified_date BETWEEN a AND l
),
figures AS (
    SELECT * FROM weekly_figures
    UNION ALL BY NAME
    SELECT * FROM hazard_figures
),
-- Days to rectify of the hazards rectified in the window, as a histogram per group.
days AS (
    SELECT group_code, days, sum(hazards) AS n,
           sum(hazards) FILTER (WHERE in_cohort) AS n_cohort,
           sum(hazards) FILTER (WHERE major) AS n_major,
           sum(hazards) FILTER (WHERE major AND in_cohort) AS n_major_cohort
    FROM (SELECT * FROM rectified_weekly UNION ALL BY NAME SELECT * FROM rectified_hazards)
    GROUP BY group_code, days
),
ranked AS (
    SELECT d.*, win.b + 7 - win.a AS window_days,
           sum(n) OVER (PARTITION BY group_code ORDER BY days) AS up_to,
           sum(n) OVER (PARTITION BY group_code) AS total
    FROM days d, win
),
-- Percentiles by nearest rank: the smallest number of days d such that at least the share q of
-- the hazards took d days or fewer (DuckDB's quantile_disc), exact because days are whole
-- numbers. Young-cohort gap: a hazard found k days before the window's end (k = 0 … D − 1, D the
-- window's days) that takes T days to rectify is still open at the end when T > k, so of a
-- steady stream found over the window the share min(T, D) / D is open at its end only because
-- it was found too recently. Averaged over the window's own times to rectify, that is how far
-- below a mature cohort the cohort rate reads by construction.
rectified_stats AS (
    SELECT group_code,
           sum(n_cohort) AS cohort_rectified,
           sum(n_major_cohort) AS major_cohort_rectified,
           min(days) FILTER (WHERE 2 * up_to >= total) AS days_median,
           min(days) FILTER (WHERE 10 * up_to >= 9 * total) AS days_p90,
           sum(n * least(days, window_days)) / (any_value(window_days) * sum(n)) AS young_gap,
           sum(n_major * least(days, window_days)) / (any_value(window_days) * sum(n_major))
               AS major_young_gap
    FROM ranked
    GROUP BY group_code
)
SELECT $level AS level, g.group_code, g.group_name, g.district_code, g.street_code,
       win.a AS window_first, win.l AS window_last, ((win.b - win.a) // 7 + 1)::INTEGER AS weeks,
       -- flows in the window
       coalesce(f.found, 0)::INTEGER AS found,
       coalesce(f.rectified, 0)::INTEGER AS rectified,
       -- on time (按期整改率): of the hazards rectified in the window, rectified by their deadline
       coalesce(f.rectified_on_time, 0)::INTEGER AS rectified_on_time,
       f.rectified_on_time / nullif(f.rectified, 0) AS on_time_rate,
       -- cohort (队列整改率): of the hazards found in the window, rectified by its end
       coalesce(s.cohort_rectified, 0)::INTEGER AS cohort_rectified,
       coalesce(s.cohort_rectified, 0) / nullif(f.found, 0) AS cohort_rate,
       -- a cohort rate the window's length alone pulls down by more than 10 points is young
       s.young_gap AS cohort_young_gap,
       s.young_gap > 0.1 AS cohort_is_young,
       -- cumulative (累计整改率): of all hazards found up to the window's end, rectified by then
       -- (everything found by then is either rectified or still open)
       coalesce(f.cumulative_found, 0)::INTEGER AS cumulative_found,
       (coalesce(f.cumulative_found, 0) - coalesce(f.open_end, 0))::INTEGER
           AS cumulative_rectified,
       (f.cumulative_found - coalesce(f.open_end, 0)) / nullif(f.cumulative_found, 0)
           AS cumulative_rate,
       -- major hazards (重大隐患整改率): the same two rates over major hazards only
       coalesce(f.major_found, 0)::INTEGER AS major_found,
       coalesce(s.major_cohort_rectified, 0)::INTEGER AS major_cohort_rectified,
       coalesce(s.major_cohort_rectified, 0) / nullif(f.major_found, 0) AS major_cohort_rate,
       s.major_young_gap AS major_cohort_young_gap,
       s.major_young_gap > 0.1 AS major_cohort_is_young,
       coalesce(f.major_cumulative_found, 0)::INTEGER AS major_cumulative_found,
       (coalesce(f.major_cumulative_found, 0) - coalesce(f.major_open_end, 0))::INTEGER
           AS major_cumulative_rectified,
       (f.major_cumulative_found - coalesce(f.major_open_end, 0))
           / nullif(f.major_cumulative_found, 0) AS major_cumulative_rate,
       -- stocks at the window's end (Sunday window_last)
       coalesce(f.open_end, 0)::INTEGER AS open_end,
       -- carried over (往年结转未整改): open, and found before year_start (1 January of the
       -- ISO year of the window's last week)
       win.year_start,
       coalesce(f.carried_open_end, 0)::INTEGER AS carried_open_end,
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
