-- Per-capita value of one indicator in each community (or, for funding, each unit), lowest
-- first, with its district's value and the city mean beside it.
--   $indicator  an indicator key (mart_imbalance.indicator)
--   $district   a unit's code to keep only its communities, or '' for all
-- example: {"indicator": "team_members", "district": "410105"}
SELECT v.indicator, i.name_zh AS indicator_zh, i.name_en AS indicator_en, i.value_unit,
       i.value_unit_zh, i.norm_value,
       i.period_start, i.period_end, i.as_of,
       v.place_code, coalesce(c.name_zh, dd.name_zh) AS name_zh, c.street_code, v.district_code,
       v.population, v.value, v.resource,
       d.value AS district_value, i.mean_value AS city_value
FROM mart_imbalance_values v
JOIN mart_imbalance i USING (indicator)
LEFT JOIN mart_imbalance_district d USING (indicator, district_code)
LEFT JOIN dim_community c ON c.community_code = v.place_code
LEFT JOIN dim_district dd ON dd.district_code = v.place_code
WHERE v.indicator = $indicator AND ($district = '' OR v.district_code = $district)
ORDER BY v.value, v.place_code;
