-- Imbalance between places, per capacity indicator (docs/imbalance.md, metrics.md):
--   mart_imbalance_indicator one row per indicator: names, units and period
--   mart_imbalance_values    one row per indicator and unit: the per-capita value rᵢ, population pᵢ
--   mart_imbalance_district  one row per indicator and district: its per-capita value, shares and
--                            its part of the Theil index
--   mart_imbalance           one row per indicator: Gini, Theil T (between / within districts), CV
--   mart_imbalance_lorenz    Lorenz curve points per indicator
-- Same semantics as safetynet.metrics: values = rᵢ, weights = pᵢ, qᵢ = pᵢ/Σp, μ = Σ qᵢ rᵢ,
-- sᵢ = qᵢ rᵢ / μ. Units without residents carry no weight and are left out.

-- What each indicator is, in words a page can print. "topic" completes the sentence
-- "X% of the imbalance in <topic> lies between districts".
CREATE TABLE mart_imbalance_indicator AS
WITH listed(indicator, sort_key, level, name_zh, name_en, topic_zh, topic_en, value_unit,
            value_unit_zh, resource_unit, period) AS (
    VALUES
    ('stock', 10, 'community', '应急物资储备达标率', 'Supplies against the norm',
     '应急物资储备', 'emergency supplies', 'share of the norm (mean of items, each capped at 1)',
     '达标比例（各类物资封顶为1后平均）', 'residents covered', 'as_of'),
    ('flood_stock', 20, 'community', '防汛物资储备达标率', 'Flood supplies against the norm',
     '防汛物资储备', 'flood supplies', 'share of the norm (mean of flood items, each capped at 1)',
     '达标比例（各类防汛物资封顶为1后平均）', 'residents covered', 'as_of'),
    ('team_members', 30, 'community', '每千人应急队伍人数', 'Team members per 1,000 residents',
     '应急队伍力量', 'emergency team members', 'members per 1,000 residents', '人/千人',
     'members', 'as_of'),
    ('shelter_access', 40, 'community', '人均可达避难场所容量', 'Shelter places within reach per resident',
     '避难场所', 'shelter places', 'places per resident (2SFCA)', '位/人（两步移动搜索法）',
     'places', 'as_of'),
    ('drills', 50, 'community', '每千人演练培训场次', 'Drills and trainings per 1,000 residents',
     '演练培训', 'drills and trainings', 'events per 1,000 residents, last 12 months',
     '场次/千人（近12个月）', 'events', '12m'),
    ('participants', 60, 'community', '每千人演练培训参与人次', 'Drill and training participants per 1,000 residents',
     '演练培训参与', 'drill participation', 'person-times per 1,000 residents, last 12 months',
     '人次/千人（近12个月）', 'person-times', '12m'),
    ('funding_prevention', 70, 'district', '人均预防准备投入', 'Prevention spending per resident',
     '预防准备投入', 'prevention funding', 'yuan per resident, one year', '元/人（一年）', '万元',
     'year'),
    ('funding_response', 80, 'district', '人均救援恢复投入', 'Response spending per resident',
     '救援恢复投入', 'response funding', 'yuan per resident, one year', '元/人（一年）', '万元',
     'year')
),
-- One indicator per supply kind, uncapped: stock per resident in multiples of the norm.
items AS (
    SELECT 'stock_' || item AS indicator,
           100 + row_number() OVER (ORDER BY NOT flood_item, item) AS sort_key,
           'community' AS level,
           name_zh || '储备与定额之比' AS name_zh,
           replace(item, '_', ' ') || ' stock against the norm' AS name_en,
           name_zh || '储备' AS topic_zh,
           replace(item, '_', ' ') || ' stock' AS topic_en,
           'multiple of the norm (' || norm_per_1000 || ' ' || unit_zh || ' per 1,000 residents)'
               AS value_unit,
           '定额倍数（每千人' || norm_per_1000 || unit_zh || '）' AS value_unit_zh,
           'residents covered' AS resource_unit,
           'as_of' AS period
    FROM stg_resource_norms WHERE norm_per_1000 > 0
),
m AS (
    SELECT as_of,
           -- the latest funding year up to the as-of year
           (SELECT max(year) FROM stg_funding WHERE year <= year(as_of)) AS funding_year
    FROM meta_build
)
SELECT indicator, sort_key::INTEGER AS sort_key, level, name_zh, name_en, topic_zh, topic_en,
       value_unit, value_unit_zh, resource_unit,
       -- the norm a per-capita value is held to, where there is one: supplies are measured
       -- against their norm, so 1 means "meets the norm"
       CASE WHEN indicator LIKE '%stock%' THEN 1.0 END::DOUBLE AS norm_value,
       CASE period WHEN '12m' THEN as_of - 364
                   WHEN 'year' THEN make_date(funding_year, 1, 1)
                   ELSE as_of END AS period_start,
       CASE period WHEN 'year' THEN make_date(funding_year, 12, 31) ELSE as_of END AS period_end,
       as_of
FROM (SELECT * FROM listed UNION ALL SELECT * FROM items), m
ORDER BY sort_key;

