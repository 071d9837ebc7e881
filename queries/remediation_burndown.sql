-- Weekly burn-down of open hazards over a window of whole ISO weeks, one line per group:
-- for each week, hazards found and rectified in it, and open (by age) and overdue at its end.
--   $level      'all' (one line) | 'district' | 'street' | 'category' | 'severity'
--   $district   a unit's code, or '' for the whole city
--   $street     a street's code, or '' for every street (of $district)
--   $category   a hazard category, or '' for all
--   $severity   'general' | 'major', or '' for both
--   $first, $last  dates: from the Monday of $first's week to the Sunday of $last's week, kept
--               within dim_week; every week of the window has a row for every group
-- Reads mart_remediation_week only. open_end of week W = open_end of W − 1 + found − rectified.
-- example: {"level": "all", "district": "410105", "street": "", "category": "", "severity": "", "first": "2026-06-01", "last": "2026-11-29"}
WITH win AS (
    SELECT greatest(date_trunc('week', $first::DATE)::DATE, min(week_start)) AS a,
           least(date_trunc('week', $last::DATE)::DATE, max(week_start)) AS b
    FROM dim_week
),
guard AS (
    SELECT CASE
        WHEN $level NOT IN ('all', 'district', 'street', 'category', 'severity')
            THEN error('remediation_burndown: $level must be '
                       || 'all, district, street, category or severity')
        WHEN a IS NULL OR a > b
            THEN error('remediation_burndown: the window holds no whole week of the data')
        ELSE true
    END AS ok
    FROM win
),
groups AS (
    SELECT group_code, group_name
    FROM remediation_groups($level, $district, $street, $category, $severity)
),
weekly AS (
    SELECT r.group_code, r.week_start,
           sum(r.found) AS found, sum(r.rectified) AS rectified,
           sum(r.open_end) AS open_end, sum(r.overdue_end) AS overdue_end,
           sum(r.open_0_7) AS open_0_7, sum(r.open_8_30) AS open_8_30,
           sum(r.open_31_90) AS open_31_90, sum(r.open_over_90) AS open_over_90,
           sum(r.supervised_county + r.supervised_city + r.supervised_province) AS supervised_open
    FROM remediation_week_rows($level, $district, $street, $category, $severity) r, win
    WHERE r.week_start BETWEEN win.a AND win.b
    GROUP BY ALL
)
SELECT $level AS level, g.group_code, g.group_name,
       w.week_start, w.week_end, w.iso_year, w.iso_week,
       win.a AS window_first, win.b + 6 AS window_last,
       coalesce(r.found, 0)::INTEGER AS found,
       coalesce(r.rectified, 0)::INTEGER AS rectified,
       coalesce(r.open_end, 0)::INTEGER AS open_end,
       coalesce(r.overdue_end, 0)::INTEGER AS overdue_end,
       coalesce(r.open_0_7, 0)::INTEGER AS open_0_7,
       coalesce(r.open_8_30, 0)::INTEGER AS open_8_30,
       coalesce(r.open_31_90, 0)::INTEGER AS open_31_90,
       coalesce(r.open_over_90, 0)::INTEGER AS open_over_90,
       coalesce(r.supervised_open, 0)::INTEGER AS supervised_open
FROM groups g
CROSS JOIN win
JOIN dim_week w ON w.week_start BETWEEN win.a AND win.b
LEFT JOIN weekly r ON r.group_code = g.group_code AND r.week_start = w.week_start
CROSS JOIN guard
WHERE guard.ok
ORDER BY g.group_code, w.week_start;
