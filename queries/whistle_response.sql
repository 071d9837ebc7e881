-- Department response to community whistles (吹哨报到) for the calls made in a window of dates,
-- one row for the city, per department or per district: how fast they arrived, how many within
-- the promised time, how many were resolved. Outcomes as recorded at the end of the as-of day.
--   $by          'city' (one row, 410100 郑州市) | 'department' | 'district'
--   $district    a unit's code, or '' for the whole city
--   $department  a department, or '' for all
--   $first, $last  dates: calls whose date of call lies in [$first, $last]
-- Calls still inside their promise with no arrival (pending, 待响应) are left out of the
-- within-promise share, and calls still inside their department's resolution window with no
-- resolution (pending_resolution, 处理中) out of the resolution rate; each rate comes with its
-- denominator (response_due, resolution_due). Unanswered calls whose promise has run out count
-- against within_promise_share, and are left out of the hours to arrival (see not_arrived).
-- Hours are percentiles by nearest rank (quantile_disc) over answered calls. Reads
-- mart_whistle_call (rules: 71_mart_whistle.sql, docs/remediation.md §4).
-- example: {"by": "department", "district": "", "department": "", "first": "2026-06-01", "last": "2026-11-29"}
-- example: {"by": "city", "district": "", "department": "", "first": "2026-11-23", "last": "2026-11-29"}
WITH guard AS (
    SELECT CASE
        WHEN $by NOT IN ('city', 'department', 'district')
            THEN error('whistle_response: $by must be city, department or district')
        ELSE true
    END AS ok
),
calls AS (
    SELECT CASE $by WHEN 'department' THEN department WHEN 'district' THEN district_code
                    ELSE '410100' END AS group_code,
           *
    FROM mart_whistle_call
    WHERE call_date BETWEEN $first::DATE AND $last::DATE
      AND ($district = '' OR district_code = $district)
      AND ($department = '' OR department = $department)
),
figures AS (
    SELECT group_code,
           count(*) AS calls,
           count(*) FILTER (WHERE arrived) AS arrived,
           count(*) FILTER (WHERE pending) AS pending,
           count(*) FILTER (WHERE within_promise) AS within_promise,
           count(*) FILTER (WHERE resolved) AS resolved,
           count(*) FILTER (WHERE pending_resolution) AS pending_resolution,
           quantile_disc(arrival_hours, 0.5) AS arrival_hours_median,
           quantile_disc(arrival_hours, 0.9) AS arrival_hours_p90,
           quantile_disc(resolution_hours, 0.5) AS resolution_hours_median,
           -- one promise and one resolution window for a department; a district or the city
           -- mixes departments'
           CASE WHEN min(promised_hours) = max(promised_hours) THEN min(promised_hours) END
               AS promised_hours,
           CASE WHEN min(resolution_window_hours) = max(resolution_window_hours)
                THEN min(resolution_window_hours) END AS resolution_window_hours
    FROM calls
    GROUP BY group_code
)
SELECT $by AS by, f.group_code,
       CASE $by WHEN 'city' THEN '郑州市' ELSE d.name_zh END AS group_name,
       $first::DATE AS window_first, $last::DATE AS window_last,
       f.calls::INTEGER AS calls,
       f.arrived::INTEGER AS arrived,
       (f.calls - f.arrived)::INTEGER AS not_arrived,
       f.pending::INTEGER AS pending,
       f.promised_hours,
       f.arrival_hours_median,
       f.arrival_hours_p90,
       f.within_promise::INTEGER AS within_promise,
       (f.calls - f.pending)::INTEGER AS response_due,
       f.within_promise / nullif(f.calls - f.pending, 0) AS within_promise_share,
       f.resolved::INTEGER AS resolved,
       f.pending_resolution::INTEGER AS pending_resolution,
       (f.calls - f.pending_resolution - f.resolved)::INTEGER AS unresolved,
       (f.calls - f.pending_resolution)::INTEGER AS resolution_due,
       f.resolved / nullif(f.calls - f.pending_resolution, 0) AS resolution_rate,
       f.resolution_window_hours,
       f.resolution_hours_median
FROM figures f
LEFT JOIN dim_district d ON $by = 'district' AND d.district_code = f.group_code
CROSS JOIN guard
WHERE guard.ok
ORDER BY f.group_code;