-- rᵢ (value) and pᵢ (population) of every unit; resource = the amount the value is made of.
CREATE TABLE mart_imbalance_values AS
WITH c AS (SELECT * FROM mart_capacity_community WHERE population > 0),
fy AS (SELECT year(period_start) AS year FROM mart_imbalance_indicator
       WHERE indicator = 'funding_prevention'),
rows AS (
    SELECT 'stock' AS indicator, community_code AS place_code, district_code, population,
           stock_ratio AS value, stock_ratio * population AS resource
    FROM c WHERE stock_ratio IS NOT NULL
    UNION ALL
    SELECT 'flood_stock', community_code, district_code, population,
           flood_stock_ratio, flood_stock_ratio * population
    FROM c WHERE flood_stock_ratio IS NOT NULL
    UNION ALL
    -- ratio = quantity / need is already per capita: (quantity / population) / (norm / 1000)
    SELECT 'stock_' || item, community_code, district_code, population, ratio, ratio * population
    FROM mart_capacity_stock WHERE ratio IS NOT NULL
    UNION ALL
    SELECT 'team_members', community_code, district_code, population,
           team_members_per_1000, team_members
    FROM c
    UNION ALL
    SELECT 'shelter_access', community_code, district_code, population,
           shelter_access, shelter_access * population
    FROM c
    UNION ALL
    SELECT 'drills', community_code, district_code, population,
           drills_trainings_12m_per_1000, drills_12m + trainings_12m
    FROM c
    UNION ALL
    SELECT 'participants', community_code, district_code, population,
           participants_12m_per_1000, participants_12m
    FROM c
    UNION ALL
    -- Funding exists per unit only: the units are the districts themselves.
    SELECT 'funding_prevention', f.district_code, f.district_code, d.population,
           10000.0 * f.prevention_wan / d.population, f.prevention_wan
    FROM stg_funding f JOIN dim_district d USING (district_code) JOIN fy USING (year)
    WHERE d.population > 0
    UNION ALL
    SELECT 'funding_response', f.district_code, f.district_code, d.population,
           10000.0 * f.response_wan / d.population, f.response_wan
    FROM stg_funding f JOIN dim_district d USING (district_code) JOIN fy USING (year)
    WHERE d.population > 0
)
SELECT r.indicator, i.level, r.place_code, r.district_code, r.population::INTEGER AS population,
       r.value::DOUBLE AS value, r.resource::DOUBLE AS resource
FROM rows r JOIN mart_imbalance_indicator i USING (indicator)
ORDER BY i.sort_key, r.place_code;

-- Each unit with its population share qᵢ, resource share sᵢ and its district's shares Q_g, S_g.
-- A temporary table: three marts below read it, the warehouse does not keep it.
CREATE TEMP TABLE imbalance_shares AS
WITH totals AS (
    SELECT indicator, sum(population)::DOUBLE AS total_population,
           sum(value * population) / sum(population) AS mu  -- μ = Σ qᵢ rᵢ
    FROM mart_imbalance_values GROUP BY ALL
),
units AS (
    SELECT v.*, t.mu, v.population / t.total_population AS q,
           v.population / t.total_population * v.value / t.mu AS s  -- sᵢ = qᵢ rᵢ / μ
    FROM mart_imbalance_values v JOIN totals t USING (indicator)
    WHERE t.mu > 0  -- with μ = 0 there are no shares and no inequality to measure
)
SELECT *,
       sum(q) OVER (PARTITION BY indicator, district_code) AS big_q,
       sum(s) OVER (PARTITION BY indicator, district_code) AS big_s
FROM units;

CREATE TABLE mart_imbalance_district AS
SELECT v.indicator, v.district_code, d.name_zh, d.name_en,
       count(*)::INTEGER AS units,
       sum(v.population)::BIGINT AS population,
       sum(v.resource) AS resource,
       sum(v.value * v.population) / sum(v.population) AS value,  -- R_g / P_g in the value's unit
       sum(v.value * v.population) / sum(v.population) / any_value(v.mu) AS value_to_mean,
       any_value(v.big_q) AS population_share,
       any_value(v.big_s) AS resource_share,
       -- this district's term of the between part: S_g ln(S_g / Q_g)
       CASE WHEN any_value(v.big_s) > 0
            THEN any_value(v.big_s) * ln(any_value(v.big_s) / any_value(v.big_q)) ELSE 0 END
           AS theil_between_term,
       -- its term of the within part, S_g T_g = Σ_{i∈g} sᵢ ln((sᵢ/qᵢ) / (S_g/Q_g))
       coalesce(sum(v.s * ln(v.value / v.mu / (v.big_s / v.big_q))) FILTER (WHERE v.s > 0), 0)
           AS theil_within_term,
       -- T_g, the Theil index inside the district
       coalesce(sum(v.s * ln(v.value / v.mu / (v.big_s / v.big_q))) FILTER (WHERE v.s > 0), 0)
           / nullif(any_value(v.big_s), 0) AS theil_inside
FROM imbalance_shares v
JOIN dim_district d USING (district_code)
GROUP BY v.indicator, v.district_code, d.name_zh, d.name_en
ORDER BY v.indicator, v.district_code;

