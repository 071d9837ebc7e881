-- Department response to community whistles (吹哨报到) for the calls made in a window of dates,
-- one row per department or per district: how fast they arrived, how many within the promised
-- time, how many were resolved. Outcomes as recorded on the as-of date.
--   $by          'department' | 'district'
--   $district    a unit's code, or '' for the whole city
--   $department  a department, or '' for all
--   $first, $last  dates: calls whose date of call lies in [$first, $last]
-- Unanswered calls (no arrival recorded) count in calls and against within_promise_share,
-- and are left out of the hours to arrival (see not_arrived); unresolved calls count against
-- the resolution rate. Hours are percentiles by nearest rank (quantile_disc) over answered calls.
-- Reads mart_whistle_call.
-- example: {"by": "department", "district": "", "department": "", "first": "2026-06-01", "last": "2026-11-29"}
WITH guard AS (
    SELECT CASE
        WHEN $by NOT IN ('department', 'district')
            THEN error('whistle_response: $by must be department or district')
        ELSE true
    END AS ok
),
calls AS (
    SELECT CASE $by WHEN 'department' THEN department ELSE district_code END AS group_code, *
    FROM mart_whistle_call
    WHERE call_date BETWEEN $first::DATE AND $last::DATE
      AND ($district = '' OR district_code = $district)
      AND ($department = '' OR department = $department)
),
figures AS (
    SELECT group_code,
           count(*) AS calls,
           count(*) FILTER (WHERE arrived) AS arrived,
           count(*) FILTER (WHERE within_promise) AS within_promise,
           count(*) FILTER (WHERE resolved) AS resolved,
           quantile_disc(arrival_hours, 0.5) AS arrival_hours_median,
           quantile_disc(arrival_hours, 0.9) AS arrival_hours_p90,
           quantile_disc(resolution_hours, 0.5) AS resolution_hours_median,
           -- one promise for a department; a district mixes departments' promises
           CASE WHEN min(promised_hours) = max(promised_hours) THEN min(promised_hours) END
               AS promised_hours
    FROM calls
    GROUP BY group_code
)
SELECT $by AS by, f.group_code, d.name_zh AS group_name,
       $first::DATE AS window_first, $last::DATE AS window_last,
       f.calls::INTEGER AS calls,
       f.arrived::INTEGER AS arrived,
       (f.calls - f.arrived)::INTEGER AS not_arrived,
       f.promised_hours,
       f.arrival_hours_median,
       f.arrival_hours_p90,
       f.within_promise::INTEGER AS within_promise,
       f.within_promise / f.calls AS within_promise_share,
       f.resolved::INTEGER AS resolved,
       (f.calls - f.resolved)::INTEGER AS unresolved,
       f.resolved / f.calls AS resolution_rate,
       f.resolution_hours_median
FROM figures f
LEFT JOIN dim_district d ON $by = 'district' AND d.district_code = f.group_code
CROSS JOIN guard
WHERE guard.ok
ORDER BY f.group_code;
