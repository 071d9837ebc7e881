-- Prevention against response spending per unit and year, with the city's total per year:
-- 万元, the prevention-to-response ratio (below 1: more went to rescue than to prevention),
-- prevention's share of the two, and yuan per resident (population on the as-of date).
--   $district  a unit's code for its rows only, or '' for every unit and the city
--              (level 'city', place_code '410100')
-- example: {"district": ""}
WITH city AS (
    SELECT 'city' AS level, '410100' AS place_code, '郑州市' AS name_zh, 'Zhengzhou' AS name_en, year,
           sum(population)::BIGINT AS population,
           sum(prevention_wan) AS prevention_wan, sum(response_wan) AS response_wan
    FROM mart_funding_balance
    WHERE $district = ''
    GROUP BY year
)
SELECT 'district' AS level, district_code AS place_code, name_zh, name_en, year,
       population::BIGINT AS population,
       prevention_wan, response_wan, total_wan, prevention_to_response, prevention_share,
       prevention_yuan_per_resident, response_yuan_per_resident
FROM mart_funding_balance
WHERE $district = '' OR district_code = $district
UNION ALL
SELECT level, place_code, name_zh, name_en, year, population,
       prevention_wan, response_wan, prevention_wan + response_wan,
       prevention_wan / nullif(response_wan, 0),
       prevention_wan / nullif(prevention_wan + response_wan, 0),
       10000.0 * prevention_wan / nullif(population, 0),
       10000.0 * response_wan / nullif(population, 0)
FROM city
ORDER BY year, level, place_code;
