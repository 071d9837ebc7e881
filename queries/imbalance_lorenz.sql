-- Lorenz curve of one indicator: units sorted from the lowest per-capita value up; cumulative
-- share of residents (x) against cumulative share of the resource (y), from (0, 0) to (1, 1).
-- Every vertex when there are at most 100 units, else the first vertex reaching each whole
-- percent of residents (≤ 101 points). The diagonal is perfect equality.
--   $indicator  an indicator key (mart_imbalance.indicator)
-- example: {"indicator": "shelter_access"}
SELECT l.indicator, i.name_zh, i.name_en, i.level, i.period_start, i.period_end, i.as_of,
       i.units AS units_total, i.population AS population_total, i.gini,
       l.point, l.units, l.place_code, l.value, l.population_share, l.resource_share
FROM mart_imbalance_lorenz l
JOIN mart_imbalance i USING (indicator)
WHERE l.indicator = $indicator
ORDER BY l.point;
