-- Street × ISO week: hazards found, rectified, open, overdue, the year-to-date rectification
-- rate, hazards carried over open from earlier years, and grid patrols. Every week of dim_week
-- appears for every street, zeros included.
--
-- Stock figures are read at the end of the week (Sunday) and built as running sums of +1/−1
-- steps: a hazard counts towards a figure from one week up to (not including) another, e.g. it
-- is open at the end of week W from its found week up to its rectified week, and overdue from
-- the first week ending after its deadline up to its rectified week.
--
-- Year-to-date cohort (the way Chinese reports count "今年以来"): week W of ISO year Y (the year
-- of its label, "2026年第48周") counts the hazards found from 1 January of Y up to W's Sunday
-- (ytd_found), and of those the ones rectified by that Sunday (ytd_rectified). So a hazard
-- found in calendar year y is in the cohort from its found week up to the first week of ISO
-- year y + 1 (the week holding 4 January), and rectified in it from its rectified week up to the
-- same week. ISO week 1 can start on 29–31 December: hazards found on those days are in no
-- year's cohort, and count as carried over while they stay open. Carried over (往年结转未整改):
-- open at W's Sunday and found before 1 January of Y, i.e. from the first week of ISO year
-- y + 1 up to the rectified week. Hence, every week: open_end = ytd_found − ytd_rectified +
-- carried_open_end.
--
-- Rectified in the year (year_rectified, year_rectified_on_time: the on-time rate's, 按期整改率,
-- denominator and numerator): week W counts the hazards rectified from the first week of its ISO
-- year up to W, found in any year, and of those the ones rectified on or before their deadline.

CREATE TABLE mart_street_week AS
WITH hazards AS (
    SELECT *, date_trunc('week', make_date(year(found_date) + 1, 1, 4))::DATE AS next_year_week,
           date_trunc('week', make_date(isoyear(rectified_week) + 1, 1, 4))::DATE
               AS after_rectified_year
    FROM mart_hazard
),
-- Each figure a hazard counts towards, from week `since` up to week `until` (NULL: for good).
spans AS (
    SELECT street_code, 'open_end' AS figure, found_week AS since, rectified_week AS until
    FROM hazards
    UNION ALL
    SELECT street_code, 'major_open_end', found_week, rectified_week
    FROM hazards WHERE severity = 'major'
    UNION ALL
    SELECT street_code, 'overdue_end', overdue_week, rectified_week FROM hazards
    UNION ALL
    SELECT street_code, 'ytd_found', found_week, next_year_week FROM hazards
    UNION ALL
    SELECT street_code, 'ytd_rectified', rectified_week, next_year_week
    FROM hazards WHERE rectified_week IS NOT NULL
    UNION ALL
    SELECT street_code, 'carried_open_end', next_year_week, rectified_week FROM hazards
    UNION ALL
    SELECT street_code, 'year_rectified', rectified_week, after_rectified_year
    FROM hazards WHERE rectified_week IS NOT NULL
    UNION ALL
    SELECT street_code, 'year_rectified_on_time', rectified_week, after_rectified_year
    FROM hazards WHERE rectified_week IS NOT NULL AND rectified_date <= deadline
),
steps AS (
    SELECT street_code, since AS week_start, figure, 1 AS d
    FROM spans WHERE until IS NULL OR since < until
    UNION ALL
    SELECT street_code, until, figure, -1
    FROM spans WHERE since < until
),
step_sums AS (
    SELECT street_code, week_start,
           sum(d) FILTER (WHERE figure = 'open_end') AS d_open,
           sum(d) FILTER (WHERE figure = 'major_open_end') AS d_major,
           sum(d) FILTER (WHERE figure = 'overdue_end') AS d_overdue,
           sum(d) FILTER (WHERE figure = 'ytd_found') AS d_ytd_found,
           sum(d) FILTER (WHERE figure = 'ytd_rectified') AS d_ytd_rectified,
           sum(d) FILTER (WHERE figure = 'carried_open_end') AS d_carried,
           sum(d) FILTER (WHERE figure = 'year_rectified') AS d_year_rectified,
           sum(d) FILTER (WHERE figure = 'year_rectified_on_time') AS d_year_on_time
    FROM steps GROUP BY ALL
),
found AS (
    SELECT street_code, found_week AS week_start,
           count(*) AS new_hazards, count(*) FILTER (WHERE severity = 'major') AS new_major
    FROM mart_hazard GROUP BY ALL
),
fixed AS (
    SELECT street_code, rectified_week AS week_start, count(*) AS rectified
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
       sum(coalesce(s.d_ytd_found, 0)) OVER running ::INTEGER AS ytd_found,
       sum(coalesce(s.d_ytd_rectified, 0)) OVER running ::INTEGER AS ytd_rectified,
       sum(coalesce(s.d_carried, 0)) OVER running ::INTEGER AS carried_open_end,
       sum(coalesce(s.d_year_rectified, 0)) OVER running ::INTEGER AS year_rectified,
       sum(coalesce(s.d_year_on_time, 0)) OVER running ::INTEGER AS year_rectified_on_time,
       coalesce(p.grids_patrolled, 0)::INTEGER AS grids_patrolled,
       coalesce(p.patrols, 0)::INTEGER AS patrols,
       coalesce(p.items_checked, 0)::BIGINT AS items_checked,
       coalesce(p.items_compliant, 0)::BIGINT AS items_compliant
FROM spine sp
LEFT JOIN step_sums s USING (street_code, week_start)
LEFT JOIN found f USING (street_code, week_start)
LEFT JOIN fixed x USING (street_code, week_start)
LEFT JOIN patrol p USING (street_code, week_start)
WINDOW running AS (PARTITION BY sp.street_code ORDER BY sp.week_start)
ORDER BY sp.district_code, sp.street_code, sp.week_start;
