-- Every indicator of one place's risk index in one month: its raw value, its 0–10 score ("higher
-- = worse"; capacities scored as their lack) and its points (its share of the risk score; the
-- points of all indicators add up to the risk), with its dimension's and component's scores.
--   $place  the city '410100', a unit's, a street's or a community's code
--   $month  any day of the month; the as-of month is read at the as-of date (is_partial)
-- A place above community level has population-weighted means of its communities' figures.
-- example: {"place": "410105", "month": "2026-11-01"}
WITH row AS (
    SELECT place_code, month, period_end, is_partial,
           COLUMNS('^(hz|ex|vu|cc)_.+_(value|score|points)$'), hazard, exposure, ha, vu, cc, risk,
           driver_1, driver_2
    FROM mart_risk_place_month
    WHERE place_code = $place AND month = date_trunc('month', $month::DATE)
    UNION ALL BY NAME
    SELECT community_code AS place_code, month, period_end, is_partial,
           COLUMNS('^(hz|ex|vu|cc)_.+_(value|score|points)$'), hazard, exposure, ha, vu, cc, risk,
           driver_1, driver_2
    FROM mart_risk_community_month
    WHERE community_code = $place AND month = date_trunc('month', $month::DATE)
),
long AS (
    UNPIVOT row
    ON COLUMNS('^(hz|ex|vu|cc)_.+_(value|score|points)$')
    INTO NAME column_name VALUE figure
),
figures AS (
    SELECT place_code, month, period_end, is_partial, hazard, exposure, ha, vu, cc, risk,
           driver_1, driver_2,
           regexp_extract(column_name, '^(.+)_(value|score|points)$', 1) AS indicator,
           any_value(figure) FILTER (WHERE column_name LIKE '%\_value' ESCAPE '\') AS value,
           any_value(figure) FILTER (WHERE column_name LIKE '%\_score' ESCAPE '\') AS score,
           any_value(figure) FILTER (WHERE column_name LIKE '%\_points' ESCAPE '\') AS points
    FROM long
    GROUP BY ALL
)
SELECT f.place_code, f.month, f.period_end, f.is_partial,
       i.position, i.dimension, i.component, f.indicator, i.name_zh, i.name_en,
       i.unit_zh, i.unit_en, i.transform, i.lower, i.upper, i.inverted, i.weight,
       f.value, f.score, f.points,
       CASE i.component WHEN 'hazard' THEN f.hazard WHEN 'exposure' THEN f.exposure END
           AS component_score,
       CASE i.dimension WHEN 'ha' THEN f.ha WHEN 'vu' THEN f.vu ELSE f.cc END AS dimension_score,
       f.risk,
       CASE f.indicator WHEN f.driver_1 THEN 1 WHEN f.driver_2 THEN 2 END AS driver_rank
FROM figures f
JOIN dim_risk_indicator i USING (indicator)
ORDER BY i.position;
