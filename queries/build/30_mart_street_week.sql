-- Street × ISO week: hazards found, rectified, open, overdue, the year-to-date rectification
-- rate, and grid patrols. Every week of dim_week appears for every street, zeros included.
--
-- Stock figures (open, major open, overdue) are read at the end of the week (Sunday) and built
-- as running sums of +1/−1 steps: a hazard is open at the end of week W when it was found by
-- then and not yet rectified, i.e. from its found week up to (not including) its rectified
-- week; it is overdue from the first week ending after its deadline up to its rectified week.
--
-- Year-to-date cohort (the way Chinese reports count "今年以来"): of hazards found in the ISO
-- year of week W up to the end of W, how many were rectified by the end of W.

CREATE TABLE mart_street_week AS
WITH steps AS (
    SELECT street_code, found_week AS week_start,
           1 AS d_open, (severity = 'major')::INTEGER AS d_major, 0 AS d_overdue
    FROM mart_hazard
    UNION ALL
    SELECT street_code, rectified_week, -1, -(severity = 'major')::INTEGER, 0
    FROM mart_hazard WHERE rectified_week IS NOT NULL
    UNION ALL
    SELECT street_code, overdue_week, 0, 0, 1
    FROM mart_hazard WHERE rectified_week IS NULL OR overdue_week < rectified_week
    UNION ALL
    SELECT street_code, rectified_week, 0, 0, -1
    FROM mart_hazard WHERE overdue_week < rectified_week
),
step_sums AS (
    SELECT street_code, week_start,
           sum(d_open) AS d_open, sum(d_major) AS d_major, sum(d_overdue) AS d_overdue
    FROM steps GROUP BY ALL
),
found AS (
    SELECT street_code, found_week AS week_start,
           count(*) AS new_hazards, count(*) FILTER (WHERE severity = 'major') AS new_major
    FROM mart_hazard GROUP BY ALL
),
fixed AS (
    SELECT street_code, rectified_week AS week_start, count(*) AS rectified,
           -- rectified in the ISO year it was found: enters the year-to-date numerator here
           count(*) FILTER (WHERE isoyear(rectified_week) = isoyear(found_week)) AS d_ytd_rectified
    FROM mart_hazard WHERE rectified_week IS NOT NULL GROUP BY ALL
),
patrol AS (
    SELECT g.street_code, i.week_start,
           count(*) AS grids_patrolled, sum(i.patrols) AS patrols,
           sum(i.items_checked) AS items_checked, sum(i.items_compliant) AS items_compliant
    FROM stg_inspections i
    JOIN dim_grid g USING (grid_code)
    GROUP BY ALL
),
spine AS (
    SELECT s.street_code, s.district_code, w.*
    FROM dim_street s CROSS JOIN dim_week w
)
SELECT sp.street_code, sp.district_code, sp.week_start, sp.week_end, sp.iso_year, sp.iso_week,
       coalesce(f.new_hazards, 0)::INTEGER AS new_hazards,
       coalesce(f.new_major, 0)::INTEGER AS new_major,
       coalesce(x.rectified, 0)::INTEGER AS rectified,
       sum(coalesce(s.d_open, 0)) OVER running ::INTEGER AS open_end,
       sum(coalesce(s.d_major, 0)) OVER running ::INTEGER AS major_open_end,
       sum(coalesce(s.d_overdue, 0)) OVER running ::INTEGER AS overdue_end,
       sum(coalesce(f.new_hazards, 0)) OVER year_to_date ::INTEGER AS ytd_found,
       sum(coalesce(x.d_ytd_rectified, 0)) OVER year_to_date ::INTEGER AS ytd_rectified,
       coalesce(p.grids_patrolled, 0)::INTEGER AS grids_patrolled,
       coalesce(p.patrols, 0)::INTEGER AS patrols,
       coalesce(p.items_checked, 0)::BIGINT AS items_checked,
       coalesce(p.items_compliant, 0)::BIGINT AS items_compliant
FROM spine sp
LEFT JOIN step_sums s USING (street_code, week_start)
LEFT JOIN found f USING (street_code, week_start)
LEFT JOIN fixed x USING (street_code, week_start)
LEFT JOIN patrol p USING (street_code, week_start)
WINDOW running AS (PARTITION BY sp.street_code ORDER BY sp.week_start),
       year_to_date AS (PARTITION BY sp.street_code, sp.iso_year ORDER BY sp.week_start)
ORDER BY sp.district_code, sp.street_code, sp.week_start;
