-- The drill-down's core figures for the chosen week at the upper levels: the city, its units, or
-- the streets of one unit (docs/drill-down.md; communities and grids: drill_local.sql).
--   $level   'city' (one row, 410100 郑州市) | 'district' | 'street'
--   $parent  the unit whose streets these are (level 'street'), else ''
--   $week    Monday of the chosen ISO week; stocks are read at its Sunday
-- Every figure is a sum of the week's rows of mart_street_week (its definitions):
--   new_hazards, new_major   found during the week
--   open_hazards, major_open open at the week's end
--   overdue                  open at the week's end and past the deadline
--   ytd_found, ytd_rectified, rectification_rate  from 1 January of the week's ISO year
--   year_rectified, year_rectified_on_time, on_time_rate  rectified from the first week of the ISO
--            year to the chosen week (found in any year), and of those by the deadline (按期整改率)
--   items_checked, items_compliant, compliance_rate  grid patrols during the week
--   risk, risk_class …       the monthly risk index of the month the week ends in
-- example: {"level": "district", "parent": "", "week": "2026-11-23"}
-- example: {"level": "street", "parent": "410105", "week": "2026-11-23"}
-- example: {"level": "city", "parent": "", "week": "2026-11-23"}
WITH figures AS (
    SELECT CASE $level WHEN 'street' THEN street_code WHEN 'district' THEN district_code
                       ELSE '410100' END AS place_code,
           sum(new_hazards) AS new_hazards, sum(new_major) AS new_major,
           sum(open_end) AS open_hazards, sum(major_open_end) AS major_open,
           sum(overdue_end) AS overdue,
           sum(ytd_found) AS ytd_found, sum(ytd_rectified) AS ytd_rectified,
           sum(year_rectified) AS year_rectified,
           sum(year_rectified_on_time) AS year_rectified_on_time,
           sum(items_checked) AS items_checked, sum(items_compliant) AS items_compliant
    FROM mart_street_week
    WHERE week_start = $week AND ($level <> 'street' OR district_code = $parent)
    GROUP BY ALL
),
places AS (
    SELECT '410100' AS place_code, '郑州市' AS name_zh, 'Zhengzhou' AS name_en,
           sum(population)::BIGINT AS population
    FROM dim_district WHERE $level = 'city' HAVING count(*) > 0
    UNION ALL
    SELECT district_code, name_zh, name_en, population FROM dim_district WHERE $level = 'district'
    UNION ALL
    SELECT street_code, name_zh, name_zh, population
    FROM dim_street WHERE $level = 'street' AND district_code = $parent
)
SELECT $level AS level, p.place_code, p.name_zh, p.name_en, p.population,
       f.new_hazards::INTEGER AS new_hazards, f.new_major::INTEGER AS new_major,
       f.open_hazards::INTEGER AS open_hazards, f.major_open::INTEGER AS major_open,
       f.overdue::INTEGER AS overdue,
       f.ytd_found::INTEGER AS ytd_found, f.ytd_rectified::INTEGER AS ytd_rectified,
       f.ytd_rectified / nullif(f.ytd_found, 0) AS rectification_rate,
       f.year_rectified::INTEGER AS year_rectified,
       f.year_rectified_on_time::INTEGER AS year_rectified_on_time,
       f.year_rectified_on_time / nullif(f.year_rectified, 0) AS on_time_rate,
       f.items_checked::BIGINT AS items_checked, f.items_compliant::BIGINT AS items_compliant,
       f.items_compliant / nullif(f.items_checked, 0) AS compliance_rate,
       r.risk, r.risk_class, r.risk_class_zh, r.risk_class_en, r.risk_colour
FROM places p
JOIN figures f USING (place_code)
LEFT JOIN mart_risk_place_month r
       ON r.level = $level AND r.place_code = p.place_code
      AND r.month = date_trunc('month', $week::DATE + 6)
ORDER BY p.place_code;
