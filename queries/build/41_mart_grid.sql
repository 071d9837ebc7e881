-- One row per grid on the as-of date: its place, its people and teams, its open hazards, and how
-- often it was patrolled over the last 4 and 13 full weeks.

CREATE TABLE mart_grid AS
WITH m AS (
    SELECT as_of, (date_trunc('week', as_of + 1) - INTERVAL 7 DAY)::DATE AS last_week
    FROM meta_build
),
hazards AS (
    SELECT grid_code,
           count(*) FILTER (WHERE is_open) AS open_hazards,
           count(*) FILTER (WHERE is_open AND severity = 'major') AS major_open,
           count(*) FILTER (WHERE is_overdue) AS overdue,
           count(*) FILTER (WHERE found_date > m.as_of - 365) AS found_12m
    FROM mart_hazard, m GROUP BY ALL
),
patrols AS (
    SELECT i.grid_code,
           count(*) FILTER (WHERE i.week_start > m.last_week - INTERVAL 4 WEEK) AS weeks_patrolled_4w,
           count(*) AS weeks_patrolled_13w,
           sum(i.items_checked) AS items_checked_13w,
           sum(i.items_compliant) AS items_compliant_13w
    FROM stg_inspections i, m
    WHERE i.week_start > m.last_week - INTERVAL 13 WEEK AND i.week_start <= m.last_week
    GROUP BY ALL
),
last_patrol AS (
    SELECT grid_code, max(week_start) AS last_patrol_week FROM stg_inspections GROUP BY ALL
)
SELECT g.grid_code, g.community_code, g.street_code, g.district_code, g.grid_type,
       g.households, g.workers, g.has_group, g.has_squad,
       coalesce(h.open_hazards, 0)::INTEGER AS open_hazards,
       coalesce(h.major_open, 0)::INTEGER AS major_open,
       coalesce(h.overdue, 0)::INTEGER AS overdue,
       coalesce(h.found_12m, 0)::INTEGER AS found_12m,
       coalesce(p.weeks_patrolled_4w, 0)::INTEGER AS weeks_patrolled_4w,
       coalesce(p.weeks_patrolled_13w, 0)::INTEGER AS weeks_patrolled_13w,
       coalesce(p.items_checked_13w, 0)::BIGINT AS items_checked_13w,
       coalesce(p.items_compliant_13w, 0)::BIGINT AS items_compliant_13w,
       lp.last_patrol_week
FROM dim_grid g
LEFT JOIN hazards h USING (grid_code)
LEFT JOIN patrols p USING (grid_code)
LEFT JOIN last_patrol lp USING (grid_code)
ORDER BY g.grid_code;
