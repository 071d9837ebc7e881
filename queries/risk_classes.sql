-- How many communities and residents fall in each risk class in one month, every class listed
-- (zeros included), from very low to very high.
--   $district  a unit's code to count only its communities, or '' for the whole city
--   $month     any day of the month; the as-of month is read at the as-of date
-- Classes and colours come from risk_class_of (60_mart_risk.sql): one definition.
-- example: {"district": "", "month": "2026-11-01"}
WITH classes AS (
    SELECT position, risk_class_of(lower) AS class
    FROM (VALUES (1, 0.0), (2, 2.0), (3, 3.5), (4, 5.0), (5, 6.5)) v(position, lower)
),
counted AS (
    SELECT risk_class, count(*) AS communities, sum(population) AS residents
    FROM mart_risk_community_month
    WHERE month = date_trunc('month', $month::DATE)
      AND ($district = '' OR district_code = $district)
    GROUP BY risk_class
)
SELECT c.position, c.class.key AS risk_class, c.class.zh AS risk_class_zh,
       c.class.en AS risk_class_en, c.class.colour AS risk_colour,
       coalesce(n.communities, 0)::INTEGER AS communities,
       coalesce(n.residents, 0)::BIGINT AS residents,
       coalesce(n.communities, 0) / nullif(sum(n.communities) OVER (), 0) AS community_share,
       coalesce(n.residents, 0) / nullif(sum(n.residents) OVER (), 0) AS resident_share
FROM classes c
LEFT JOIN counted n ON n.risk_class = c.class.key
ORDER BY c.position;
