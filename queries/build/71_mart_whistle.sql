-- Department response to community whistles (吹哨报到), docs/remediation.md §whistle.
-- Outcomes are as recorded on the as-of date, read at its end (meta_build.as_of, 24:00; times are
-- naive local time, Beijing):
--   answered            an arrival is recorded; hours to arrival are over these calls only
--   pending (待响应)     no arrival recorded and the promised time not yet run out at 24:00 of the
--                       as-of day: neither late nor on time yet, so out of the within-promise
--                       denominator. A promise running out exactly at 24:00 is still pending (an
--                       arrival at that instant would be within it).
--   late                no arrival within the promise and the promise has run out, answered late
--                       or not at all: counts against the within-promise share
--   resolved            a resolution is recorded
--   pending_resolution  no resolution recorded and called at most resolution_window_hours before
--   (处理中)             24:00 of the as-of day: not yet unresolved, out of the resolution
--                       denominator
--   unresolved          no resolution recorded and older than that window
-- The resolution window of a department is the 95th percentile (nearest rank) of the hours from
-- call to resolution over its resolved calls, and never shorter than its promised arrival time:
-- a call younger than that is one most of its kind would still be working on.

-- mart_whistle_call: one row per call, with its place and what became of it; ordered by the time
-- of the call, so a page reading a window of dates skips the row groups outside it.
CREATE TABLE mart_whistle_call AS
WITH calls AS (
    SELECT w.call_id, w.community_code, c.street_code, c.district_code, w.department,
           w.called_at, w.promised_hours, w.arrived_at, w.resolved_at,
           -- seconds from the call to its arrival, its resolution, the end of the as-of day
           datediff('second', w.called_at, w.arrived_at) AS arrival_seconds,
           datediff('second', w.called_at, w.resolved_at) AS resolution_seconds,
           datediff('second', w.called_at, (m.as_of + 1)::TIMESTAMP) AS seconds_to_end
    FROM stg_whistle_calls w
    JOIN dim_community c USING (community_code)
    CROSS JOIN meta_build m
),
windows AS (
    SELECT department, quantile_disc(resolution_seconds, 0.95) AS resolution_p95
    FROM calls
    GROUP BY department
),
judged AS (
    SELECT c.*, greatest(w.resolution_p95, c.promised_hours * 3600) AS window_seconds
    FROM calls c
    JOIN windows w USING (department)
)
SELECT call_id, community_code, street_code, district_code, department,
       called_at,
       called_at::DATE AS call_date,
       date_trunc('week', called_at)::DATE AS call_week,
       promised_hours, arrived_at, resolved_at,
       arrived_at IS NOT NULL AS arrived,
       arrival_seconds / 3600.0 AS arrival_hours,
       resolution_seconds / 3600.0 AS resolution_hours,
       coalesce(arrival_seconds <= promised_hours * 3600, false) AS within_promise,
       arrived_at IS NULL AND seconds_to_end <= promised_hours * 3600 AS pending,
       resolved_at IS NOT NULL AS resolved,
       window_seconds / 3600.0 AS resolution_window_hours,
       resolved_at IS NULL AND seconds_to_end <= window_seconds AS pending_resolution
FROM judged
ORDER BY called_at, call_id;

-- mart_whistle_week: district × department × ISO week of dim_week (weeks with calls only): the
-- counts sum over weeks and districts; the median and 90th percentile hours (nearest rank, over
-- the calls answered) belong to their own row and do not add up.
CREATE TABLE mart_whistle_week AS
SELECT m.district_code, m.department, m.call_week AS week_start, w.week_end,
       count(*)::INTEGER AS calls,
       count(*) FILTER (WHERE m.arrived)::INTEGER AS arrived,
       count(*) FILTER (WHERE NOT m.arrived)::INTEGER AS not_arrived,
       count(*) FILTER (WHERE m.pending)::INTEGER AS pending,
       count(*) FILTER (WHERE m.within_promise)::INTEGER AS within_promise,
       count(*) FILTER (WHERE m.resolved)::INTEGER AS resolved,
       count(*) FILTER (WHERE m.pending_resolution)::INTEGER AS pending_resolution,
       quantile_disc(m.arrival_hours, 0.5) AS arrival_hours_median,
       quantile_disc(m.arrival_hours, 0.9) AS arrival_hours_p90
FROM mart_whistle_call m
JOIN dim_week w ON w.week_start = m.call_week
GROUP BY ALL
ORDER BY week_start, district_code, department;
