-- Per-capita value of one indicator in each district, against the city mean, with each
-- district's population and resource shares and its terms of the Theil index (between: how far
-- the district as a whole is from the city; within: how unequal it is inside).
--   $indicator  an indicator key (mart_imbalance.indicator)
-- example: {"indicator": "shelter_access"}
SELECT d.indicator, i.name_zh AS indicator_zh, i.name_en AS indicator_en, i.value_unit,
       i.value_unit_zh, i.norm_value,
       i.period_start, i.period_end, i.as_of,
       d.district_code, d.name_zh, d.name_en, d.units, d.population, d.resource,
       d.value, i.mean_value AS city_value, d.value_to_mean,
       d.population_share, d.resource_share,
       d.theil_between_term, d.theil_within_term, d.theil_inside
FROM mart_imbalance_district d
JOIN mart_imbalance i USING (indicator)
WHERE d.indicator = $indicator
ORDER BY d.value, d.district_code;
