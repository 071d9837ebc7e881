-- Hazard and patrol figures per place and ISO week, for the city, its units or one unit's streets.
--   $by        'city' | 'district' | 'street': the level of the rows
--   $district  a unit's code to keep only its streets, or '' for the whole city
--   $from, $to Mondays of the first and last week (inclusive)
-- Counts are summed from mart_street_week, whose grain never grows with the city's size.
-- Rates come with their numerator and denominator, so a page can show both. The year to date
-- (ytd_*, rectification_rate) runs from 1 January of the week's ISO year; carried_over_open is
-- what stays open from before it (docs/data-model.md §6.1).
-- example: {"by": "district", "district": "", "from": "2026-11-16", "to": "2026-11-23"}
WITH rows AS (
    SELECT CASE $by WHEN 'street' THEN w.street_code
                    WHEN 'district' THEN w.district_code
                    ELSE '410100' END AS place_code,
           w.*
    FROM mart_street_week w
    WHERE w.week_start BETWEEN $from AND $to
      AND ($district = '' OR w.district_code = $district)
),
places AS (
    SELECT street_code AS place_code, name_zh, name_zh AS name_en, population FROM dim_street
    UNION ALL
    SELECT district_code, name_zh, name_en, population FROM dim_district
    UNION ALL
    SELECT '410100', '郑州市', 'Zhengzhou', sum(population)::INTEGER FROM dim_district
)
SELECT r.place_code, p.name_zh, p.name_en, p.population,
       r.week_start, any_value(r.week_end) AS week_end,
       any_value(r.iso_year) AS iso_year, any_value(r.iso_week) AS iso_week,
       sum(r.new_hazards)::INTEGER AS new_hazards,
       sum(r.new_major)::INTEGER AS new_major,
       sum(r.rectified)::INTEGER AS rectified,
       sum(r.open_end)::INTEGER AS open_hazards,
       sum(r.major_open_end)::INTEGER AS major_open,
       sum(r.overdue_end)::INTEGER AS overdue,
       sum(r.ytd_found)::INTEGER AS ytd_found,
       sum(r.ytd_rectified)::INTEGER AS ytd_rectified,
       sum(r.ytd_rectified) / nullif(sum(r.ytd_found), 0) AS rectification_rate,
       -- open at the week's end, found before 1 January of its ISO year (往年结转未整改)
       sum(r.carried_open_end)::INTEGER AS carried_over_open,
       -- rectified from the first week of the ISO year to this week (found in any year), and of
       -- those by the deadline: the on-time rate (按期整改率)
       sum(r.year_rectified)::INTEGER AS year_rectified,
       sum(r.year_rectified_on_time)::INTEGER AS year_rectified_on_time,
       sum(r.year_rectified_on_time) / nullif(sum(r.year_rectified), 0) AS on_time_rate,
       sum(r.items_checked)::BIGINT AS items_checked,
       sum(r.items_compliant)::BIGINT AS items_compliant,
       sum(r.items_compliant) / nullif(sum(r.items_checked), 0) AS compliance_rate,
       sum(r.grids_patrolled)::INTEGER AS grids_patrolled
FROM rows r
JOIN places p USING (place_code)
GROUP BY r.place_code, p.name_zh, p.name_en, p.population, r.week_start
ORDER BY r.week_start, r.place_code;
