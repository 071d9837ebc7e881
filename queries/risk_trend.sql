-- Monthly risk index of one place: score, class, the three dimensions and why, oldest month first
-- (the last 24 months; the as-of month is read at the as-of date, is_partial).
--   $place  the city '410100', a unit's, a street's or a community's code
-- A place above community level has the population-weighted means of its communities' scores.
-- example: {"place": "410105"}
WITH rows AS (
    SELECT level, place_code, month, period_end, is_partial, communities, population,
           open_hazards, open_major, hazard, exposure, ha, vu, cc, risk,
           risk_class, risk_class_zh, risk_class_en, risk_colour,
           driver_1, driver_2, why_zh, why_en
    FROM mart_risk_place_month
    WHERE place_code = $place
    UNION ALL
    SELECT 'community', community_code, month, period_end, is_partial, 1, population,
           open_hazards, open_major, hazard, exposure, ha, vu, cc, risk,
           risk_class, risk_class_zh, risk_class_en, risk_colour,
           driver_1, driver_2, why_zh, why_en
    FROM mart_risk_community_month
    WHERE community_code = $place
),
names AS (
    SELECT '410100' AS place_code, '郑州市' AS name_zh, 'Zhengzhou' AS name_en
    UNION ALL
    SELECT district_code, name_zh, name_en FROM dim_district WHERE district_code = $place
    UNION ALL
    SELECT street_code, name_zh, name_zh FROM dim_street WHERE street_code = $place
    UNION ALL
    SELECT community_code, name_zh, name_zh FROM dim_community WHERE community_code = $place
)
SELECT r.level, r.place_code, n.name_zh, n.name_en,
       r.month, r.period_end, r.is_partial, r.communities, r.population::BIGINT AS population,
       r.open_hazards, r.open_major,
       r.risk, r.risk_class, r.risk_class_zh, r.risk_class_en, r.risk_colour,
       r.ha, r.vu, r.cc, r.hazard, r.exposure,
       r.driver_1, r.driver_2, r.why_zh, r.why_en
FROM rows r
JOIN names n USING (place_code)
ORDER BY r.month;
