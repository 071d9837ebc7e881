-- Risk index of every place at one level, for one month: score, class, the three dimensions and
-- why (docs/risk-index.md), highest risk first.
--   $level     'city' (one row, 410100) | 'district' | 'street' | 'community': the level of the rows
--   $district  a unit's code to keep only its streets or communities (or only that unit, at
--              level 'district'), or '' for the whole city
--   $month     any day of the month (the month's first day, say); the as-of month is read at the
--              as-of date: period_end and is_partial say so
--   $limit     how many rows at most, highest risk first (the 20 riskiest communities, say)
-- Streets and districts are population-weighted means of their communities' scores; lon and
-- lat (GCJ-02) are given for communities only, for the map.
-- example: {"level": "street", "district": "410105", "month": "2026-11-01", "limit": 1000}
-- example: {"level": "community", "district": "", "month": "2026-11-01", "limit": 20}
WITH rows AS (
    SELECT level, place_code, district_code, street_code, month, period_end, is_partial,
           communities, population, open_hazards, open_major,
           hazard, exposure, ha, vu, cc, risk,
           risk_class, risk_class_zh, risk_class_en, risk_colour,
           driver_1, driver_1_points, driver_2, driver_2_points, why_zh, why_en
    FROM mart_risk_place_month
    WHERE $level IN ('city', 'district', 'street') AND level = $level
      AND month = date_trunc('month', $month::DATE)
      AND ($district = '' OR district_code = $district)
    UNION ALL
    SELECT 'community', community_code, district_code, street_code, month, period_end, is_partial,
           1, population, open_hazards, open_major,
           hazard, exposure, ha, vu, cc, risk,
           risk_class, risk_class_zh, risk_class_en, risk_colour,
           driver_1, driver_1_points, driver_2, driver_2_points, why_zh, why_en
    FROM mart_risk_community_month
    WHERE $level = 'community'
      AND month = date_trunc('month', $month::DATE)
      AND ($district = '' OR district_code = $district)
),
names AS (
    SELECT '410100' AS place_code, '郑州市' AS name_zh, 'Zhengzhou' AS name_en, NULL AS lon,
           NULL AS lat
    UNION ALL
    SELECT district_code, name_zh, name_en, NULL, NULL
    FROM dim_district
    UNION ALL
    SELECT street_code, name_zh, name_zh, NULL, NULL FROM dim_street
    UNION ALL
    SELECT community_code, name_zh, name_zh, lon, lat FROM dim_community
)
SELECT r.level, r.place_code, n.name_zh, n.name_en, r.district_code, r.street_code,
       d.name_zh AS district_name, s.name_zh AS street_name,
       n.lon::DOUBLE AS lon, n.lat::DOUBLE AS lat,
       r.month, r.period_end, r.is_partial,
       r.communities, r.population::BIGINT AS population, r.open_hazards, r.open_major,
       r.risk, r.risk_class, r.risk_class_zh, r.risk_class_en, r.risk_colour,
       r.ha, r.vu, r.cc, r.hazard, r.exposure,
       r.driver_1, r.driver_1_points, r.driver_2, r.driver_2_points, r.why_zh, r.why_en,
       row_number() OVER (ORDER BY r.risk DESC, r.place_code)::INTEGER AS rank
FROM rows r
JOIN names n USING (place_code)
LEFT JOIN dim_district d ON d.district_code = r.district_code
LEFT JOIN dim_street s ON s.street_code = r.street_code
ORDER BY rank
LIMIT $limit;