-- Lorenz curves: units sorted by rᵢ (ties by code), cumulative population share against
-- cumulative resource share, starting at (0, 0). With at most 100 units every vertex is kept;
-- otherwise the first vertex reaching each whole percent of the population (≤ 101 points,
-- all exact vertices of the curve). Both shares end at exactly 1: each is divided by its own
-- last cumulative sum.
CREATE TABLE mart_imbalance_lorenz AS
WITH ranked AS (
    SELECT indicator, place_code, value,
           row_number() OVER w AS k,
           count(*) OVER (PARTITION BY indicator) AS n,
           sum(population) OVER w AS cum_population,
           sum(value * population) OVER w AS cum_resource
    FROM imbalance_shares
    WINDOW w AS (PARTITION BY indicator ORDER BY value, place_code
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
shares AS (
    SELECT indicator, k, n, place_code, value,
           cum_population / max(cum_population) OVER (PARTITION BY indicator) AS population_share,
           cum_resource / max(cum_resource) OVER (PARTITION BY indicator) AS resource_share
    FROM ranked
),
kept AS (
    SELECT * FROM shares
    QUALIFY n <= 100
         OR floor(100 * population_share)
            > floor(100 * coalesce(lag(population_share) OVER (PARTITION BY indicator ORDER BY k), 0))
)
SELECT indicator, 0 AS point, 0 AS units, NULL::VARCHAR AS place_code, NULL::DOUBLE AS value,
       0.0::DOUBLE AS population_share, 0.0::DOUBLE AS resource_share
FROM (SELECT DISTINCT indicator FROM shares)
UNION ALL
SELECT indicator, row_number() OVER (PARTITION BY indicator ORDER BY k)::INTEGER, k::INTEGER,
       place_code, value, population_share, resource_share
FROM kept
ORDER BY indicator, point;

-- The summary per indicator. Gini through sorted cumulative sums (safetynet.metrics.gini):
-- G = Σₖ (r₍ₖ₊₁₎ − r₍ₖ₎) · Cₖ · (1 − Cₖ) / μ, Cₖ the population share of the k lowest units.
CREATE TABLE mart_imbalance AS
WITH basics AS (
    SELECT indicator, count(*) AS units, sum(population) AS population,
           sum(value * population) / nullif(sum(population), 0) AS mean_value,
           min(value) AS min_value, max(value) AS max_value,
           count(*) FILTER (WHERE value = 0) AS units_at_zero,
           sum(resource) AS resource
    FROM mart_imbalance_values GROUP BY ALL
),
sorted AS (
    SELECT indicator, value, mu,
           lead(value) OVER w AS next_value,
           sum(population) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
               / sum(population) OVER (PARTITION BY indicator) AS c
    FROM imbalance_shares
    WINDOW w AS (PARTITION BY indicator ORDER BY value, place_code)
),
gini AS (
    SELECT indicator,
           coalesce(sum((next_value - value) * c * (1 - c)), 0) / any_value(mu) AS gini
    FROM sorted GROUP BY ALL
),
stats AS (
    SELECT indicator,
           coalesce(sum(s * ln(value / mu)) FILTER (WHERE s > 0), 0) AS theil,
           coalesce(sum(s * ln(value / mu / (big_s / big_q))) FILTER (WHERE s > 0), 0)
               AS theil_within,
           sqrt(sum(q * pow(value - mu, 2))) / any_value(mu) AS cv  -- Williamson when weighted
    FROM imbalance_shares GROUP BY ALL
),
split AS (
    SELECT indicator,
           coalesce(sum(theil_between_term), 0) AS theil_between
    FROM mart_imbalance_district GROUP BY ALL
),
lorenz AS (SELECT indicator, count(*) AS lorenz_points FROM mart_imbalance_lorenz GROUP BY ALL)
SELECT i.indicator, i.sort_key, i.level, i.name_zh, i.name_en, i.topic_zh, i.topic_en,
       i.value_unit, i.value_unit_zh, i.norm_value, i.resource_unit, i.period_start, i.period_end, i.as_of,
       b.units::INTEGER AS units, b.population::BIGINT AS population,
       b.mean_value, b.min_value, b.max_value, b.units_at_zero::INTEGER AS units_at_zero,
       b.resource,
       g.gini, s.theil,
       -- With districts as the units (funding) there is no "inside a district" to split off.
       CASE WHEN i.level = 'community' THEN bw.theil_between END AS theil_between,
       CASE WHEN i.level = 'community' THEN s.theil_within END AS theil_within,
       CASE WHEN i.level = 'community' AND s.theil > 0 THEN bw.theil_between / s.theil END
           AS between_share,
       s.cv,
       coalesce(l.lorenz_points, 0)::INTEGER AS lorenz_points
FROM mart_imbalance_indicator i
LEFT JOIN basics b USING (indicator)
LEFT JOIN gini g USING (indicator)
LEFT JOIN stats s USING (indicator)
LEFT JOIN split bw USING (indicator)
LEFT JOIN lorenz l USING (indicator)
ORDER BY i.sort_key;

DROP TABLE imbalance_shares;
