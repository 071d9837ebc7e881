-- District × ISO week: the street figures summed (every figure is a count, so sums are exact).

CREATE TABLE mart_district_week AS
SELECT district_code, week_start, week_end, iso_year, iso_week,
       sum(new_hazards)::INTEGER AS new_hazards,
       sum(new_major)::INTEGER AS new_major,
       sum(rectified)::INTEGER AS rectified,
       sum(open_end)::INTEGER AS open_end,
       sum(major_open_end)::INTEGER AS major_open_end,
       sum(overdue_end)::INTEGER AS overdue_end,
       sum(ytd_found)::INTEGER AS ytd_found,
       sum(ytd_rectified)::INTEGER AS ytd_rectified,
       sum(carried_open_end)::INTEGER AS carried_open_end,
       sum(grids_patrolled)::INTEGER AS grids_patrolled,
       sum(patrols)::INTEGER AS patrols,
       sum(items_checked)::BIGINT AS items_checked,
       sum(items_compliant)::BIGINT AS items_compliant
FROM mart_street_week
GROUP BY ALL
ORDER BY district_code, week_start;
