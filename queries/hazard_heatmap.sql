-- Open hazards by category and place at the end of a week: the category × unit heatmap of the
-- risk page (for one unit: category × street). Every place and category appears, zeros included.
--   $district  '' for one column per unit, or a unit's code for one column per street of it
--   $week      Monday of the week; hazards are counted open at its Sunday
-- Reads one week of mart_remediation_week (street × category × severity × week).
-- example: {"district": "", "week": "2026-11-23"}
-- example: {"district": "410183", "week": "2026-11-23"}
WITH places AS (
    SELECT district_code AS place_code, name_zh, name_en, population
    FROM dim_district
    WHERE $district = ''
    UNION ALL
    SELECT street_code, name_zh, name_zh, population
    FROM dim_street
    WHERE $district <> '' AND district_code = $district
),
categories AS (
    SELECT DISTINCT category FROM mart_remediation_week
),
counted AS (
    SELECT CASE WHEN $district = '' THEN district_code ELSE street_code END AS place_code,
           category, sum(open_end) AS open_hazards, sum(supervised_county + supervised_city
           + supervised_province) AS supervised_open
    FROM mart_remediation_week
    WHERE week_start = $week::DATE
      AND ($district = '' OR district_code = $district)
    GROUP BY ALL
)
SELECT p.place_code, p.name_zh, p.name_en, p.population, c.category,
       coalesce(n.open_hazards, 0)::INTEGER AS open_hazards,
       coalesce(n.supervised_open, 0)::INTEGER AS supervised_open
FROM places p
CROSS JOIN categories c
LEFT JOIN counted n USING (place_code, category)
ORDER BY p.place_code, c.category;
