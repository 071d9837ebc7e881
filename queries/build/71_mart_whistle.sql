-- Department response to community whistles (吹哨报到), docs/remediation.md §whistle.
-- Outcomes are as recorded on the as-of date: a call with no arrival recorded has not been
-- answered (it counts against the within-promise share and is left out of the hours to arrival);
-- a call with no resolution recorded is unresolved.

-- mart_whistle_call: one row per call, with its place and what became of it; ordered by the time
-- of the call, so a page reading a window of dates skips the row groups outside it.
CREATE TABLE mart_whistle_call AS
SELECT w.call_id, w.community_code, c.street_code, c.district_code, w.department,
       w.called_at,
       w.called_at::DATE AS call_date,
       date_trunc('week', w.called_at)::DATE AS call_week,
       w.promised_hours, w.arrived_at, w.resolved_at,
       w.arrived_at IS NOT NULL AS arrived,
       -- hours from the call, to the second
       datediff('second', w.called_at, w.arrived_at) / 3600.0 AS arrival_hours,
       datediff('second', w.called_at, w.resolved_at) / 3600.0 AS resolution_hours,
       coalesce(datediff('second', w.called_at, w.arrived_at) <= w.promised_hours * 3600, false)
           AS within_promise,
       w.resolved_at IS NOT NULL AS resolved
FROM stg_whistle_calls w
JOIN dim_community c USING (community_code)
ORDER BY w.called_at, w.call_id;

-- mart_whistle_week: district × department × ISO week of dim_week (weeks with calls only): the
-- counts sum over weeks and districts; the median and 90th percentile hours (nearest rank, over
-- the calls answered) belong to their own row and do not add up.
CREATE TABLE mart_whistle_week AS
SELECT m.district_code, m.department, m.call_week AS week_start, w.week_end,
       count(*)::INTEGER AS calls,
       count(*) FILTER (WHERE m.arrived)::INTEGER AS arrived,
       count(*) FILTER (WHERE NOT m.arrived)::INTEGER AS not_arrived,
       count(*) FILTER (WHERE m.within_promise)::INTEGER AS within_promise,
       count(*) FILTER (WHERE m.resolved)::INTEGER AS resolved,
       quantile_disc(m.arrival_hours, 0.5) AS arrival_hours_median,
       quantile_disc(m.arrival_hours, 0.9) AS arrival_hours_p90
FROM mart_whistle_call m
JOIN dim_week w ON w.week_start = m.call_week
GROUP BY ALL
ORDER BY week_start, district_code, department;
