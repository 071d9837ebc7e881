-- One row per hazard with its place, its weeks and its state on the as-of date: the drill-down
-- table, and the source of every hazard figure in the other marts.

CREATE TABLE mart_hazard AS
SELECT h.hazard_id,
       h.grid_code, g.community_code, g.street_code, g.district_code, g.grid_type,
       h.category, h.severity, h.source, h.supervision_level,
       h.found_date, h.deadline, h.rectified_date,
       date_trunc('week', h.found_date)::DATE AS found_week,
       date_trunc('week', h.rectified_date)::DATE AS rectified_week,
       -- The first week at whose end the hazard is past its deadline.
       date_trunc('week', h.deadline + 1)::DATE AS overdue_week,
       h.rectified_date IS NULL AS is_open,
       h.rectified_date IS NULL AND h.deadline < m.as_of AS is_overdue,
       datediff('day', h.found_date, h.rectified_date)::INTEGER AS days_to_rectify,
       CASE WHEN h.rectified_date IS NULL THEN datediff('day', h.found_date, m.as_of) END::INTEGER
           AS days_open,
       CASE
           WHEN h.rectified_date IS NOT NULL THEN NULL
           WHEN datediff('day', h.found_date, m.as_of) <= 7 THEN '0-7'
           WHEN datediff('day', h.found_date, m.as_of) <= 30 THEN '8-30'
           WHEN datediff('day', h.found_date, m.as_of) <= 90 THEN '31-90'
           ELSE '>90'
       END AS age_bucket
FROM stg_hazards h
JOIN dim_grid g USING (grid_code)
CROSS JOIN meta_build m
-- Stored by place, so a query for one district, street or grid reads only its row groups.
ORDER BY g.district_code, g.street_code, g.community_code, h.grid_code, h.found_date;
